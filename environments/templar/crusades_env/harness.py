"""The miner-code process, one per rank (spec L.1.5). Trusted code, but once ``miner_train`` is
imported it shares the process with untrusted code: everything it reports after that is an
untrusted claim the host re-checks from the files. Writes ``candidate/state.safetensors`` and
``candidate/summary.json`` into the hand-over directory; talks to the supervisor over the socket.
"""

import importlib.util
import json
import os
import socket
import sys
import time

import torch

from .artifacts import json_float, read_safetensors, write_json, write_safetensors
from .config import (CANONICAL_BACKEND, CONFIG_MUTABLE, STATE_DTYPES, apply_backend_settings,
                     backend_state, load_params, warmup_seed)
from .hashing import harness_hash
from .model import build_model
from .parallel import barrier, device_for, env_rank, init_process_group
from .protocol import Channel

MISSING = object()


class Failure(Exception):
    def __init__(self, code, error):
        super().__init__(error)
        self.code = code


class BatchIterator:
    """An infinite iterator of CPU ``LongTensor [B, L]``: the released batches in order, cycling."""

    def __init__(self, batches):
        self._batches = batches
        self._next = 0

    def __iter__(self):
        return self

    def __next__(self):
        batch = self._batches[self._next % len(self._batches)].clone()
        self._next += 1
        return batch


def load_model(params, device):
    with open(os.path.join(params.path("shared"), "model_config.json"), encoding="utf-8") as f:
        doc = json.load(f)
    model = build_model(doc["model"], doc["config"], device, params.torch_dtype)
    initial, _ = read_safetensors(os.path.join(params.path("initial"), "state.safetensors"))
    model.load_state_dict(initial)
    return model, initial


def import_miner(params):
    path = os.path.join(params.path("in"), "miner_train.py")
    spec = importlib.util.spec_from_file_location("miner_train", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["miner_train"] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "inner_steps", None)):
        raise Failure("import_failed", "miner_train has no inner_steps function")
    return module


def call(module, model, batches, steps, device, params):
    return module.inner_steps(model=model, data_iterator=BatchIterator(batches), optimizer=None,
                              num_steps=steps, device=device, num_gpus=params.num_gpus)


def number(result, name):
    """``final_loss`` / ``total_tokens``: an int (not bool), a float or a one-element tensor."""
    value = getattr(result, name, MISSING)
    if value is MISSING or value is None:
        raise Failure("invalid_return_type", "inner_steps result has no %s" % name)
    if type(value) is torch.Tensor and value.numel() == 1:
        value = value.detach().cpu().item()
    if type(value) not in (int, float):
        raise Failure("invalid_return_type", "%s has type %s" % (name, type(value).__name__))
    return json_float(value)


def read_result(result):
    """Reads ``final_logits``, ``total_tokens`` and ``final_loss`` once each (the ``end`` meta)."""
    if result is None:
        raise Failure("invalid_return_type", "inner_steps returned None")
    logits = getattr(result, "final_logits", MISSING)
    if logits is MISSING:
        raise Failure("invalid_return_type", "inner_steps result has no final_logits")
    if logits is not None and type(logits) is not torch.Tensor:
        raise Failure("invalid_return_type", "final_logits has type %s" % type(logits).__name__)
    meta = {"final_loss": number(result, "final_loss"), "total_tokens": number(result, "total_tokens"),
            "final_logits_shape": None if logits is None else [int(s) for s in logits.shape],
            "final_logits_dtype": None if logits is None else str(logits.dtype),
            "result_type": type(result).__name__}
    return meta


def warmup(module, model, params, device, rank):
    """Spec E.6 with the project's disjoint warm-up batches and a seeded perturbation."""
    gen = torch.Generator(device=device).manual_seed(warmup_seed(params.seed))
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-0.1, 0.1, generator=gen)
    batches, _ = read_safetensors(os.path.join(params.path("shared"), "warmup_batches.safetensors"))
    result = call(module, model, batches["rank%d" % rank], params.warmup_steps, device, params)
    if rank == 0:
        meta = read_result(result)
        shape = meta["final_logits_shape"]
        if shape is None:
            raise Failure("missing_logits", "final_logits is None (warm-up)")
        if len(shape) != 3:
            raise Failure("invalid_logits_shape", "final_logits is not 3-D (warm-up)")
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if trainable < total:
        raise Failure("insufficient_trainable_params", "%d of %d elements trainable" % (trainable, total))


