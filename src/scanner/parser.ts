/**
 * Loading tree-sitter-python (WebAssembly) once per process. Nothing loads at import time: the
 * first scan pays the cost (about 30 ms), later scans reuse the parser.
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { errAsync, ResultAsync } from "neverthrow";
import { Language, Parser } from "web-tree-sitter";

/** The grammar could not be loaded (a broken install). */
export interface GrammarLoadError {
  readonly type: "GrammarLoadError";
  readonly message: string;
  readonly path: string;
  readonly cause: unknown;
}

export interface LoadedGrammar {
  readonly parser: Parser;
  /** tree-sitter-python's package version, part of the rule-set hash (scanner.md §14). */
  readonly grammarVersion: string;
  /** SHA-256 of the grammar's .wasm file, part of the rule-set hash. */
  readonly grammarSha256: string;
}

let loading: Promise<LoadedGrammar> | null = null;

function locate(specifier: string): string {
  return createRequire(import.meta.url).resolve(specifier);
}

async function load(): Promise<LoadedGrammar> {
  const wasmPath = locate("tree-sitter-python/tree-sitter-python.wasm");
  const packageJson = JSON.parse(await readFile(locate("tree-sitter-python/package.json"), "utf8")) as { version: string };
  const wasm = await readFile(wasmPath);
  await Parser.init();
  const language = await Language.load(new Uint8Array(wasm));
  const parser = new Parser();
  parser.setLanguage(language);
  return { parser, grammarVersion: packageJson.version, grammarSha256: createHash("sha256").update(wasm).digest("hex") };
}

/** The shared parser, loaded on first use. */
export function loadGrammar(): ResultAsync<LoadedGrammar, GrammarLoadError> {
  let path = "tree-sitter-python/tree-sitter-python.wasm";
  try {
    path = locate(path);
  } catch (cause) {
    return errAsync({ type: "GrammarLoadError", message: `cannot find ${path}: is tree-sitter-python installed?`, path, cause });
  }
  loading ??= load();
  return ResultAsync.fromPromise(loading, (cause) => {
    loading = null;
    return { type: "GrammarLoadError" as const, message: `cannot load the Python grammar from ${path}: ${String(cause)}`, path, cause };
  });
}
