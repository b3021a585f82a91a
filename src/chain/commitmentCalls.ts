/**
 * `Commitments.set_commitment` as a {@link ChainCall}, with the chain's size bounds checked first
 * (chain.md §3.1–§3.3).
 * @module
 */
import { err, Result } from "neverthrow";
import { checkU16, checkU64, hexOf } from "./args.js";
import {
  checkPayloadSize,
  MAX_BIG_RAW_FIELD_BYTES,
  MAX_RAW_FIELD_BYTES,
  MAX_TIMELOCK_CIPHERTEXT_BYTES,
  type CommitmentFieldSize,
} from "./budget.js";
import type { ChainCall } from "./calls.js";
import { chainArgument, type ChainArgumentError, type PayloadTooLargeError } from "./errors.js";

/** `Commitments.MaxFields` of spec 424 (1 on spec 218); read the live constant where it matters. */
export const DEFAULT_MAX_COMMITMENT_FIELDS = 3;

/**
 * One field of a commitment: a timelocked ciphertext (`TimelockEncrypted`), plain bytes up to 128
 * (`RawN`, what the Python SDK's plain `set_commitment` sends) or up to 512 (`BigRaw`, spec 424).
 */
export type CommitmentField =
  | { readonly kind: "timelock"; readonly ciphertext: Uint8Array; readonly revealRound: number | bigint }
  | { readonly kind: "raw"; readonly data: Uint8Array }
  | { readonly kind: "bigRaw"; readonly data: Uint8Array };

/** Options of {@link setCommitmentCall}. */
export interface SetCommitmentCallOptions {
  /**
   * The runtime's `Commitments.MaxFields`.
   * @default 3
   */
  readonly maxFields?: number;
}

/** The space-budget sizes of `fields` (see {@link commitmentCost}). */
export function commitmentFieldSizes(fields: readonly CommitmentField[]): CommitmentFieldSize[] {
  return fields.map((f) => ({ kind: f.kind, sizeBytes: f.kind === "timelock" ? f.ciphertext.length : f.data.length }));
}

function fieldArg(field: CommitmentField, index: number): Result<unknown, ChainArgumentError | PayloadTooLargeError> {
  const label = `fields[${index}]`;
  switch (field.kind) {
    case "timelock": {
      if (!(field.ciphertext instanceof Uint8Array) || field.ciphertext.length === 0) {
        return err(chainArgument(`${label}.ciphertext`, field.ciphertext, "non-empty bytes"));
      }
      return checkPayloadSize("timelock-ciphertext", field.ciphertext.length, MAX_TIMELOCK_CIPHERTEXT_BYTES).andThen(() =>
        checkU64(field.revealRound, `${label}.revealRound`).map((round) => ({
          // Hex, never a Uint8Array: polkadot-js would read its first byte as a length (chain.md §13.1).
          TimelockEncrypted: { encrypted: hexOf(field.ciphertext), reveal_round: round },
        })),
      );
    }
    case "raw":
      if (!(field.data instanceof Uint8Array)) return err(chainArgument(`${label}.data`, field.data, "bytes"));
      return checkPayloadSize("raw-field", field.data.length, MAX_RAW_FIELD_BYTES).map((n) => ({ [`Raw${n}`]: hexOf(field.data) }));
    case "bigRaw":
      if (!(field.data instanceof Uint8Array)) return err(chainArgument(`${label}.data`, field.data, "bytes"));
      return checkPayloadSize("big-raw-field", field.data.length, MAX_BIG_RAW_FIELD_BYTES).map(() => ({ BigRaw: hexOf(field.data) }));
    default:
      return err(chainArgument(`${label}.kind`, (field as { kind: unknown }).kind, '"timelock", "raw" or "bigRaw"'));
  }
}

/**
 * `Commitments.set_commitment(netuid, { fields })`, signed by the hotkey. Nothing is encoded yet:
 * pass the result to {@link encodeCall} (offline) or to the client (live).
 *
 * @param netuid - Subnet id (u16).
 * @param fields - One to `maxFields` fields.
 * @returns The call, `ChainArgument` (bad netuid, no field, too many fields, bad round) or
 *   `PayloadTooLarge` (ciphertext > 1024 bytes, raw data > 128, big raw > 512).
 *
 * @example
 * ```ts
 * import { encodeCall, setCommitmentCall } from "crusades/chain";
 * setCommitmentCall(3, [{ kind: "timelock", ciphertext, revealRound: 1234567n }])
 *   .andThen((call) => encodeCall(meta, call)); // Ok("0x1200030004860d…")
 * ```
 */
export function setCommitmentCall(
  netuid: number,
  fields: readonly CommitmentField[],
  options: SetCommitmentCallOptions = {},
): Result<ChainCall, ChainArgumentError | PayloadTooLargeError> {
  const { maxFields = DEFAULT_MAX_COMMITMENT_FIELDS } = options;
  if (!Array.isArray(fields) || fields.length === 0 || fields.length > maxFields) {
    return err(chainArgument("fields", Array.isArray(fields) ? `${fields.length} fields` : fields, `1 to ${maxFields} fields`));
  }
  return checkU16(netuid, "netuid").andThen((n) =>
    Result.combine(fields.map((f, i) => fieldArg(f, i))).map(
      (args): ChainCall => ({ pallet: "commitments", call: "setCommitment", args: [n, { fields: args }] }),
    ),
  );
}
