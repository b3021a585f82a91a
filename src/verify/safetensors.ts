/**
 * `readSafetensors`: opens a file, validates its header strictly before touching any tensor byte,
 * and gives ranged and streaming access to tensor data without loading the file.
 * @module
 */
import { constants, type promises as fsp } from "node:fs";
import { open } from "node:fs/promises";
import { err, ok, ResultAsync, type Result } from "neverthrow";
import { decodeToFloat32, type FloatDtype, type SafetensorsDtype } from "./dtype.js";
import type { ReadSafetensorsError, ReadTensorError, SafetensorsIoError } from "./errors.js";
import { parseSafetensorsHeader, type SafetensorsHeader, type TensorInfo } from "./header.js";

/** The header length limit of spec §L.1.8 (100 MiB). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Options of {@link readSafetensors}. */
export interface ReadSafetensorsOptions {
  /** Largest accepted header. @default MAX_HEADER_BYTES (100 MiB) */
  readonly maxHeaderBytes?: number;
  /** Dtypes to accept. @default every format dtype */
  readonly allowedDtypes?: readonly SafetensorsDtype[];
  /** Refuse a symbolic link as the final path component (use for untrusted hand-over files). @default false */
  readonly noFollow?: boolean;
}

/** Identity of the opened file, so another thread can check it reopened the same one. */
export interface FileIdentity {
  readonly dev: string;
  readonly ino: string;
  readonly sizeBytes: number;
}

/** An open, validated safetensors file. Call {@link SafetensorsReader.close} when done. */
export interface SafetensorsReader extends SafetensorsHeader {
  readonly path: string;
  readonly sizeBytes: number;
  readonly identity: FileIdentity;
  /** The tensor called `name`, or `undefined`. */
  tensor(name: string): TensorInfo | undefined;
  /**
   * Raw little-endian bytes of a tensor, or of the byte range `[start, end)` inside it.
   * The caller bounds memory by choosing the range.
   */
  readBytes(name: string, range?: { readonly start?: number; readonly end?: number }): ResultAsync<Uint8Array, ReadTensorError>;
  /** Elements `[start, start + count)` of a BF16/F16/F32 tensor, decoded exactly to float32. */
  readFloat32(name: string, range?: { readonly start?: number; readonly count?: number }): ResultAsync<Float32Array, ReadTensorError>;
  /** The tensor's bytes in order, in chunks of at most `chunkBytes` (whole elements); each item is a `Result`. */
  chunks(name: string, options?: { readonly chunkBytes?: number }): AsyncGenerator<Result<Uint8Array, ReadTensorError>, void>;
  /** Closes the file. Idempotent. */
  close(): Promise<void>;
}

function ioError(path: string, what: string, cause: unknown): SafetensorsIoError {
  const code = (cause as { code?: string } | null)?.code;
  return { type: "safetensors_io", message: `${path}: ${what}${code ? ` (${code})` : ""}`, path, cause };
}

