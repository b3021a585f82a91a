"""CPython side of the scan-facts cross-check (scanner.md section 13), facts version 1.

Runs inside the candidate container with the image's CPython (3.11), before any miner code is
launched. It parses the exact bytes of the submission with CPython and computes the same facts
document as the host scanner computes from its normalised tree; the supervisor compares the
SHA-256 of the two canonical JSON encodings. Standard library only.

Usage:
    python3 scan_facts.py <file>
        exit 0: the canonical JSON of the facts on stdout, followed by one newline (b"\\n");
        exit 1: CPython cannot parse or compile the file; one line on stderr;
        exit 2: usage or I/O error; one line on stderr.

Decisions where section 13 leaves room (the host side must make the same ones):

 1. Parsing. ``ast.parse(code)`` is called on the raw bytes (so CPython applies BOM and PEP 263
    handling exactly as the import does), then ``compile(code, "miner_train.py", "exec")``. Any
    exception from either (SyntaxError, ValueError for NUL bytes, RecursionError, MemoryError, ...)
    means "CPython cannot parse it": ``compute_facts`` lets the exception propagate and the CLI
    exits 1. The facts are computed from the ``ast.parse`` tree; the ast is not optimised (no
    constant folding), exactly as ``ast.parse`` returns it.
 2. Node enumeration. Every fact is collected over *all* nodes that ``ast.walk`` yields (the
    module and everything below it, in any context). Order does not matter because every list is
    sorted.
 3. ``imports``:
    - ``import a.b.c``      -> ``import:a.b.c``
    - ``import a.b as x``   -> ``import:a.b as x``
    - ``from a.b import c`` -> ``from:0:a.b:c``; ``... import c as d`` -> ``from:0:a.b:c as d``
    - ``from . import x``   -> ``from:1::x`` (the module is the empty string when absent;
      the level is the decimal ``ImportFrom.level``; ``from ..m import *`` -> ``from:2:m:*``).
    - A ``None`` level (possible only for hand-built trees) is written as 0.
    The dotted names are CPython's, i.e. after NFKC normalisation of each identifier.
 4. ``attributes``: ``Attribute.attr`` of every Attribute node, whatever its context.
    ``names``: ``Name.id`` of every Name node, whatever its context (Load, Store, Del).
    Nothing else (alias names, arg names, function names) is added to these two lists.
 5. ``bindings`` (one entry per binding occurrence, duplicates kept):
    - ``def:<name>`` for FunctionDef and AsyncFunctionDef, ``class:<name>`` for ClassDef;
    - ``arg:<name>`` for every ``ast.arg`` node: positional-only, ordinary, ``*vararg``,
      keyword-only and ``**kwarg`` parameters of functions, async functions and lambdas;
    - ``except:<name>`` for an ExceptHandler (``except`` and ``except*``) with a name; none
      when the handler has no ``as``;
    - ``match:<name>`` for ``MatchAs.name`` and ``MatchStar.name`` when not None (the wildcard
      ``_`` and ``*_`` bind nothing and produce nothing), and for ``MatchMapping.rest`` when
      not None;
    - ``global:<name>`` / ``nonlocal:<name>``, one per declared name.
    Assignment targets, ``for``/``with``/walrus targets and import aliases are *not* bindings in
    this list (they already appear in ``names`` / ``imports``).
 6. ``keywords``: ``keyword.arg`` of every ``ast.keyword`` node (these occur only in calls and
    class definitions); ``**`` when ``arg`` is None (a ``**mapping`` entry). Keyword names of
    ``match`` class patterns (``MatchClass.kwd_attrs``) are not keywords and are not listed.
 7. ``strings``: one digest per Constant node whose value is a ``str`` (exact type check), i.e.
    including docstrings, string annotations, dict keys, and every literal part of an f-string
    and of its format spec(s) as CPython 3.11 splits them (adjacent literal text merged, ``{{``/
    ``}}`` unescaped, the ``x=`` text of a self-documenting field). The ``u`` prefix (``kind``)
    does not matter. Digest: lowercase hex SHA-256 of ``s.encode("utf-16-le", "surrogatepass")``.
    The list holds the hex digests, sorted as strings (ASCII, so by UTF-8 bytes).
 8. ``bytes``: lowercase hex SHA-256 of the value of every Constant whose value is ``bytes``.
 9. ``node_counts``: for each listed class name, the number of nodes whose *exact* class has that
    name (``type(node).__name__``). Every key is present, zeros included. ``Constant`` counts every
    constant (str, bytes, numbers, booleans, None, Ellipsis).
10. Sorting: every list is sorted by the UTF-8 encoding of its entries (``surrogatepass``, which
    for real identifiers is plain UTF-8; byte order equals code-point order).
11. Canonical JSON (RFC 8785) is implemented for the value types used: objects (keys sorted by
    UTF-16 code units), arrays, strings, integers in the IEEE-754 safe range, booleans and null.
    Strings are escaped minimally as RFC 8785 (ECMAScript JSON.stringify) requires: ``\\"``,
    ``\\\\``, ``\\b \\t \\n \\f \\r``, other U+0000..U+001F as ``\\u00xx`` with lowercase hex,
    everything else literal; the output is UTF-8. A lone surrogate is not valid I-JSON and raises
    ValueError, as do floats and integers beyond 2**53 - 1 in magnitude.
12. The target is CPython 3.11 (scanner.md, "Target language"). On another version the tree, and
    therefore the facts, may differ (f-string parts changed in 3.12); the facts are still computed
    and the digest comparison fails closed.
"""

