"""Process groups and the reference's data parallelism (spec E.5): FSDP FULL_SHARD on CUDA with
several ranks; on CPU (gloo) an explicit gradient average, which is the same mean gradient and also
runs under torch 1.13 (a bookworm host's `--runner local`, whose FSDP needs CUDA)."""

import contextlib
import functools
import os
from datetime import timedelta

import torch
import torch.distributed as dist

PG_TIMEOUT = timedelta(seconds=3600)


def env_rank():
    """``(rank, local_rank, world_size)`` from the torchrun environment (0, 0, 1 without it)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0")), world


def init_process_group(device_type, world_size):
    """NCCL on CUDA, gloo on CPU; only when there are several ranks."""
    if world_size > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device_type == "cuda" else "gloo", timeout=PG_TIMEOUT)


def device_for(device_type, local_rank):
    if device_type == "cuda":
        torch.cuda.set_device(local_rank)
        return torch.device("cuda", local_rank)
    return torch.device("cpu")


def barrier():
    if dist.is_initialized():
        dist.barrier()


class GradientAverage:
    """DDP-equivalent wrapper for the CPU reference: ``no_sync()`` is a no-op and ``sync()``
    averages the accumulated gradients over all ranks (in float32, then back to the grad dtype)."""

    def __init__(self, module):
        self.module = module

    def __call__(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def no_sync(self):
        return contextlib.nullcontext()

    def sync(self):
        world = dist.get_world_size()
        for p in self.module.parameters():
            if p.grad is None:
                p.grad = torch.zeros_like(p)
            g = p.grad.float()
            dist.all_reduce(g)
            p.grad.copy_(g / world)

    def parameters(self):
        return self.module.parameters()

    def full_state(self, rank):
        return {k: v.detach().to("cpu", copy=True) for k, v in self.module.state_dict().items()} \
            if rank == 0 else None


class Single(GradientAverage):
    def sync(self):
        pass


class FsdpReference:
    """FSDP FULL_SHARD, one unit per decoder layer, forward prefetch, no mixed precision."""

    def __init__(self, module, device):
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, ShardingStrategy
        from torch.distributed.fsdp.wrap import transformer_auto_wrap_policy
        policy = functools.partial(transformer_auto_wrap_policy,
                                   transformer_layer_cls={type(module.model.layers[0])})
        self.fsdp = FSDP(module, auto_wrap_policy=policy, device_id=device, forward_prefetch=True,
                         sharding_strategy=ShardingStrategy.FULL_SHARD)

    def __call__(self, *args, **kwargs):
        return self.fsdp(*args, **kwargs)

    def no_sync(self):
        return self.fsdp.no_sync()

    def sync(self):
        pass  # the last backward outside no_sync() reduce-scatters

    def parameters(self):
        return self.fsdp.parameters()

    def full_state(self, rank):
        from torch.distributed.fsdp import FullStateDictConfig, StateDictType
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
        cfg = FullStateDictConfig(offload_to_cpu=True, rank0_only=True)
        with FSDP.state_dict_type(self.fsdp, StateDictType.FULL_STATE_DICT, cfg):
            state = self.fsdp.state_dict()
        if rank != 0:
            return None
        drop = ("_fsdp_wrapped_module", "_checkpoint_wrapped_module", "_orig_mod")
        return {".".join(p for p in k.split(".") if p not in drop): v.detach().cpu()
                for k, v in state.items()}


def wrap_reference(model, device, world_size):
    if world_size == 1:
        return Single(model)
    if device.type == "cuda":
        return FsdpReference(model, device)
    return GradientAverage(model)
