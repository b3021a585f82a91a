"""Run parameters (``params.json``, docs/evaluation-protocol.md section 4), seeds and fixed settings."""

import hashlib
import json
import os
from dataclasses import dataclass, field

from .hashing import ROOT

SCHEMA = "crusades.run_params"
HOME = os.environ.get("CRUSADES_HOME", str(ROOT))
USERS = {"ref": "crusades-ref", "sup": "crusades-sup", "miner": "crusades-miner"}
MICRO_BATCH_SIZE = 2  # the reference's _REFERENCE_MICRO_BATCH_SIZE (spec E.5)
ADAMW = dict(lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8)  # spec D.4
STATE_DTYPES = ("torch.bfloat16", "torch.float16", "torch.float32")
# model.config keys a run may change (spec D.4, config_tampering).
CONFIG_MUTABLE = ("use_cache", "output_hidden_states", "output_attentions", "return_dict")

# Container paths (section 3); params.json "paths" may override them (tests, --runner local).
DEFAULT_PATHS = {
    "in": "/crusades/in",
    "out": "/crusades/out",          # reference container: initial/ reference/ shared/ secret/
    "initial": "/crusades/initial",  # candidate container mounts
    "shared": "/crusades/shared",
    "secret": "/crusades/secret",
    "handoff": "/crusades/handoff",
    "sup": "/crusades/sup",
    "ctl": "/run/crusades/ctl.sock",
}


class ParamsError(ValueError):
    pass


@dataclass(frozen=True)
class Params:
    run_id: str
    seed: str
    model: str
    steps: int
    batch_size: int
    sequence_length: int
    num_gpus: int
    dp_size: int
    tp_size: int
    device: str = "cpu"
    warmup_steps: int = 2
    data_samples: int = 10000
    warmup_offset: object = None
    deadlines: dict = field(default_factory=dict)
    launch: str = "exec"
    scan_check: str = "required"
    paths: dict = field(default_factory=dict)
    dtype: str = ""

    @property
    def torch_dtype(self):
        """bfloat16 on CUDA (spec D.3); float32 on CPU, where Debian's gloo (torch 1.13 and
        2.14) cannot reduce or gather bfloat16 (DDP and FSDP fail) and bfloat16 kernels are slow."""
        import torch
        name = self.dtype or ("bfloat16" if self.device == "cuda" else "float32")
        return {"bfloat16": torch.bfloat16, "float32": torch.float32}[name]

    def path(self, name):
        return self.paths.get(name, DEFAULT_PATHS[name])

    def deadline(self, name):
        defaults = {"hello_s": 300.0, "ready_s": 3600.0, "end_s": 3600.0,
                    "delivery_floor_s": 10.0, "delivery_ratio": 0.5}
        return float(self.deadlines.get(name, defaults[name]))

    @property
    def world_size(self):
        return self.num_gpus


def _int(doc, key, minimum=1, default=None):
    value = doc.get(key, default)
    if type(value) is not int or value < minimum:
        raise ParamsError("%s: expected an integer >= %d, got %r" % (key, minimum, value))
    return value


def parse_params(doc):
    """Validates a params.json document; raises ParamsError naming the bad key."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or doc.get("schema_version") != 1:
        raise ParamsError("schema: expected %s version 1" % SCHEMA)
    for key in ("run_id", "seed", "model"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise ParamsError("%s: expected a non-empty string" % key)
    p = Params(
        run_id=doc["run_id"], seed=doc["seed"], model=doc["model"],
        steps=_int(doc, "steps"), batch_size=_int(doc, "batch_size", 2),
        sequence_length=_int(doc, "sequence_length", 2), num_gpus=_int(doc, "num_gpus"),
        dp_size=_int(doc, "dp_size"), tp_size=_int(doc, "tp_size"),
        device=doc.get("device", "cpu"), warmup_steps=_int(doc, "warmup_steps", 1, 2),
        data_samples=_int(doc, "data_samples", 1, 10000), warmup_offset=doc.get("warmup_offset"),
        deadlines=dict(doc.get("deadlines") or {}), launch=doc.get("launch", "exec"),
        scan_check=doc.get("scan_check", "required"), paths=dict(doc.get("paths") or {}),
        dtype=doc.get("dtype") or "",
    )
    if p.dtype not in ("", "bfloat16", "float32"):
        raise ParamsError("dtype: expected bfloat16 or float32")
    if p.batch_size % MICRO_BATCH_SIZE:
        raise ParamsError("batch_size: must be a multiple of %d" % MICRO_BATCH_SIZE)
    if p.dp_size * p.tp_size != p.num_gpus:
        raise ParamsError("dp_size x tp_size must equal num_gpus")
    if p.device not in ("cpu", "cuda"):
        raise ParamsError("device: expected cpu or cuda")
    if p.launch not in ("exec", "spawn") or p.scan_check not in ("required", "skip"):
        raise ParamsError("launch/scan_check: unknown value")
    if p.warmup_offset is not None and (type(p.warmup_offset) is not int or p.warmup_offset < 0):
        raise ParamsError("warmup_offset: expected null or an integer >= 0")
    unknown = set(p.paths) - set(DEFAULT_PATHS)
    if unknown:
        raise ParamsError("paths: unknown keys %s" % sorted(unknown))
    return p


def load_params(path):
    with open(path, "rb") as handle:
        return parse_params(json.loads(handle.read().decode("utf-8")))


def torch_seed(seed):
    """Low 32 bits of sha256(seed) as a big-endian integer (spec E.2)."""
    return int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16) % (2 ** 32)


def data_seed(seed):
    """The first 8 hex digits of sha256(seed) (spec E.2)."""
    return int(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:8], 16)


def warmup_seed(seed):
    """Seed of the warm-up perturbation (project: seeded from the run seed, L.1.5)."""
    return torch_seed("warmup:" + seed)


def apply_backend_settings():
    """The canonical backend settings of spec D.4 (the reference rejects a run that changes them)."""
    import torch
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.allow_tf32 = True
    torch.set_float32_matmul_precision("high")
    cuda = torch.backends.cuda
    for name in ("enable_flash_sdp", "enable_mem_efficient_sdp", "enable_math_sdp"):
        if hasattr(cuda, name):
            getattr(cuda, name)(True)


def backend_state():
    """The current values of the settings apply_backend_settings fixes, for the post-run check."""
    import torch
    state = {
        "cudnn.deterministic": bool(torch.backends.cudnn.deterministic),
        "cudnn.benchmark": bool(torch.backends.cudnn.benchmark),
        "cudnn.allow_tf32": bool(torch.backends.cudnn.allow_tf32),
        "float32_matmul_precision": torch.get_float32_matmul_precision(),
    }
    cuda = torch.backends.cuda
    for name in ("flash_sdp_enabled", "mem_efficient_sdp_enabled", "math_sdp_enabled"):
        if hasattr(cuda, name):
            state[name] = bool(getattr(cuda, name)())
    return state


CANONICAL_BACKEND = {"cudnn.deterministic": True, "cudnn.benchmark": False,
                     "cudnn.allow_tf32": True, "float32_matmul_precision": "high",
                     "flash_sdp_enabled": True, "mem_efficient_sdp_enabled": True,
                     "math_sdp_enabled": True}
