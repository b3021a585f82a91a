/**
 * Test oracle: CPython 3.11 (`python3`) parses sources into the node shapes of
 * `src/scanner/ast/nodes.ts` and evaluates constant expressions, so that the scanner's rules can
 * be tested before (and independently of) the tree-sitter converter.
 * @module
 */
import { spawnSync } from "node:child_process";
import type { Module } from "../../src/scanner/ast/nodes.js";
import type { PyValue } from "../../src/scanner/constant/index.js";

const SCRIPT = String.raw`
import ast, json, sys

def constant(v):
    if isinstance(v, bool): return {"type": "bool", "value": v}
    if isinstance(v, int): return {"type": "int", "value": format(v, "x")}
    if isinstance(v, str): return {"type": "str", "value": v}
    if isinstance(v, (bytes, bytearray)): return {"type": "bytes", "value": list(v)}
    if isinstance(v, float): return {"type": "float", "value": repr(v)}
    if isinstance(v, complex): return {"type": "complex", "imag": repr(v.imag)}
    if v is None: return {"type": "None"}
    if v is Ellipsis: return {"type": "Ellipsis"}
    return {"type": "other", "repr": repr(v)}

def convert(node, lines):
    if isinstance(node, list): return [convert(n, lines) for n in node]
    if not isinstance(node, ast.AST): return node
    out = {"kind": type(node).__name__}
    lineno = getattr(node, "lineno", None)
    if lineno is None:
        out["line"], out["col"] = 0, 0
    else:
        prefix = lines[lineno - 1].encode("utf-8", "surrogatepass")[: node.col_offset]
        out["line"], out["col"] = lineno, len(prefix.decode("utf-8", "surrogatepass")) + 1
    for field in node._fields:
        value = getattr(node, field, None)
        if field in ("type_ignores", "type_comment") or (isinstance(node, ast.Constant) and field == "kind"): continue
        if isinstance(node, (ast.Constant, ast.MatchSingleton)) and field == "value": out[field] = constant(value)
        elif isinstance(value, (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)): out[field] = type(value).__name__
        elif field == "ops": out[field] = [type(op).__name__ for op in value]
        else: out[field] = convert(value, lines)
    return out

def evaluate(source):
    try:
        v = eval(compile(source, "<expr>", "eval"), {})
    except BaseException as e:
        return {"error": type(e).__name__}
    return {"value": constant(v)}

request = json.load(sys.stdin)
if request["mode"] == "parse":
    out = []
    for source in request["sources"]:
        try:
            out.append({"tree": convert(ast.parse(source), source.split("\n"))})
        except SyntaxError as e:
            out.append({"error": "SyntaxError: " + str(e)})
else:
    out = [evaluate(source) for source in request["sources"]]
sys.stdout.write(json.dumps(out, ensure_ascii=True))
`;

function runPython(mode: "parse" | "eval", sources: readonly string[]): unknown[] {
  const result = spawnSync("python3", ["-c", SCRIPT], {
    input: JSON.stringify({ mode, sources }),
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown[];
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if ("type" in record && !("kind" in record)) return reviveConstant(record);
  return Object.fromEntries(Object.entries(record).map(([key, field]) => [key, revive(field)]));
}

function reviveConstant(record: Record<string, unknown>): unknown {
  switch (record["type"]) {
    case "int":
    {
      const hex = record["value"] as string;
      return { type: "int", value: hex.startsWith("-") ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`) };
    }
    case "bytes":
      return { type: "bytes", value: Uint8Array.from(record["value"] as number[]) };
    case "float":
      return { type: "float", value: Number((record["value"] as string).replace("inf", "Infinity")) };
    case "complex":
      return { type: "complex", imag: Number((record["imag"] as string).replace("inf", "Infinity")) };
    default:
      return record;
  }
}

/** Parses each source with CPython's `ast.parse`; throws on a syntax error. */
export function cpythonAstMany(sources: readonly string[]): Module[] {
  return runPython("parse", sources).map((entry, i) => {
    const { tree, error } = entry as { tree?: unknown; error?: string };
    if (error !== undefined) throw new Error(`${error} in ${JSON.stringify(sources[i])}`);
    return revive(tree) as Module;
  });
}

/** Parses `source` with CPython's `ast.parse` into the shapes of `nodes.ts`. */
export function cpythonAst(source: string): Module {
  return cpythonAstMany([source])[0]!;
}

/** What CPython's `eval` gives: a value (`other` for types outside `PyValue`) or an exception name. */
export type CPythonResult = { value: PyValue | { type: "other"; repr: string } } | { error: string };

/** Evaluates each expression in CPython, in one process. */
export function cpythonEvalMany(expressions: readonly string[]): CPythonResult[] {
  return runPython("eval", expressions).map((entry) => revive(entry) as CPythonResult);
}

/** Evaluates one expression in CPython. */
export function cpythonEval(expression: string): CPythonResult {
  return cpythonEvalMany([expression])[0]!;
}
