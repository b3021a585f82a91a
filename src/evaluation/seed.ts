/**
 * Run seeds (spec crusades.md §E.1, §E.2): the host picks the seed string; the reference container
 * derives the torch and data seeds from it. The derivations are here too, so a result records them
 * and a test pins them against Python's `hashlib`.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";

/** Inputs of {@link createRunSeed}. */
export interface CreateRunSeedParameters {
  /** The miner's UID (a validator), or any label without `:` (a miner's local evaluation uses `"local"`). */
  readonly uid: number | string;
  /** The run number, 1..N (`task_id`). */
  readonly runNo: number;
  /** Unix time in seconds. @default Math.floor(Date.now() / 1000) */
  readonly unixSeconds?: number;
  /** 16 random bytes. @default crypto.randomBytes(16) */
  readonly random?: Uint8Array;
}

/**
 * Builds the seed string `"{uid}:{run_no}:{unix_seconds}:{32 hex random}"` (§E.1; the reference
 * uses `secrets.token_hex(16)` for the random part).
 * @throws RangeError for a non-integer run number or time, a `:` in the uid, or a random part that is not 16 bytes
 * @example createRunSeed({ uid: 7, runNo: 1 }) // "7:1:1732240000:3f9c…"
 */
export function createRunSeed(p: CreateRunSeedParameters): string {
  const unixSeconds = p.unixSeconds ?? Math.floor(Date.now() / 1000);
  const random = p.random ?? randomBytes(16);
  const uid = String(p.uid);
  if (uid === "" || uid.includes(":")) throw new RangeError(`uid must be non-empty and contain no ':', got '${uid}'`);
  if (!Number.isSafeInteger(p.runNo) || p.runNo < 1) throw new RangeError(`runNo must be an integer >= 1, got ${p.runNo}`);
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0) throw new RangeError(`unixSeconds must be an integer >= 0, got ${unixSeconds}`);
  if (random.length !== 16) throw new RangeError(`random must be 16 bytes, got ${random.length}`);
  return `${uid}:${p.runNo}:${unixSeconds}:${Buffer.from(random).toString("hex")}`;
}

function digestHex(seed: string): string {
  return createHash("sha256").update(seed, "utf8").digest("hex");
}

/**
 * The torch seed of §E.2: `int(sha256(seed).hexdigest(), 16) mod 2^32`, the **low** 32 bits of the
 * digest read as a big-endian integer.
 * @example torchSeed("7:1:1732240000:00000000000000000000000000000000")
 */
export function torchSeed(seed: string): number {
  return Number(BigInt(`0x${digestHex(seed)}`) % 2n ** 32n);
}

/**
 * The data seed of §E.2: `int(sha256(seed).hexdigest()[:8], 16)`, the **high** 32 bits; it seeds
 * Python's `random.Random` for the data permutation.
 */
export function dataSeed(seed: string): number {
  return Number.parseInt(digestHex(seed).slice(0, 8), 16);
}
