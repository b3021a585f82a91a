/**
 * A capped log file for container output (spec crusades.md §L.1.9): logs are kept for operators,
 * at most `maxBytes` per container, and never read by decision logic.
 * @module
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { Writable } from "node:stream";

/** Where container output goes. */
export interface LogSink {
  /** A writable for one of the container's streams. */
  readonly stream: (name: "stdout" | "stderr") => Writable;
  /** Bytes received in total (written or not). */
  readonly receivedBytes: () => number;
  /** `true` once output beyond the cap was dropped. */
  readonly truncated: () => boolean;
  /** Flushes and closes the file. */
  readonly close: () => Promise<void>;
}

/** Options of {@link createLogSink}. */
export interface LogSinkOptions {
  /** The file to write, or `null` to keep nothing. */
  readonly path: string | null;
  /** Cap on the bytes written. @default 10 MiB */
  readonly maxBytes?: number;
  /** Also called with every chunk (a progress display), before the cap applies. */
  readonly onChunk?: (name: "stdout" | "stderr", chunk: Buffer) => void;
}

/** Creates a {@link LogSink}; the file is opened lazily on the first byte. */
export function createLogSink(options: LogSinkOptions): LogSink {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  let file: WriteStream | null = null;
  let written = 0;
  let received = 0;
  let cut = false;
  const write = (name: "stdout" | "stderr", chunk: Buffer) => {
    received += chunk.length;
    options.onChunk?.(name, chunk);
    if (options.path === null) return;
    if (written >= maxBytes) {
      cut = true;
      return;
    }
    const part = chunk.length + written > maxBytes ? chunk.subarray(0, maxBytes - written) : chunk;
    if (part.length < chunk.length) cut = true;
    written += part.length;
    file ??= createWriteStream(options.path, { flags: "a", mode: 0o640 });
    file.write(part);
  };
  const streams = {
    stdout: new Writable({ write: (c: Buffer, _e, cb) => (write("stdout", c), cb()) }),
    stderr: new Writable({ write: (c: Buffer, _e, cb) => (write("stderr", c), cb()) }),
  };
  return {
    stream: (name) => streams[name],
    receivedBytes: () => received,
    truncated: () => cut,
    close: async () => {
      if (file === null) return;
      if (cut) file.write("\n[crusades: log truncated at the cap]\n");
      const f = file;
      file = null;
      await new Promise<void>((resolve) => f.end(resolve));
    },
  };
}
