/**
 * The versioned JSON messages of proof-of-GPU between validator and miner agent (compute.md
 * §10.2; routes in `agent.ts`). Rows travel as base64 of little-endian values; nothing from a
 * miner reaches a general object loader (§8 item 3).
 * @module
 */
import { err, ok, type Result } from "neverthrow";
import { FieldError, read } from "./json.js";
import { POG_MAX_STEPS, POG_MESSAGE_VERSION, type PogPrecision } from "./pog-params.js";

const HEX32 = /^[0-9a-f]{64}$/;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PRECISIONS: readonly PogPrecision[] = ["fp16", "bf16", "fp32"];

/** One offered GPU, as the prover reports it (a claim until verified). */
export interface PogDevice {
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  readonly memoryMiB: number;
  readonly pciBusId: string;
  readonly driverVersion: string;
  /** Largest total the prover could allocate, in 256 MiB chunks. */
  readonly probeMiB: number;
}

/** `POST /v1/pog/prepare` answer. */
export interface PogPrepared {
  readonly version: 1;
  readonly type: "pog.prepared";
  readonly sessionId: string;
  readonly device: "cuda" | "cpu";
  readonly gpus: readonly PogDevice[];
}

/** `POST /v1/pog/start` body: the seed is drawn by the validator after the inventory is committed. */
export interface PogStart {
  readonly version: 1;
  readonly type: "pog.start";
  readonly sessionId: string;
  readonly precision: PogPrecision;
  /** 32 bytes, lowercase hex. */
  readonly seed: string;
  readonly n: number;
  readonly steps: number;
  readonly gpus: readonly number[];
}

/** `POST /v1/pog/start` answer: one root per GPU. */
export interface PogCommitted {
  readonly version: 1;
  readonly type: "pog.committed";
  readonly sessionId: string;
  readonly precision: PogPrecision;
  /** `seconds` is the prover's own timing: a diagnostic, never used for identification. */
  readonly roots: readonly { readonly gpu: number; readonly root: string; readonly seconds: number }[];
}

/** One requested opening: leaf `(step, row)` of a GPU. */
export interface PogOpening {
  readonly gpu: number;
  readonly step: number;
  readonly row: number;
}

/** `POST /v1/pog/open` body. */
export interface PogOpen {
  readonly version: 1;
  readonly type: "pog.open";
  readonly sessionId: string;
  readonly precision: PogPrecision;
  readonly openings: readonly PogOpening[];
}

/** An opened leaf: exponent, base64 row, and its two-level Merkle path (hex, leaf to root). */
export interface PogLeaf {
  readonly exponent: number;
  readonly data: string;
  readonly path: readonly string[];
}

/** `POST /v1/pog/open` answer: leaf `(t, i)` and, for `t > 1`, leaf `(t − 1, i)`. */
export interface PogOpened {
  readonly version: 1;
  readonly type: "pog.opened";
  readonly sessionId: string;
  readonly precision: PogPrecision;
  readonly leaves: readonly (PogOpening & PogLeaf & { readonly previous: PogLeaf | null })[];
}

/** `POST /v1/pog/finish` body (the answer is `{version, type: "pog.finished"}`). */
export interface PogFinish {
  readonly version: 1;
  readonly type: "pog.finish";
  readonly sessionId: string;
}

/** A message failed its schema. */
export interface MalformedMessageError {
  readonly type: "malformed_message";
  readonly message: string;
}

function parse<T>(value: unknown, body: (o: Record<string, unknown>) => T): Result<T, MalformedMessageError> {
  try {
    const o = read.object(value, "$");
    read.literal(o.version, "$.version", [POG_MESSAGE_VERSION]);
    return ok(body(o));
  } catch (e) {
    if (e instanceof FieldError) return err({ type: "malformed_message", message: e.message });
    throw e;
  }
}

const session = (v: unknown) => read.string(v, "$.sessionId", /^[0-9a-f]{32}$/);

function device(v: unknown, path: string): PogDevice {
  const o = read.object(v, path);
  return {
    index: read.int(o.index, `${path}.index`, 0, 255),
    uuid: read.string(o.uuid, `${path}.uuid`, undefined, 128),
    name: read.string(o.name, `${path}.name`, undefined, 128),
    memoryMiB: read.int(o.memoryMiB, `${path}.memoryMiB`, 0, 1 << 30),
    pciBusId: read.string(o.pciBusId, `${path}.pciBusId`, undefined, 64),
    driverVersion: read.string(o.driverVersion, `${path}.driverVersion`, undefined, 64),
    probeMiB: read.int(o.probeMiB, `${path}.probeMiB`, 0, 1 << 30),
  };
}

