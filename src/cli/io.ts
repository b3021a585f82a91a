/**
 * What a CLI command needs from the process, passed in so commands can be run in tests.
 * @module
 */

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
