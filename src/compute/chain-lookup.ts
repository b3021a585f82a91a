/**
 * The caller filter's metagraph lookup (compute.md §4.5 steps 5-6) from a Subtensor client:
 * registration and validator permit from the metagraph, stake as the TAO value of the hotkey's
 * alpha on the netuid, the coldkey from `Owner` (for the coldkey lists). The metagraph and each
 * caller's standing are cached briefly: they change once a tempo, requests come every second.
 * @module
 */
import type { SubtensorClient } from "../chain/index.js";
import type { ValidatorStanding } from "./access.js";

/** Options of {@link createChainCallerLookup}. */
export interface ChainCallerLookupOptions {
  /** How long a metagraph and a standing are reused. @default 60000 */
  readonly cacheMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const RAO_PER_TAO = 1e9;

/**
 * A `CallerPolicy.lookup` over the chain. It rejects (and the caller is refused with
 * `lookup_failed`) when the chain cannot be read: a miner never admits a caller it could not check.
 * @example createComputeAgent({ signer, launcher, policy: { lookup: createChainCallerLookup(client, 27) } })
 */
export function createChainCallerLookup(
  client: Pick<SubtensorClient, "readMetagraph" | "readOwner" | "readHotkeyStakeTaoRao">,
  netuid: number,
  options: ChainCallerLookupOptions = {},
): (hotkey: string) => Promise<ValidatorStanding> {
  const { cacheMs = 60_000, now = Date.now } = options;
  let metagraph: { value: Awaited<ReturnType<typeof readMetagraph>>; atMs: number } | null = null;
  const standings = new Map<string, { value: ValidatorStanding; atMs: number }>();

  async function readMetagraph() {
    const m = await client.readMetagraph(netuid);
    if (m.isErr()) throw new Error(`metagraph of netuid ${netuid}: ${m.error.message}`);
    return m.value;
  }

  return async (hotkey) => {
    const t = now();
    const known = standings.get(hotkey);
    if (known !== undefined && t - known.atMs < cacheMs) return known.value;
    if (metagraph === null || t - metagraph.atMs >= cacheMs) metagraph = { value: await readMetagraph(), atMs: t };
    const uid = metagraph.value.uidOfHotkey.get(hotkey);
    const [owner, stake] = await Promise.all([client.readOwner(hotkey), client.readHotkeyStakeTaoRao(hotkey, netuid)]);
    if (owner.isErr()) throw new Error(`owner of ${hotkey}: ${owner.error.message}`);
    if (stake.isErr()) throw new Error(`stake of ${hotkey}: ${stake.error.message}`);
    const value: ValidatorStanding = {
      registered: uid !== undefined,
      validatorPermit: uid !== undefined && metagraph.value.validatorPermit[uid] === true,
      stakeTao: Number(stake.value) / RAO_PER_TAO,
      ...(owner.value === null ? {} : { coldkey: owner.value }),
    };
    standings.set(hotkey, { value, atMs: t });
    return value;
  };
}
