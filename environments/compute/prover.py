#!/usr/bin/env python3
"""Proof-of-GPU prover of crusades (spec compute.md section 10.2; docs/compute.md).

A session process: one JSON request per line on stdin, one JSON response per line on the
original stdout (everything else that writes to stdout is redirected to stderr, so that library
messages cannot corrupt the channel). Operations:

  {"id", "op": "prepare"}                                  -> device inventory and memory probe
  {"id", "op": "start", "seed", "n", "steps", "precision", "gpus"} -> per-GPU Merkle roots
  {"id", "op": "open", "openings": [{"gpu", "step", "row"}]}       -> opened leaves with paths
  {"id", "op": "quit"}

The numbers shared with the TypeScript verifier (src/compute/pog-*.ts) are: the Philox4x32-10
generator and its keying, the value mapping of 16-bit outputs, the row normalisation, the leaf
layout and the Merkle pairing. Runs on CUDA, or on the CPU with small matrices (tests).
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time

import torch

LEAF_DOMAIN = b"crusades-pog-v1"
NODE_DOMAIN = b"crusades-pog-v1-node"
M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF
DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
INT_VIEWS = {"fp16": (torch.int16, "<i2"), "bf16": (torch.int16, "<i2"), "fp32": (torch.int32, "<i4")}
MAX_N = 65536
MAX_STEPS = 100_000
CHUNK_ELEMENTS = 1 << 22


def _mulhilo(a, m):
    """High and low 32 bits of a * m (a: int64 tensor of 32-bit values, m: int), by 16-bit halves."""
    a_lo, a_hi = a & 0xFFFF, a >> 16
    m_lo, m_hi = m & 0xFFFF, m >> 16
    ll, lh, hl = a_lo * m_lo, a_lo * m_hi, a_hi * m_lo
    mid = (ll >> 16) + (lh & 0xFFFF) + (hl & 0xFFFF)
    lo = ((mid & 0xFFFF) << 16) | (ll & 0xFFFF)
    hi = a_hi * m_hi + (lh >> 16) + (hl >> 16) + (mid >> 16)
    return hi, lo


def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 (Random123) over int64 tensors holding 32-bit words."""
    for r in range(10):
        if r:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        hi0, lo0 = _mulhilo(c0, M0)
        hi1, lo1 = _mulhilo(c2, M1)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


def stream(seed, gpu, step, tag):
    """Key and fixed counter words of one matrix: SHA-256(seed | u32le g | u32le t | tag)."""
    d = hashlib.sha256(seed + struct.pack("<II", gpu, step) + tag.encode("ascii")).digest()
    return struct.unpack("<IIII", d[:16])


def elements(strm, start, count, device):
    """Elements [start, start + count) of a stream as float32 (element k = row * n + column)."""
    k0, k1, c2, c3 = strm
    b0, b1 = start >> 3, (start + count - 1) >> 3
    blocks = torch.arange(b0, b1 + 1, dtype=torch.int64, device=device)
    x = philox4x32(blocks & MASK, blocks >> 32, torch.full_like(blocks, c2), torch.full_like(blocks, c3), k0, k1)
    halves = torch.stack([h for w in x for h in (w & 0xFFFF, w >> 16)], dim=1).reshape(-1)
    u = halves[start - 8 * b0: start - 8 * b0 + count]
    mag = (128 + (u & 0x7F)).to(torch.float32) * torch.pow(2.0, (((u >> 7) & 7) - 15).to(torch.float32))
    return torch.where((u & 0x8000) != 0, -mag, mag)


