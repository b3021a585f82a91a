"""Models. ``tiny-qwen2`` is a small causal LM with the module structure, parameter names and call
contract of HF ``Qwen2ForCausalLM`` (``model.model.layers[i].self_attn.q_proj``, ``lm_head``,
``model.config``, ``gradient_checkpointing_enable()``, ``model(input_ids).logits``), so miner code
runs unchanged on the CPU image, which has no transformers. Single-device; parallelism is applied by
the caller (``parallel.py``) or by the miner. HF model names are built with transformers (GPU image).
"""

import json
import math
import os
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from .config import HOME

# 4 KV heads (2 query heads each, head_dim 16), as many as Qwen2.5-7B's: tensor parallelism over
# up to 4 ranks splits them whole (the tensor_parallel and fsdp_tp examples).
TINY_QWEN2 = dict(
    model_type="qwen2", architectures=["Qwen2ForCausalLM"], vocab_size=512, hidden_size=128,
    intermediate_size=384, num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=4,
    max_position_embeddings=4096, rope_theta=1000000.0, rms_norm_eps=1e-6,
    initializer_range=0.02, tie_word_embeddings=False, hidden_act="silu", attention_dropout=0.0,
    use_cache=False, output_hidden_states=False, output_attentions=False, return_dict=True,
    torch_dtype="bfloat16",
)


class TinyConfig(SimpleNamespace):
    """A plain config object with HF's ``to_dict()``."""

    def to_dict(self):
        return dict(vars(self))


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.variance_epsilon = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.variance_epsilon)
        return self.weight * x.to(dtype)


class RotaryEmbedding(nn.Module):
    def __init__(self, config):
        super().__init__()
        dim = config.hidden_size // config.num_attention_heads
        inv = 1.0 / (config.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def forward(self, x, positions):
        freqs = positions[:, None].float() * self.inv_freq[None, :].float()
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)


def _rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.groups = config.num_attention_heads // config.num_key_value_heads
        kv = config.num_key_value_heads * self.head_dim
        self.q_proj = nn.Linear(config.hidden_size, config.hidden_size, bias=True)
        self.k_proj = nn.Linear(config.hidden_size, kv, bias=True)
        self.v_proj = nn.Linear(config.hidden_size, kv, bias=True)
        self.o_proj = nn.Linear(config.hidden_size, config.hidden_size, bias=False)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        # -1 heads (not config values), so tensor-parallel sharding of the projections works.
        q = self.q_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)
        q, k = q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin
        k = k.repeat_interleave(self.groups, dim=1)
        v = v.repeat_interleave(self.groups, dim=1)
        if hasattr(F, "scaled_dot_product_attention"):
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # torch 1.13: the eager attention of HF (softmax in float32)
            scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(mask, torch.finfo(scores.dtype).min)
            out = torch.matmul(F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype), v)
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1))


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.gate_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Qwen2DecoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self_attn = Attention(config)
        self.mlp = MLP(config)
        self.input_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)

    def forward(self, x, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class Qwen2Model(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList(Qwen2DecoderLayer(config) for _ in range(config.num_hidden_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.rotary_emb = RotaryEmbedding(config)
        self.gradient_checkpointing = False
        self.checkpoint_kwargs = {"use_reentrant": True}

    def forward(self, input_ids):
        x = self.embed_tokens(input_ids)
        cos, sin = self.rotary_emb(x, torch.arange(input_ids.shape[1], device=input_ids.device))
        for layer in self.layers:
            if self.gradient_checkpointing and self.training:
                x = checkpoint(layer, x, cos, sin, **self.checkpoint_kwargs)
            else:
                x = layer(x, cos, sin)
        return self.norm(x)


@dataclass
class CausalLMOutput:
    """A dataclass, like transformers' ModelOutput: FSDP finds the output tensors to hook its
    pre-backward onto only inside containers it knows (a SimpleNamespace hides them, and the
    backward of a sharded model on several ranks then fails)."""

    logits: torch.Tensor
    loss: Optional[torch.Tensor] = None


class Qwen2ForCausalLM(nn.Module):
    """The tiny model. ``forward(input_ids, labels=None, **ignored)`` returns ``.logits`` (and ``.loss``)."""

    supports_gradient_checkpointing = True

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.model = Qwen2Model(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        if config.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight
        self.apply(self._init_weights)

    def _init_weights(self, module):
        std = self.config.initializer_range
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=std)
        if isinstance(module, nn.Linear) and module.bias is not None:
            module.bias.data.zero_()

    @property
    def device(self):
        return next(self.parameters()).device

    @property
    def dtype(self):
        return next(self.parameters()).dtype

    @property
    def is_gradient_checkpointing(self):
        return self.model.gradient_checkpointing

    def gradient_checkpointing_enable(self, gradient_checkpointing_kwargs=None):
        self.model.checkpoint_kwargs = dict(gradient_checkpointing_kwargs or {"use_reentrant": True})
        self.model.gradient_checkpointing = True

    def gradient_checkpointing_disable(self):
        self.model.gradient_checkpointing = False

    def get_input_embeddings(self):
        return self.model.embed_tokens

    def get_output_embeddings(self):
        return self.lm_head

    def forward(self, input_ids=None, labels=None, **_):
        logits = self.lm_head(self.model(input_ids))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)).float(),
                                   labels[:, 1:].reshape(-1), ignore_index=-100)
        return CausalLMOutput(logits=logits, loss=loss)


def model_config(name):
    """The config dict of a model name: the built-in tiny model, or ``<HOME>/models/<name>/config.json``."""
    if name == "tiny-qwen2":
        return dict(TINY_QWEN2)
    path = os.path.join(HOME, "models", name, "config.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def build_model(name, config, device, dtype=torch.bfloat16):
    """Builds the model from its config (random init from the current torch seed), cast to
    ``dtype``, on ``device``, in train mode, every parameter trainable, gradient checkpointing on
    (spec D.3, E.4)."""
    if name == "tiny-qwen2":
        model = Qwen2ForCausalLM(TinyConfig(**config)).to(dtype=dtype)
    else:  # GPU image: HF transformers, flash attention 2 on CUDA
        from transformers import AutoConfig, AutoModelForCausalLM
        hf = AutoConfig.for_model(**config)
        attn = "flash_attention_2" if torch.device(device).type == "cuda" else "sdpa"
        model = AutoModelForCausalLM.from_config(hf, torch_dtype=dtype, attn_implementation=attn)
    model = model.to(device)
    model.train()
    for p in model.parameters():
        p.requires_grad_(True)
    model.gradient_checkpointing_enable()
    return model


def count_params(model):
    """``model_params``: tied weights once, embeddings included (spec E.4 step 5)."""
    return sum(p.numel() for p in model.parameters())
