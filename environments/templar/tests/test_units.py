"""Unit tests of crusades_env: seeds, data distribution, safetensors, model contract, reference
numerics, and the harness's validation of the returned object. Run in the CPU image:
    docker run --rm --network none crusades-eval-cpu:<v> python3 -m unittest discover -s /opt/crusades/tests
"""

import contextlib
import dataclasses
import hashlib
import json
import os
import struct
import tempfile
import unittest

import runner  # noqa: F401 - puts the package on sys.path
import torch

from crusades_env import data, harness
from crusades_env.artifacts import json_float, read_safetensors, write_safetensors
from crusades_env.config import ParamsError, data_seed, parse_params, torch_seed
from crusades_env.model import TINY_QWEN2, build_model
from crusades_env.parallel import Single
from crusades_env.reference import train

SEED = "7:1:1700000000:00112233445566778899aabbccddeeff"


class Seeds(unittest.TestCase):
    def test_low_and_high_bits(self):
        digest = hashlib.sha256(SEED.encode()).hexdigest()
        self.assertEqual(torch_seed(SEED), int(digest[-8:], 16))
        self.assertEqual(data_seed(SEED), int(digest[:8], 16))
        self.assertNotEqual(torch_seed(SEED), data_seed(SEED))

    def test_selection_is_a_seeded_permutation(self):
        rows = torch.arange(100).reshape(100, 1)
        a, b = data.select(rows, SEED, 10000), data.select(rows, SEED, 10000)
        self.assertTrue(torch.equal(a, b))
        self.assertEqual(sorted(a.flatten().tolist()), list(range(100)))
        self.assertFalse(torch.equal(a, data.select(rows, SEED + "x", 10000)))


class Distribution(unittest.TestCase):
    """The worked examples of spec E.3 (offset 0, B = 16, N = 10000, 20 steps)."""

    rows = torch.arange(10000).reshape(10000, 1)

    def first_rows(self, rank, dp, tp):
        d, world = data.data_rank(rank, dp * tp, dp * tp, dp, tp)
        return data.rank_batches(self.rows, 0, d, world, 16, 20)[:, 0, 0].tolist()

    def test_dp4(self):
        for r in range(4):
            self.assertEqual(self.first_rows(r, 4, 1), [16 * r + 64 * k for k in range(20)])

    def test_tp4(self):
        for r in range(4):
            self.assertEqual(self.first_rows(r, 1, 4), [16 * k for k in range(20)])

    def test_dp2_tp2(self):
        self.assertEqual(self.first_rows(1, 2, 2), [32 * k for k in range(20)])
        self.assertEqual(self.first_rows(2, 2, 2), [32 * k + 16 for k in range(20)])

    def test_wraps_to_zero(self):
        rows = torch.arange(40).reshape(40, 1)
        got = data.rank_batches(rows, 30, 0, 1, 16, 3)[:, 0, 0].tolist()
        self.assertEqual(got, [0, 16, 0])

    def test_warmup_offset_avoids_timed_rows(self):
        for _ in range(200):
            off = data.warmup_offset(10000, 16, 4, 20)
            self.assertTrue(1280 <= off <= 10000 - 128)

    def test_rows_truncate_and_pad(self):
        tokens, offsets = torch.tensor([1, 5, 6, 1, 7, 8, 9, 10]), torch.tensor([0, 3, 8])
        rows = data.build_rows(tokens, offsets, {"pad_id": 0}, 4)
        self.assertEqual(rows.tolist(), [[1, 5, 6, 0], [1, 7, 8, 9]])


class Safetensors(unittest.TestCase):
    def test_round_trip_and_layout(self):
        tensors = {"a": torch.randn(3, 5).to(torch.bfloat16), "b": torch.randn(7, dtype=torch.float16),
                   "c": torch.randn(2, 2).t(), "d": torch.arange(6).reshape(2, 3)}
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "x.safetensors")
            size = write_safetensors(path, tensors, {"k": "v"})
            with open(path, "rb") as f:
                raw = f.read()
            self.assertEqual(size, len(raw))
            (n,) = struct.unpack("<Q", raw[:8])
            self.assertEqual(n % 8, 0)
            header = json.loads(raw[8:8 + n])
            self.assertEqual(header["a"], {"dtype": "BF16", "shape": [3, 5], "data_offsets": [0, 30]})
            self.assertEqual(header["__metadata__"], {"k": "v"})
            self.assertEqual(8 + n + header["d"]["data_offsets"][1], len(raw))
            bits = tensors["a"].view(torch.int16).flatten()[0].item() & 0xFFFF
            self.assertEqual(struct.unpack("<H", raw[8 + n:10 + n])[0], bits)
            back, meta = read_safetensors(path)
        self.assertEqual(meta, {"k": "v"})
        for k, v in tensors.items():
            self.assertEqual(back[k].dtype, v.dtype)
            self.assertTrue(torch.equal(back[k], v))

    def test_json_float(self):
        self.assertEqual([json_float(x) for x in (float("nan"), float("inf"), -float("inf"), 3, 2.5)],
                         ["NaN", "Infinity", "-Infinity", 3, 2.5])


