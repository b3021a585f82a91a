/**
 * The converter and the facts document against CPython itself (scanner.md §3.1, §13, §15.3-4):
 * for every file of the corpus, CPython's `ast` must equal our converted tree (kinds, fields,
 * constants and positions) and CPython's facts must equal the host's, byte for byte.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadGrammar, type LoadedGrammar } from "../../src/scanner/parser.js";
import { parseSource } from "../../src/scanner/scan.js";
import { canonicalJson, createScanner, type Scanner, type ScanReport } from "../../src/scanner/index.js";
import { cpythonDumps, cpythonFacts, pythonVersion, stdlibSample } from "./support/python.js";
import { firstDifference, serialiseTree } from "./support/serialise.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** Syntax that stresses the conversion; each must parse under CPython 3.11. */
const SNIPPETS: Record<string, string> = {
  fstrings: `x = f"{a=}{b = !r:>{w}}c{{d}}" "e" f'{g!s:{h}.{i}f}'\ny = f"""{a}\n{b:%Y}"""\nz = rf"\\d{a}" f"{'q'}"\nw = f"{x:}" f"" ""\n`,
  strings: `a = "\\x41\\u00e9\\U0001F600\\101\\8\\q"\nb = b"\\x00\\777\\n" rb"\\d"\nc = r'\\\\'\nd = "a" 'b' """c"""\ne = u"x"\nf = "line\\\ncontinued"\n`,
  numbers: `n = [0, 00, 1_000, 0xFF, 0o17, 0b1010, 1.5, .5, 5., 1e10, 1E-7, 1_0.0_1e1_0, 3j, 1.5J, 10**100, 123456789012345678901234567890]\n`,
  comprehensions: `a = [x for x in y if x if z for w in x]\nb = {k: v for k, v in d.items()}\nc = {s for s in t}\nd = (g for g in h)\ne = sum(x for x in y)\nf = f2((x for x in y), 1)\nasync def q():\n    return [x async for x in y]\n`,
  calls: `f(a, *b, c=1, *d, **e)\ng(*a)\nh(**k)\nobj.m(1)(2)[3].n\n`,
  assignments: `a = b = c = 1\nx, (y, *z) = t\n[p, q] = r\n(s) = 1\nu: int = 1\n(v): int\nw.a: int = 2\nm[1]: str\nn += 1\no.p *= 2\nq[0] //= 3\n`,
  definitions: `@dec\n@dec2(1)\ndef f(a, b=1, /, c=2, *d, e, g=3, **h) -> int:\n    "doc"\n    global G\n    nonlocal_v = 1\n    return a\nclass C(B, metaclass=M, **kw):\n    x: int\n    def m(self, *, k): ...\nlam = lambda a, /, b=1, *c, d, e=2, **f: 0\nlam2 = lambda: 0\nasync def af():\n    await x\n    async with a as b, c:\n        pass\n    async for i in j:\n        pass\n`,
  control: `if a:\n    pass\nelif b:\n    pass\nelif c:\n    pass\nelse:\n    pass\nwhile x:\n    break\nelse:\n    pass\nfor i in x:\n    continue\nfor i, j in k, l:\n    pass\nelse:\n    pass\ntry:\n    pass\nexcept (A, B) as e:\n    pass\nexcept C:\n    raise D from e\nelse:\n    pass\nfinally:\n    pass\ntry:\n    pass\nexcept* E:\n    pass\nwith a, b as (c, d), e as f.g:\n    pass\nwith (a as b, c as d):\n    pass\nassert x, "m"\ndel a, b[0], c.d\ndel (e, f)\n`,
  expressions: `a = not b and c or d and e or f\nb = x if y else z\nc = 1 < 2 <= 3 is not None in x not in y\nd = -1 + +2 * ~3 ** -4 // 5 % 6 @ m << 1 >> 2 & 3 | 4 ^ 5\ne = (y := 10)\nf = x[1:2, ::3, 4]\ng = x[1,]\nh = x[:]\ni = {**a, "b": 1}\nj = [*a, *b]\nk = (1,)\nl = ()\nm = ...\nn = None, True, False\ndef gen():\n    yield\n    yield 1\n    yield 1, 2\n    x = yield from y\n    z = (yield)\n`,
  match: `match p:\n    case 1 | -2 | "a" | 1.5:\n        pass\n    case [a, *rest] if a:\n        pass\n    case {"k": v, 1: w, **kw}:\n        pass\n    case Point(1, y=0, z=zz) as pt:\n        pass\n    case a.b.c:\n        pass\n    case None | True:\n        pass\n    case (x, y):\n        pass\n    case x, *_:\n        pass\n    case 1+2j | -1-2j:\n        pass\n    case _:\n        pass\n`,
  imports: `from __future__ import annotations\nimport a\nimport a.b.c\nimport a.b as c, d\nfrom x import y\nfrom x.y import (z as w, v)\nfrom . import m\nfrom ..p import q\nfrom m import *\n`,
  annotations: `x: list[int] | None = None\ny: dict[str, tuple[int, ...]]\nz: a.b.C\ndef f(a: "T", *b: int, **c: float) -> dict[str, int]: ...\n`,
  crlf: "x = 1\r\ny = '''a\r\nb'''\r\n",
  unicode: `s = "héllo \u{1F600} wörld"  # cömment\nt = f"é{x}ü"\n`,
};

