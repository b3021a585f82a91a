/**
 * Who may call a miner (compute.md §4.5): deny-lists first, then the allow-list, then `allowOnly`,
 * then registration, validator permit and stake. The reference accepted every caller *not* on its
 * whitelist (§8 item 1); here the allow-list only adds trust after the signature was verified, and
 * an unregistered, unlisted caller is rejected. There are no hard-coded identities.
 * @module
 */
import { ResultAsync, errAsync, okAsync } from "neverthrow";

/** What the chain says about a caller (from the metagraph, injected by the caller of the SDK). */
export interface ValidatorStanding {
  readonly registered: boolean;
  readonly validatorPermit: boolean;
  readonly stakeTao: number;
  /** The hotkey's coldkey, when known (for `denyColdkeys`/`allowColdkeys`). */
  readonly coldkey?: string;
}

/** The miner's caller policy (`compute.miner.*`). */
export interface CallerPolicy {
  readonly denyHotkeys?: readonly string[];
  readonly denyColdkeys?: readonly string[];
  readonly allowHotkeys?: readonly string[];
  /** Coldkeys whose hotkeys are accepted like allow-listed hotkeys. */
  readonly allowColdkeys?: readonly string[];
  /** Accept only allow-listed callers. @default false */
  readonly allowOnly?: boolean;
  /** Least stake of a permitted validator, in TAO. @default 10000 */
  readonly minStakeTao?: number;
  /** Looks a hotkey up on the netuid; without it, only allow-listed callers are accepted. */
  readonly lookup?: (hotkey: string) => Promise<ValidatorStanding | null>;
}

/** Default `compute.miner.minStakeTao`. */
export const DEFAULT_MIN_STAKE_TAO = 10_000;

/** The caller was refused, with the step of §4.5 that refused it. */
export interface CallerRejectedError {
  readonly type: "caller_rejected";
  readonly reason: "deny_hotkey" | "deny_coldkey" | "not_allowed" | "not_registered" | "no_permit" | "low_stake" | "lookup_failed";
  readonly message: string;
  readonly hotkey: string;
}

/** Why the caller was accepted. */
export type CallerAcceptance = "allow_list" | "validator";

function reject(hotkey: string, reason: CallerRejectedError["reason"], message: string): CallerRejectedError {
  return { type: "caller_rejected", reason, message, hotkey };
}

/**
 * Applies steps 2-6 of §4.5 to a caller whose signature, timestamp and nonce already verified
 * (step 1). Coldkey lists need `lookup` to know the coldkey.
 */
export function checkCaller(hotkey: string, policy: CallerPolicy): ResultAsync<CallerAcceptance, CallerRejectedError> {
  const { denyHotkeys = [], denyColdkeys = [], allowHotkeys = [], allowColdkeys = [], allowOnly = false, minStakeTao = DEFAULT_MIN_STAKE_TAO, lookup } = policy;
  if (denyHotkeys.includes(hotkey)) return errAsync(reject(hotkey, "deny_hotkey", "the caller's hotkey is on the deny-list"));
  const needsStanding = denyColdkeys.length > 0 || allowColdkeys.length > 0 || !allowHotkeys.includes(hotkey);
  const standing: ResultAsync<ValidatorStanding | null, CallerRejectedError> =
    needsStanding && lookup
      ? ResultAsync.fromPromise(lookup(hotkey), () => reject(hotkey, "lookup_failed", "the metagraph lookup failed"))
      : okAsync(null);
  return standing.andThen((s) => {
    const coldkey = s?.coldkey;
    if (coldkey !== undefined && denyColdkeys.includes(coldkey)) return errAsync(reject(hotkey, "deny_coldkey", "the caller's coldkey is on the deny-list"));
    if (denyColdkeys.length > 0 && coldkey === undefined && s !== null && !allowHotkeys.includes(hotkey)) {
      // A coldkey deny-list cannot be honoured without the coldkey: fail closed.
      return errAsync(reject(hotkey, "lookup_failed", "the caller's coldkey is unknown and a coldkey deny-list is set"));
    }
    if (allowHotkeys.includes(hotkey) || (coldkey !== undefined && allowColdkeys.includes(coldkey))) return okAsync<CallerAcceptance, CallerRejectedError>("allow_list");
    if (allowOnly) return errAsync(reject(hotkey, "not_allowed", "only allow-listed callers are accepted"));
    if (!lookup) return errAsync(reject(hotkey, "not_registered", "the caller is not allow-listed and no metagraph lookup is configured"));
    if (s === null || !s.registered) return errAsync(reject(hotkey, "not_registered", "the caller is not registered on the netuid"));
    if (!s.validatorPermit) return errAsync(reject(hotkey, "no_permit", "the caller has no validator permit"));
    if (!(s.stakeTao >= minStakeTao)) return errAsync(reject(hotkey, "low_stake", `the caller's stake ${s.stakeTao} TAO is below ${minStakeTao} TAO`));
    return okAsync<CallerAcceptance, CallerRejectedError>("validator");
  });
}

/** Validator side (§4.5): a miner whose hotkey or coldkey is denied scores 0 and is not challenged. */
export function isMinerDenied(miner: { readonly hotkey: string; readonly coldkey?: string }, lists: { readonly denyHotkeys?: readonly string[]; readonly denyColdkeys?: readonly string[] }): boolean {
  return (lists.denyHotkeys ?? []).includes(miner.hotkey) || (miner.coldkey !== undefined && (lists.denyColdkeys ?? []).includes(miner.coldkey));
}
