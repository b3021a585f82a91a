/**
 * The metagraph through `SubnetInfoRuntimeApi` (chain.md §9.2), planned and decoded with the
 * connected runtime's own metadata: which call it declares, the selective indexes as positions of
 * the fields in its `SelectiveMetagraph` type, and its answer decoded with its declared output type.
 * @module
 */
import type { Codec, Registry } from "@polkadot/types/types";
import { stringCamelCase, u8aConcat, u8aEq } from "@polkadot/util";
import { encodeAddress } from "@polkadot/util-crypto";
import { err, ok, type Result } from "neverthrow";
import { SS58_PREFIX } from "../args.js";
import type { CodecError } from "../errors.js";

/** The `Metagraph`/`SelectiveMetagraph` fields `readMetagraph` needs, by their Rust names. */
export const RUNTIME_METAGRAPH_FIELDS = [
  "tempo",
  "min_allowed_weights",
  "max_weights_limit",
  "weights_version",
  "weights_rate_limit",
  "num_uids",
  "commit_reveal_weights_enabled",
  "commit_reveal_period",
  "hotkeys",
  "validator_permit",
  "last_update",
] as const;

/** How to read the metagraph through the runtime API of one runtime. */
export interface RuntimeMetagraphPlan {
  /** `state_call` method, e.g. `SubnetInfoRuntimeApi_get_selective_metagraph`. */
  readonly method: string;
  /** Selective indexes asked for; `null` for `get_metagraph` (the whole metagraph). */
  readonly indexes: readonly number[] | null;
  /** Lookup types of the inputs, in order. */
  readonly inputTypes: readonly string[];
  /** Lookup type of the answer (`Option<SelectiveMetagraph>` or `Option<Metagraph>`). */
  readonly outputType: string;
}

/** The runtime API's metagraph fields, already mapped to the SDK's conventions. */
export interface RuntimeMetagraphFields {
  readonly n: number;
  /** SS58 (prefix 42); `""` where the runtime answers the zero account (`Keys` default, no uid). */
  readonly hotkeys: readonly string[];
  readonly validatorPermit: readonly boolean[];
  readonly lastUpdate: readonly number[];
  readonly tempo: number;
  readonly minAllowedWeights: number;
  readonly maxWeightsLimit: number;
  readonly versionKey: bigint;
  readonly rateLimitBlocks: number;
  readonly commitRevealEnabled: boolean;
  readonly revealPeriodEpochs: number;
}

interface SiField {
  readonly name: { toString(): string; isSome?: boolean; unwrap?(): { toString(): string } };
}
interface ApiMethod {
  readonly name: { toString(): string };
  readonly inputs: readonly { readonly type: { toNumber(): number } }[];
  readonly output: { toNumber(): number };
}
interface ApiMeta {
  readonly name: { toString(): string };
  readonly methods: readonly ApiMethod[];
}

const API = "SubnetInfoRuntimeApi";

/** The struct fields (Rust names, in order) inside the `Option<…>` of lookup type `id`, or `null`. */
function optionStructFields(registry: Registry, id: number): string[] | null {
  const option = registry.lookup.getSiType(id);
  if (!option.def.isVariant || option.path.map(String).join("::") !== "Option") return null;
  const inner = option.def.asVariant.variants.find((v) => v.name.toString() === "Some")?.fields[0];
  if (inner === undefined) return null;
  const struct = registry.lookup.getSiType(inner.type);
  if (!struct.def.isComposite) return null;
  return struct.def.asComposite.fields.map((f: SiField) => (f.name.isSome && f.name.unwrap ? f.name.unwrap().toString() : ""));
}

/**
 * Plans the metagraph read on a runtime from its metadata: `get_selective_metagraph` when declared
 * with every needed field (indexes = those fields' positions in the runtime's `SelectiveMetagraph`),
 * else `get_metagraph`, else `null` (metadata before v15, or spec 218's untyped `Bytes` APIs).
 *
 * @param registry - The runtime's registry (`api.at(hash).registry`, or an offline one).
 * @returns The plan, or `null` when the runtime has no typed metagraph call.
 */
