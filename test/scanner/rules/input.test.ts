/**
 * Input rules of scanner.md §1 (byte-level, decoded-text, parse-tree and lexical rules), the stop
 * behaviour, and the ordering and de-duplication contract of §2.2.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Scanner } from "../../../src/scanner/index.js";
import {
  MINIMAL_VALID,
  VALID_TAIL,
  bytesOf,
  describeViolations,
  expectAccepted,
  expectNoRule,
  expectRule,
  hitsOf,
  loadScanner,
  ruleIds,
  utf8,
  wrap,
} from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});

const scan = (source: string | Uint8Array, gpus = 1) => scanner.scan(source, { gpus });

/** A valid file whose first lines are `head` (bytes or text). */
function fileWith(head: string | Uint8Array): Uint8Array {
  return bytesOf(typeof head === "string" ? utf8(head) : head, utf8(`\n${VALID_TAIL}`));
}

describe("input.too_large (rule 1, stop)", () => {
  /** A valid file padded with short statements to exactly `size` bytes. */
  function paddedTo(size: number): Uint8Array {
    const base = MINIMAL_VALID;
    const line = `x = 1  # ${"x".repeat(70)}\n`;
    let text = base;
    while (text.length + line.length <= size) text += line;
    text += "#".repeat(size - text.length - 1) + "\n";
    const bytes = utf8(text);
    expect(bytes.length).toBe(size);
    return bytes;
  }

  it("rejects: 500,001 bytes at 0:0, stops with facts and strategy null", () => {
    const report = scan(paddedTo(500_001));
    expect(report.violations.map((v) => [v.rule, v.line, v.col])).toEqual([["input.too_large", 0, 0]]);
    expect(report.ok).toBe(false);
    expect(report.facts).toBeNull();
    expect(report.strategy).toBeNull();
  });

  it("rejects: an oversized file is not examined further (a NUL and a forbidden import are not reported)", () => {
    const big = bytesOf("import os\x00\n", paddedTo(500_001));
    expect(ruleIds(scan(big))).toEqual(["input.too_large"]);
  });

  it("accepts: exactly 500,000 bytes, scanned in under 2 s (§15.7)", () => {
    const bytes = paddedTo(500_000);
    const started = performance.now();
    expectAccepted(scan(bytes));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("input.not_utf8 (rule 2, stop)", () => {
  // [label, raw bytes placed inside a comment on line 2 after "# ab", expected column]
  const invalid: [string, number[]][] = [
    ["a lone continuation byte 0x80", [0x80]],
    ["0xff", [0xff]],
    ["0xfe", [0xfe]],
    ["a two-byte overlong form C0 80", [0xc0, 0x80]],
    ["a two-byte overlong form C1 BF", [0xc1, 0xbf]],
    ["a three-byte overlong form E0 80 80", [0xe0, 0x80, 0x80]],
    ["a three-byte overlong form E0 9F BF (U+07FF)", [0xe0, 0x9f, 0xbf]],
    ["a four-byte overlong form F0 80 80 80", [0xf0, 0x80, 0x80, 0x80]],
    ["a four-byte overlong form F0 8F BF BF (U+FFFF)", [0xf0, 0x8f, 0xbf, 0xbf]],
    ["the surrogate U+D800 (ED A0 80)", [0xed, 0xa0, 0x80]],
    ["the surrogate U+DFFF (ED BF BF)", [0xed, 0xbf, 0xbf]],
    ["a CESU-8 surrogate pair", [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
    ["U+110000 (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
    ["a five-byte lead F8", [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ["an F5 lead", [0xf5, 0x80, 0x80, 0x80]],
    ["a truncated two-byte sequence", [0xc3]],
    ["a truncated three-byte sequence", [0xe2, 0x82]],
    ["a truncated four-byte sequence", [0xf0, 0x9f, 0x98]],
    ["a lead byte followed by ASCII", [0xc3, 0x41]],
  ];

  it.each(invalid)("rejects: %s, at the first invalid byte, and stops", (_label, raw) => {
    const report = scan(bytesOf("import torch\n# ab", raw, " tail\n", utf8(VALID_TAIL)));
    expect(report.violations.map((v) => [v.rule, v.line, v.col])).toEqual([["input.not_utf8", 2, 5]]);
    expect(report.facts).toBeNull();
    expect(report.strategy).toBeNull();
  });

  it("rejects: an invalid byte at the end of the file, after valid multi-byte characters on its line", () => {
    const report = scan(bytesOf(utf8(MINIMAL_VALID), "# é€😀", [0xff]));
    const lines = MINIMAL_VALID.split("\n").length;
    expect(report.violations.map((v) => [v.rule, v.line, v.col])).toEqual([["input.not_utf8", lines, 6]]);
  });

  it("rejects: earlier input rules do not run past the stop; later ones are not reported", () => {
    const report = scan(bytesOf("import os\n# \x07", [0xff], "\n", utf8(VALID_TAIL)));
    expect(ruleIds(report)).toEqual(["input.not_utf8"]);
  });

  // Valid multi-byte forms at the boundaries, in a comment.
  const valid: [string, string][] = [
    ["U+0080", "\u0080"],
    ["U+07FF", "\u07ff"],
    ["U+0800", "\u0800"],
    ["U+D7FF", "\ud7ff"],
    ["U+E000", "\ue000"],
    ["U+FFFD", "\ufffd"],
    ["U+10000", "\u{10000}"],
    ["U+10FFFF", "\u{10ffff}"],
    ["an emoji", "😀"],
  ];
  it.each(valid)("accepts: %s inside a comment", (_label, ch) => {
    expectAccepted(scan(fileWith(`import torch  # ${ch}`)));
  });
});

describe("performance (§15.7)", () => {
  function timeOf(text: string): number {
    const started = performance.now();
    expectAccepted(scan(text));
    return performance.now() - started;
  }

  it("behavior: scan time grows linearly with a run of consecutive comment lines", () => {
    const comments = (n: number) => wrap(`import torch\n${`# ${"x".repeat(77)}\n`.repeat(n)}`);
    timeOf(comments(50)); // warm-up
    const small = timeOf(comments(250));
    const large = timeOf(comments(1000));
    // Linear growth gives about 4x; allow 8x for noise.
    expect(large, `250 lines: ${small.toFixed(0)} ms, 1000 lines: ${large.toFixed(0)} ms`).toBeLessThan(Math.max(8 * small, 400));
  });
});

describe("input.bom (rule 3)", () => {
  it("rejects: a leading EF BB BF at 1:1, and the scan continues", () => {
    const report = scan(bytesOf([0xef, 0xbb, 0xbf], "import os\n", utf8(VALID_TAIL)));
    expectRule(report, "input.bom", [1, 1]);
    expectRule(report, "import.forbidden");
    expect(report.facts).not.toBeNull();
  });

  it("rejects: a BOM before an otherwise valid file is the only violation", () => {
    const report = scan(bytesOf([0xef, 0xbb, 0xbf], utf8(MINIMAL_VALID)));
    expect(ruleIds(report)).toEqual(["input.bom"]);
    expect(report.strategy).toEqual({ dp_size: 1, tp_size: 1 });
  });

  it("rejects: U+FEFF after the start is input.control_char, not input.bom", () => {
    const report = scan(fileWith("import torch  # a\ufeffb"));
    expectNoRule(report, "input.bom");
    expectRule(report, "input.control_char", [1, 18]);
  });

  it("accepts: a file without a BOM", () => {
    expectNoRule(scan(MINIMAL_VALID), "input.bom");
  });
});

describe("input.nul (rule 4)", () => {
  it("rejects: a NUL byte in a comment, at the byte", () => {
    const report = scan(fileWith(bytesOf("import torch  # a", 0x00, "b")));
    expectRule(report, "input.nul", [1, 18]);
  });

  it("rejects: a NUL byte in a string literal", () => {
    expectRule(scan(fileWith(bytesOf('x = "a', 0x00, 'b"'))), "input.nul", [1, 7]);
  });

  it("rejects: a NUL on line 3", () => {
    expectRule(scan(fileWith(bytesOf("import torch\n\n# ", 0x00))), "input.nul", [3, 3]);
  });

  it("accepts: the escape \\x00 in a string is not a NUL byte", () => {
    expectAccepted(scan(wrap('x = "a\\x00b"')));
  });
});

describe("input.coding_decl (rule 5)", () => {
  const rejected: [string, string, number, number][] = [
    ["latin-1 on line 1", "# -*- coding: latin-1 -*-\nimport torch", 1, 1],
    ["utf-7 on line 1", "# coding: utf-7\nimport torch", 1, 1],
    ["ascii on line 2 after a shebang", "#!/usr/bin/env python\n# -*- coding: ascii -*-\nimport torch", 2, 1],
    ["vim fileencoding on line 2", "# a comment\n# vim: set fileencoding=cp1252 :\nimport torch", 2, 1],
    ["line 2 checked although line 1 is code (stricter than CPython)", "import torch\n# coding: latin-1", 2, 1],
    ["an indented comment on line 2", "import torch\n    # coding=iso-8859-15", 2, 5],
    ["coding= form", "# coding=cp1252\nimport torch", 1, 1],
    ["utf-8-sig is not utf-8", "# coding: utf-8-sig\nimport torch", 1, 1],
    ["utf-16", "# coding: utf-16\nimport torch", 1, 1],
  ];
  it.each(rejected)("rejects: %s", (_label, head, line, col) => {
    expectRule(scan(fileWith(head)), "input.coding_decl", [line, col]);
  });

  it("rejects: both lines are checked and both reported", () => {
    const report = scan(fileWith("# coding: latin-1\n# coding: cp1252\nimport torch"));
    expect(hitsOf(report, "input.coding_decl").map((v) => [v.line, v.col])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  const accepted: [string, string][] = [
    ["utf-8", "# -*- coding: utf-8 -*-\nimport torch"],
    ["UTF-8 upper case", "# coding: UTF-8\nimport torch"],
    ["utf8", "# coding=utf8\nimport torch"],
    ["utf_8 (underscore read as dash)", "# vim: set fileencoding=utf_8 :\nimport torch"],
    ["UTF_8", "#!/usr/bin/env python\n# coding: UTF_8\nimport torch"],
    ["a declaration on line 3 is not checked", "import torch\n\n# coding: latin-1"],
    ["a trailing comment on a code line does not match the pattern", "import torch  # coding: latin-1"],
    ["a string mentioning coding", 'x = "# coding: latin-1"'],
  ];
  it.each(accepted)("accepts: %s", (_label, head) => {
    expectAccepted(scan(fileWith(head)));
  });
});

describe("input.control_char (rule 6)", () => {
  const forbidden: number[] = [
    ...Array.from({ length: 8 }, (_, i) => i + 1),
    0x0b,
    0x0c,
    ...Array.from({ length: 0x1f - 0x0e + 1 }, (_, i) => i + 0x0e),
    0x7f,
    0x85,
    0x2028,
    0x2029,
    0xfeff,
  ];
  const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

  it.each(forbidden.map((cp) => [hex(cp), cp] as const))("rejects: %s in a comment, at the character", (_label, cp) => {
    const report = scan(fileWith(`import torch  # a${String.fromCodePoint(cp)}b\nimport os`));
    expectRule(report, "input.control_char", [1, 18]);
    // The character is not a line break for the positions of later violations.
    expectRule(report, "import.forbidden", [2, 8]);
  });

  it.each(forbidden.map((cp) => [hex(cp), cp] as const))("rejects: %s inside a string literal", (_label, cp) => {
    expectRule(scan(fileWith(`x = "a${String.fromCodePoint(cp)}b"`)), "input.control_char", [1, 7]);
  });

  it("rejects: a form feed in the leading whitespace (CPython accepts it)", () => {
    expectRule(scan(fileWith("import torch\n\fx = 1")), "input.control_char", [2, 1]);
  });

  it("rejects: a form feed on its own line", () => {
    expectRule(scan(fileWith("import torch\n\f\nx = 1")), "input.control_char", [2, 1]);
  });

  it("accepts: TAB inside a string and a comment, LF and CRLF", () => {
    expectAccepted(scan(wrap('x = "a\tb"  # c\td').replaceAll("\n", "\r\n")));
  });

  it("accepts: escapes of control characters in strings are not control characters", () => {
    expectAccepted(scan(wrap('x = "\\x0c\\x0b\\x85\\u2028\\ufeff"')));
  });

  it("accepts: non-forbidden neighbours U+0086, U+2027, U+202F, U+FEFE in a comment", () => {
    expectAccepted(scan(fileWith("import torch  # \u0086 \u2027 \u202f \ufefe")));
  });
});

describe("input.lone_cr (rule 7)", () => {
  it("rejects: a CR between two statements, at the CR", () => {
    expectRule(scan(fileWith("x = 1\ry = 2")), "input.lone_cr", [1, 6]);
  });

  it("rejects: a CR inside a comment that would hide a line from a grammar", () => {
    expectRule(scan(fileWith("import torch  # note\rimport os")), "input.lone_cr", [1, 21]);
  });

  it("rejects: a CR at the end of the file", () => {
    const report = scan(`${MINIMAL_VALID}x = 1\r`);
    expectRule(report, "input.lone_cr");
  });

  it("rejects: CR CR LF contains one lone CR", () => {
    const report = scan(fileWith("x = 1\r\r\ny = 2"));
    expect(hitsOf(report, "input.lone_cr").map((v) => [v.line, v.col])).toEqual([[1, 6]]);
  });

  it("accepts: a CRLF file", () => {
    expectAccepted(scan(MINIMAL_VALID.replaceAll("\n", "\r\n")));
  });

  it("accepts: a file mixing CRLF and LF", () => {
    const mixed = MINIMAL_VALID.split("\n")
      .map((line, i) => (i % 2 === 0 ? `${line}\r` : line))
      .join("\n");
    expectAccepted(scan(mixed));
  });

  it("accepts: CRLF does not move positions", () => {
    const report = scan(wrap("import torch\nimport os").replaceAll("\n", "\r\n"));
    expect(report.violations.map((v) => `${v.line}:${v.col} ${v.rule}`)).toEqual([
      "2:8 import.forbidden",
      "2:8 import.not_allowlisted",
    ]);
  });
});

describe("input.bidi_control (rule 8)", () => {
  const bidi = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
  const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

  it.each(bidi.map((cp) => [hex(cp), cp] as const))("rejects: %s in a comment", (_label, cp) => {
    expectRule(scan(fileWith(`import torch  # a${String.fromCodePoint(cp)}b`)), "input.bidi_control", [1, 18]);
  });

  it.each(bidi.map((cp) => [hex(cp), cp] as const))("rejects: %s in a string literal", (_label, cp) => {
    expectRule(scan(fileWith(`x = "ab${String.fromCodePoint(cp)}"`)), "input.bidi_control", [1, 8]);
  });

  it("accepts: the neighbours U+200D and U+2065 and right-to-left text in a string", () => {
    expectAccepted(scan(wrap('x = "\u200d \u2065 \u05e9\u05dc\u05d5\u05dd"')));
  });
});

describe("input.tab_indent (rule 9)", () => {
  const rejected: [string, string, number, number][] = [
    ["a TAB indenting a block", "if True:\n\tx = 1", 2, 1],
    ["a TAB after spaces in the indentation", "if True:\n    \tx = 1", 2, 5],
    ["a TAB in the leading whitespace of a bracket continuation line", "x = (\n\t1)", 2, 1],
    ["a TAB before a comment-only line", "import torch\n\t# comment", 2, 1],
  ];
  it.each(rejected)("rejects: %s", (_label, snippet, line, col) => {
    expectRule(scan(wrap(snippet)), "input.tab_indent", [line, col]);
  });

  const accepted: [string, string][] = [
    ["a TAB at the start of a line inside a triple-quoted string", 'x = """\n\tindented\n"""'],
    ["a TAB at the start of a line inside a triple-quoted f-string", 'y = 1\nx = f"""\n\t{y}\n"""'],
    ["a TAB at the start of a line inside a backslash-continued string", 'x = "a\\\n\tb"'],
    ["a TAB between tokens", "x =\t1"],
    ["a TAB in a trailing comment", "x = 1\t# c"],
    ["space indentation", "if True:\n    x = 1"],
  ];
  it.each(accepted)("accepts: %s", (_label, snippet) => {
    expectAccepted(scan(wrap(snippet)));
  });
});

describe("input.non_ascii_code (rule 10)", () => {
  const rejected: [string, string, number, number][] = [
    ["a fullwidth identifier that NFKC-normalises to exec", "ｅｘｅｃ = 1", 1, 1],
    ["a non-ASCII letter in an identifier", "café = 1", 1, 4],
    ["a Greek identifier", "x = 1\nπ = 3", 2, 1],
    ["a non-ASCII name inside an f-string replacement field", 'café = 1\nx = f"a {café} b"', 2, 13],
    ["a non-ASCII attribute name", "import torch\ntorch.ｅval", 2, 7],
  ];
  it.each(rejected)("rejects: %s", (_label, snippet, line, col) => {
    expectRule(scan(wrap(snippet)), "input.non_ascii_code", [line, col]);
  });

  // CPython rejects these at tokenisation; the grammar may too (then syntax.error stops the scan).
  const eitherRule: [string, string][] = [
    ["a no-break space between tokens", "x =\u00a01"],
    ["a fullwidth digit", "x = \uff11"],
    ["an ideographic space in indentation", "if True:\n\u3000x = 1"],
  ];
  it.each(eitherRule)("rejects: %s (syntax.error or input.non_ascii_code)", (_label, snippet) => {
    const rules = ruleIds(scan(wrap(snippet)));
    expect(rules.some((r) => r === "syntax.error" || r === "input.non_ascii_code"), rules.join(",")).toBe(true);
  });

  it("rejects: non-ASCII in a bytes literal is syntax.error or input.non_ascii_code", () => {
    const rules = ruleIds(scan(wrap('x = b"é"')));
    expect(rules.some((r) => r === "syntax.error" || r === "input.non_ascii_code"), rules.join(",")).toBe(true);
  });

  const accepted: [string, string][] = [
    ["non-ASCII in a comment", "x = 1  # café ｅｘｅｃ π"],
    ["non-ASCII in a str literal", 'x = "café ｅｘｅｃ π 😀"'],
    ["a docstring in another language", '"""Модуль обучения. 训练模块。"""'],
    ["non-ASCII in the literal parts of an f-string", 'y = 1\nx = f"café {y} π"'],
    ["non-ASCII in a str inside an f-string field", "y = 1\nx = f\"{'é' * y}\""],
    ["non-ASCII in a raw string", 'x = r"é\\d"'],
    ["non-ASCII in a triple-quoted string", 'x = """\nπ\n"""'],
  ];
  it.each(accepted)("accepts: %s", (_label, snippet) => {
    expectAccepted(scan(wrap(snippet)));
  });
});

describe("input.line_continuation (rule 11)", () => {
  it("rejects: a continuation whose next line is empty", () => {
    expectRule(scan(wrap("x = [1,\\\n\n2]")), "input.line_continuation", [1, 8]);
  });

  it("rejects: a continuation whose next line is comment-only", () => {
    expectRule(scan(wrap("x = 1 \\\n# comment\ny = 2")), "input.line_continuation", [1, 7]);
  });

  it("rejects: a continuation whose next line is whitespace and a comment", () => {
    expectRule(scan(wrap("x = [1, \\\n    # comment\n    2]")), "input.line_continuation", [1, 9]);
  });

  it("rejects: a continuation at the end of the file", () => {
    const text = `${MINIMAL_VALID}x = 1 \\\n`;
    const lines = MINIMAL_VALID.split("\n").length;
    expectRule(scan(text), "input.line_continuation", [lines, 7]);
  });

  it("rejects: a backslash followed by a space (or a syntax error)", () => {
    const rules = ruleIds(scan(wrap("x = 1 + \\ \n    2")));
    expect(rules.some((r) => r === "input.line_continuation" || r === "syntax.error"), rules.join(",")).toBe(true);
  });

  const accepted: [string, string][] = [
    ["a continuation followed by code", "x = 1 + \\\n    2"],
    ["a CRLF continuation", "x = 1 + \\\r\n    2"],
    ["a backslash in a comment", "x = 1  # a \\ b"],
    ["a backslash in a string", 'x = "a\\\\b"'],
    ["a backslash-newline inside a string", 'x = "a\\\nb"'],
    ["a with statement continued by backslash", "import contextlib\nwith contextlib.nullcontext() as a, \\\n     contextlib.nullcontext() as b:\n    pass"],
  ];
  it.each(accepted)("accepts: %s", (_label, snippet) => {
    expectAccepted(scan(wrap(snippet)));
  });
});

describe("syntax.error (rule 12, stop)", () => {
  const rejected: [string, string][] = [
    ["an unclosed parameter list", "def f(:\n    pass"],
    ["a missing closing bracket", "x = (1"],
    ["a stray operator", "x = = 1"],
    ["an unterminated string", 'x = "abc'],
    ["a misplaced keyword", "x = import"],
  ];
  it.each(rejected)("rejects: %s", (_label, snippet) => {
    const report = scan(wrap(snippet));
    expectRule(report, "syntax.error");
    expect(report.facts).toBeNull();
    expect(report.strategy).toBeNull();
  });

  // The grammar still has Python 2 statement forms; CPython 3.11 rejects them. Either stop rule will do.
  const python2: [string, string][] = [
    ["a Python 2 print statement", 'print "hello"'],
    ["a Python 2 exec statement", 'exec "x = 1"'],
  ];
  it.each(python2)("rejects: %s as syntax.error or syntax.unsupported, and stops", (_label, snippet) => {
    const report = scan(wrap(`import os\n${snippet}`));
    const rules = ruleIds(report);
    expect(rules.length, rules.join(",")).toBeGreaterThan(0);
    expect(rules.every((r) => r === "syntax.error" || r === "syntax.unsupported"), rules.join(",")).toBe(true);
    expect(report.facts).toBeNull();
  });

  it("rejects: at most 20 syntax.error violations are reported", () => {
    const broken = Array.from({ length: 40 }, (_, i) => `x${i} = (1 +\ny${i} = )`).join("\n\n");
    const report = scan(wrap(broken));
    const count = hitsOf(report, "syntax.error").length;
    expect(count, describeViolations(report)).toBeGreaterThan(1);
    expect(count).toBeLessThanOrEqual(20);
  });

  it("rejects: 30 independent errors give exactly 20 violations", () => {
    const broken = Array.from({ length: 30 }, (_, i) => `def f${i}(:\n    pass`).join("\n\n");
    const report = scan(wrap(broken));
    expect(hitsOf(report, "syntax.error").length, describeViolations(report)).toBe(20);
  });

  it("rejects: a stop; earlier input violations are kept, later rules do not run", () => {
    const report = scan(fileWith("import os  # \f\n\tdef f(:\n    pass"));
    const rules = ruleIds(report);
    expect(rules).toContain("input.control_char");
    expect(rules).toContain("syntax.error");
    expect(rules).not.toContain("import.forbidden");
    expect(rules).not.toContain("input.tab_indent");
    expect(report.facts).toBeNull();
  });

  const accepted: [string, string][] = [
    ["except* (3.11)", "try:\n    pass\nexcept* ValueError:\n    pass"],
    ["match (3.11)", "x = 1\nmatch x:\n    case 1:\n        pass\n    case _:\n        pass"],
    ["a walrus", "if (n := 10) > 5:\n    pass"],
    ["positional-only parameters", "def f(a, /, b, *, c):\n    return a"],
    ["print as a function", 'print("hello")'],
    ["print >> x, 'hello' (a valid 3.11 expression statement)", 'x = 1\nprint >> x, "hello"'],
    ["a soft keyword used as a name", "match = 1\ncase = 2\ntype = 3"],
  ];
  it.each(accepted)("accepts: %s", (_label, snippet) => {
    const report = scan(wrap(snippet));
    expectNoRule(report, "syntax.error");
    expectNoRule(report, "syntax.unsupported");
  });
});

describe("syntax.unsupported (rule 13, stop)", () => {
  const rejected: [string, string, number, number][] = [
    ["a type alias statement", "type X = int", 1, 1],
    ["a generic function", "def f[T](x):\n    return x", 1, 1],
    ["a generic class", "class C[T]:\n    pass", 1, 1],
    ["an f-string field containing the enclosing quote", "d = {}\nx = f\"{d[\"k\"]}\"", 2, 5],
    ["an f-string field containing a backslash", "y = []\nx = f\"{'\\n'.join(y)}\"", 2, 5],
    ["a comment inside a field of a triple-quoted f-string", 'x = f"""{1 # c\n}"""', 1, 5],
    ["a line break inside a field of a single-quoted f-string", 'y = 1\nx = f"{y\n}"', 2, 5],
  ];
  it.each(rejected)("rejects: %s", (_label, snippet, line) => {
    const report = scan(wrap(snippet));
    const hits = hitsOf(report, "syntax.unsupported");
    expect(hits.length, describeViolations(report)).toBeGreaterThan(0);
    expect(hits[0]!.line).toBe(line);
    expect(report.facts).toBeNull();
  });

  it("rejects: a stop; node rules do not run", () => {
    const report = scan(wrap("import os\ntype X = int"));
    expect(ruleIds(report)).toEqual(["syntax.unsupported"]);
  });

  const accepted: [string, string][] = [
    ["an f-string field with the other quote", "d = {}\nx = f\"{d['k']}\""],
    ["a '#' in an f-string format spec", 'y = 1\nx = f"{y:#x}"'],
    ["a '#' inside a string inside an f-string field (3.11 allows it)", "x = f\"{'#'}\""],
    ["a line break in a field of a triple-quoted f-string", 'y = 1\nx = f"""{y\n}"""'],
    ["a nested format spec", 'y = 1\nw = 4\nx = f"{y!r:>{w}}"'],
    ["type used as a name in a call", "x = 1\ny = type(x)"],
  ];
  it.each(accepted)("accepts: %s", (_label, snippet) => {
    expectAccepted(scan(wrap(snippet)));
  });
});

describe("input.too_complex (rule 14, stop)", () => {
  it("rejects: lists nested 150 deep", () => {
    const report = scan(wrap(`x = ${"[".repeat(150)}1${"]".repeat(150)}`));
    expectRule(report, "input.too_complex");
    expect(report.facts).toBeNull();
  });

  it("rejects: calls nested 120 deep", () => {
    expectRule(scan(wrap(`x = ${"abs(".repeat(120)}1${")".repeat(120)}`)), "input.too_complex");
  });

  it("rejects: blocks nested 110 deep", () => {
    const body = Array.from({ length: 110 }, (_, i) => `${" ".repeat(i)}if x:`).join("\n");
    const report = scan(wrap(`x = 1\n${body}\n${" ".repeat(110)}pass`));
    expectRule(report, "input.too_complex");
  });

  // K.C21: pathological inputs within the size limit end in a stop, not a crash or a hang.
  const pathological: [string, string][] = [
    ["100,000 nested lists", `x = ${"[".repeat(100_000)}${"]".repeat(100_000)}`],
    ["100,000 unary minus signs", `x = ${"-".repeat(100_000)}1`],
    ["100,000 nested parentheses", `x = ${"(".repeat(100_000)}1${")".repeat(100_000)}`],
    ["a chain of 100,000 additions", `x = 1${"+1".repeat(100_000)}`],
  ];
  it.each(pathological)("rejects: %s as input.too_complex without crashing", (_label, snippet) => {
    const report = scan(wrap(snippet));
    expect(ruleIds(report)).toEqual(["input.too_complex"]);
    expect(report.facts).toBeNull();
  });

  it("rejects: a string literal longer than 100,000 characters", () => {
    const report = scan(wrap(`x = "${"a".repeat(100_010)}"`));
    expectRule(report, "input.too_complex", [1, 5]);
    expect(report.facts).toBeNull();
  });

  it("rejects: a stop; other rules are not reported", () => {
    expect(ruleIds(scan(wrap(`import os\nx = ${"[".repeat(150)}1${"]".repeat(150)}`)))).toEqual(["input.too_complex"]);
  });

  it("accepts: lists nested 40 deep", () => {
    expectAccepted(scan(wrap(`x = ${"[".repeat(40)}1${"]".repeat(40)}`)));
  });

  it("accepts: a string literal of 90,000 characters", () => {
    expectAccepted(scan(wrap(`x = "${"a".repeat(90_000)}"`)));
  });
});

describe("string.named_escape (rule 15)", () => {
  const rejected: [string, string, number, number][] = [
    ["\\N{...} in a str literal", 'x = "\\N{LATIN SMALL LETTER A}"', 1, 6],
    ["\\N{...} after other text", 'x = "ab\\N{BULLET}"', 1, 8],
    ["\\N{...} in a u-prefixed literal", 'x = u"\\N{BULLET}"', 1, 7],
    ["\\N{...} in a triple-quoted literal", 'x = """\n\\N{BULLET}"""', 2, 1],
    ["\\N{...} in an f-string literal part", 'y = 1\nx = f"\\N{BULLET} {y}"', 2, 7],
  ];
  it.each(rejected)("rejects: %s", (_label, snippet, line, col) => {
    expectRule(scan(wrap(snippet)), "string.named_escape", [line, col]);
  });

  const accepted: [string, string][] = [
    ["a raw string", 'x = r"\\N{BULLET}"'],
    ["a bytes literal (\\N is not an escape)", 'x = b"\\N{BULLET}"'],
    ["an escaped backslash followed by N", 'x = "\\\\N{BULLET}"'],
    ["\\N in a comment", "x = 1  # \\N{BULLET}"],
  ];
  it.each(accepted)("accepts: %s", (_label, snippet) => {
    expectAccepted(scan(wrap(snippet)));
  });
});

describe("§2.2 ordering and de-duplication", () => {
  it("behavior: violations are sorted by line, col, then rule id", () => {
    const report = scan(wrap("import sys\nx = eval\nimport os"));
    const keys = report.violations.map((v) => [v.line, v.col, v.rule] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    expect(keys).toEqual(sorted);
    expect(report.violations.slice(0, 2).map((v) => v.rule)).toEqual(["import.forbidden", "import.not_allowlisted"]);
  });

  it("behavior: one node may trigger several rules, each reported", () => {
    const report = scan(wrap("import os"));
    expect(report.violations.map((v) => `${v.line}:${v.col} ${v.rule}`)).toEqual(["1:8 import.forbidden", "1:8 import.not_allowlisted"]);
  });

  it("behavior: identical (rule, line, col) triples are reported once", () => {
    // Two Attribute nodes both start at 1:5: `a.__dict__.__dict__` and `a.__dict__`.
    const report = scan(wrap("a = 1\nb = a.__dict__.__dict__"));
    expect(hitsOf(report, "attr.dunder_dict").map((v) => `${v.line}:${v.col}`)).toEqual(["2:5"]);
  });

  it("behavior: the same rule at different positions is reported at each", () => {
    const report = scan(wrap("a = 1\nb = a.__dict__\nc = a.__dict__"));
    expect(hitsOf(report, "attr.dunder_dict").map((v) => `${v.line}:${v.col}`)).toEqual(["2:5", "3:5"]);
  });

  it("behavior: ok is true exactly when the list is empty", () => {
    const good = scan(MINIMAL_VALID);
    expect(good.ok).toBe(true);
    expect(good.violations).toEqual([]);
    const bad = scan(wrap("import os"));
    expect(bad.ok).toBe(false);
  });

  it("behavior: the report exposes the documented fields", () => {
    const report = scan(MINIMAL_VALID);
    expect(Object.keys(report).sort()).toEqual(["attributes", "facts", "imports", "ok", "rulesHash", "strategy", "violations"].sort());
    expect(report.rulesHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.rulesHash).toBe(scanner.rulesHash);
    expect(report.imports).toEqual(["torch"]);
  });

  it("behavior: violations have exactly rule, line, col, message", () => {
    const [v] = scan(wrap("import os")).violations;
    expect(Object.keys(v!)).toEqual(["rule", "line", "col", "message"]);
    expect(v!.message).toContain("os");
  });

  it("behavior: messages truncate long identifiers to 80 characters and escape non-printables", () => {
    const long = `x.${"a".repeat(200)}elapsed_time`;
    const report = scan(wrap(`x = 1\n${long}`));
    for (const v of report.violations) expect(v.message.includes("a".repeat(81)), v.message).toBe(false);
  });

  it("behavior: columns count code points, not UTF-16 units or bytes", () => {
    const report = scan(wrap('x = "😀é"; import os'));
    expectRule(report, "import.forbidden", [1, 18]);
  });
});