function leaf(v: unknown, path: string): PogLeaf {
  const o = read.object(v, path);
  return {
    exponent: read.int(o.exponent, `${path}.exponent`, -300, 300),
    data: read.string(o.data, `${path}.data`, B64, 1 << 20),
    path: read.array(o.path, `${path}.path`, 64).map((p, k) => read.string(p, `${path}.path[${k}]`, HEX32)),
  };
}

/** Reads a `pog.prepared` message. */
export function parsePogPrepared(value: unknown): Result<PogPrepared, MalformedMessageError> {
  return parse(value, (o) => ({
    version: 1,
    type: read.literal(o.type, "$.type", ["pog.prepared"]),
    sessionId: session(o.sessionId),
    device: read.literal(o.device, "$.device", ["cuda", "cpu"] as const),
    gpus: read.array(o.gpus, "$.gpus", 64).map((g, k) => device(g, `$.gpus[${k}]`)),
  }));
}

/** Reads a `pog.start` message. */
export function parsePogStart(value: unknown): Result<PogStart, MalformedMessageError> {
  return parse(value, (o) => {
    read.keys(o, "$", ["version", "type", "sessionId", "precision", "seed", "n", "steps", "gpus"]);
    return {
      version: 1,
      type: read.literal(o.type, "$.type", ["pog.start"]),
      sessionId: session(o.sessionId),
      precision: read.literal(o.precision, "$.precision", PRECISIONS),
      seed: read.string(o.seed, "$.seed", HEX32),
      n: read.int(o.n, "$.n", 1, 65536),
      steps: read.int(o.steps, "$.steps", 1, POG_MAX_STEPS),
      gpus: read.array(o.gpus, "$.gpus", 64).map((g, k) => read.int(g, `$.gpus[${k}]`, 0, 255)),
    };
  });
}

/** Reads a `pog.committed` message. */
export function parsePogCommitted(value: unknown): Result<PogCommitted, MalformedMessageError> {
  return parse(value, (o) => ({
    version: 1,
    type: read.literal(o.type, "$.type", ["pog.committed"]),
    sessionId: session(o.sessionId),
    precision: read.literal(o.precision, "$.precision", PRECISIONS),
    roots: read.array(o.roots, "$.roots", 64).map((r, k) => {
      const e = read.object(r, `$.roots[${k}]`);
      return { gpu: read.int(e.gpu, `$.roots[${k}].gpu`, 0, 255), root: read.string(e.root, `$.roots[${k}].root`, HEX32), seconds: read.number(e.seconds ?? 0, `$.roots[${k}].seconds`) };
    }),
  }));
}

/** Reads a `pog.open` message. */
export function parsePogOpen(value: unknown): Result<PogOpen, MalformedMessageError> {
  return parse(value, (o) => {
    read.keys(o, "$", ["version", "type", "sessionId", "precision", "openings"]);
    return {
      version: 1,
      type: read.literal(o.type, "$.type", ["pog.open"]),
      sessionId: session(o.sessionId),
      precision: read.literal(o.precision, "$.precision", PRECISIONS),
      openings: read.array(o.openings, "$.openings", 1024).map((x, k) => {
        const e = read.object(x, `$.openings[${k}]`);
        return { gpu: read.int(e.gpu, `$.openings[${k}].gpu`, 0, 255), step: read.int(e.step, `$.openings[${k}].step`, 1, POG_MAX_STEPS), row: read.int(e.row, `$.openings[${k}].row`, 0, 65535) };
      }),
    };
  });
}

/** Reads a `pog.opened` message. */
export function parsePogOpened(value: unknown): Result<PogOpened, MalformedMessageError> {
  return parse(value, (o) => ({
    version: 1,
    type: read.literal(o.type, "$.type", ["pog.opened"]),
    sessionId: session(o.sessionId),
    precision: read.literal(o.precision, "$.precision", PRECISIONS),
    leaves: read.array(o.leaves, "$.leaves", 1024).map((x, k) => {
      const p = `$.leaves[${k}]`;
      const e = read.object(x, p);
      return {
        gpu: read.int(e.gpu, `${p}.gpu`, 0, 255),
        step: read.int(e.step, `${p}.step`, 1, POG_MAX_STEPS),
        row: read.int(e.row, `${p}.row`, 0, 65535),
        ...leaf(e, p),
        previous: e.previous === null ? null : leaf(e.previous, `${p}.previous`),
      };
    }),
  }));
}

/** Reads a `pog.finish` message. */
export function parsePogFinish(value: unknown): Result<PogFinish, MalformedMessageError> {
  return parse(value, (o) => ({ version: 1, type: read.literal(o.type, "$.type", ["pog.finish"]), sessionId: session(o.sessionId) }));
}