async function readFully(fh: fsp.FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < buf.byteLength) {
    const { bytesRead } = await fh.read(buf, done, buf.byteLength - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Opens and validates a safetensors file. A malformed or hostile file is an `Err`, never a throw,
 * and no allocation exceeds the header limit.
 * @param path - the file
 * @returns a reader over the validated header, or why the file is not acceptable
 * @example
 * import { readSafetensors } from "crusades/verify";
 * const r = await readSafetensors("state.safetensors");
 * if (r.isOk()) { for (const t of r.value.tensors) console.log(t.name, t.shape); await r.value.close(); }
 */
export function readSafetensors(path: string, options: ReadSafetensorsOptions = {}): ResultAsync<SafetensorsReader, ReadSafetensorsError> {
  return new ResultAsync(openReader(path, options));
}

async function openReader(path: string, options: ReadSafetensorsOptions): Promise<Result<SafetensorsReader, ReadSafetensorsError>> {
  const limit = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  let fh: fsp.FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not hang; it is refused below as not a regular file.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (cause) {
    return err(ioError(path, "cannot open", cause));
  }
  const fail = async <E extends ReadSafetensorsError>(e: E) => {
    await fh.close().catch(() => undefined);
    return err(e);
  };
  try {
    const st = await fh.stat({ bigint: true });
    if (!st.isFile()) return fail(ioError(path, "not a regular file", null));
    const sizeBytes = Number(st.size);
    if (sizeBytes < 8) return fail({ type: "safetensors_truncated", message: `${path}: ${sizeBytes} bytes, shorter than the 8-byte header length`, path });
    const lenBuf = new Uint8Array(8);
    if ((await readFully(fh, lenBuf, 0)) !== 8) return fail({ type: "safetensors_truncated", message: `${path}: cannot read the header length`, path });
    const headerLen = new DataView(lenBuf.buffer).getBigUint64(0, true);
    if (headerLen > BigInt(limit)) {
      return fail({ type: "safetensors_header_too_large", message: `${path}: header of ${headerLen} bytes exceeds the ${limit}-byte limit`, path, headerBytes: headerLen, limitBytes: limit });
    }
    const n = Number(headerLen);
    if (8 + n > sizeBytes) return fail({ type: "safetensors_truncated", message: `${path}: header of ${n} bytes runs past the end of the ${sizeBytes}-byte file`, path });
    const headerBuf = new Uint8Array(n);
    if ((await readFully(fh, headerBuf, 8)) !== n) return fail({ type: "safetensors_truncated", message: `${path}: file shrank while reading the header`, path });
    const header = parseSafetensorsHeader(headerBuf, sizeBytes, { path, ...(options.allowedDtypes ? { allowedDtypes: options.allowedDtypes } : {}) });
    if (header.isErr()) return fail(header.error);
    return ok(makeReader(fh, path, sizeBytes, { dev: String(st.dev), ino: String(st.ino), sizeBytes }, header.value));
  } catch (cause) {
    return fail(ioError(path, "read failed", cause));
  }
}

function makeReader(fh: fsp.FileHandle, path: string, sizeBytes: number, identity: FileIdentity, header: SafetensorsHeader): SafetensorsReader {
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  let closed = false;
  const noSuch = (name: string): ReadTensorError => ({ type: "safetensors_no_such_tensor", message: `${path}: no tensor ${JSON.stringify(name)}`, path, tensor: name });

  const readRange = async (info: TensorInfo, start: number, end: number): Promise<Result<Uint8Array, ReadTensorError>> => {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end && end <= info.byteLength)) {
      throw new RangeError(`byte range [${start}, ${end}) is outside tensor ${info.name} (${info.byteLength} bytes)`);
    }
    const buf = new Uint8Array(end - start);
    try {
      const got = await readFully(fh, buf, info.fileOffset + start);
      if (got !== buf.byteLength) return err({ type: "safetensors_truncated", message: `${path}: file shrank while reading ${info.name}`, path });
      return ok(buf);
    } catch (cause) {
      return err(ioError(path, `read of ${info.name} failed`, cause));
    }
  };

  return Object.freeze({
    ...header,
    path,
    sizeBytes,
    identity,
    tensor: (name: string) => byName.get(name),
    readBytes(name: string, range: { start?: number; end?: number } = {}) {
      const info = byName.get(name);
      if (!info) return new ResultAsync(Promise.resolve(err(noSuch(name))));
      return new ResultAsync(readRange(info, range.start ?? 0, range.end ?? info.byteLength));
    },
    readFloat32(name: string, range: { start?: number; count?: number } = {}) {
      const info = byName.get(name);
      if (!info) return new ResultAsync(Promise.resolve(err(noSuch(name))));
      if (info.dtype !== "BF16" && info.dtype !== "F16" && info.dtype !== "F32") throw new TypeError(`tensor ${name} has dtype ${info.dtype}, not a float dtype`);
      const size = info.dtype === "F32" ? 4 : 2;
      const start = range.start ?? 0;
      const count = range.count ?? info.numel - start;
      return new ResultAsync(readRange(info, start * size, (start + count) * size)).map((b) => decodeToFloat32(info.dtype as FloatDtype, b));
    },
    async *chunks(name: string, options: { chunkBytes?: number } = {}) {
      const info = byName.get(name);
      if (!info) {
        yield err(noSuch(name));
        return;
      }
      const elem = info.numel === 0 ? 1 : info.byteLength / info.numel;
      const chunk = Math.max(elem, Math.floor((options.chunkBytes ?? 1 << 20) / elem) * elem);
      for (let at = 0; at < info.byteLength; at += chunk) {
        const r = await readRange(info, at, Math.min(info.byteLength, at + chunk));
        yield r;
        if (r.isErr()) return;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  });
}
