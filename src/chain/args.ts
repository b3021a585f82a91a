/**
 * Argument guards shared by the call builders and the client: integers in range, SS58 addresses.
 * @module
 */
import { isHex, u8aToHex } from "@polkadot/util";
import { decodeAddress, encodeAddress } from "@polkadot/util-crypto";
import { err, ok, type Result } from "neverthrow";
import { chainArgument, describe, type ChainArgumentError, type InvalidAddressError } from "./errors.js";

/** The SS58 prefix of Bittensor addresses (chain.md §10). */
export const SS58_PREFIX = 42;

const U64_MAX = (1n << 64n) - 1n;

/** `value` as an integer in `0 ..= max`, or a {@link ChainArgumentError} naming `label`. */
export function checkUint(value: unknown, label: string, max: number): Result<number, ChainArgumentError> {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    return err(chainArgument(label, value, `an integer in 0..=${max}`));
  }
  return ok(value);
}

/** A u16 (netuid, uid, weight value, commit-reveal version). */
export function checkU16(value: unknown, label: string): Result<number, ChainArgumentError> {
  return checkUint(value, label, 0xffff);
}

/** A u64 given as a number (safe integer) or a bigint; returned as a bigint. */
export function checkU64(value: unknown, label: string): Result<bigint, ChainArgumentError> {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return ok(BigInt(value));
  if (typeof value === "bigint" && value >= 0n && value <= U64_MAX) return ok(value);
  return err(chainArgument(label, value, "an integer in 0..=2^64-1"));
}

/**
 * The 32-byte account id of an SS58 address (any prefix) or a `0x` public key; an
 * {@link InvalidAddressError} for anything else.
 */
export function accountIdOf(address: unknown): Result<Uint8Array, InvalidAddressError> {
  if (address instanceof Uint8Array && address.length === 32) return ok(address);
  if (typeof address !== "string") {
    return err({ type: "InvalidAddress", message: `not an SS58 address: ${describe(address)}`, address: describe(address) });
  }
  try {
    if (isHex(address) && address.length !== 66) throw new Error("a hex public key must be 32 bytes");
    const id = decodeAddress(address);
    if (id.length !== 32) throw new Error("not a 32-byte account");
    return ok(id);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : "invalid";
    return err({ type: "InvalidAddress", message: `not an SS58 address: ${describe(address)} (${reason})`, address });
  }
}

/** The SS58 form (prefix 42) of an address or public key; rendered explicitly, never through a registry default. */
export function toSs58(address: string | Uint8Array): Result<string, InvalidAddressError> {
  return accountIdOf(address).map((id) => encodeAddress(id, SS58_PREFIX));
}

/** `0x` hex of bytes, the only safe way to hand bytes to a polkadot-js `Bytes` field (chain.md §13.1). */
export function hexOf(bytes: Uint8Array): `0x${string}` {
  return u8aToHex(bytes);
}
