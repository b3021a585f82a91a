"""Data (spec E.3): the token corpus, rows of ``sequence_length``, the seeded selection, and the
per-rank batches for every dp x tp topology.

The corpus is a safetensors file ``<HOME>/data/corpus.safetensors`` with ``tokens`` (flat token ids,
BOS already prepended as the tokenizer does) and ``offsets`` (``[N + 1]``); its metadata holds
``pad_id``, ``padding_side`` and ``vocab_size``. The CPU image's corpus is generated at build time by
``python3 -m crusades_env.data --generate`` (a fixed-seed Markov chain, so the loss can fall); the GPU
image's is FineWeb tokenised at build time (environments/templar/Dockerfile).
"""

import os
import random
import sys

import torch

from .artifacts import read_safetensors, write_safetensors
from .config import HOME, data_seed

CORPUS = os.path.join(HOME, "data", "corpus.safetensors")


def load_corpus(path=CORPUS):
    tensors, meta = read_safetensors(path)
    return tensors["tokens"].long(), tensors["offsets"].long(), meta


def build_rows(tokens, offsets, meta, seq_len):
    """``all_rows [N, seq_len]`` int64: each document truncated or padded to ``seq_len`` with the
    pad id on the corpus's padding side (tokenizer with truncation and ``padding="max_length"``)."""
    n = offsets.numel() - 1
    rows = torch.full((n, seq_len), int(meta["pad_id"]), dtype=torch.int64)
    left = meta.get("padding_side", "right") == "left"
    for i in range(n):
        doc = tokens[offsets[i]:offsets[i + 1]][:seq_len]
        if left:
            rows[i, seq_len - doc.numel():] = doc
        else:
            rows[i, :doc.numel()] = doc
    return rows


def select(rows, seed, data_samples):
    """``data = all_rows[idx[:data_samples]]`` with ``idx`` shuffled by ``random.Random(data_seed)``."""
    idx = list(range(rows.size(0)))
    random.Random(data_seed(seed)).shuffle(idx)
    return rows[idx[:data_samples]]


def data_rank(rank, world_size, num_gpus, dp_size, tp_size):
    """``(data_rank, data_world)``: consecutive ranks form a tensor-parallel group."""
    if num_gpus > 1 and world_size > 1:
        return rank // tp_size, dp_size
    return 0, 1


def rank_batches(data, offset, rank_of_data, data_world, batch_size, steps):
    """The ``steps`` batches ``[steps, B, L]`` a data rank reads from ``offset`` (spec E.3 iterator)."""
    n = data.size(0)
    i = (offset + rank_of_data * batch_size) % n if n else 0
    stride = batch_size * data_world
    out = []
    for _ in range(steps):
        if i + batch_size > n:
            i = 0
        out.append(data[i:i + batch_size])
        i = (i + stride) % n
    return torch.stack(out)


def warmup_offset(n, batch_size, dp_size, steps):
    """Unseeded warm-up offset: uniform in ``[T_rows, N - 2 B dp]`` with ``T_rows = steps B dp``
    when that is non-empty, so the warm-up never reads the timed rows; else ``urandom mod N``."""
    lo, hi = steps * batch_size * dp_size, n - 2 * batch_size * dp_size
    draw = int.from_bytes(os.urandom(4), "big")
    if lo <= hi:
        return lo + draw % (hi - lo + 1)
    return draw % max(n, 1)


def generate_corpus(path, n_docs=10000, vocab_size=512, seed=1234, min_len=32, max_len=1280):
    """A deterministic synthetic corpus: documents from a sparse random Markov chain over the ids
    ``3 .. vocab_size - 1`` (0 = pad, 1 = BOS, 2 = EOS), each starting with BOS."""
    g = torch.Generator().manual_seed(seed)
    fanout = 8
    nexts = torch.randint(3, vocab_size, (vocab_size, fanout), generator=g)
    probs = torch.softmax(torch.randn(vocab_size, fanout, generator=g) * 2.0, dim=-1)
    lengths = torch.randint(min_len, max_len + 1, (n_docs,), generator=g)
    seqs = torch.empty(n_docs, max_len, dtype=torch.int64)
    seqs[:, 0] = 1
    cur = torch.randint(3, vocab_size, (n_docs,), generator=g)
    for t in range(1, max_len):
        seqs[:, t] = cur
        choice = torch.multinomial(probs[cur], 1, generator=g).squeeze(1)
        cur = nexts[cur, choice]
    tokens = torch.cat([seqs[i, :lengths[i]] for i in range(n_docs)]).to(torch.int16)
    offsets = torch.zeros(n_docs + 1, dtype=torch.int64)
    offsets[1:] = torch.cumsum(lengths, 0)
    meta = {"pad_id": 0, "bos_id": 1, "eos_id": 2, "padding_side": "right",
            "vocab_size": vocab_size, "source": "crusades synthetic markov v1 seed %d" % seed}
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return write_safetensors(path, {"tokens": tokens, "offsets": offsets}, meta)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--generate"]:
        target = sys.argv[2] if len(sys.argv) > 2 else CORPUS
        print("corpus: %s (%d bytes)" % (target, generate_corpus(target)))
    else:
        sys.exit("usage: python3 -m crusades_env.data --generate [path]")
