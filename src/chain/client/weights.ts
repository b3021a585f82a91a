/**
 * Setting weights on a live chain: direct when commit-reveal is off, a timelocked commit when it is
 * on, with every check of chain.md §8 run before sending.
 * @module
 */
import type { KeyringPair } from "@polkadot/keyring/types";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { timelockEncrypt, type TimelockEncryptError } from "../../timelock/index.js";
import { checkU64 } from "../args.js";
import type { ChainCall } from "../calls.js";
import type { ChainEncodingError } from "../errors.js";
import { weightsToU16 } from "../weights.js";
import {
  commitTimelockedMechanismWeightsCall,
  encodeWeightsTlockPayload,
  setMechanismWeightsCall,
  setWeightsCall,
} from "../weightsCalls.js";
import { precheckWeights, precheckWeightsRevealRound, weightsRevealRound } from "../weightsPrecheck.js";
import { call, hasStorage, read, readLastStoredRound, type ClientContext } from "./context.js";
import type { ChainClientError, HotkeyNotRegisteredError, WeightsPrecheckError } from "./errors.js";
import { readMetagraph, type Metagraph } from "./metagraph.js";
import { submitCall, type SubmitOptions, type TransactionOutcome } from "./submit.js";

/** Errors of {@link setWeights}. */
export type SetWeightsError = ChainEncodingError | ChainClientError | TimelockEncryptError;

/** Inputs of {@link setWeights}. */
export interface SetWeightsParameters extends SubmitOptions {
  readonly netuid: number;
  readonly uids: readonly number[];
  /** Float weights, converted with {@link weightsToU16} exactly as the Python SDK. */
  readonly weights: readonly number[];
  /** The hotkey (a validator). */
  readonly signer: KeyringPair;
  /** The project's version key; must be at least the chain's `WeightsVersionKey` (chain.md §8.3). */
  readonly versionKey: number | bigint;
  /** Clock injection for the reveal round; Unix seconds. */
  readonly nowSeconds?: number;
  /** @default 12 */
  readonly blockTimeSeconds?: number;
}

/** What was sent. */
export interface WeightsReceipt {
  readonly outcome: TransactionOutcome;
  readonly mode: "direct" | "commit-reveal";
  readonly uids: readonly number[];
  readonly values: readonly number[];
  /** For commit-reveal: the drand round of the reveal. */
  readonly revealRound: bigint | null;
}

function hasCall(ctx: ClientContext, pallet: string, method: string): boolean {
  return typeof (ctx.api.tx as unknown as Record<string, Record<string, unknown> | undefined>)[pallet]?.[method] === "function";
}

/** `get_next_epoch_start_block` through the runtime API when present; else `LastEpochBlock + Tempo` or the old grid. */
function nextEpochStart(ctx: ClientContext, netuid: number, block: number, tempo: number): ResultAsync<number, SetWeightsError> {
  const runtime = (ctx.api.call as unknown as Record<string, Record<string, ((n: number) => Promise<{ toJSON(): unknown }>) | undefined> | undefined>)[
    "subnetInfoRuntimeApi"
  ]?.["getNextEpochStartBlock"];
  if (runtime) {
    return call(ctx, "SubnetInfoRuntimeApi.get_next_epoch_start_block", () => runtime(netuid)).andThen((v) => {
      const n = v.toJSON();
      if (n === null) return errAsync({ type: "WeightsPrecheck", message: "tempo is 0: the subnet runs no epochs, commits would never reveal", check: "InvalidRevealRound" } as WeightsPrecheckError);
      return okAsync(Number(n));
    });
  }
  if (hasStorage(ctx, "subtensorModule", "lastEpochBlock")) {
    return read(ctx, "subtensorModule", "lastEpochBlock", [netuid]).map((v) => Number(v.toString()) + tempo);
  }
  // The pre-424 grid: an epoch runs when (block + netuid + 1) % (tempo + 1) == 0.
  const period = tempo + 1;
  return okAsync(Math.ceil((block + netuid + 1) / period) * period - netuid - 1);
}