describe("the converter and the facts agree with CPython", () => {
  let scanner: Scanner;
  let grammar: LoadedGrammar;
  const corpus: string[] = [];
  const reports = new Map<string, ScanReport>();
  const reportOf = (path: string): ScanReport => {
    let report = reports.get(path);
    if (report === undefined) {
      report = scanner.scan(readFileSync(path), { gpus: 1 });
      reports.set(path, report);
    }
    return report;
  };

  beforeAll(async () => {
    const version = pythonVersion();
    if (version !== "3.11") throw new Error(`these tests need python3 3.11 (the evaluation image's version) on PATH, found ${version ?? "none"}`);
    scanner = (await createScanner())._unsafeUnwrap();
    grammar = (await loadGrammar())._unsafeUnwrap();
    const dir = mkdtempSync(join(tmpdir(), "crusades-differential-"));
    for (const [name, source] of Object.entries(SNIPPETS)) {
      const path = join(dir, `${name}.py`);
      writeFileSync(path, source);
      corpus.push(path);
    }
    for (const example of readdirSync(join(ROOT, "local_test"), { withFileTypes: true })) {
      if (example.isDirectory()) corpus.push(join(ROOT, "local_test", example.name, "train.py"));
    }
    const legit = join(ROOT, "test/fixtures/scanner/legit");
    // legit.test.ts requires these fixtures to exist; here they only widen the corpus.
    if (existsSync(legit)) for (const file of readdirSync(legit).filter((f) => f.endsWith(".py"))) corpus.push(join(legit, file));
    corpus.push(...stdlibSample(120));
  });

  /**
   * A `\\N{...}` escape needs Unicode's name database, so its value is kept as written and the
   * file is rejected (`string.named_escape`); such files are the one accepted difference.
   */
  const hasNamedEscape = (path: string) => reportOf(path).violations.some((v) => v.rule === "string.named_escape");

  it("behavior: CPython's ast equals the converted tree, positions included", () => {
    const failures: string[] = [];
    let compared = 0;
    for (const dump of cpythonDumps(corpus)) {
      if (!dump.ok) {
        // The other direction (§15.4): what CPython cannot parse, the host must reject as such.
        const rules = reportOf(dump.path).violations.map((v) => v.rule);
        if (!rules.some((r) => r.startsWith("syntax.") || r.startsWith("input.") || r === "string.named_escape")) {
          failures.push(`${dump.path}: CPython fails (${dump.error}) but no input or syntax rule fired`);
        }
        continue;
      }
      if (hasNamedEscape(dump.path)) continue;
      const violations: string[] = [];
      const parsed = parseSource(grammar, readFileSync(dump.path), (rule, at, message) => violations.push(`${rule} ${at.line}:${at.col} ${message}`));
      if (parsed === null) {
        // Only the size limit may stop a file CPython accepts; anything else is a false rejection.
        if (!violations.every((v) => v.startsWith("input.too_large") || v.startsWith("input.too_complex"))) failures.push(`${dump.path}: rejected: ${violations.join("; ")}`);
        continue;
      }
      compared++;
      const difference = firstDifference(dump.tree, serialiseTree(parsed.module), "$");
      if (difference !== null) failures.push(`${dump.path}: ${difference}`);
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(100);
  });

  it("behavior: CPython's facts equal the host's facts, byte for byte", () => {
    const expected = cpythonFacts(corpus);
    const failures: string[] = [];
    corpus.forEach((path, i) => {
      const report = reportOf(path);
      if (report.facts === null) return;
      const namedEscape = report.violations.some((v) => v.rule === "string.named_escape");
      if (canonicalJson(report.facts) !== expected[i] && !namedEscape) failures.push(path);
    });
    expect(failures).toEqual([]);
  });
});
