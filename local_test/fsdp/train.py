"""Fully Sharded Data Parallel (FSDP, FULL_SHARD) example submission for crusades.

Topology: one process per GPU. Parameters, gradients and optimizer state are sharded across all
ranks; every rank reads its own data rank's batches. ``get_strategy()`` returns "fsdp", so with
``--gpus 4`` the evaluator uses dp_size = 4 and tp_size = 1.

This mirrors the reference run (crusades.md E.5): FULL_SHARD with one FSDP unit per decoder
layer (auto-wrap policy on the decoder-layer class), ``forward_prefetch=True``, no mixed-precision
policy (the parameters already are bf16), the model's own gradient checkpointing, ``no_sync()``
for every micro-batch except the last one of a step, AdamW(lr=1e-4, weight_decay=0.1,
betas=(0.9, 0.95), eps=1e-8) fused on CUDA, and mean cross-entropy over every next-token
position. The final weights are gathered as a FULL_STATE_DICT, offloaded to the CPU on rank 0
only, which gives the plain HF parameter names.

Works on CUDA (NCCL) and on CPU (gloo) process groups, and without a process group at all.
"""

import contextlib
import functools
from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.fsdp import FullStateDictConfig, ShardingStrategy, StateDictType
from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
from torch.distributed.fsdp.wrap import transformer_auto_wrap_policy

MICRO_BATCH_SIZE = 2
WRAPPER_NAMES = ("_fsdp_wrapped_module", "_checkpoint_wrapped_module", "_orig_mod")


@dataclass
class InnerStepsResult:
    final_logits: torch.Tensor
    total_tokens: int
    final_loss: float
    final_state: dict | None


def get_strategy():
    return "fsdp"


def is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def shard_model(model: torch.nn.Module, device: torch.device) -> FSDP:
    """Wrap each decoder layer in its own FSDP unit, and the rest of the model in the root unit."""
    layer_cls = type(model.model.layers[0])
    wrap_policy = functools.partial(transformer_auto_wrap_policy, transformer_layer_cls={layer_cls})
    return FSDP(
        model,
        auto_wrap_policy=wrap_policy,
        sharding_strategy=ShardingStrategy.FULL_SHARD,
        device_id=device,
        forward_prefetch=True,
    )


def build_optimizer(model: torch.nn.Module, device: torch.device) -> torch.optim.Optimizer:
    extra = {"fused": True} if device.type == "cuda" else {}
    return torch.optim.AdamW(
        model.parameters(), lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8, **extra
    )


def clean_key(key: str) -> str:
    """Drop wrapper components so the key is the plain HF parameter name."""
    return ".".join(part for part in key.split(".") if part not in WRAPPER_NAMES)


def gather_full_state(model: torch.nn.Module) -> dict | None:
    """Full, unsharded state dict on the CPU of rank 0; None on the other ranks."""
    if isinstance(model, FSDP):
        config = FullStateDictConfig(offload_to_cpu=True, rank0_only=True)
        with FSDP.state_dict_type(model, StateDictType.FULL_STATE_DICT, config):
            state = model.state_dict()
        if dist.get_rank() != 0:
            return None
        return {clean_key(k): v.detach().to("cpu") for k, v in state.items()}
    return {clean_key(k): v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def train_step(model, batch, optimizer):
    """One optimizer step over one batch; returns (mean loss, logits of the last micro-batch)."""
    chunks = batch.split(MICRO_BATCH_SIZE)
    loss_sum = torch.zeros((), device=batch.device, dtype=torch.float32)
    logits = None
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sync = contextlib.nullcontext() if last or not isinstance(model, FSDP) else model.no_sync()
        with sync:
            inputs, labels = chunk[:, :-1], chunk[:, 1:]
            logits = model(inputs).logits
            loss = F.cross_entropy(
                logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=-100
            )
            (loss / len(chunks)).backward()
        loss_sum += loss.detach().float()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss_sum / len(chunks), logits.detach()


def inner_steps(model, data_iterator, optimizer, num_steps, device, num_gpus=1):
    model.train()
    if is_distributed():
        if device.type == "cuda":
            torch.cuda.set_device(device)
        model = shard_model(model, device)
    optimizer = build_optimizer(model, device)

    total_tokens = 0
    step_loss = None
    logits = None
    for _ in range(num_steps):
        batch = next(data_iterator).to(device)
        step_loss, logits = train_step(model, batch, optimizer)
        total_tokens += batch.numel()

    return InnerStepsResult(
        final_logits=logits.float(),
        total_tokens=total_tokens,
        final_loss=float(step_loss.item()),
        final_state=gather_full_state(model),
    )