import ast
import hashlib
import sys

FACTS_VERSION = 1

NODE_COUNT_KEYS = (
    "Call", "Attribute", "Name", "Constant", "JoinedStr", "FormattedValue", "FunctionDef",
    "AsyncFunctionDef", "Lambda", "ClassDef", "Import", "ImportFrom", "Assign", "AugAssign",
    "AnnAssign", "NamedExpr", "Delete", "For", "AsyncFor", "comprehension", "With", "AsyncWith",
    "Subscript", "Starred", "Global", "Nonlocal", "Try", "TryStar", "ExceptHandler", "Match",
    "Return", "Yield", "YieldFrom", "Await",
)

_MAX_SAFE_INTEGER = 2 ** 53 - 1


def _sort_key(entry):
    return entry.encode("utf-8", "surrogatepass")


def _sorted(entries):
    return sorted(entries, key=_sort_key)


def _string_digest(value):
    return hashlib.sha256(value.encode("utf-16-le", "surrogatepass")).hexdigest()


def _alias_text(alias):
    if alias.asname is None:
        return alias.name
    return alias.name + " as " + alias.asname


def compute_facts(code):
    """Return the facts document (a dict) for the source ``code`` (bytes).

    Raises whatever CPython raises when it cannot parse or compile the source.
    """
    if not isinstance(code, (bytes, bytearray)):
        raise TypeError("compute_facts expects bytes")
    code = bytes(code)
    tree = ast.parse(code, filename="miner_train.py", mode="exec")
    compile(code, "miner_train.py", "exec")

    imports = []
    attributes = []
    names = []
    bindings = []
    keywords = []
    strings = []
    byte_digests = []
    counts = dict.fromkeys(NODE_COUNT_KEYS, 0)

    for node in ast.walk(tree):
        kind = type(node).__name__
        if kind in counts:
            counts[kind] += 1

        if isinstance(node, ast.Import):
            for alias in node.names:
                imports.append("import:" + _alias_text(alias))
        elif isinstance(node, ast.ImportFrom):
            level = node.level or 0
            module = node.module or ""
            for alias in node.names:
                imports.append("from:%d:%s:%s" % (level, module, _alias_text(alias)))
        elif isinstance(node, ast.Attribute):
            attributes.append(node.attr)
        elif isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bindings.append("def:" + node.name)
        elif isinstance(node, ast.ClassDef):
            bindings.append("class:" + node.name)
        elif isinstance(node, ast.arg):
            bindings.append("arg:" + node.arg)
        elif isinstance(node, ast.ExceptHandler):
            if node.name is not None:
                bindings.append("except:" + node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)):
            if node.name is not None:
                bindings.append("match:" + node.name)
        elif isinstance(node, ast.MatchMapping):
            if node.rest is not None:
                bindings.append("match:" + node.rest)
        elif isinstance(node, ast.Global):
            bindings.extend("global:" + n for n in node.names)
        elif isinstance(node, ast.Nonlocal):
            bindings.extend("nonlocal:" + n for n in node.names)
        elif isinstance(node, ast.keyword):
            keywords.append("**" if node.arg is None else node.arg)
        elif isinstance(node, ast.Constant):
            value = node.value
            if type(value) is str:
                strings.append(_string_digest(value))
            elif type(value) is bytes:
                byte_digests.append(hashlib.sha256(value).hexdigest())

    return {
        "facts_version": FACTS_VERSION,
        "code_sha256": hashlib.sha256(code).hexdigest(),
        "imports": _sorted(imports),
        "attributes": _sorted(attributes),
        "names": _sorted(names),
        "bindings": _sorted(bindings),
        "keywords": _sorted(keywords),
        "strings": _sorted(strings),
        "bytes": _sorted(byte_digests),
        "node_counts": counts,
    }


