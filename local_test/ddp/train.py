"""DistributedDataParallel example submission for crusades.

Topology: one process per GPU, every rank holds a full replica of the model and reads its own
data rank's batches. ``get_strategy()`` returns "ddp", so with ``--gpus 4`` the evaluator uses
dp_size = 4 and tp_size = 1.

Numerics follow the reference (crusades.md D.4 and E.5): AdamW(lr=1e-4, weight_decay=0.1,
betas=(0.9, 0.95), eps=1e-8) over all parameters, fused on CUDA; mean cross-entropy over every
next-token position; one optimizer step per batch as micro-batches of 2 rows with gradient
accumulation. DDP averages the gradients over all ranks, which equals one step over the union of
the data ranks' batches. Gradient synchronisation is skipped (``no_sync``) for every micro-batch
except the last one of a step.

Works on CUDA (NCCL) and on CPU (gloo) process groups, and without a process group at all.
"""

import contextlib
from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

MICRO_BATCH_SIZE = 2


@dataclass
class InnerStepsResult:
    final_logits: torch.Tensor
    total_tokens: int
    final_loss: float
    final_state: dict | None


def get_strategy():
    return "ddp"


def is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def use_non_reentrant_checkpointing(model: torch.nn.Module) -> None:
    """DDP's gradient hooks work best with non-reentrant activation checkpointing."""
    if hasattr(model, "gradient_checkpointing_enable"):
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})


def build_optimizer(model: torch.nn.Module, device: torch.device) -> torch.optim.Optimizer:
    extra = {"fused": True} if device.type == "cuda" else {}
    return torch.optim.AdamW(
        model.parameters(), lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8, **extra
    )


def train_step(model, batch, optimizer):
    """One optimizer step over one batch; returns (mean loss, logits of the last micro-batch)."""
    chunks = batch.split(MICRO_BATCH_SIZE)
    loss_sum = torch.zeros((), device=batch.device, dtype=torch.float32)
    logits = None
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sync = contextlib.nullcontext() if last or not isinstance(model, DDP) else model.no_sync()
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
        use_non_reentrant_checkpointing(model)
        device_ids = [device.index] if device.type == "cuda" else None
        model = DDP(model, device_ids=device_ids, gradient_as_bucket_view=True)
    optimizer = build_optimizer(model, device)

    total_tokens = 0
    step_loss = None
    logits = None
    for _ in range(num_steps):
        batch = next(data_iterator).to(device)
        step_loss, logits = train_step(model, batch, optimizer)
        total_tokens += batch.numel()

    final_state = None
    rank = dist.get_rank() if is_distributed() else 0
    if rank == 0:
        # Unwrap DDP so the keys are the plain HF names (no "module." prefix).
        plain = model.module if isinstance(model, DDP) else model
        final_state = {k: v.detach().to("cpu", copy=True) for k, v in plain.state_dict().items()}

    return InnerStepsResult(
        final_logits=logits.float(),
        total_tokens=total_tokens,
        final_loss=float(step_loss.item()),
        final_state=final_state,
    )
