"""Single-device example submission for crusades.

Topology: one process, one device (``--gpus 1``). There is no ``get_strategy()``: with one GPU
its absence means dp_size = 1 and tp_size = 1.

The training step reproduces the reference numerics (crusades.md D.4 and E.5):
- AdamW(lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8) over all parameters,
  fused on CUDA;
- loss = mean cross-entropy over every next-token position of the 16-row batch
  (inputs batch[:, :-1], labels batch[:, 1:], ignore_index=-100);
- one optimizer step per batch, computed as micro-batches of 2 rows with gradient accumulation.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F

MICRO_BATCH_SIZE = 2
WRAPPER_NAMES = ("_orig_mod", "_checkpoint_wrapped_module")


@dataclass
class InnerStepsResult:
    final_logits: torch.Tensor
    total_tokens: int
    final_loss: float
    final_state: dict


def build_optimizer(model: torch.nn.Module, device: torch.device) -> torch.optim.Optimizer:
    extra = {"fused": True} if device.type == "cuda" else {}
    return torch.optim.AdamW(
        model.parameters(), lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8, **extra
    )


def clean_key(key: str) -> str:
    """Drop wrapper components (torch.compile, checkpoint wrappers) to get the plain HF name."""
    return ".".join(part for part in key.split(".") if part not in WRAPPER_NAMES)


def cpu_state_dict(model: torch.nn.Module) -> dict:
    return {clean_key(k): v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def train_step(model, batch, optimizer):
    """One optimizer step over one batch; returns (mean loss, logits of the last micro-batch)."""
    chunks = batch.split(MICRO_BATCH_SIZE)
    loss_sum = torch.zeros((), device=batch.device, dtype=torch.float32)
    logits = None
    for chunk in chunks:
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
        final_state=cpu_state_dict(model),
    )
