"""Runs a whole evaluation as local processes (``launch: spawn``, no containers): the reference,
then the supervisor with the miner processes. Used by the tests; in the image and on a host."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLAR = os.path.dirname(HERE)
sys.path.insert(0, TEMPLAR)
sys.path.insert(0, HERE)
sys.path.insert(0, "/opt/crusades" if os.path.isdir("/opt/crusades/crusades_env") else TEMPLAR)

from crusades_env.config import SCHEMA  # noqa: E402

EXAMPLES = "/opt/crusades/local_test" if os.path.isdir("/opt/crusades/local_test") else os.path.join(os.path.dirname(os.path.dirname(TEMPLAR)), "local_test")


def params_doc(run, code_dir, world=1, dp=None, tp=1, steps=2, batch=4, seq=64, **extra):
    dp = world // tp if dp is None else dp
    doc = {
        "schema": SCHEMA, "schema_version": 1, "run_id": "test", "model": "tiny-qwen2",
        "seed": "7:1:1700000000:00112233445566778899aabbccddeeff", "steps": steps,
        "warmup_steps": 2, "batch_size": batch, "sequence_length": seq, "num_gpus": world,
        "dp_size": dp, "tp_size": tp, "device": "cpu", "data_samples": 10000,
        "warmup_offset": None, "launch": "spawn", "scan_check": "skip",
        "deadlines": {"hello_s": 120, "ready_s": 600, "end_s": 600},
        "paths": {"in": code_dir, "out": run, "initial": os.path.join(run, "initial"),
                  "shared": os.path.join(run, "shared"), "secret": os.path.join(run, "secret"),
                  "handoff": os.path.join(run, "candidate"), "sup": os.path.join(run, "supervisor"),
                  "ctl": os.path.join(run, "ctl.sock")},
    }
    doc.update(extra)
    return doc


def env():
    e = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    e["PYTHONPATH"] = TEMPLAR  # not read under -I; the image uses a .pth file instead
    e.setdefault("OMP_NUM_THREADS", "1")
    return e


def run_module(module, params_path, cwd=None):
    """Runs ``python3 -m crusades_env.<module> params`` (without -I outside the image)."""
    isolated = os.path.exists("/opt/crusades/crusades_env")
    args = [sys.executable] + (["-I"] if isolated else []) + ["-B", "-m", module, params_path]
    return subprocess.run(args, cwd=cwd or TEMPLAR, env=env(), capture_output=True, text=True)


def evaluate(run, code_path, world=1, scan=None, **kw):
    """Reference + candidate for ``code_path``; returns (reference result, supervisor result)."""
    code_dir = os.path.join(run, "in")
    for d in ("in", "initial", "reference", "shared", "secret", "candidate", "supervisor"):
        os.makedirs(os.path.join(run, d), exist_ok=True)
    with open(code_path, "rb") as src, open(os.path.join(code_dir, "miner_train.py"), "wb") as dst:
        dst.write(src.read())
    if scan is not None:
        with open(os.path.join(code_dir, "scan.json"), "w") as f:
            json.dump(scan, f)
    path = os.path.join(code_dir, "params.json")
    with open(path, "w") as f:
        json.dump(params_doc(run, code_dir, world=world, **kw), f)
    ref = run_module("crusades_env.reference", path)
    if ref.returncode != 0:
        return ref, None
    return ref, run_module("crusades_env.supervisor", path)


def timing(run):
    with open(os.path.join(run, "supervisor", "timing.json")) as f:
        return json.load(f)


if __name__ == "__main__":
    r, s = evaluate(sys.argv[1], sys.argv[2], world=int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    print(r.stdout, r.stderr, s and s.stdout, s and s.stderr)
    print(timing(sys.argv[1]) if s else "reference failed")
