/**
 * Loads ../shared/fixtures/drand-quicknet.json (beside the repository root) at test time.
 * The fixture is never copied into the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hexToBytes } from "@noble/hashes/utils.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Absolute path of the drand quicknet fixture. */
export const QUICKNET_FIXTURE_PATH = path.resolve(repoRoot, "..", "shared", "fixtures", "drand-quicknet.json");

export interface RoundSignatureFixture {
  readonly round: number;
  readonly signature_hex: string;
  readonly randomness_hex: string;
  readonly identity_message_hex: string;
  readonly identity_point_g1_compressed_hex: string;
}

export interface QuicknetFixture {
  readonly drand_quicknet: {
    readonly chain_hash: string;
    readonly public_key_hex: string;
    readonly genesis_time: number;
    readonly period_seconds: number;
    readonly g1_dst: string;
  };
  readonly round_signatures: readonly RoundSignatureFixture[];
  readonly round_signature_negative_checks: readonly {
    readonly signature_of_round: number;
    readonly checked_against_round: number;
    readonly expected_valid: boolean;
  }[];
  readonly tle_known_answer: {
    readonly round: number;
    readonly plaintext_hex: string;
    readonly ciphertext_hex: string;
    readonly ciphertext_length: number;
    readonly decrypt_with_signature_of_round: number;
    readonly expected_decryption_hex: string;
    readonly expected_decryption_string_after_scale_decode: string;
    readonly must_fail_with_signature_of_round: number;
    readonly layout: readonly { readonly field: string; readonly offset: number; readonly length: number; readonly hex: string }[];
    readonly decryption_intermediates: {
      readonly gt_pairing_sig_U_ark_serialized_hex: string;
      readonly gt_ark_serialized_length: number;
      readonly h2_sha256_of_gt_hex: string;
      readonly sigma_hex: string;
      readonly esk_aes_key_hex: string;
      readonly sha256_sigma_esk_hex: string;
      readonly r_mod_q_hex: string;
    };
  };
  readonly tle_deterministic_vector: {
    readonly inputs: {
      readonly round: number;
      readonly plaintext_hex: string;
      readonly esk_hex: string;
      readonly sigma_hex: string;
      readonly nonce_hex: string;
    };
    readonly expected: {
      readonly sha256_sigma_esk_hex: string;
      readonly r_mod_q_hex: string;
      readonly U_g2_compressed_hex: string;
      readonly h2_sha256_of_ark_gt_hex: string;
      readonly V_hex: string;
      readonly W_hex: string;
      readonly aes_gcm_ciphertext_and_tag_hex: string;
      readonly ciphertext_hex: string;
      readonly ciphertext_length: number;
    };
    readonly same_inputs_round_2000_ciphertext_hex: string;
  };
}

let cached: QuicknetFixture | undefined;

/** Reads a JSON fixture; throws a clear error naming the path when it is missing. */
export function readFixture(fixturePath: string): unknown {
  if (!existsSync(fixturePath)) {
    throw new Error(
      `missing test fixture ${fixturePath}: the timelock tests read it from ../shared/fixtures beside the repository root (never copied into the repository)`,
    );
  }
  return JSON.parse(readFileSync(fixturePath, "utf8"));
}

/** The parsed drand quicknet fixture. */
export function loadQuicknetFixture(): QuicknetFixture {
  cached ??= readFixture(QUICKNET_FIXTURE_PATH) as QuicknetFixture;
  return cached;
}

/** The real quicknet signature of `round` (1000 or 2000) as bytes. */
export function signatureOf(round: number): Uint8Array {
  const entry = loadQuicknetFixture().round_signatures.find((s) => s.round === round);
  if (!entry) throw new Error(`the fixture has no signature for round ${round}`);
  return hexToBytes(entry.signature_hex);
}
