"""2-D parallel (FSDP x TP) example submission for crusades.

Topology: 4 processes on a 2 x 2 device mesh ("dp", "tp"). Tensor-parallel groups are
consecutive ranks, {0, 1} and {2, 3}; ranks 0 and 1 read data rank 0, ranks 2 and 3 read data
rank 1 (crusades.md E.3: data_rank = rank // tp_size). ``get_strategy()`` returns
{"dp_size": 2, "tp_size": 2}, so it must be evaluated with ``--gpus 4``.

- Inside a TP group every decoder layer is sharded Megatron-style with DTensor (q/k/v and
  gate/up column-wise, o_proj and down_proj row-wise, the LM head column-wise with gathered
  logits unless it is tied to the embedding).
- Across the "dp" dimension the model is fully sharded with FSDP2 (``fully_shard``), one unit per
  decoder layer plus the root. FSDP2 averages gradients over the dp groups, which equals one
  optimizer step over the union of both data ranks' batches.
- Gradient reduction is skipped for every micro-batch except the last one of a step.

Numerics follow the reference (crusades.md D.4 and E.5). The final weights are gathered with
``DTensor.full_tensor()`` and kept on rank 0's CPU, under the plain HF parameter names.
"""

from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
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
    return {"dp_size": 2, "tp_size": 2}


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


def apply_fsdp(model: torch.nn.Module, dp_mesh) -> None:
    for layer in model.model.layers:
        fully_shard(layer, mesh=dp_mesh)
    fully_shard(model, mesh=dp_mesh)


def build_optimizer(model: torch.nn.Module, device: torch.device) -> torch.optim.Optimizer:
    """AdamW over all parameters, one group per device mesh (1-D "dp" and 2-D "dp" x "tp"),
    with identical settings: one fused kernel cannot mix tensors from different meshes."""
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


def train_step(model, batch, optimizer, sharded):
    """One optimizer step over one batch; returns (mean loss, logits of the last micro-batch)."""
    chunks = batch.split(MICRO_BATCH_SIZE)
    loss_sum = torch.zeros((), device=batch.device, dtype=torch.float32)
    logits = None
    for index, chunk in enumerate(chunks):
        if sharded:
            model.set_requires_gradient_sync(index == len(chunks) - 1)
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
    sharded = is_distributed()
    if sharded:
        rank = dist.get_rank()
        if device.type == "cuda":
            torch.cuda.set_device(device)
        topology = get_strategy()
        mesh = init_device_mesh(
            device.type, (topology["dp_size"], topology["tp_size"]), mesh_dim_names=("dp", "tp")
        )
        use_non_reentrant_checkpointing(model)
        apply_tensor_parallel(model, mesh["tp"])
        apply_fsdp(model, mesh["dp"])
    optimizer = build_optimizer(model, device)

    total_tokens = 0
    step_loss = None
    logits = None
    for _ in range(num_steps):
        batch = next(data_iterator).to(device)
        step_loss, logits = train_step(model, batch, optimizer, sharded)
        total_tokens += batch.numel()

    return InnerStepsResult(
        final_logits=logits.float(),
        total_tokens=total_tokens,
        final_loss=float(step_loss.item()),
        final_state=gather_full_state(model, rank),
    )
