"""Test oracle for test/verify/torch.test.ts: writes initial/reference/candidate states with PyTorch
in safetensors format (by hand: torch 1.13 from Debian has no safetensors package) and prints the
verification figures PyTorch computes for them (spec crusades.md F.3, F.4) as JSON.

Usage: /usr/bin/python3 torch_oracle.py RUN_DIR SEED
"""
import json
import os
import struct
import sys

import torch

NAMES = {torch.bfloat16: "BF16", torch.float16: "F16", torch.float32: "F32"}


def save(path, tensors):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main(run_dir, seed):
    g = torch.Generator().manual_seed(seed)
    spec = {
        "embed.weight": ((257, 33), torch.bfloat16),
        "layers.0.w": ((64, 48), torch.bfloat16),
        "layers.0.b": ((48,), torch.float16),
        "layers.1.w": ((31, 17), torch.float32),
        "norm.weight": ((33,), torch.bfloat16),
        "zero.weight": ((5,), torch.float32),
    }
    initial, reference, candidate = {}, {}, {}
    for name, (shape, dtype) in spec.items():
        base = torch.randn(shape, generator=g) * 0.05
        upd = base + torch.randn(shape, generator=g) * 1e-3
        # some elements unchanged, some changed by about the 1e-6 threshold
        mask = torch.rand(shape, generator=g) < 0.2
        cand = torch.where(mask, base, upd + torch.randn(shape, generator=g) * 1e-4)
        tiny = torch.rand(shape, generator=g) < 0.05
        cand = torch.where(tiny, base + 1e-6, cand)
        if name == "zero.weight":
            base = upd = torch.zeros(shape)
            cand = torch.zeros(shape)
        initial[name], reference[name], candidate[name] = base.to(dtype), upd.to(dtype), cand.to(dtype)
    save(os.path.join(run_dir, "initial", "state.safetensors"), initial)
    save(os.path.join(run_dir, "reference", "state.safetensors"), reference)
    save(os.path.join(run_dir, "candidate", "state.safetensors"), candidate)

    thr = torch.tensor(1e-6, dtype=torch.float32)
    changed = total = 0
    diff_sq = ref_sq = 0.0
    layers = {}
    for name in sorted(candidate):
        c, r, i = candidate[name].float(), reference[name].float(), initial[name].float()
        changed += int(((c - i).abs() > thr).sum())  # float32 difference, strict, NaN unchanged
        total += c.numel()
        # F.4: d = c.f32 - r.f32 elementwise in float32; squares summed in float64 (project)
        d = (c - r).double()
        dsq, rsq = float((d * d).sum()), float((r.double() ** 2).sum())
        diff_sq += dsq
        ref_sq += rsq
        # the reference's own float32 computation, for the looser comparison
        d32 = c - r
        layers[name] = {"diff_sq": dsq, "ref_sq": rsq, "diff_sq_f32": float((d32 * d32).sum()), "rel": (dsq ** 0.5 / rsq ** 0.5) if rsq > 0 else None}
    print(json.dumps({
        "changed": changed, "total": total, "diff_sq": diff_sq, "ref_sq": ref_sq,
        "relative_error": (diff_sq ** 0.5) / (ref_sq ** 0.5), "layers": layers, "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
