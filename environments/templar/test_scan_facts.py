"""Unit tests for scan_facts.py (scanner.md section 13). Standard library only.

Run: python3 -m unittest discover -s environments/templar -p 'test_*.py'
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import scan_facts  # noqa: E402


def u16(text):
    """Digest of a str constant, spelled out independently of the module under test."""
    return hashlib.sha256(text.encode("utf-16-le", "surrogatepass")).hexdigest()


def zero_counts(**nonzero):
    counts = dict.fromkeys(scan_facts.NODE_COUNT_KEYS, 0)
    counts.update(nonzero)
    return counts


class FactsTest(unittest.TestCase):
    maxDiff = None

    def test_node_count_keys_are_exactly_the_spec_list(self):
        self.assertEqual(len(scan_facts.NODE_COUNT_KEYS), 34)
        self.assertEqual(len(set(scan_facts.NODE_COUNT_KEYS)), 34)

    def test_empty_module(self):
        facts = scan_facts.compute_facts(b"")
        self.assertEqual(facts, {
            "facts_version": 1,
            "code_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "imports": [], "attributes": [], "names": [], "bindings": [], "keywords": [],
            "strings": [], "bytes": [], "node_counts": zero_counts(),
        })

    def test_small_trainer_shape(self):
        src = (
            b'"""Doc."""\n'
            b"import torch\n"
            b"import torch.nn.functional as F\n"
            b"from torch.nn import functional as G\n"
            b"\n"
            b"def get_strategy():\n"
            b'    return "ddp"\n'
            b"\n"
            b"def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):\n"
            b"    with torch.no_grad():\n"
            b"        loss = F.cross_entropy(model, data_iterator, ignore_index=-100)\n"
            b"    return loss\n"
        )
        facts = scan_facts.compute_facts(src)
        self.assertEqual(facts["code_sha256"], hashlib.sha256(src).hexdigest())
        self.assertEqual(facts["imports"], [
            "from:0:torch.nn:functional as G",
            "import:torch",
            "import:torch.nn.functional as F",
        ])
        self.assertEqual(facts["attributes"], ["cross_entropy", "no_grad"])
        self.assertEqual(facts["names"], ["F", "data_iterator", "loss", "loss", "model", "torch"])
        self.assertEqual(facts["bindings"], [
            "arg:data_iterator", "arg:device", "arg:model", "arg:num_gpus", "arg:num_steps",
            "arg:optimizer", "def:get_strategy", "def:inner_steps",
        ])
        self.assertEqual(facts["keywords"], ["ignore_index"])
        self.assertEqual(facts["strings"], sorted([u16("Doc."), u16("ddp")]))
        self.assertEqual(facts["bytes"], [])
        # Constants: "Doc.", "ddp", 1 (num_gpus default), 100 (operand of the unary minus).
        self.assertEqual(facts["node_counts"], zero_counts(
            Import=2, ImportFrom=1, FunctionDef=2, Return=2, With=1, Call=2, Attribute=2,
            Name=6, Constant=4, Assign=1,
        ))

    def test_relative_and_star_imports(self):
        facts = scan_facts.compute_facts(b"from . import x\nfrom ..m.n import y as z\nfrom os import *\n")
        self.assertEqual(facts["imports"], ["from:0:os:*", "from:1::x", "from:2:m.n:y as z"])
        self.assertEqual(facts["node_counts"]["ImportFrom"], 3)

    def test_bindings_of_every_form(self):
        src = (
            b"def f(a, /, b, *c, d=1, **e):\n"
            b"    fn = lambda h, *i, j, **k: h\n"
            b"    def g():\n"
            b"        nonlocal a\n"
            b"    global q\n"
            b"    try:\n"
            b"        pass\n"
            b"    except ValueError as err:\n"
            b"        pass\n"
            b"    except TypeError:\n"
            b"        pass\n"
            b"    match a:\n"
            b"        case {\"k\": v, **rest}:\n"
            b"            pass\n"
            b"        case [1, *others] if others:\n"
            b"            pass\n"
            b"        case Point(x=px) as whole:\n"
            b"            pass\n"
            b"        case _:\n"
            b"            pass\n"
            b"async def h():\n"
            b"    pass\n"
            b"class K:\n"
            b"    pass\n"
        )
        facts = scan_facts.compute_facts(src)
        self.assertEqual(facts["bindings"], sorted([
            "def:f", "def:g", "def:h", "class:K",
            "arg:a", "arg:b", "arg:c", "arg:d", "arg:e",
            "arg:h", "arg:i", "arg:j", "arg:k",
            "nonlocal:a", "global:q", "except:err",
            "match:v", "match:rest", "match:others", "match:px", "match:whole",
        ], key=lambda s: s.encode("utf-8")))
        # The class-pattern keyword "x" is not a call keyword.
        self.assertEqual(facts["keywords"], [])
        self.assertEqual(facts["node_counts"]["Lambda"], 1)
        self.assertEqual(facts["node_counts"]["AsyncFunctionDef"], 1)
        self.assertEqual(facts["node_counts"]["ExceptHandler"], 2)
        self.assertEqual(facts["node_counts"]["Match"], 1)
        self.assertEqual(facts["node_counts"]["Global"], 1)
        self.assertEqual(facts["node_counts"]["Nonlocal"], 1)

    def test_keywords_calls_and_classes(self):
        facts = scan_facts.compute_facts(
            b"f(1, x=2, **kw)\nclass A(B, metaclass=M, **opts):\n    pass\n")
        self.assertEqual(facts["keywords"], ["**", "**", "metaclass", "x"])
        self.assertEqual(facts["names"], ["B", "M", "f", "kw", "opts"])

    def test_fstring_parts_and_format_specs_are_strings(self):
        # CPython 3.11: JoinedStr([Constant('ab'), FormattedValue(c, 'r',
        #   JoinedStr([Constant('>'), FormattedValue(w), Constant('x')])), Constant('{')])
        facts = scan_facts.compute_facts(b's = "a" f"b{c!r:>{w}x}{{"\n')
        self.assertEqual(facts["strings"], sorted([u16("ab"), u16(">"), u16("x"), u16("{")]))
        self.assertEqual(facts["node_counts"]["JoinedStr"], 2)
        self.assertEqual(facts["node_counts"]["FormattedValue"], 2)
        self.assertEqual(facts["node_counts"]["Constant"], 4)

    def test_self_documenting_fstring(self):
        facts = scan_facts.compute_facts(b'f"{x = }"\n')
        self.assertEqual(facts["strings"], [u16("x = ")])

    def test_implicit_concatenation_is_one_constant(self):
        facts = scan_facts.compute_facts(b'x = ("__glo"\n     "bals__")\n')
        self.assertEqual(facts["strings"], [u16("__globals__")])
        self.assertEqual(facts["node_counts"]["Constant"], 1)

    def test_bytes_and_non_bmp_strings(self):
        facts = scan_facts.compute_facts(
            b'a = b"\\x00ab"\nb = "\\U0001f600"\nc = "\xc3\xa9"\n')
        self.assertEqual(facts["bytes"], [hashlib.sha256(b"\x00ab").hexdigest()])
        # U+1F600 is the surrogate pair D83D DE00 in UTF-16LE.
        emoji = hashlib.sha256(b"\x3d\xd8\x00\xde").hexdigest()
        e_acute = hashlib.sha256(b"\xe9\x00").hexdigest()
        self.assertEqual(facts["strings"], sorted([emoji, e_acute]))

    def test_lone_surrogate_string_digest(self):
        facts = scan_facts.compute_facts(b'a = "\\ud800"\n')
        self.assertEqual(facts["strings"], [hashlib.sha256(b"\x00\xd8").hexdigest()])

    def test_cpython_normalises_identifiers(self):
        # Fullwidth "exec" is NFKC-normalised to "exec" by CPython.
        src = "\uff45\uff58\uff45\uff43(1)\n".encode("utf-8")
        facts = scan_facts.compute_facts(src)
        self.assertEqual(facts["names"], ["exec"])

    def test_coding_declaration_is_honoured(self):
        src = b"# coding: utf-7\n#+AAo-import os\n"
        facts = scan_facts.compute_facts(src)
        self.assertEqual(facts["imports"], ["import:os"])

    def test_bom_is_handled_like_the_import(self):
        facts = scan_facts.compute_facts(b"\xef\xbb\xbfimport torch\n")
        self.assertEqual(facts["imports"], ["import:torch"])

    def test_sorting_is_by_utf8_bytes(self):
        facts = scan_facts.compute_facts(b"b.Z\nb.a\nb._\nb.\xc3\xa9\n")
        self.assertEqual(facts["attributes"], ["Z", "_", "a", "\u00e9"])

    def test_duplicates_are_kept(self):
        facts = scan_facts.compute_facts(b"x.y\nx.y\n")
        self.assertEqual(facts["attributes"], ["y", "y"])
        self.assertEqual(facts["names"], ["x", "x"])

    def test_compile_time_errors_raise(self):
        for src in (b"return 1\n", b"nonlocal x\n", b"x = (\n", b"x = 1\x00\n", b"def f():\n\tif 1:\n        pass\n"):
            with self.subTest(src=src):
                with self.assertRaises(Exception):
                    scan_facts.compute_facts(src)


class CanonicalJsonTest(unittest.TestCase):
    def test_rfc8785_key_order_and_escapes(self):
        obj = {
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\U0001f600": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis",
        }
        expected = (
            '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
            '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
            '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
        ).encode("utf-8")
        self.assertEqual(scan_facts.canonical_json(obj), expected)

    def test_utf16_order_differs_from_code_point_order(self):
        # U+E000 < U+1F600 by code point, but D83D (lead surrogate) < E000 by UTF-16 unit.
        out = scan_facts.canonical_json({"\ue000": 1, "\U0001f600": 2})
        self.assertEqual(out, '{"\U0001f600":2,"\ue000":1}'.encode("utf-8"))

    def test_string_escapes(self):
        out = scan_facts.canonical_json(["\"\\\b\t\n\f\r\x00\x1f\x7f/\u2028"])
        self.assertEqual(out, '["\\"\\\\\\b\\t\\n\\f\\r\\u0000\\u001f\x7f/\u2028"]'.encode("utf-8"))

    def test_scalars_and_nesting(self):
        self.assertEqual(scan_facts.canonical_json({"b": [1, -2, 0], "a": {"z": None, "y": True, "x": False}}),
                         b'{"a":{"x":false,"y":true,"z":null},"b":[1,-2,0]}')

    def test_rejects_values_outside_ijson(self):
        for bad in (1.5, 2 ** 53, "\ud800", {1: 2}, object()):
            with self.subTest(bad=bad):
                with self.assertRaises((TypeError, ValueError)):
                    scan_facts.canonical_json(bad)

    def test_facts_digest_matches_json_roundtrip(self):
        facts = scan_facts.compute_facts(b"import torch\nx = torch.zeros(3)\n")
        canon = scan_facts.canonical_json(facts)
        # Same document as json.dumps with sorted keys and no spaces (all keys are ASCII here).
        self.assertEqual(canon, json.dumps(facts, sort_keys=True, separators=(",", ":")).encode("ascii"))
        self.assertEqual(scan_facts.facts_digest(facts), hashlib.sha256(canon).hexdigest())
        self.assertTrue(canon.startswith(b'{"attributes":["zeros"],"bindings":[],"bytes":[],"code_sha256":"'))


class CliTest(unittest.TestCase):
    def run_cli(self, content):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "train.py")
            with open(path, "wb") as handle:
                handle.write(content)
            return subprocess.run([sys.executable, os.path.join(HERE, "scan_facts.py"), path],
                                  capture_output=True, timeout=60)

    def test_ok(self):
        src = b"import torch\n"
        proc = self.run_cli(src)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, b"")
        self.assertTrue(proc.stdout.endswith(b"\n"))
        self.assertEqual(proc.stdout[:-1], scan_facts.canonical_json(scan_facts.compute_facts(src)))

    def test_parse_failure(self):
        proc = self.run_cli(b"def f(:\n")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, b"")
        self.assertEqual(proc.stderr.count(b"\n"), 1)

    def test_usage(self):
        proc = subprocess.run([sys.executable, os.path.join(HERE, "scan_facts.py")],
                              capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stdout, b"")

    def test_main_in_process(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "x.py")
            with open(path, "wb") as handle:
                handle.write(b"x = 1\n")
            saved = sys.stdout
            buffer = io.BytesIO()
            sys.stdout = io.TextIOWrapper(buffer, encoding="utf-8")
            try:
                rc = scan_facts.main([path])
                sys.stdout.flush()
                output = buffer.getvalue()
            finally:
                sys.stdout = saved
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(output)["names"], ["x"])


if __name__ == "__main__":
    unittest.main()
