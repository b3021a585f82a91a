/**
 * Loads the shared fixtures (../shared/fixtures beside the repository root) at test time; they are
 * never copied into the repository. A missing file fails with its path.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadOfflineMetadata, type OfflineMetadata } from "../../src/chain/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Absolute path of a file in ../shared/fixtures. */
export function fixturePath(name: string): string {
  return path.resolve(repoRoot, "..", "shared", "fixtures", name);
}

function readFixture(name: string): Buffer {
  const file = fixturePath(name);
  if (!existsSync(file)) throw new Error(`fixture missing: ${file} (expected beside the repository root, see spec/chain.md §14)`);
  return readFileSync(file);
}

const METADATA_SHA256 = "66ee6af3ca885bb752f3e21ba1722e07d6aff7f242abd3e7abb8ac4f2774fb77";
let finney: OfflineMetadata | undefined;

/** The finney spec-424 metadata, sha256-checked, decorated once per test file. */
export function finneyMetadata(): OfflineMetadata {
  if (finney) return finney;
  const bytes = readFixture("finney-metadata-spec424.scale");
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== METADATA_SHA256) throw new Error(`${fixturePath("finney-metadata-spec424.scale")}: sha256 ${digest}, expected ${METADATA_SHA256}`);
  const meta = loadOfflineMetadata(new Uint8Array(bytes));
  if (meta.isErr()) throw new Error(meta.error.message);
  finney = meta.value;
  return finney;
}

/** The parts of drand-quicknet.json these tests use. */
export interface ChainFixture {
  readonly set_commitment_encodings: {
    readonly cases: readonly {
      readonly netuid: number;
      readonly fields: readonly { readonly variant: string; readonly encrypted_hex?: string; readonly data_hex?: string; readonly reveal_round?: number }[];
      readonly call_hex: string;
    }[];
  };
  readonly weights_encodings: {
    readonly set_weights: { netuid: number; dests: number[]; weights: number[]; version_key: number; call_hex: string };
    readonly set_mechanism_weights: { netuid: number; mecid: number; dests: number[]; weights: number[]; version_key: number; call_hex: string };
    readonly commit_timelocked_mechanism_weights: { netuid: number; mecid: number; commit_hex: string; reveal_round: number; commit_reveal_version: number; call_hex: string };
    readonly weights_tlock_payload: { hotkey_ss58: string; uids: number[]; values: number[]; version_key: number; scale_hex: string };
  };
  readonly storage: {
    readonly keys: Record<string, string>;
    readonly example_account: { readonly ss58: string; readonly public_key_hex: string };
    readonly revealed_commitments_value_example: { readonly storage_value_hex: string; readonly entries: readonly { payload_hex: string; block: number }[] };
  };
  readonly round_signatures: readonly { readonly round: number; readonly signature_hex: string; readonly pulse_storage_key_hex: string; readonly pulse_storage_value_hex: string }[];
  readonly tle_known_answer: { readonly ciphertext_hex: string; readonly round: number; readonly plaintext_hex: string };
}

/** ../shared/fixtures/drand-quicknet.json. */
export function chainFixture(): ChainFixture {
  return JSON.parse(readFixture("drand-quicknet.json").toString("utf8")) as ChainFixture;
}

/** Path of the raw spec-218 chain spec for chopsticks, checked to exist. */
export function raonetSpecPath(): string {
  const file = fixturePath("raonet-spec218.json");
  if (!existsSync(file)) throw new Error(`fixture missing: ${file} (expected beside the repository root, see spec/chain.md §14.2)`);
  return file;
}
