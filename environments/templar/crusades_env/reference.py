"""The reference container (trusted code only, user ``crusades-ref``; spec E.4, E.5, L.1.2).

``python3 -I -B -m crusades_env.reference /crusades/in/params.json`` builds the seeded model, writes
``initial/state.safetensors``, the model config, the warm-up and timed batches of every rank, trains
the reference with the reference numerics and writes ``reference/state.safetensors`` and
``reference/summary.json`` (docs/run-artifacts.md). With several ranks it re-runs itself under
torchrun. Exit status 0 means every file was written.
"""

import contextlib
import grp
import os
import platform
import sys
import time

import torch
import torch.nn.functional as F

from . import data
from .artifacts import write_json, write_safetensors
from .config import ADAMW, MICRO_BATCH_SIZE, apply_backend_settings, load_params, torch_seed
from .hashing import harness_hash, harness_version
from .launch import spawn_ranks
from .model import build_model, count_params, model_config
from .parallel import barrier, device_for, env_rank, init_process_group, wrap_reference

TRUSTED_GROUP = "crusades-trusted"


def versions():
    out = {"python": platform.python_version(), "torch": torch.__version__,
           "crusades_env": harness_version()}
    try:
        import transformers
        out["transformers"] = transformers.__version__
    except ImportError:
        pass
    return out


def out_dir(params, name):
    path = os.path.join(params.path("out"), name)
    os.makedirs(path, exist_ok=True)
    return path


def protect_secret(path):
    """Timed batches: readable by ``crusades-trusted`` (the supervisor), never by the miner user."""
    try:
        os.chown(path, -1, grp.getgrnam(TRUSTED_GROUP).gr_gid)
        os.chmod(path, 0o640)
    except KeyError:
        os.chmod(path, 0o600)


def write_batches(params, rows, n_rows):
    """Rank 0: the warm-up batches (shared) and the timed batches (secret) of every rank."""
    offset = params.warmup_offset
    if offset is None:
        offset = data.warmup_offset(n_rows, params.batch_size, params.dp_size, params.steps)
    warm, timed = {}, {}
    for r in range(params.world_size):
        d, world = data.data_rank(r, params.world_size, params.num_gpus, params.dp_size, params.tp_size)
        warm["rank%d" % r] = data.rank_batches(rows, offset, d, world, params.batch_size, params.warmup_steps)
        timed["rank%d" % r] = data.rank_batches(rows, 0, d, world, params.batch_size, params.steps)
    write_safetensors(os.path.join(out_dir(params, "shared"), "warmup_batches.safetensors"), warm,
                      {"warmup_offset": offset})
    path = os.path.join(out_dir(params, "secret"), "timed_batches.safetensors")
    write_safetensors(path, timed)
    protect_secret(path)
    return offset


def train(wrapper, optimizer, batches, device):
    """The reference loop (spec E.5): micro-batches of 2, accumulation, all positions, AdamW."""
    last_losses, logits_shape = [], None
    for batch in batches:
        batch = batch.to(device)
        chunks = batch.split(MICRO_BATCH_SIZE)
        last_losses = []
        for i, mb in enumerate(chunks):
            ctx = wrapper.no_sync() if i < len(chunks) - 1 else contextlib.nullcontext()
            with ctx:
                logits = wrapper(mb[:, :-1]).logits
                loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)),
                                       mb[:, 1:].reshape(-1), ignore_index=-100)
                (loss / len(chunks)).backward()
            last_losses.append(float(loss.detach().float().item()))
            logits_shape = list(logits.shape)
        wrapper.sync()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return sum(last_losses) / len(last_losses), logits_shape


def run(params):
    rank, local_rank, world = env_rank()
    if world != params.world_size:
        raise SystemExit("WORLD_SIZE %d != num_gpus %d" % (world, params.world_size))
    init_process_group(params.device, world)
    device = device_for(params.device, local_rank)
    torch.manual_seed(torch_seed(params.seed))
    if params.device == "cuda":
        torch.cuda.manual_seed_all(torch_seed(params.seed))
    apply_backend_settings()
    config = model_config(params.model)
    model = build_model(params.model, config, device, params.torch_dtype)
    if rank == 0:
        initial = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        write_safetensors(os.path.join(out_dir(params, "initial"), "state.safetensors"), initial)
        write_json(os.path.join(out_dir(params, "shared"), "model_config.json"),
                   {"model": params.model, "config": config})
    tokens, offsets, meta = data.load_corpus()
    if int(meta["vocab_size"]) > int(config["vocab_size"]):
        raise SystemExit("corpus vocabulary larger than the model's")
    rows = data.select(data.build_rows(tokens, offsets, meta, params.sequence_length),
                       params.seed, params.data_samples)
    offset = write_batches(params, rows, rows.size(0)) if rank == 0 else None
    d, dworld = data.data_rank(rank, world, params.num_gpus, params.dp_size, params.tp_size)
    batches = data.rank_batches(rows, 0, d, dworld, params.batch_size, params.steps)

    wrapper = wrap_reference(model, device, world)
    extra = {"fused": True} if device.type == "cuda" else {}
    optimizer = torch.optim.AdamW(wrapper.parameters(), **ADAMW, **extra)
    started = time.monotonic()
    final_loss, logits_shape = train(wrapper, optimizer, batches, device)
    train_seconds = time.monotonic() - started
    state = wrapper.full_state(rank)
    barrier()
    if rank != 0:
        return
    t0 = time.monotonic()
    write_safetensors(os.path.join(out_dir(params, "reference"), "state.safetensors"), state)
    write_seconds = time.monotonic() - t0
    write_json(os.path.join(out_dir(params, "reference"), "summary.json"), {
        "schema": "crusades.reference_summary", "schema_version": 1,
        "final_loss": final_loss, "batch_size": params.batch_size,
        "sequence_length": params.sequence_length, "steps": params.steps,
        "expected_tokens_per_rank": params.batch_size * params.sequence_length * params.steps,
        "vocab_size": int(config["vocab_size"]), "model_params": count_params(model),
        "dp_size": params.dp_size, "tp_size": params.tp_size, "num_gpus": params.num_gpus,
        "seed": params.seed, "state_write_seconds": write_seconds,
        "harness_hash": harness_hash(), "versions": versions(),
        "run_id": params.run_id, "model": params.model, "logits_shape": logits_shape,
        "warmup_offset": offset, "train_seconds": train_seconds, "device": params.device,
    })


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: python3 -I -B -m crusades_env.reference /crusades/in/params.json")
    params = load_params(argv[0])
    if params.world_size > 1 and "RANK" not in os.environ:
        sys.exit(spawn_ranks("crusades_env.reference", argv[0], params.world_size))
    run(params)


if __name__ == "__main__":
    main(sys.argv[1:])
