/** The commitment grammar (crusades.md §B.1) and the size pre-check (§B.3). */
import { describe, expect, test } from "vitest";
import {
  buildCommitment,
  checkCommitmentUrlFits,
  codePointLength,
  commitmentOverhead,
  firstCodePoints,
  MAX_PARSE_CHARS,
  parseCommitment,
  pythonStrip,
  worstCaseCommitmentOverhead,
} from "../../src/submission/index.js";

const H = "0123456789abcdef0123456789abcdef";
const URL_ = "https://gist.github.com/alice/0a1b";

describe("parseCommitment: accepted", () => {
  test.each([
    ["payment form", `${H}:7876092:3:${URL_}`, { codeHash: H, url: URL_, payment: { block: 7876092, extrinsicIndex: 3 } }],
    ["legacy form", `${H}:${URL_}`, { codeHash: H, url: URL_, payment: null }],
    ["http scheme", `${H}:http://x.org/t.py`, { codeHash: H, url: "http://x.org/t.py", payment: null }],
    ["10-digit block, 5-digit index", `${H}:9999999999:99999:${URL_}`, { codeHash: H, url: URL_, payment: { block: 9_999_999_999, extrinsicIndex: 99_999 } }],
    ["leading zeros", `${H}:007:00:${URL_}`, { codeHash: H, url: URL_, payment: { block: 7, extrinsicIndex: 0 } }],
    ["URL kept verbatim (no normalisation)", `${H}:https://X.org//a/../b/?q=1#f`, { codeHash: H, url: "https://X.org//a/../b/?q=1#f", payment: null }],
    ["colons inside the URL", `${H}:1:2:https://x.org/a:b:c`, { codeHash: H, url: "https://x.org/a:b:c", payment: { block: 1, extrinsicIndex: 2 } }],
    // Python's `.` matches \r (only \n is excluded), so \r inside the URL is kept.
    ["carriage return inside the URL", `${H}:https://x.org/a\rb`, { codeHash: H, url: "https://x.org/a\rb", payment: null }],
    ["U+2028 inside the URL", `${H}:https://x.org/a\u2028b`, { codeHash: H, url: "https://x.org/a\u2028b", payment: null }],
  ])("args: %s", (_name, text, expected) => {
    expect(parseCommitment(text)._unsafeUnwrap()).toEqual(expected);
  });
});

