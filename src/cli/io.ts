/**
 * What a CLI command needs from the process, passed in so commands can be run in tests, and the
 * argument and file helpers every command shares.
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Exit codes of every command: 0 ok, 1 rejected or failed, 2 usage or I/O error. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

/** A usage or I/O problem: one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** `--flag N` with N an integer >= 1; `undefined` when the flag was not given. */
export function parsePositiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} must be an integer >= 1, got '${text}'`);
  }
  return Number(text);
}

/** Reads an input file as raw bytes (relative to the command's cwd); I/O problems are usage errors. */
export function readInputFile(io: CliIo, file: string): Uint8Array {
  const path = resolve(io.cwd, file);
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${file}: is a directory, not a file`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "permission denied" : String((error as Error).message);
    throw new UsageError(`${file}: cannot read: ${reason}`);
  }
}