_SHORT_ESCAPES = {
    0x22: '\\"',
    0x5C: "\\\\",
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
}


def _encode_string(value, out):
    out.append('"')
    for ch in value:
        cp = ord(ch)
        if cp in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[cp])
        elif cp < 0x20:
            out.append("\\u%04x" % cp)
        elif 0xD800 <= cp <= 0xDFFF:
            raise ValueError("lone surrogate in string: not valid I-JSON")
        else:
            out.append(ch)
    out.append('"')


def _utf16_key(key):
    return key.encode("utf-16-be", "surrogatepass")


def _encode(value, out):
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif type(value) is int:
        if abs(value) > _MAX_SAFE_INTEGER:
            raise ValueError("integer outside the I-JSON safe range")
        out.append(str(value))
    elif type(value) is str:
        _encode_string(value, out)
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if type(key) is not str:
                raise TypeError("object keys must be str")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            _encode_string(key, out)
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    else:
        raise TypeError("unsupported type for canonical JSON: %s" % type(value).__name__)


def canonical_json(obj):
    """RFC 8785 canonical JSON of ``obj`` as UTF-8 bytes (for the value types the facts use)."""
    out = []
    _encode(obj, out)
    return "".join(out).encode("utf-8")


def facts_digest(facts):
    """Lowercase hex SHA-256 of the canonical JSON of ``facts``."""
    return hashlib.sha256(canonical_json(facts)).hexdigest()


def _one_line(text):
    return " ".join(str(text).split())


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        sys.stderr.write("usage: scan_facts.py <file>\n")
        return 2
    try:
        with open(args[0], "rb") as handle:
            code = handle.read()
    except OSError as exc:
        sys.stderr.write("scan_facts: cannot read %s: %s\n" % (args[0], _one_line(exc)))
        return 2
    try:
        facts = compute_facts(code)
    except BaseException as exc:  # noqa: BLE001 - any failure to parse is a mismatch
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        detail = exc.msg if isinstance(exc, SyntaxError) and exc.msg else exc
        where = ""
        if isinstance(exc, SyntaxError) and exc.lineno:
            where = " at line %d" % exc.lineno
        sys.stderr.write("scan_facts: CPython cannot parse or compile the file%s: %s: %s\n"
                         % (where, type(exc).__name__, _one_line(detail)))
        return 1
    sys.stdout.buffer.write(canonical_json(facts) + b"\n")
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
