/**
 * The terminal password prompt for `$NACL`-encrypted keyfiles: one line read without echo.
 * @module
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { PasswordSource } from "../chain/index.js";

/** Where a prompt reads the answer and writes the question (the terminal: stdin and stderr). */
export interface PromptStreams {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly output: NodeJS.WritableStream;
}

/** The process's terminal: stdin, and stderr so that `--json` output on stdout stays clean. */
export function terminalStreams(): PromptStreams {
  return { input: process.stdin, output: process.stderr };
}

/**
 * Writes `question` to `output` and reads one line from `input` without echoing what is typed.
 *
 * @returns The line, or `null` when input ends or Ctrl-C is pressed before a line is entered.
 *
 * @example
 * ```ts
 * const password = await readHiddenLine("Password for default/coldkey: ", terminalStreams());
 * ```
 */
export function readHiddenLine(question: string, streams: PromptStreams): Promise<string | null> {
  const { input, output } = streams;
  output.write(question);
  // readline echoes keystrokes to its output: give it one that drops everything.
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  // historySize 0: the password is not kept in readline's history.
  const rl = createInterface({ input, output: muted, terminal: true, historySize: 0 });
  return new Promise((resolve) => {
    let answer: string | null = null;
    rl.once("line", (line) => {
      answer = line;
      rl.close();
    });
    // In raw mode Ctrl-C reaches readline, not the process: treat it as no answer.
    rl.once("SIGINT", () => rl.close());
    rl.once("close", () => {
      output.write("\n");
      resolve(answer);
    });
  });
}

/**
 * A password callback that prompts `Password for <label>: ` on the terminal, or `undefined` when
 * input is not a TTY (scripts and CI use btwallet's `BT_PW_…` variable instead).
 *
 * @example
 * ```ts
 * const password = terminalPassword("default/coldkey");
 * await loadColdkey({ wallet: "default" }, { env: process.env, ...(password ? { password } : {}) });
 * ```
 */
export function terminalPassword(label: string, streams: PromptStreams = terminalStreams()): PasswordSource | undefined {
  if (streams.input.isTTY !== true) return undefined;
  return () => readHiddenLine(`Password for ${label}: `, streams);
}
