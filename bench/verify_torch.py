"""Companion of bench/verify.ts: writes synthetic bf16 states with PyTorch and computes the same
verification figures tensor by tensor with PyTorch on the CPU (spec crusades.md F.3, F.4).

Usage:
  python3 verify_torch.py gen RUN_DIR [--scale 1.0]
  python3 verify_torch.py compute RUN_DIR [--threads N]
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch

DTYPES = {torch.bfloat16: "BF16", torch.float16: "F16", torch.float32: "F32"}
NP = {"BF16": np.int16, "F16": np.float16, "F32": np.float32}
TORCH = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}


def layout(scale):
    """A model-like set of shapes, about 1.07e9 elements (2.1 GB in bf16) at scale 1."""
    h = int(4096 * scale) // 64 * 64 or 64
    v = int(65536 * scale) // 64 * 64 or 64
    shapes = {"model.embed_tokens.weight": [v, h], "lm_head.weight": [v, h], "model.norm.weight": [h]}
    for k in range(32):
        shapes[f"model.layers.{k}.mlp.weight"] = [h, h]
        shapes[f"model.layers.{k}.input_layernorm.weight"] = [h]
    return shapes


def write_state(path, shapes, make):
    """Writes a safetensors file by hand: 8-byte length, JSON header padded to 8, raw tensors."""
    names = sorted(shapes)
    header, off = {}, 0
    for name in names:
        n = int(np.prod(shapes[name]))
        header[name] = {"dtype": "BF16", "shape": shapes[name], "data_offsets": [off, off + 2 * n]}
        off += 2 * n
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for name in names:
            t = make(name, shapes[name]).to(torch.bfloat16).contiguous()
            f.write(memoryview(t.view(torch.int16).numpy()))
    os.replace(tmp, path)


def gen(run_dir, scale):
    shapes = layout(scale)
    for sub in ("initial", "reference", "candidate"):
        os.makedirs(os.path.join(run_dir, sub), exist_ok=True)

    def base(name, shape):
        g = torch.Generator().manual_seed(hash(name) % (2**31))
        return torch.randn(shape, generator=g) * 0.02

    def update(name, shape):
        g = torch.Generator().manual_seed((hash(name) + 1) % (2**31))
        return base(name, shape) + torch.randn(shape, generator=g) * 1e-3

    def candidate(name, shape):
        g = torch.Generator().manual_seed((hash(name) + 2) % (2**31))
        return update(name, shape) + torch.randn(shape, generator=g) * 1e-5

    write_state(os.path.join(run_dir, "initial", "state.safetensors"), shapes, base)
    write_state(os.path.join(run_dir, "reference", "state.safetensors"), shapes, update)
    write_state(os.path.join(run_dir, "candidate", "state.safetensors"), shapes, candidate)


def read_header(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    return header, 8 + n


def load(path, start, entry):
    dt = entry["dtype"]
    begin, end = entry["data_offsets"]
    size = np.dtype(NP[dt]).itemsize
    arr = np.fromfile(path, dtype=NP[dt], count=(end - begin) // size, offset=start + begin)
    t = torch.from_numpy(arr)
    if dt == "BF16":
        t = t.view(torch.bfloat16)
    return t.reshape(entry["shape"]).float()


def compute(run_dir, threads):
    if threads:
        torch.set_num_threads(threads)
    t0 = time.perf_counter()
    paths = {k: os.path.join(run_dir, k, "state.safetensors") for k in ("initial", "reference", "candidate")}
    heads = {k: read_header(p) for k, p in paths.items()}
    ch, cs = heads["candidate"]
    rh, rs = heads["reference"]
    ih, is_ = heads["initial"]
    thr = torch.tensor(1e-6, dtype=torch.float32)
    diff_sq = ref_sq = 0.0
    changed = total = nan = inf = 0
    layers = {}
    for name in sorted(ch):
        c = load(paths["candidate"], cs, ch[name])
        if name in ih and ih[name]["shape"] == ch[name]["shape"]:
            i = load(paths["initial"], is_, ih[name])
            changed += int(((c - i).abs() > thr).sum())
            total += c.numel()
            del i
        if name in rh and rh[name]["shape"] == ch[name]["shape"]:
            r = load(paths["reference"], rs, rh[name])
            # As the reference does: float32 elementwise, per-tensor float32 sums added as Python floats.
            d = c - r
            dsq = float(d.pow(2).sum())
            rsq = float(r.pow(2).sum())
            diff_sq += dsq
            ref_sq += rsq
            layers[name] = {"diff_sq": dsq, "ref_sq": rsq}
            del r, d
        nan += int(torch.isnan(c).sum())
        inf += int(torch.isinf(c).sum())
        del c
    seconds = time.perf_counter() - t0
    import resource
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rel = (diff_sq**0.5) / (ref_sq**0.5) if ref_sq > 0 else (0.0 if diff_sq == 0 else float("inf"))
    print(json.dumps({
        "seconds": seconds, "peak_rss_mb": peak_rss_mb, "threads": torch.get_num_threads(), "torch": torch.__version__,
        "diff_sq": diff_sq, "ref_sq": ref_sq, "relative_error": rel, "changed": changed, "total": total,
        "nan": nan, "inf": inf, "layers": layers,
    }))


if __name__ == "__main__":
    cmd, run_dir = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    if cmd == "gen":
        gen(run_dir, float(args[args.index("--scale") + 1]) if "--scale" in args else 1.0)
    elif cmd == "compute":
        compute(run_dir, int(args[args.index("--threads") + 1]) if "--threads" in args else 0)
    else:
        raise SystemExit(__doc__)
