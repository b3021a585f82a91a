/** The code's hash (crusades.md §B.2), strict UTF-8 with the BOM (§B.5) and the content rules (§B.4 step 6). */
import { describe, expect, test } from "vitest";
import { checkCodeContent, codeHash, codeSha256, MAX_CODE_BYTES } from "../../src/submission/index.js";

const enc = (s: string) => new TextEncoder().encode(s);
const EXAMPLE = "def inner_steps(model, data_iterator, optimizer, num_steps, device):\n    pass\n";
const BOM = [0xef, 0xbb, 0xbf];

describe("codeHash (§B.2)", () => {
  test("behavior: the spec's example hashes", () => {
    expect(codeHash(enc(EXAMPLE))).toBe("7acd895296756fe962cc31318ad5f68a");
    expect(codeHash(new Uint8Array([...BOM, ...enc(EXAMPLE)]))).toBe("40833d5a60e1aa1eb8aa2618fa477a9f");
  });

  test("behavior: codeSha256 is the full digest and codeHash its first 32 characters", () => {
    const full = codeSha256(enc(EXAMPLE));
    expect(full).toMatch(/^[0-9a-f]{64}$/);
    expect(full.startsWith("7acd895296756fe962cc31318ad5f68a")).toBe(true);
    expect(codeSha256(new Uint8Array())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("checkCodeContent", () => {
  test("behavior: valid code comes back as text, a BOM kept as U+FEFF (§B.5)", () => {
    expect(checkCodeContent(enc(EXAMPLE))._unsafeUnwrap()).toBe(EXAMPLE);
    expect(checkCodeContent(new Uint8Array([...BOM, ...enc(EXAMPLE)]))._unsafeUnwrap()).toBe(`\ufeff${EXAMPLE}`);
  });

  test("behavior: the size limit is in bytes: exactly 500,000 passes, 500,001 fails", () => {
    const head = "def inner_steps(): pass\n#";
    const at = (n: number) => enc(head + "x".repeat(n - head.length));
    expect(checkCodeContent(at(MAX_CODE_BYTES)).isOk()).toBe(true);
    expect(checkCodeContent(at(MAX_CODE_BYTES + 1))._unsafeUnwrapErr().reason).toBe("too_large");
    // 200,000 characters but 600,000 bytes: bytes count (§B.3 [PROJECT]).
    const wide = enc(`def inner_steps(): pass\n#${"€".repeat(200_000)}`);
    expect(checkCodeContent(wide)._unsafeUnwrapErr().reason).toBe("too_large");
  });

  test.each([
    ["a lone continuation byte", [0x80]],
    ["a truncated sequence", [0xe2, 0x82]],
    ["an overlong encoding", [0xc0, 0xaf]],
    ["a UTF-16 surrogate", [0xed, 0xa0, 0x80]],
    ["Latin-1", [0xe9]],
    ["0xff", [0xff]],
  ])("error: %s is not UTF-8", (_name, bad) => {
    const bytes = new Uint8Array([...enc("def inner_steps(): pass\n# "), ...bad, 0x0a]);
    expect(checkCodeContent(bytes)._unsafeUnwrapErr()).toMatchObject({ type: "CodeContent", reason: "not_utf8" });
  });

  test.each([
    ["<html> at the start", "<html><body>def inner_steps</body></html>", "html"],
    ["uppercase <!DOCTYPE HTML>", "<!DOCTYPE HTML>\ndef inner_steps", "html"],
    ["<HtMl inside the first 500 characters", `${"#".repeat(490)}<HtMl>def inner_steps`, "html"],
    ["a gist API listing", '{"files": {"train.py": {"content": "def inner_steps"}}}', "gist_listing"],
    ["a gist listing after Python whitespace", '\u001c\u0085 {"id": 1, "files": {}} def inner_steps', "gist_listing"],
    ["no def inner_steps", "def train(): pass\n", "no_inner_steps"],
    ["inner_steps without def", "inner_steps = None\n", "no_inner_steps"],
  ])("error: %s", (_name, text, reason) => {
    expect(checkCodeContent(enc(text))._unsafeUnwrapErr().reason).toBe(reason);
  });

  test.each([
    ["<html> just after the first 500 characters", `${"#".repeat(500)}<html>\ndef inner_steps(): pass\n`],
    ["500 characters counted in code points (astral characters once)", `#${"\u{1f600}".repeat(499)}<html>\ndef inner_steps(): pass\n`],
    ['"files" after the first 500 characters', `{${" ".repeat(500)}"files"}\ndef inner_steps(): pass\n`],
    ['"files" in code that does not start with {', 'x = {"files": 1}\ndef inner_steps(): pass\n'],
    // U+FEFF is not Python whitespace: the text does not start with "{" after strip().
    ["a BOM before {", '\ufeff{"files": 1}\ndef inner_steps(): pass\n'],
  ])("behavior: not rejected: %s", (_name, text) => {
    expect(checkCodeContent(enc(text)).isOk()).toBe(true);
  });
});
