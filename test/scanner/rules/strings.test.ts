/**
 * String rules: forbidden string constants (scanner.md §6.1), forbidden bytes constants (§6.2
 * [PROJECT]), the six reference resolvers of §7 with their suspicious constructions, and the
 * project's constant-expression folding of R8 (string.constructed, string.unresolvable).
 */
import { beforeAll, describe, it } from "vitest";
import type { Scanner } from "../../../src/scanner/index.js";
import { type Acceptance, type Rejection, acceptances, checkAcceptance, expectNoRule, expectRule, loadScanner, rejections, wrap } from "../helpers.js";

let scanner: Scanner;
beforeAll(async () => {
  scanner = await loadScanner();
});
const scan = (snippet: string) => scanner.scan(wrap(snippet), { gpus: 1 });

const GLOBALS_INTS = "95, 95, 103, 108, 111, 98, 97, 108, 115, 95, 95";
const GLOBALS_HEX = "5f5f676c6f62616c735f5f";

describe("§6.1 string.forbidden", () => {
  const rejected: readonly Rejection[] = [
    ["a plain constant", 'x = "getattr"', "string.forbidden", [1, 5]],
    ["a substring of a constant", 'x = "call getattr here"', "string.forbidden", [1, 5]],
    ["a docstring", '"""Uses getattr internally."""', "string.forbidden", [1, 1]],
    ["a function docstring mentioning locals", 'def f():\n    """Reads locals()."""\n    return 1', "string.forbidden", [2, 5]],
    ['"USE_CUDA" contains _C', 'x = "USE_CUDA"', "string.forbidden", [1, 5]],
    ['"_CACHE"', 'x = "_CACHE"', "string.forbidden", [1, 5]],
    ["the __main__ literal", 'x = "__main__"', "string.forbidden", [1, 5]],
    ["a string annotation", 'x: "getattr" = 1', "string.forbidden", [1, 4]],
    ["a dictionary key", 'd = {"locals": 1}', "string.forbidden", [1, 6]],
    ["implicit concatenation", 'x = "get" "attr"', "string.forbidden", [1, 5]],
    ["implicit concatenation across lines in brackets", 'x = (\n    "glo"\n    "bals"\n)', "string.forbidden", [2, 5]],
    ["a hex escape decoded", 'x = "get\\x61ttr"', "string.forbidden", [1, 5]],
    ["a \\u escape decoded", 'x = "\\u0067etattr"', "string.forbidden", [1, 5]],
    ["a \\U escape decoded", 'x = "\\U00000067etattr"', "string.forbidden", [1, 5]],
    ["an octal escape decoded", 'x = "\\147etattr"', "string.forbidden", [1, 5]],
    ["a backslash-newline removed in a non-raw literal", 'x = "get\\\nattr"', "string.forbidden", [1, 5]],
    ["upper-case prefixes", 'x = U"getattr"', "string.forbidden", [1, 5]],
    ["a raw string containing the text", 'x = r"getattr"', "string.forbidden", [1, 5]],
    ["a literal part of an f-string: f\"{a}_globals\"", 'a = 1\nx = f"{a}_globals"', "string.forbidden"],
    ["an f-string format spec", 'a = 1\nx = f"{a:getattr}"', "string.forbidden"],
    ["a triple-quoted multi-line string", 'x = """\nperf_counter\n"""', "string.forbidden", [1, 5]],
    ["evaluator internals (K.B6)", 'x = "captured_gradients"', "string.forbidden", [1, 5]],
    ["attention config tampering (K.B10)", 'x = "sliding_window"', "string.forbidden", [1, 5]],
    ["sys.modules as text (K.B7)", 'x = "sys.modules"', "string.forbidden", [1, 5]],
    ["a string in a call argument", 'print("timer: perf_counter")', "string.forbidden", [1, 7]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ['"__class__" (not forbidden)', 'x = "__class__"', "string.forbidden", "ok"],
    ['"step_count" (not forbidden)', 'x = "step_count"', "string.forbidden", "ok"],
    ["case-sensitive: GETATTR", 'x = "GETATTR"', "string.forbidden", "ok"],
    ["a raw string whose decoded form would match", 'x = r"get\\x61ttr"', "string.forbidden", "ok"],
    ["a comment is never checked", "x = 1  # getattr locals globals __main__", "string.forbidden", "ok"],
    ["a bytes constant is not a str constant", 'x = b"getattr"', "string.forbidden"],
    ['"_c" lower case', 'x = "use_cuda"', "string.forbidden", "ok"],
    ["ordinary log text", 'print(f"step {1}: loss {2.0:.4f}")', "string.forbidden", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("string.forbidden_bytes [PROJECT]", () => {
  const rejected: readonly Rejection[] = [
    ["a bytes constant", 'x = b"getattr"', "string.forbidden_bytes", [1, 5]],
    ["a bytes constant with escapes", 'x = b"get\\x61ttr"', "string.forbidden_bytes", [1, 5]],
    ["an implicitly concatenated bytes constant", 'x = b"__glo" b"bals__"', "string.forbidden_bytes", [1, 5]],
    ["a raw bytes constant", 'x = rb"__main__"', "string.forbidden_bytes", [1, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["an ordinary bytes constant", 'x = b"\\x00\\xff data"', "string.forbidden_bytes", "ok"],
    ["a near miss", 'x = b"getatt"', "string.forbidden_bytes", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("§7 reference resolvers: string.constructed", () => {
  const rejected: readonly Rejection[] = [
    // 7.2 bytes decode
    ["bytes([...]).decode()", `x = bytes([${GLOBALS_INTS}]).decode()`, "string.constructed", [1, 5]],
    ["bytearray([...]).decode('utf-8')", `x = bytearray([${GLOBALS_INTS}]).decode("utf-8")`, "string.constructed", [1, 5]],
    ["bytes([...]).decode(encoding='ascii')", `x = bytes([${GLOBALS_INTS}]).decode(encoding="ascii")`, "string.constructed", [1, 5]],
    ["True counts as the int 1 (bytes([True, ...]))", "x = bytes([95, 95, 103, 108, 111, 98, 97, 108, 115, 95, 95, True]).decode('latin-1')", "string.constructed", [1, 5]],
    ["bytes.fromhex(...).decode()", `x = bytes.fromhex("${GLOBALS_HEX}").decode()`, "string.constructed", [1, 5]],
    ["bytes.fromhex with whitespace between pairs", 'x = bytes.fromhex("5f 5f 67 6c 6f 62 61 6c 73 5f 5f").decode()', "string.constructed", [1, 5]],
    ["bytearray.fromhex(...).decode()", `x = bytearray.fromhex("${GLOBALS_HEX}").decode()`, "string.constructed", [1, 5]],
    ["two bytes constants added", 'x = (b"__glo" + b"bals__").decode()', "string.constructed", [1, 5]],
    ["a bytes constant decoded", 'x = b"__globals__".decode()', "string.constructed", [1, 5]],
    // 7.3 str(bytes(...), enc)
    ["str(bytes([...]), 'utf-8')", `x = str(bytes([${GLOBALS_INTS}]), "utf-8")`, "string.constructed", [1, 5]],
    // 7.4 join
    ['"".join([...])', 'x = "".join(["__glo", "bals__"])', "string.constructed", [1, 5]],
    ['"".join((...))', 'x = "".join(("__glo", "bals__"))', "string.constructed", [1, 5]],
    ['"_".join([...]) with a separator', 'x = "_".join(["f", "back"])', "string.constructed", [1, 5]],
    ['"".join(reversed("..."))', 'x = "".join(reversed("__slabolg__"))', "string.constructed", [1, 5]],
    // 7.5 concatenation
    ["concatenation", 'x = "__glo" + "bals__"', "string.constructed", [1, 5]],
    ["three-way concatenation", 'x = "get" + "at" + "tr"', "string.constructed", [1, 5]],
    // 7.6 %-format
    ["%-format with a str", 'x = "__%s__" % "globals"', "string.constructed", [1, 5]],
    ["%-format with a tuple", 'x = "%s%s" % ("__glo", "bals__")', "string.constructed", [1, 5]],
    // 7.7 f-string
    ["an f-string of str constants", "x = f\"{'__glo'}{'bals__'}\"", "string.constructed", [1, 5]],
    ["an f-string mixing literal text and a constant field", "x = f\"__glo{'bals__'}\"", "string.constructed", [1, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["bytes([...]).decode() of harmless text", "x = bytes([104, 105]).decode()", ["string.constructed", "string.suspicious_construction"], "ok"],
    ["bytes of a non-int element", "def f(y):\n    return bytes([y, 95]).decode()", ["string.constructed", "string.suspicious_construction"], "ok"],
    ["an empty join", 'x = "".join([])', "string.constructed", "ok"],
    ["a join of harmless parts", 'x = "-".join(["a", "b"])', "string.constructed", "ok"],
    ["concatenation with a variable", 'def f(y):\n    return y + "bals__"', "string.constructed", "ok"],
    ["%-format with a variable", 'def f(y):\n    return "__%s__" % y', "string.constructed", "ok"],
    ["an f-string with a variable field", 'def f(y):\n    return f"__glo{y}"', "string.constructed", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("§7 string.suspicious_construction", () => {
  const list = (n: number) => `[${Array.from({ length: n }, () => "95").join(", ")}]`;
  const rejected: readonly Rejection[] = [
    ["a dynamic .decode(encoding)", 'def f(enc):\n    return b"abc".decode(enc)', "string.suspicious_construction", [2, 12]],
    ["a dynamic encoding= keyword", 'def f(enc):\n    return b"abc".decode(encoding=enc)', "string.suspicious_construction", [2, 12]],
    ["a dynamic errors argument", 'def f(err):\n    return b"abc".decode("utf-8", err)', "string.suspicious_construction", [2, 12]],
    ["a dynamic errors= keyword", 'def f(err):\n    return bytes([97]).decode("utf-8", errors=err)', "string.suspicious_construction", [2, 12]],
    ["a dynamic encoding on bytes.fromhex(...).decode", 'def f(enc):\n    return bytes.fromhex("6162").decode(enc)', "string.suspicious_construction", [2, 12]],
    ["str(bytes(x), enc) with a dynamic encoding, even for a non-literal inner argument", "def f(data, enc):\n    return str(bytes(data), enc)", "string.suspicious_construction", [2, 12]],
    ["str(bytearray([...]), 'utf-8', err) with dynamic errors", "def f(err):\n    return str(bytearray([97]), 'utf-8', err)", "string.suspicious_construction", [2, 12]],
    ["bytes([...257 elements]).decode() (bytes literal too large)", `x = bytes(${list(257)}).decode()`, "string.suspicious_construction", [1, 5]],
    ["str(bytes([...257 elements]), 'utf-8')", `x = str(bytes(${list(257)}), "utf-8")`, "string.suspicious_construction", [1, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["a constant encoding", 'x = b"abc".decode("utf-8")', "string.suspicious_construction", "ok"],
    ["a decode on a non-literal receiver with a dynamic encoding", "def f(data, enc):\n    return data.decode(enc)", "string.suspicious_construction", "ok"],
    ["str(x, enc) where x is not a bytes() call", "def f(data, enc):\n    return str(data, enc)", "string.suspicious_construction", "ok"],
    ["bytes([...256 elements]).decode()", `x = bytes(${list(256)}).decode()`, "string.suspicious_construction", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R8 string.constructed: constant expressions", () => {
  const rejected: readonly Rejection[] = [
    // The rejected examples listed in R8.
    ["a slice: 'kcab_f'[::-1]", "x = 'kcab_f'[::-1]", "string.constructed", [1, 5]],
    ['.format: "{}_back".format("f")', 'x = "{}_back".format("f")', "string.constructed", [1, 5]],
    ["three-way bytes concatenation decoded", "x = (b'__g' + b'lo' + b'bals__').decode()", "string.constructed", [1, 5]],
    ["the tuple form bytes((...)).decode()", `x = bytes((${GLOBALS_INTS})).decode()`, "string.constructed", [1, 5]],
    ['str(b"__globals__", "ascii")', 'x = str(b"__globals__", "ascii")', "string.constructed", [1, 5]],
    ["an f-string field with !s", "x = f\"{'__glo'!s}{'bals__'}\"", "string.constructed", [1, 5]],
    ["a join over a generator", 'x = "".join(c for c in ["__glo", "bals__"])', "string.constructed", [1, 5]],
    ["a case method: lower()", 'x = "__GLOBALS__".lower()', "string.constructed", [1, 5]],
    ["__add__", 'x = "__glo".__add__("bals__")', "string.constructed", [1, 5]],
    // More forms of R8.
    ["a join over map(str, ...)", 'x = "".join(map(str, ["__glo", "bals__"]))', "string.constructed", [1, 5]],
    ["a join over a list comprehension with str(v)", 'x = "".join([str(v) for v in ["__glo", "bals__"]])', "string.constructed", [1, 5]],
    ["a positional .format", 'x = "{0}{1}".format("__glo", "bals__")', "string.constructed", [1, 5]],
    ["a keyword .format", 'x = "{a}{b}".format(a="__glo", b="bals__")', "string.constructed", [1, 5]],
    ["a .format with a width spec", 'x = "{:>5}{}".format("__glo", "bals__")', "string.constructed", [1, 5]],
    ["an f-string with a constant format spec", "x = f\"{'__glo':>5}{'bals__'}\"", "string.constructed", [1, 5]],
    ["str * int", 'x = "_" * 2 + "glo" + "bals" + "_" * 2', "string.constructed", [1, 5]],
    ["replace", 'x = "__gXobals__".replace("X", "l")', "string.constructed", [1, 5]],
    ["lower() of a mixed-case constant", 'x = "f_BACK".lower()', "string.constructed", [1, 5]],
    ["swapcase()", 'x = "F_BACK".swapcase()', "string.constructed", [1, 5]],
    ["strip()", 'x = ("  f_" + "back  ").strip()', "string.constructed", [1, 5]],
    ["removeprefix", 'x = "xxf_bac".removeprefix("xx") + "k"', "string.constructed", [1, 5]],
    ["an int index", 'x = "abf"[2] + "_back"', "string.constructed", [1, 5]],
    ["%d formatting inside a construction", 'x = "f_bac%s" % "k"', "string.constructed", [1, 5]],
    ["__mul__ and __getitem__", 'x = "_".__mul__(2) + "glo" + "bals" + "__"', "string.constructed", [1, 5]],
    ["encode to bytes (value read as Latin-1)", 'x = "__glo".encode() + b"bals__"', "string.constructed", [1, 5]],
    ["bytes.fromhex without a decode", `x = bytes.fromhex("${GLOBALS_HEX}")`, "string.constructed", [1, 5]],
    ["utf-16-le decode", 'x = b"f\\x00_\\x00b\\x00a\\x00c\\x00k\\x00".decode("utf-16-le")', "string.constructed", [1, 5]],
    ["a constructed computed dunder key (K.A2)", "_SD = {'__teg__'[::-1]: 1}", "string.constructed", [1, 8]],
    ["a construction inside a function", 'def f():\n    return "{}_back".format("f")', "string.constructed", [2, 12]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  // The accepted examples listed in R8, and other harmless constant expressions.
  const accepted: readonly Acceptance[] = [
    ['"%d" % 5', 'x = "%d" % 5', ["string.constructed", "string.unresolvable"], "ok"],
    ['"=" * 60', 'print("=" * 60)', ["string.constructed", "string.unresolvable"], "ok"],
    ['"{:>10}".format("step")', 'x = "{:>10}".format("step")', ["string.constructed", "string.unresolvable"], "ok"],
    ['f"{loss:.4f}" (variable operand)', 'loss = 1.0\nx = f"{loss:.4f}"', ["string.constructed", "string.unresolvable"], "ok"],
    ['"a,b".split(",") (not a folded method)', 'x = "a,b".split(",")', ["string.constructed", "string.unresolvable"], "ok"],
    ["a harmless slice", 'x = "abc"[::-1]', ["string.constructed", "string.unresolvable"], "ok"],
    ["a harmless format with an int", 'x = "step {:05d}".format(3)', ["string.constructed", "string.unresolvable"], "ok"],
    ["a harmless join", 'x = ", ".join(["a", "b"])', ["string.constructed", "string.unresolvable"], "ok"],
    ["a harmless case method", 'x = "abc".upper()', ["string.constructed", "string.unresolvable"], "ok"],
    ["a format with a variable argument", 'def f(y):\n    return "{}_back".format(y)', ["string.constructed", "string.unresolvable"], "ok"],
    ["a slice of a variable", "def f(y):\n    return y[::-1]", ["string.constructed", "string.unresolvable"], "ok"],
    ['"%s" % 5', 'x = "%s" % 5', ["string.constructed", "string.unresolvable"], "ok"],
    ['"%s=%d" % ("a", 1)', 'x = "%s=%d" % ("a", 1)', ["string.constructed", "string.unresolvable"], "ok"],
    ['"%-10s|" % "ab" and "%.3s" and "%05d"', 'x = ("%-10s|" % "ab") + ("%.3s" % "abcdef") + ("%05d" % 3)', ["string.constructed", "string.unresolvable"], "ok"],
    ['"{0:*^9}".format("mid") and "{:>8d}".format(12)', 'x = "{0:*^9}".format("mid") + "{:>8d}".format(12)', ["string.constructed", "string.unresolvable"], "ok"],
    ["an f-string with a constant format spec", "x = f\"{'a':{5}}{3:>4}\"", ["string.constructed", "string.unresolvable"], "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("R8 string.unresolvable (fail closed)", () => {
  const rejected: readonly Rejection[] = [
    ['b"x".decode("cp037") (unsupported codec)', 'x = b"x".decode("cp037")', "string.unresolvable", [1, 5]],
    ["an unsupported error handler", 'x = b"abc".decode("utf-8", "ignore")', "string.unresolvable", [1, 5]],
    ["a decode error", 'x = b"\\xff".decode("utf-8")', "string.unresolvable", [1, 5]],
    ["!r in an f-string of constants", "x = f\"{'a'!r}\"", "string.unresolvable", [1, 5]],
    ["!a in an f-string of constants", "x = f\"{'a'!a}\"", "string.unresolvable", [1, 5]],
    ["%r", 'x = "%r" % "a"', "string.unresolvable", [1, 5]],
    ["%x (an unsupported conversion)", 'x = "%x" % 255', "string.unresolvable", [1, 5]],
    ["!r in .format", 'x = "{!r}".format("a")', "string.unresolvable", [1, 5]],
    ["an unsupported format spec (grouping)", 'x = "{:,}".format(1000)', "string.unresolvable", [1, 5]],
    ["str(<bytes CE>) without an encoding (a repr)", 'x = str(b"abc")', "string.unresolvable", [1, 5]],
    ["a non-ASCII receiver for a case method", 'x = "ÉTAT".lower()', "string.unresolvable", [1, 5]],
    ["a result over 100,000 characters", 'x = "ab" * 60000', "string.unresolvable", [1, 5]],
    ["an unsupported codec via encode", 'x = "abc".encode("cp500")', "string.unresolvable", [1, 5]],
  ];
  it.each(rejections(rejected))("rejects: $label", ({ snippet, rule, at }) => {
    expectRule(scan(snippet), rule, at);
  });

  const accepted: readonly Acceptance[] = [
    ["a supported codec", 'x = b"abc".decode("latin-1")', "string.unresolvable", "ok"],
    ["the strict error handler", 'x = b"abc".decode("utf-8", "strict")', "string.unresolvable", "ok"],
    ["!s in an f-string", "x = f\"{'a'!s}\"", "string.unresolvable", "ok"],
    ["!r on a variable is never evaluated", "def f(y):\n    return f\"{y!r}\"", "string.unresolvable", "ok"],
    ["str(b, 'utf-8') with an encoding", 'x = str(b"abc", "utf-8")', "string.unresolvable", "ok"],
    ["a result of exactly 100,000 characters", 'x = "ab" * 50000', "string.unresolvable", "ok"],
    ["an ASCII receiver for a case method", 'x = "ETAT".lower()', "string.unresolvable", "ok"],
  ];
  it.each(acceptances(accepted))("accepts: $label", ({ snippet, absent, whole }) => {
    checkAcceptance(scan(snippet), absent, whole);
  });
});

describe("documented resolver gaps of §7.8 are closed by R8", () => {
  // Each of these passes the reference's six resolvers; the project rejects each as string.constructed.
  const gaps: readonly (readonly [string, string])[] = [
    ['"{}_back".format("f")', 'x = "{}_back".format("f")'],
    ["'kcab_f'[::-1]", "x = 'kcab_f'[::-1]"],
    ["three-way bytes concatenation", "x = (b'f_' + b'ba' + b'ck').decode()"],
    ["the tuple form bytes((...))", "x = bytes((102, 95, 98, 97, 99, 107)).decode()"],
    ['str(b"...", enc)', 'x = str(b"f_back", "utf-8")'],
    ["an f-string with a format spec", "x = f\"{'f_':2}back\""],
    ["a join over map", 'x = "".join(map(str, ["f_", "back"]))'],
    ["replace", 'x = "f_bXck".replace("X", "a")'],
    ['"a".__add__("b")', 'x = "f_".__add__("back")'],
  ];
  it.each(gaps)("rejects: %s", (_label, snippet) => {
    const report = scan(snippet);
    expectRule(report, "string.constructed", [1, 5]);
    expectNoRule(report, "string.suspicious_construction");
  });
});