class ModelContract(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.model = build_model("tiny-qwen2", TINY_QWEN2, torch.device("cpu"), torch.float32)

    def test_hf_names_and_call(self):
        keys = set(self.model.state_dict())
        for k in ("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                  "model.layers.0.self_attn.q_proj.bias", "model.layers.1.mlp.down_proj.weight",
                  "model.layers.0.input_layernorm.weight", "model.norm.weight", "lm_head.weight"):
            self.assertIn(k, keys)
        logits = self.model(torch.randint(0, 512, (2, 9))).logits
        self.assertEqual(list(logits.shape), [2, 9, TINY_QWEN2["vocab_size"]])
        self.assertTrue(self.model.is_gradient_checkpointing)
        self.assertEqual(self.model.config.to_dict()["vocab_size"], 512)

    def test_causal(self):
        x = torch.randint(0, 512, (1, 8))
        y = x.clone()
        y[0, 5:] = 3
        with torch.no_grad():
            a, b = self.model(x).logits, self.model(y).logits
        self.assertTrue(torch.allclose(a[0, :5], b[0, :5], atol=1e-6))

    def test_checkpointing_keeps_gradients(self):
        x = torch.randint(0, 512, (2, 16))
        grads = []
        for gc in (True, False):
            self.model.zero_grad(set_to_none=True)
            (self.model.gradient_checkpointing_enable if gc else self.model.gradient_checkpointing_disable)()
            self.model(x).logits.float().pow(2).mean().backward()
            grads.append(self.model.lm_head.weight.grad.clone())
        self.assertTrue(torch.allclose(grads[0], grads[1], atol=1e-6))


    def test_output_is_a_dataclass_fsdp_can_hook(self):
        # FSDP registers its pre-backward hooks on tensors it finds in the output (dataclasses,
        # mappings, sequences); a SimpleNamespace hid the logits and broke FSDP on several ranks.
        out = self.model(torch.randint(0, 512, (1, 4)))
        self.assertTrue(dataclasses.is_dataclass(out))
        self.assertIn("logits", [f.name for f in dataclasses.fields(out)])

    def test_kv_heads_split_whole_over_four_tensor_parallel_ranks(self):
        self.assertEqual(TINY_QWEN2["num_key_value_heads"] % 4, 0)
        self.assertEqual(TINY_QWEN2["num_attention_heads"] % TINY_QWEN2["num_key_value_heads"], 0)

class ReferenceNumerics(unittest.TestCase):
    def test_micro_batches_equal_one_full_batch_step(self):
        batches = torch.randint(0, 512, (2, 4, 17))
        torch.manual_seed(1)
        a = build_model("tiny-qwen2", TINY_QWEN2, torch.device("cpu"), torch.float32)
        b = build_model("tiny-qwen2", TINY_QWEN2, torch.device("cpu"), torch.float32)
        b.load_state_dict(a.state_dict())
        opt_a = torch.optim.AdamW(a.parameters(), lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8)
        loss, shape = train(Single(a), opt_a, batches, torch.device("cpu"))
        self.assertEqual(shape, [2, 16, 512])
        opt_b = torch.optim.AdamW(b.parameters(), lr=1e-4, weight_decay=0.1, betas=(0.9, 0.95), eps=1e-8)
        for batch in batches:
            logits = b(batch[:, :-1]).logits
            full = torch.nn.functional.cross_entropy(logits.reshape(-1, 512), batch[:, 1:].reshape(-1))
            full.backward()
            opt_b.step()
            opt_b.zero_grad(set_to_none=True)
        self.assertAlmostEqual(loss, float(full), places=4)
        for (k, x), y in zip(a.state_dict().items(), b.state_dict().values()):
            self.assertTrue(torch.allclose(x, y, atol=1e-6), k)


class Result:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class HarnessValidation(unittest.TestCase):
    initial = {"w": torch.zeros(2)}

    def code(self, fn):
        with self.assertRaises(harness.Failure) as ctx:
            fn()
        return ctx.exception.code

    def test_final_state_types(self):
        class Sub(torch.Tensor):
            pass
        ok = {"w": torch.ones(2), "extra": torch.ones(1)}
        state, dropped = harness.final_state(Result(final_state=ok), self.initial)
        self.assertEqual((list(state), dropped), (["w"], ["extra"]))
        self.assertEqual(self.code(lambda: harness.final_state(Result(final_state=None), self.initial)), "missing_final_state")
        bad = [[("w", torch.ones(2))], {"w": torch.ones(2).as_subclass(Sub)}, {1: torch.ones(2)}, {"w": [1.0]}]
        for value in bad:
            self.assertEqual(self.code(lambda: harness.final_state(Result(final_state=value), self.initial)),
                             "invalid_return_type")
        self.assertEqual(self.code(lambda: harness.final_state(Result(final_state={"w": torch.ones(2).long()}), self.initial)),
                         "invalid_final_state")

    def test_result_fields(self):
        logits = torch.zeros(2, 3, 4)
        meta = harness.read_result(Result(final_logits=logits, total_tokens=torch.tensor(12), final_loss=2.5))
        self.assertEqual((meta["final_logits_shape"], meta["total_tokens"], meta["final_loss"]), ([2, 3, 4], 12, 2.5))
        self.assertIsNone(harness.read_result(Result(final_logits=None, total_tokens=1, final_loss=1.0))["final_logits_shape"])
        for r in (None, Result(final_logits=logits, total_tokens=True, final_loss=1.0),
                  Result(final_logits=[1], total_tokens=1, final_loss=1.0), Result(total_tokens=1, final_loss=1.0)):
            self.assertEqual(self.code(lambda: harness.read_result(r)), "invalid_return_type")

    def test_params_validation(self):
        doc = runner.params_doc("/r", "/c", world=2)
        self.assertEqual(parse_params(doc).world_size, 2)
        for bad in ({"dp_size": 1}, {"batch_size": 3}, {"device": "tpu"}, {"paths": {"x": "/"}}):
            with self.assertRaises(ParamsError):
                parse_params(dict(doc, **bad))


with contextlib.suppress(Exception):
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

if __name__ == "__main__":
    unittest.main()
