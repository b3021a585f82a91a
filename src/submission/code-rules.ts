/**
 * The code file's rules on both sides (crusades.md §B.2, §B.4 step 6, §B.5): the hash of the exact
 * bytes, strict UTF-8 with the BOM kept, the byte limit and the content rules.
 * @module
 */
import { createHash } from "node:crypto";
import { err, ok, type Result } from "neverthrow";
import { MAX_CODE_BYTES } from "./commitment.js";
import { firstCodePoints, pythonStrip } from "./python-text.js";

/**
 * The committed hash (§B.2): the first 32 lowercase hex characters of SHA-256 over the exact bytes
 * served, a BOM included. Never hash a re-encoded string: decoding may drop or replace bytes.
 * @example codeHash(new TextEncoder().encode("def inner_steps(model, data_iterator, optimizer, num_steps, device):\n    pass\n")) // "7acd895296756fe962cc31318ad5f68a"
 */
export function codeHash(bytes: Uint8Array): string {
  return codeSha256(bytes).slice(0, 32);
}

/** The full 64-hex SHA-256 of the bytes: the content address of stored code (§B.2 [PROJECT]). */
export function codeSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The code breaks a rule of §B.3 / §B.4 step 6 / §B.5. */
export interface CodeContentError {
  readonly type: "CodeContent";
  readonly message: string;
  readonly reason: "too_large" | "not_utf8" | "html" | "gist_listing" | "no_inner_steps";
}

// fatal: invalid bytes fail instead of becoming U+FFFD; ignoreBOM: a leading BOM stays in the text,
// as with Python's `utf-8` codec (§B.5). The default decoder does neither.
const strictUtf8 = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function contentError(reason: CodeContentError["reason"], message: string): CodeContentError {
  return { type: "CodeContent", message, reason };
}

/**
 * Checks fetched code (§B.3, §B.4 step 6, §B.5): at most 500,000 bytes, strict UTF-8, not an HTML
 * page, not a gist API listing, and containing `def inner_steps`. Character counts are code points
 * and whitespace is Python's, as in the reference.
 * @returns the decoded text (a leading U+FEFF kept)
 */
export function checkCodeContent(bytes: Uint8Array): Result<string, CodeContentError> {
  if (bytes.length > MAX_CODE_BYTES) return err(contentError("too_large", `the code is ${bytes.length} bytes, over the ${MAX_CODE_BYTES}-byte limit`));
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return err(contentError("not_utf8", "the code is not valid UTF-8"));
  }
  // The reference lowercases the whole text, then looks at its first 500 characters.
  const head = firstCodePoints(text.toLowerCase(), 500);
  if (head.includes("<html") || head.includes("<!doctype html")) return err(contentError("html", "the URL serves an HTML page, not a raw train.py"));
  if (pythonStrip(text).startsWith("{") && firstCodePoints(text, 500).includes('"files"')) {
    return err(contentError("gist_listing", "the URL serves a JSON file listing (gist API), not a raw train.py"));
  }
  if (!text.includes("def inner_steps")) return err(contentError("no_inner_steps", "the code does not contain 'def inner_steps'"));
  return ok(text);
}