export function planRuntimeMetagraph(registry: Registry): RuntimeMetagraphPlan | null {
  const apis = (registry.metadata as unknown as { apis?: readonly ApiMeta[] }).apis ?? [];
  const subnetInfo = apis.find((a) => a.name.toString() === API);
  if (subnetInfo === undefined) return null;
  const method = (name: string) => subnetInfo.methods.find((m) => m.name.toString() === name);
  const lookup = (m: ApiMethod) => ({
    inputTypes: m.inputs.map((i) => registry.createLookupType(i.type.toNumber())),
    outputType: registry.createLookupType(m.output.toNumber()),
  });

  const selective = method("get_selective_metagraph");
  const selectiveFields = selective && selective.inputs.length === 2 ? optionStructFields(registry, selective.output.toNumber()) : null;
  if (selective && selectiveFields && RUNTIME_METAGRAPH_FIELDS.every((f) => selectiveFields.includes(f))) {
    // The runtime's SelectiveMetagraphIndex follows the struct's field order (pallets/subtensor
    // rpc_info/metagraph.rs, `from_index`), so positions read from its own type are its indexes.
    return { method: `${API}_get_selective_metagraph`, indexes: RUNTIME_METAGRAPH_FIELDS.map((f) => selectiveFields.indexOf(f)), ...lookup(selective) };
  }
  const full = method("get_metagraph");
  const fullFields = full && full.inputs.length === 1 ? optionStructFields(registry, full.output.toNumber()) : null;
  if (full && fullFields && RUNTIME_METAGRAPH_FIELDS.every((f) => fullFields.includes(f))) {
    return { method: `${API}_get_metagraph`, indexes: null, ...lookup(full) };
  }
  return null;
}

/** The `state_call` argument bytes of `plan` for `netuid`, encoded with the runtime's input types. */
export function encodeRuntimeMetagraphArgs(registry: Registry, plan: RuntimeMetagraphPlan, netuid: number): Uint8Array {
  const values: unknown[] = plan.indexes === null ? [netuid] : [netuid, plan.indexes];
  return u8aConcat(...values.map((v, i) => registry.createTypeUnsafe(plan.inputTypes[i]!, [v]).toU8a()));
}

const ZERO_ACCOUNT = new Uint8Array(32);

/** `Option` fields of `SelectiveMetagraph` unwrapped; plain fields of `Metagraph` as they are. */
function fieldOf(struct: Codec, name: string): Codec | null {
  const value = (struct as unknown as { get(key: string): Codec | undefined }).get(stringCamelCase(name));
  if (value === undefined) return null;
  const option = value as unknown as { isNone?: boolean; unwrap?(): Codec };
  if (typeof option.isNone === "boolean" && typeof option.unwrap === "function") return option.isNone ? null : option.unwrap();
  return value;
}

/**
 * Decodes a `state_call` answer of `plan` with the runtime's declared output type.
 *
 * @param registry - The registry of the runtime that answered.
 * @param plan - The plan the call was made with.
 * @param bytes - The raw answer.
 * @returns The fields, `null` when the runtime answered `None` (no such subnet), or `Codec` when the
 *   bytes are not exactly one value of the declared type or a needed field is absent.
 */
export function decodeRuntimeMetagraph(registry: Registry, plan: RuntimeMetagraphPlan, bytes: Uint8Array): Result<RuntimeMetagraphFields | null, CodecError> {
  const fail = (message: string, cause?: unknown): Result<never, CodecError> => err({ type: "Codec", message, cause });
  let decoded: Codec;
  try {
    decoded = registry.createTypeUnsafe(plan.outputType, [bytes]);
  } catch (cause) {
    return fail(`${plan.method}: the answer does not decode as ${plan.outputType}`, cause);
  }
  // polkadot-js pads short input with zeros; only an exact re-encoding is the runtime's answer.
  if (!u8aEq(decoded.toU8a(), bytes)) return fail(`${plan.method}: ${bytes.length} bytes are not one ${plan.outputType}`);
  const option = decoded as unknown as { isNone: boolean; unwrap(): Codec };
  if (option.isNone) return ok(null);
  const struct = option.unwrap();
  const fields = new Map<string, Codec>();
  for (const name of RUNTIME_METAGRAPH_FIELDS) {
    const value = fieldOf(struct, name);
    if (value === null) return fail(`${plan.method}: the answer has no ${name}`);
    fields.set(name, value);
  }
  const get = (name: (typeof RUNTIME_METAGRAPH_FIELDS)[number]) => fields.get(name)!;
  const int = (c: Codec) => BigInt(c.toString());
  const list = (name: (typeof RUNTIME_METAGRAPH_FIELDS)[number]) => (get(name) as unknown as { toArray(): Codec[] }).toArray();
  const bool = (c: Codec) => (c as unknown as { isTrue: boolean }).isTrue;
  return ok({
    n: Number(int(get("num_uids"))),
    hotkeys: list("hotkeys").map((k) => {
      const id = k.toU8a();
      return u8aEq(id, ZERO_ACCOUNT) ? "" : encodeAddress(id, SS58_PREFIX);
    }),
    validatorPermit: list("validator_permit").map(bool),
    lastUpdate: list("last_update").map((c) => Number(int(c))),
    tempo: Number(int(get("tempo"))),
    minAllowedWeights: Number(int(get("min_allowed_weights"))),
    maxWeightsLimit: Number(int(get("max_weights_limit"))),
    versionKey: int(get("weights_version")),
    rateLimitBlocks: Number(int(get("weights_rate_limit"))),
    commitRevealEnabled: bool(get("commit_reveal_weights_enabled")),
    revealPeriodEpochs: Number(int(get("commit_reveal_period"))),
  });
}
