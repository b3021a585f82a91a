"""Tensor-parallel (TP) example submission for crusades.

Topology: one process per GPU, all ranks form one tensor-parallel group. Every rank reads the
same batches (crusades.md E.3: with dp_size = 1 all ranks share data rank 0). ``get_strategy()``
returns "tp", so with ``--gpus 4`` the evaluator uses dp_size = 1 and tp_size = 4.

Megatron-style sharding of every decoder layer with DTensor:
- attention q/k/v projections column-wise, the output projection row-wise;
- MLP gate/up projections column-wise, the down projection row-wise;
- the LM head column-wise with replicated (gathered) logits, unless it is tied to the input
  embedding; embeddings and norms stay replicated.
The attention heads are split across ranks, so the number of key/value heads must be divisible
by the TP size (the HF attention reshapes with -1 heads, transformers 4.48 or later).

Numerics follow the reference (crusades.md D.4 and E.5). There is no data parallelism, so no
gradient averaging is needed; replicated parameters get identical gradients on every rank.
The final weights are gathered with ``DTensor.full_tensor()`` and kept on rank 0's CPU.
"""

from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Replicate
from torch.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel, parallelize_module

MICRO_BATCH_SIZE = 2


@dataclass
class InnerStepsResult:
    final_logits: torch.Tensor
    total_tokens: int
    final_loss: float
    final_state: dict | None


def get_strategy():
    return "tp"


def is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def use_non_reentrant_checkpointing(model: torch.nn.Module) -> None:
    if hasattr(model, "gradient_checkpointing_enable"):
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})


def apply_tensor_parallel(model: torch.nn.Module, tp_mesh) -> None:
    for layer in model.model.layers:
        layer_plan = {
            "self_attn.q_proj": ColwiseParallel(),
            "self_attn.k_proj": ColwiseParallel(),
            "self_attn.v_proj": ColwiseParallel(),
            "self_attn.o_proj": RowwiseParallel(),
            "mlp.gate_proj": ColwiseParallel(),
            "mlp.up_proj": ColwiseParallel(),
            "mlp.down_proj": RowwiseParallel(),
        }
        parallelize_module(layer, tp_mesh, layer_plan)
    if model.lm_head.weight is not model.model.embed_tokens.weight:
        parallelize_module(model, tp_mesh, {"lm_head": ColwiseParallel(output_layouts=Replicate())})


def build_optimizer(model: torch.nn.Module, device: torch.device) -> torch.optim.Optimizer:
    """AdamW over all parameters. Sharded (DTensor) and replicated (plain) parameters go in
    separate groups with identical settings, because one fused kernel cannot mix them."""
    groups = {}
    for param in model.parameters():
        key = param.device_mesh.ndim if isinstance(param, DTensor) else 0
        groups.setdefault(key, []).append(param)
    extra = {"fused": True} if device.type == "cuda" else {}
    return torch.optim.AdamW(
        [{"params": params} for params in groups.values()],
        lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8, **extra,
    )


def gather_full_state(model: torch.nn.Module, rank: int) -> dict | None:
    """Every rank takes part in the gathers (same order everywhere); rank 0 keeps the result."""
    state = {}
    for key, value in model.state_dict().items():
        if isinstance(value, DTensor):
            value = value.full_tensor()
        if rank == 0:
            state[key] = value.detach().to("cpu", copy=True)
    return state if rank == 0 else None


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
    rank = 0
    if is_distributed():
        rank = dist.get_rank()
        if device.type == "cuda":
            torch.cuda.set_device(device)
        use_non_reentrant_checkpointing(model)
        tp_mesh = init_device_mesh(device.type, (dist.get_world_size(),), mesh_dim_names=("tp",))
        apply_tensor_parallel(model, tp_mesh)
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
        final_state=gather_full_state(model, rank),
    )