function commitCall(
  ctx: ClientContext,
  metagraph: Metagraph,
  signer: KeyringPair,
  u16: { uids: readonly number[]; values: readonly number[] },
  versionKey: bigint,
  nowSeconds: number,
  blockTimeSeconds: number,
): ResultAsync<{ call: ChainCall; round: bigint }, SetWeightsError> {
  const { netuid, weights } = metagraph;
  const payload = encodeWeightsTlockPayload({ hotkey: signer.address, uids: u16.uids, values: u16.values, versionKey });
  if (payload.isErr()) return errAsync(payload.error);
  return nextEpochStart(ctx, netuid, metagraph.blockNumber, weights.tempo)
    .map((next) =>
      weightsRevealRound({
        currentBlock: metagraph.blockNumber,
        nextEpochStartBlock: next,
        tempo: weights.tempo,
        revealPeriodEpochs: weights.revealPeriodEpochs,
        nowSeconds,
        blockTimeSeconds,
      }),
    )
    .andThen((round) => readLastStoredRound(ctx).andThen((last) => precheckWeightsRevealRound(round, last)))
    .andThen((round) =>
      timelockEncrypt(payload.value, round)
        .asyncAndThen((commit) =>
          commitTimelockedMechanismWeightsCall({ netuid, commit, revealRound: round, commitRevealVersion: weights.commitRevealVersion }).asyncMap(
            async (c) => ({ call: c, round }),
          ),
        ),
    );
}

/**
 * Converts weights to u16, reads the metagraph and the weight parameters, runs every check the
 * chain would run (registration, version key, rate limit, permit, uids, minimum length, max
 * weight), then sends `set_mechanism_weights` (commit-reveal off) or
 * `commit_timelocked_mechanism_weights` with the `WeightsTlockPayload` and the chain's
 * `CommitRevealWeightsVersion` (commit-reveal on).
 */
export function setWeights(ctx: ClientContext, params: SetWeightsParameters): ResultAsync<WeightsReceipt, SetWeightsError> {
  const { netuid, uids, weights, signer, versionKey, nowSeconds = Date.now() / 1000, blockTimeSeconds = 12, ...options } = params;
  const prepared = weightsToU16(uids, weights).andThen((u16) => checkU64(versionKey, "versionKey").map((key) => ({ u16, key })));
  if (prepared.isErr()) return errAsync(prepared.error);
  const { u16, key } = prepared.value;
  return readMetagraph(ctx, netuid).andThen((metagraph) => {
    const uid = metagraph.uidOfHotkey.get(signer.address);
    if (uid === undefined) {
      return errAsync({ type: "HotkeyNotRegistered", message: `hotkey ${signer.address} is not registered on subnet ${netuid}`, netuid, hotkey: signer.address } as HotkeyNotRegisteredError);
    }
    const owner = hasStorage(ctx, "subtensorModule", "subnetOwnerHotkey")
      ? read(ctx, "subtensorModule", "subnetOwnerHotkey", [netuid]).map((v) => v.toString())
      : okAsync("");
    return owner.andThen((ownerHotkey) => {
      const w = metagraph.weights;
      const checked = precheckWeights(
        {
          uid,
          n: metagraph.n,
          currentBlock: metagraph.blockNumber,
          lastUpdate: metagraph.lastUpdate[uid] ?? 0,
          validatorPermit: metagraph.validatorPermit[uid] === true,
          isOwner: ownerHotkey === signer.address,
          rateLimitBlocks: w.rateLimitBlocks,
          minAllowedWeights: w.minAllowedWeights,
          maxWeightsLimit: w.maxWeightsLimit,
          requiredVersionKey: w.versionKey,
        },
        { uids: u16.uids, values: u16.values, versionKey: key },
      );
      if (checked.isErr()) return errAsync(checked.error);
      const built: ResultAsync<{ call: ChainCall; round: bigint | null }, SetWeightsError> = w.commitRevealEnabled
        ? commitCall(ctx, metagraph, signer, u16, key, nowSeconds, blockTimeSeconds)
        : (hasCall(ctx, "subtensorModule", "setMechanismWeights")
            ? setMechanismWeightsCall({ netuid, uids: u16.uids, values: u16.values, versionKey: key })
            : setWeightsCall({ netuid, uids: u16.uids, values: u16.values, versionKey: key })
          ).asyncMap(async (c) => ({ call: c, round: null }));
      return built.andThen(({ call: c, round }) =>
        submitCall(ctx, c, signer, options).map((outcome) => ({
          outcome,
          mode: w.commitRevealEnabled ? ("commit-reveal" as const) : ("direct" as const),
          uids: u16.uids,
          values: u16.values,
          revealRound: round,
        })),
      );
    });
  });
}

/** The weights `hotkey`'s uid has set on `netuid` (`Weights(netuid, uid)`), as `[uid, value]` pairs. */
export function readWeights(ctx: ClientContext, netuid: number, uid: number): ResultAsync<readonly (readonly [number, number])[], SetWeightsError> {
  return read(ctx, "subtensorModule", "weights", [netuid, uid]).map((v) => (v.toJSON() as [number, number][]).map(([u, w]) => [u, w] as const));
}