describe("parseCommitment: rejected", () => {
  test.each([
    ["empty", "", "empty"],
    ["only Python whitespace", " \t\n\u001c\u0085\u3000", "empty"],
    ["uppercase hash", `${H.toUpperCase()}:${URL_}`, "no_match"],
    ["one uppercase hex digit", `${H.slice(0, 31)}F:${URL_}`, "no_match"],
    ["31-character hash", `${H.slice(1)}:${URL_}`, "no_match"],
    ["33-character hash", `${H}0:${URL_}`, "no_match"],
    ["non-hex hash", `${H.slice(0, 31)}g:${URL_}`, "no_match"],
    ["HTTP:// (scheme is case-sensitive)", `${H}:HTTP://x.org/a`, "no_match"],
    ["Https://", `${H}:Https://x.org/a`, "no_match"],
    ["ftp://", `${H}:ftp://x.org/a`, "no_match"],
    ["no URL after the scheme", `${H}:https://`, "no_match"],
    ["newline inside the URL", `${H}:https://x.org/a\nb`, "no_match"],
    ["newline inside the URL, payment form", `${H}:1:2:https://x.org/a\nb`, "no_match"],
    ["Arabic-Indic digits in the block", `${H}:\u0661\u0662:3:${URL_}`, "no_match"],
    ["full-width digit in the index", `${H}:12:\uff13:${URL_}`, "no_match"],
    ["11-digit block", `${H}:12345678901:3:${URL_}`, "no_match"],
    ["6-digit index", `${H}:1:123456:${URL_}`, "no_match"],
    ["empty index", `${H}:1::${URL_}`, "no_match"],
    // The payment form needs both numbers; the legacy form then sees "12:https://…" as the URL.
    ["one number only", `${H}:12:${URL_}`, "no_match"],
    ["space after the hash", `${H}: ${URL_}`, "no_match"],
    ["U+FEFF before the hash (not Python whitespace)", `\ufeff${H}:${URL_}`, "no_match"],
    ["over 4096 characters", `${H}:https://x.org/${"a".repeat(MAX_PARSE_CHARS)}`, "too_long"],
  ])("error: %s", (_name, text, reason) => {
    const e = parseCommitment(text)._unsafeUnwrapErr();
    expect(e.type).toBe("CommitmentFormat");
    expect(e.reason).toBe(reason);
    expect(e.message.length).toBeGreaterThan(10);
  });

  test("error: the message names the broken rule", () => {
    expect(parseCommitment(`${H.toUpperCase()}:${URL_}`)._unsafeUnwrapErr().message).toMatch(/lowercase/);
    expect(parseCommitment(`${H}:\u0661:3:${URL_}`)._unsafeUnwrapErr().message).toMatch(/ASCII digits/);
    expect(parseCommitment(`${H}:HTTP://x.org`)._unsafeUnwrapErr().message).toMatch(/http:\/\/ or https:\/\//);
    expect(parseCommitment(`${H}:https://x.org/a\nb`)._unsafeUnwrapErr().message).toMatch(/line break/);
  });
});

describe("parseCommitment: stripping and the length guard", () => {
  // U+001C-U+001F and U+0085 are Python whitespace but not JavaScript's; U+FEFF is the reverse.
  test.each(["\t", "\n", "\u000b", "\u000c", "\r", "\u001c", "\u001d", "\u001e", "\u001f", " ", "\u0085", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])(
    "behavior: %j around the text is stripped",
    (ws) => {
      expect(parseCommitment(`${ws}${ws}${H}:${URL_}${ws}`)._unsafeUnwrap().url).toBe(URL_);
    },
  );

  test.each(["\ufeff", "\u200b", "\u180e", "\u0000"])("behavior: %j is not Python whitespace and is kept", (ch) => {
    expect(parseCommitment(`${H}:${URL_}${ch}`)._unsafeUnwrap().url).toBe(`${URL_}${ch}`);
    expect(parseCommitment(`${ch}${H}:${URL_}`).isErr()).toBe(true);
  });

  test("behavior: pythonStrip differs from String.prototype.trim exactly where Python does", () => {
    expect(pythonStrip("\u001c\u0085x\u001f")).toBe("x");
    expect("\u001c\u0085x\u001f".trim()).not.toBe("x");
    expect(pythonStrip("\ufeffx\ufeff")).toBe("\ufeffx\ufeff");
    expect("\ufeffx\ufeff".trim()).toBe("x");
  });

  test("behavior: pythonStrip is linear on long inner runs of whitespace", () => {
    const t0 = Date.now();
    expect(pythonStrip(`x${" ".repeat(1_000_000)}x `)).toHaveLength(1_000_002);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  test("behavior: the 4096 guard counts characters after stripping, astral ones once", () => {
    const fill = (n: number) => `${H}:https://x.org/${"a".repeat(n - 47)}`;
    expect(codePointLength(fill(MAX_PARSE_CHARS))).toBe(MAX_PARSE_CHARS);
    expect(parseCommitment(fill(MAX_PARSE_CHARS)).isOk()).toBe(true);
    expect(parseCommitment(`  ${fill(MAX_PARSE_CHARS)}  `).isOk()).toBe(true);
    expect(parseCommitment(fill(MAX_PARSE_CHARS + 1))._unsafeUnwrapErr().reason).toBe("too_long");
    // 4096 code points but 4097 UTF-16 units: Python's len() says 4096.
    const astral = `${fill(MAX_PARSE_CHARS - 1)}\u{1f600}`;
    expect(astral.length).toBe(MAX_PARSE_CHARS + 1);
    expect(parseCommitment(astral).isOk()).toBe(true);
  });

  test("behavior: firstCodePoints slices by code points", () => {
    expect(firstCodePoints("a\u{1f600}b", 2)).toBe("a\u{1f600}");
    expect(firstCodePoints("ab", 5)).toBe("ab");
  });
});

describe("buildCommitment", () => {
  test("behavior: payment form with a payment, legacy form without; nothing added", () => {
    expect(buildCommitment({ codeHash: H, url: URL_, payment: { block: 7876092, extrinsicIndex: 3 } })).toBe(`${H}:7876092:3:${URL_}`);
    expect(buildCommitment({ codeHash: H, url: URL_, payment: null })).toBe(`${H}:${URL_}`);
  });

  test("behavior: build then parse is the identity", () => {
    for (const c of [{ codeHash: H, url: "https://x.org/t.py", payment: { block: 0, extrinsicIndex: 99_999 } }, { codeHash: H, url: "http://x.org/a:1", payment: null }]) {
      expect(parseCommitment(buildCommitment(c))._unsafeUnwrap()).toEqual(c);
    }
  });

  test.each([
    ["uppercase hash", { codeHash: H.toUpperCase(), url: URL_, payment: null }],
    ["trailing space in the URL", { codeHash: H, url: `${URL_} `, payment: null }],
    ["newline in the URL", { codeHash: H, url: "https://x.org/a\nb", payment: null }],
    ["11-digit block", { codeHash: H, url: URL_, payment: { block: 10_000_000_000, extrinsicIndex: 1 } }],
    ["negative index", { codeHash: H, url: URL_, payment: { block: 1, extrinsicIndex: -1 } }],
    ["fractional block", { codeHash: H, url: URL_, payment: { block: 1.5, extrinsicIndex: 1 } }],
  ])("error: %s throws RangeError", (_name, c) => {
    expect(() => buildCommitment(c)).toThrow(RangeError);
  });
});

describe("commitment size (§B.3)", () => {
  test("behavior: the reference's overheads: 46 with a 7-digit block, 33 without payment, 50 in the worst case", () => {
    expect(commitmentOverhead(7_876_092, true)).toBe(46);
    expect(commitmentOverhead(10_000_000, true)).toBe(47);
    expect(commitmentOverhead(7_876_092, false)).toBe(33);
    expect(worstCaseCommitmentOverhead(true)).toBe(50);
    expect(worstCaseCommitmentOverhead(false)).toBe(33);
  });

  test("behavior: with payment, 78 URL characters fit at any block (margin 4 at a 7-digit block: warn)", () => {
    expect(checkCommitmentUrlFits("h".repeat(78), { currentBlock: 7_876_092, withPayment: true })._unsafeUnwrap()).toEqual({ margin: 4, worstCaseMargin: 0, warn: true });
    expect(checkCommitmentUrlFits("h".repeat(77), { currentBlock: 7_876_092, withPayment: true })._unsafeUnwrap()).toEqual({ margin: 5, worstCaseMargin: 1, warn: false });
  });

  test("error: 79-82 characters fit the reference's check at a 7-digit block but not the worst case", () => {
    const e = checkCommitmentUrlFits("h".repeat(82), { currentBlock: 7_876_092, withPayment: true })._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "CommitmentSize", urlChars: 82, maxUrlChars: 78, worstCase: true });
    expect(e.message).toMatch(/worst case/);
  });

  test("error: 83 characters fail the reference's own check", () => {
    expect(checkCommitmentUrlFits("h".repeat(83), { currentBlock: 7_876_092, withPayment: true })._unsafeUnwrapErr()).toMatchObject({ maxUrlChars: 82, worstCase: false });
  });

  test("behavior: without payment 95 characters fit (margin 0), 96 do not", () => {
    expect(checkCommitmentUrlFits("h".repeat(95), { currentBlock: 7_876_092, withPayment: false })._unsafeUnwrap()).toEqual({ margin: 0, worstCaseMargin: 0, warn: true });
    expect(checkCommitmentUrlFits("h".repeat(90), { currentBlock: null, withPayment: false })._unsafeUnwrap()).toEqual({ margin: 5, worstCaseMargin: 5, warn: false });
    expect(checkCommitmentUrlFits("h".repeat(96), { currentBlock: null, withPayment: false })._unsafeUnwrapErr().maxUrlChars).toBe(95);
  });

  test("behavior: an unknown block checks the worst case only", () => {
    expect(checkCommitmentUrlFits("h".repeat(78), { currentBlock: null, withPayment: true })._unsafeUnwrap()).toEqual({ margin: 0, worstCaseMargin: 0, warn: true });
    expect(checkCommitmentUrlFits("h".repeat(79), { currentBlock: null, withPayment: true }).isErr()).toBe(true);
  });

  test("behavior: URL characters are code points, as Python's len()", () => {
    const url = `${"h".repeat(94)}\u{1f600}`;
    expect(url.length).toBe(96);
    expect(checkCommitmentUrlFits(url, { currentBlock: null, withPayment: false })._unsafeUnwrap().margin).toBe(0);
  });
});
