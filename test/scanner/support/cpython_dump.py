"""Dumps CPython 3.11's ast of each file given as JSON in the shapes of src/scanner/ast/nodes.ts.

Reads a JSON list of paths on stdin; writes one JSON object per path on stdout, one per line:
{"path": ..., "ok": true, "tree": ...} or {"path": ..., "ok": false, "error": "..."}.
Columns become 1-based code-point columns, as the scanner reports them.
"""
import ast
import json
import sys

SKIP_FIELDS = {"type_comment", "type_ignores", "kind"}


def constant(value):
    if value is None:
        return {"type": "None"}
    if value is Ellipsis:
        return {"type": "Ellipsis"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": repr(value)}
    if isinstance(value, complex):
        return {"type": "complex", "imag": repr(value.imag)}
    if isinstance(value, str):
        return {"type": "str", "value": value.encode("utf-16-le", "surrogatepass").hex()}
    if isinstance(value, bytes):
        return {"type": "bytes", "value": value.hex()}
    raise TypeError(type(value))


def dump(node, lines):
    if isinstance(node, list):
        return [dump(n, lines) for n in node]
    if node is None or isinstance(node, (str, int)):
        return node
    if isinstance(node, (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)):
        return type(node).__name__
    out = {"kind": type(node).__name__}
    if hasattr(node, "lineno") and not isinstance(node, ast.Module):
        line = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else b""
        out["line"] = node.lineno
        out["col"] = len(line[: node.col_offset].decode("utf-8", "replace")) + 1
    for field in node._fields:
        if field in SKIP_FIELDS:
            continue
        value = getattr(node, field)
        if isinstance(node, (ast.Constant, ast.MatchSingleton)) and field == "value":
            out["value"] = constant(value)
        elif isinstance(node, ast.Compare) and field == "ops":
            out["ops"] = [type(o).__name__ for o in value]
        else:
            out[field] = dump(value, lines)
    return out


def main():
    for path in json.load(sys.stdin):
        try:
            data = open(path, "rb").read()
            tree = ast.parse(data)
            compile(data, path, "exec")  # what CPython cannot compile, it cannot import either
            lines = data.replace(b"\r\n", b"\n").split(b"\n")
            print(json.dumps({"path": path, "ok": True, "tree": dump(tree, lines)}))
        except Exception as error:  # noqa: BLE001 - any failure is reported, not raised
            print(json.dumps({"path": path, "ok": False, "error": f"{type(error).__name__}: {error}"}))


main()