def final_state(result, initial):
    """Rank 0's ``final_state``: exact types (spec D.2), keys outside the initial state dropped,
    tensors moved to the CPU and made contiguous, never cast."""
    state = getattr(result, "final_state", None)
    if state is None:
        raise Failure("missing_final_state", "final_state is None")
    if type(state) is not dict:
        raise Failure("invalid_return_type", "final_state has type %s" % type(state).__name__)
    out, dropped = {}, []
    for key, value in state.items():
        if type(key) is not str or type(value) is not torch.Tensor:
            raise Failure("invalid_return_type", "final_state entries must be str -> torch.Tensor")
        if str(value.dtype) not in STATE_DTYPES:
            raise Failure("invalid_final_state", "%s has dtype %s" % (key, value.dtype))
        if key not in initial:
            dropped.append(key)
            continue
        out[key] = value.detach().to("cpu").contiguous()
    return out, sorted(dropped)


def config_changes(before, after):
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if k not in CONFIG_MUTABLE and before.get(k) != after.get(k)]
    return ["%s: %r -> %r" % (k, before.get(k), after.get(k)) for k in changed[:5]]


def backend_changes():
    state = backend_state()
    return ["%s: %r" % (k, v) for k, v in sorted(state.items()) if CANONICAL_BACKEND.get(k) != v]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def deliver(ch, params, result, meta, initial, snapshot, model):
    """Rank 0 after ``end``: summary, state file, post-run checks, ``delivered``."""
    handoff = params.path("handoff")
    summary = {"schema": "crusades.candidate_summary", "schema_version": 1, "dropped_keys": [],
               **{k: meta.get(k) for k in ("final_loss", "total_tokens", "final_logits_shape",
                                           "final_logits_dtype")}}
    try:
        state, summary["dropped_keys"] = final_state(result, initial)
    except Failure as exc:
        write_json(os.path.join(handoff, "summary.json"), summary)
        ch.send({"type": "delivered", "error": str(exc), "code": exc.code})
        return
    write_json(os.path.join(handoff, "summary.json"), summary)
    size = write_safetensors(os.path.join(handoff, "state.safetensors"), state)
    post = {"config_changes": config_changes(snapshot, model.config.to_dict()),
            "backend_changes": backend_changes()}
    ch.send({"type": "delivered", "bytes": size, "tensor_count": len(state), "post_checks": post})


def run(ch, params, rank, local_rank, world):
    init_process_group(params.device, world)
    device = device_for(params.device, local_rank)
    model, initial = load_model(params, device)
    apply_backend_settings()
    try:
        module = import_miner(params)
    except Failure:
        raise
    except BaseException as exc:  # noqa: BLE001 - any import error of miner code
        raise Failure("import_failed", "%s: %s" % (type(exc).__name__, exc)) from None
    ch.send({"type": "imported", "rank": rank})
    try:
        warmup(module, model, params, device, rank)
    except Failure as exc:
        ch.send({"type": "warmup", "rank": rank, "ok": False, "code": exc.code, "error": str(exc)})
        return
    ch.send({"type": "warmup", "rank": rank, "ok": True})
    if world > 1:  # the reference rebuilds the model in multi-GPU mode
        model, initial = load_model(params, device)
    else:
        with torch.no_grad():
            model.load_state_dict(initial)
    for p in model.parameters():
        p.grad = None
    if device.type == "cuda":
        torch.cuda.empty_cache()
    apply_backend_settings()
    snapshot = model.config.to_dict()
    barrier()
    ch.send({"type": "ready", "rank": rank})
    go = ch.recv()
    if go.get("type") != "go":
        raise Failure("protocol_violation", "expected go, got %s" % go.get("type"))
    raw = ch.recv_exact(int(go["nbytes"]))
    batches = torch.frombuffer(bytearray(raw), dtype=torch.int64).reshape(go["shape"])
    started = time.perf_counter()
    events = None
    if device.type == "cuda":
        events = [torch.cuda.Event(enable_timing=True) for _ in range(2)]
        events[0].record()
    result = call(module, model, batches, params.steps, device, params)
    meta = read_result(result) if rank == 0 else {}
    sync(device)
    end = {"type": "end", "rank": rank, "perf_seconds": time.perf_counter() - started, "meta": meta}
    if events:
        events[1].record()
        sync(device)
        end["cuda_event_seconds"] = events[0].elapsed_time(events[1]) / 1000
    ch.send(end)
    if rank == 0:
        deliver(ch, params, result, meta, initial, snapshot, model)
    else:
        ch.send({"type": "done", "rank": rank})


def main(argv):
    params = load_params(argv[0])
    rank, local_rank, world = env_rank()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(params.path("ctl"))
    ch = Channel(sock)
    ch.send({"type": "hello", "rank": rank, "world_size": world, "harness_hash": harness_hash(),
             "pid": os.getpid()})
    try:
        run(ch, params, rank, local_rank, world)
    except Failure as exc:
        ch.send({"type": "failed", "rank": rank, "code": exc.code, "error": str(exc)[:4000]})
        return 1
    except BaseException as exc:  # noqa: BLE001 - miner code raised
        ch.send({"type": "failed", "rank": rank, "code": "miner_crash",
                 "error": ("%s: %s" % (type(exc).__name__, exc))[:4000]})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
