"""End-to-end runs as local processes (``launch: spawn``): the reference, the supervisor and the
miner processes, for the local_test examples the CPU image supports and for failure modes. The
host's verifier is run over these run directories by verify_run.ts (outside the image)."""

import json
import os
import shutil
import tempfile
import textwrap
import unittest

import runner

from crusades_env.data import CORPUS

HAVE_CORPUS = os.path.exists(CORPUS)


def fsdp_importable():
    try:
        from torch.distributed.fsdp import FullyShardedDataParallel  # noqa: F401
        return True
    except Exception:  # noqa: BLE001 - Debian torch 1.13 under Python 3.11 without the patch
        return False
KEEP = os.environ.get("CRUSADES_KEEP_RUNS")  # a directory: keep the run dirs for verify_run.ts


@unittest.skipUnless(HAVE_CORPUS, "no corpus (generate with python3 -m crusades_env.data --generate)")
class EndToEnd(unittest.TestCase):
    def run_code(self, name, code_path, world=1, **kw):
        base = KEEP or self.tmp
        run = os.path.join(base, name)
        shutil.rmtree(run, ignore_errors=True)
        ref, sup = runner.evaluate(run, code_path, world=world, **kw)
        self.assertEqual(ref.returncode, 0, ref.stderr[-3000:])
        self.assertEqual(sup.returncode, 0, sup.stderr[-3000:])
        with open(os.path.join(run, "supervisor", "result.json")) as f:
            return run, runner.timing(run), json.load(f)

    def source(self, text):
        path = os.path.join(self.tmp, "src%d.py" % len(os.listdir(self.tmp)))
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_completed(self, name, example, world):
        run, timing, result = self.run_code(name, os.path.join(runner.EXAMPLES, example, "train.py"), world)
        self.assertEqual(timing["status"], "completed", result.get("error"))
        self.assertGreater(int(timing["t_delivered_ns"]), int(timing["t_go_ns"]))
        self.assertEqual(len(timing["t_end_ns"]), world)
        self.assertEqual(timing["post_checks"], {"config_changes": [], "backend_changes": []})
        with open(os.path.join(run, "candidate", "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["total_tokens"], 4 * 64 * 2)
        self.assertEqual(os.path.getsize(os.path.join(run, "candidate", "state.safetensors")),
                         timing["handoff_bytes"])

    def test_single_gpu(self):
        self.assert_completed("single_gpu-1", "single_gpu", 1)

    def test_ddp_one_process(self):
        self.assert_completed("ddp-1", "ddp", 1)

    def test_ddp_two_processes_gloo(self):
        self.assert_completed("ddp-2", "ddp", 2)

    @unittest.skipUnless(fsdp_importable(), "this torch cannot import FSDP (the image patches it)")
    def test_fsdp_one_process(self):
        self.assert_completed("fsdp-1", "fsdp", 1)

    def test_import_error(self):
        _, timing, result = self.run_code("import", self.source("import no_such_module\n"))
        self.assertEqual(timing["status"], "import_failed")
        self.assertIn("no_such_module", result["error"])

    def test_wrong_return_type(self):
        code = self.source("""
            def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):
                return {"final_logits": None}
        """)
        self.assertEqual(self.run_code("return", code)[1]["status"], "invalid_return_type")

    def test_crash_in_timed_run(self):
        code = self.source("""
            import torch
            calls = []
            class R:
                pass
            def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):
                calls.append(1)
                if len(calls) > 1:
                    raise RuntimeError("boom")
                r = R()
                r.final_logits = torch.zeros(2, 63, 512)
                r.total_tokens = 1
                r.final_loss = 1.0
                r.final_state = None
                return r
        """)
        _, timing, result = self.run_code("crash", code)
        self.assertEqual(timing["status"], "miner_crash")
        self.assertNotEqual(timing["t_go_ns"], "0")

    def test_scan_facts_cross_check(self):
        import scan_facts
        example = os.path.join(runner.EXAMPLES, "single_gpu", "train.py")
        with open(example, "rb") as f:
            facts = scan_facts.compute_facts(f.read())
        _, timing, _ = self.run_code("scan-ok", example, scan=facts, scan_check="required")
        self.assertEqual(timing["status"], "completed")
        facts["attributes"] = sorted(facts["attributes"] + ["__globals__"])
        _, timing, result = self.run_code("scan-bad", example, scan=facts, scan_check="required")
        self.assertEqual(timing["status"], "parser_mismatch")
        self.assertEqual(result["facts_diff"]["attributes"]["host_only"], ["__globals__"])
        facts["code_sha256"] = "0" * 64
        _, timing, result = self.run_code("scan-sha", example, scan=facts, scan_check="required")
        self.assertEqual(timing["status"], "parser_mismatch")
        self.assertIn("code_sha256", result["facts_diff"])

if __name__ == "__main__":
    unittest.main()