def matrix(strm, n, device, dtype):
    rows = max(1, CHUNK_ELEMENTS // n)
    parts = [elements(strm, r * n, min(rows, n - r) * n, device).reshape(-1, n) for r in range(0, n, rows)]
    return torch.cat(parts).to(dtype)


def node_hash(left, right):
    return hashlib.sha256(NODE_DOMAIN + left + right).digest()


def merkle_levels(leaves):
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        lv = levels[-1]
        levels.append([node_hash(lv[k], lv[k + 1] if k + 1 < len(lv) else lv[k]) for k in range(0, len(lv), 2)])
    return levels


def merkle_path(levels, index):
    path = []
    for lv in levels[:-1]:
        sib = index + 1 if index % 2 == 0 else index - 1
        path.append(lv[sib] if sib < len(lv) else lv[index])
        index //= 2
    return path


class BadRequest(Exception):
    pass


class Prover:
    """The honest prover. Tests derive cheating provers from it (test/compute/fixtures)."""

    def __init__(self, args):
        self.args = args
        self.cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
        if self.cuda:
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
            if hasattr(torch.backends.cuda.matmul, "allow_bf16_reduced_precision_reduction"):
                torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = False
        self.devices = [f"cuda:{i}" for i in range(torch.cuda.device_count())] if self.cuda else ["cpu"]
        self.run = None

    # -- inventory ---------------------------------------------------------------------------
    def prepare(self, _req):
        if not self.cuda:
            uuid = "CPU-" + hashlib.sha256(socket.gethostname().encode()).hexdigest()[:16]
            mib = self.args.cpu_memory_mib
            gpus = [{"index": 0, "uuid": uuid, "name": self.args.cpu_name, "memoryMiB": mib, "pciBusId": "", "driverVersion": "", "probeMiB": mib}]
            return {"device": "cpu", "torch": torch.__version__, "gpus": gpus}
        return {"device": "cuda", "torch": torch.__version__, "gpus": [self.describe(i) for i in range(len(self.devices))]}

    def describe(self, i):
        props = torch.cuda.get_device_properties(i)
        total = props.total_memory // 2**20
        uuid = str(getattr(props, "uuid", "") or "")
        if uuid and not uuid.startswith("GPU-"):
            uuid = "GPU-" + uuid
        bus = getattr(props, "pci_bus_id", None)
        pci = f"{getattr(props, 'pci_domain_id', 0):08X}:{bus:02X}:{getattr(props, 'pci_device_id', 0):02X}.0" if bus is not None else ""
        return {"index": i, "uuid": uuid, "name": props.name, "memoryMiB": int(total), "pciBusId": pci,
                "driverVersion": str(torch.version.cuda or ""), "probeMiB": self.probe(i, total)}

    def probe(self, i, total_mib):
        """Largest total allocatable in 256 MiB chunks."""
        chunks = []
        try:
            while len(chunks) * 256 < total_mib:
                chunks.append(torch.empty(256 * 2**20, dtype=torch.uint8, device=f"cuda:{i}"))
        except RuntimeError:
            pass
        probed = len(chunks) * 256
        del chunks
        torch.cuda.empty_cache()
        return probed

    # -- the chained products ----------------------------------------------------------------
    def generate(self, seed, gpu, step, tag, n, device, dtype):
        return matrix(stream(seed, gpu, step, tag), n, device, dtype)

    def multiply(self, a, b, precision):
        """C = A.B with fp32 accumulation, rounded to the precision (as a GPU GEMM returns it)."""
        if a.device.type == "cpu" and precision != "fp32":
            return (a.float() @ b.float()).to(DTYPES[precision])
        return a @ b

    def normalise(self, c, precision):
        """A_{t+1}[i,:] = round(C[i,:] * 2^-e_i), e_i = floor(log2 max|C[i,:]|) + 1 (0 for a zero row)."""
        cf = c.float()
        _, e = torch.frexp(cf.abs().amax(dim=1))
        return (cf * torch.pow(2.0, -e.float()).unsqueeze(1)).to(DTYPES[precision]), e

    def step(self, seed, gpu, t, a, n, device, precision):
        b = self.generate(seed, gpu, t, "B", n, device, DTYPES[precision])
        return self.normalise(self.multiply(a, b, precision), precision)

    def row_bytes(self, a, precision):
        int_dtype, np_dtype = INT_VIEWS[precision]
        return a.contiguous().view(int_dtype).cpu().numpy().astype(np_dtype, copy=False).tobytes()

    def leaves(self, t, e, data, n):
        width = len(data) // n
        return [hashlib.sha256(LEAF_DOMAIN + struct.pack("<IIi", t, i, int(e[i])) + data[i * width:(i + 1) * width]).digest() for i in range(n)]

    def run_gpu(self, seed, g, n, steps, precision, keep_every, out):
        device = self.devices[g]
        started = time.monotonic()
        a = self.generate(seed, g, 1, "A", n, device, DTYPES[precision])
        stored, exps, step_levels, roots = {1: a.cpu()}, {}, {}, []
        for t in range(1, steps + 1):
            a, e = self.step(seed, g, t, a, n, device, precision)
            e = e.cpu().tolist()
            levels = merkle_levels(self.leaves(t, e, self.row_bytes(a, precision), n))
            exps[t], step_levels[t] = e, levels
            roots.append(levels[-1][0])
            if t % keep_every == 0 or keep_every == 1:
                stored[t + 1] = a.cpu()
        out[g] = {"stored": stored, "exps": exps, "levels": step_levels, "top": merkle_levels(roots), "seconds": time.monotonic() - started}

    def start(self, req):
        seed = bytes.fromhex(req["seed"]) if isinstance(req.get("seed"), str) and len(req["seed"]) == 64 else None
        n, steps, precision, gpus = req.get("n"), req.get("steps"), req.get("precision"), req.get("gpus")
        if seed is None or not isinstance(n, int) or not 1 <= n <= MAX_N or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
            raise BadRequest("start needs a 32-byte hex seed, 1 <= n <= 65536 and 1 <= steps <= 100000")
        if precision not in DTYPES or not isinstance(gpus, list) or not gpus or any(g not in range(len(self.devices)) for g in gpus) or len(set(gpus)) != len(gpus):
            raise BadRequest("start needs a precision in fp16/bf16/fp32 and distinct known GPU indices")
        budget = self.args.store_budget_mib * 2**20
        matrix_bytes = n * n * (4 if precision == "fp32" else 2)
        keep_every = max(1, -(-(steps * matrix_bytes) // max(budget, 1)))
        out = {}
        threads = [threading.Thread(target=self.run_gpu, args=(seed, g, n, steps, precision, keep_every, out)) for g in gpus]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        missing = [g for g in gpus if g not in out]
        if missing:
            raise RuntimeError(f"GPU run failed on {missing}")
        self.run = {"seed": seed, "n": n, "steps": steps, "precision": precision, "gpus": out}
        return {"roots": [{"gpu": g, "root": out[g]["top"][-1][0].hex(), "seconds": out[g]["seconds"]} for g in gpus]}

    # -- openings ----------------------------------------------------------------------------
    def rows_at(self, g, t):
        """A_t and A_{t+1} of GPU g: stored, or recomputed from the nearest stored matrix."""
        run, st = self.run, self.run["gpus"][g]
        s = max(k for k in st["stored"] if k <= t)
        a, mats = st["stored"][s].to(self.devices[g]), {s: st["stored"][s]}
        for u in range(s, t + 1):
            if u + 1 in st["stored"]:
                a = st["stored"][u + 1].to(self.devices[g])
            else:
                a, _ = self.step(run["seed"], g, u, a, run["n"], self.devices[g], run["precision"])
            mats[u + 1] = a
        return mats[t], mats[t + 1]

    def leaf(self, g, t, i, a_next):
        run, st = self.run, self.run["gpus"][g]
        path = merkle_path(st["levels"][t], i) + merkle_path(st["top"], t - 1)
        data = self.row_bytes(a_next[i], run["precision"])
        return {"exponent": int(st["exps"][t][i]), "data": base64.b64encode(data).decode(), "path": [p.hex() for p in path]}

    def open(self, req):
        if self.run is None:
            raise BadRequest("open before start")
        openings = req.get("openings")
        if not isinstance(openings, list) or not openings:
            raise BadRequest("open needs a non-empty list of openings")
        leaves = []
        for o in openings:
            g, t, i = o.get("gpu"), o.get("step"), o.get("row")
            if g not in self.run["gpus"] or not isinstance(t, int) or not 1 <= t <= self.run["steps"] or not isinstance(i, int) or not 0 <= i < self.run["n"]:
                raise BadRequest(f"opening out of range: {o}")
            a_t, a_next = self.rows_at(g, t)
            entry = {"gpu": g, "step": t, "row": i, **self.leaf(g, t, i, a_next)}
            entry["previous"] = self.leaf(g, t - 1, i, a_t) if t > 1 else None
            leaves.append(entry)
        return {"leaves": leaves}


def serve(prover_cls=Prover, argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto")
    parser.add_argument("--cpu-memory-mib", type=int, default=1024, help="memory the CPU pseudo-device reports")
    parser.add_argument("--cpu-name", default="cpu", help="name the CPU pseudo-device reports")
    parser.add_argument("--store-budget-mib", type=int, default=4096, help="host memory for stored step matrices")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch default)")
    args, _ = parser.parse_known_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    prover = prover_cls(args)
    ops = {"prepare": prover.prepare, "start": prover.start, "open": prover.open}
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            req = {}
        rid = req.get("id") if isinstance(req, dict) else None
        op = req.get("op") if isinstance(req, dict) else None
        if op == "quit":
            channel.write(json.dumps({"id": rid, "ok": True}) + "\n")
            break
        try:
            if op not in ops:
                raise BadRequest(f"unknown op {op!r}")
            reply = {"id": rid, "ok": True, **ops[op](req)}
        except BadRequest as e:
            reply = {"id": rid, "ok": False, "error": {"type": "bad_request", "message": str(e)}}
        except Exception as e:  # noqa: BLE001 - reported to the daemon as one typed line
            reply = {"id": rid, "ok": False, "error": {"type": "prover_failed", "message": f"{type(e).__name__}: {e}"}}
        channel.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    serve()
