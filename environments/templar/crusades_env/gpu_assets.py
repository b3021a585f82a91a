"""GPU image build step (environments/templar/Dockerfile; needs network and an HF token for the
gated tokenizer): bakes the model config, resized to the tokenizer length (spec E.4 step 3), and the
FineWeb corpus (spec E.3 cache: the first ``samples`` records, text longer than 100 characters),
tokenised once with the tokenizer's default special tokens, in the corpus format of ``data.py``.

    python3 -m crusades_env.gpu_assets <model> <tokenizer> <dataset> <samples> <max_len>
"""

import json
import os
import sys

import torch

from .artifacts import write_safetensors
from .config import HOME


def main(model, tokenizer_name, dataset, samples, max_len):
    from datasets import load_dataset
    from transformers import AutoConfig, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(tokenizer_name)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    config = AutoConfig.from_pretrained(model).to_dict()
    config["vocab_size"] = len(tok)
    os.makedirs(os.path.join(HOME, "models", model), exist_ok=True)
    with open(os.path.join(HOME, "models", model, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    texts = []
    for i, rec in enumerate(load_dataset(dataset, split="train", streaming=True)):
        if i >= samples:
            break
        text = rec.get("text") or rec.get("content") or ""
        if len(text) > 100:
            texts.append(text)
    docs = [torch.tensor(tok(t, truncation=True, max_length=max_len)["input_ids"]) for t in texts]
    offsets = torch.zeros(len(docs) + 1, dtype=torch.int64)
    offsets[1:] = torch.cumsum(torch.tensor([d.numel() for d in docs]), 0)
    meta = {"pad_id": pad, "padding_side": tok.padding_side, "vocab_size": len(tok),
            "source": "%s train[:%d] tokenised with %s" % (dataset, samples, tokenizer_name)}
    os.makedirs(os.path.join(HOME, "data"), exist_ok=True)
    write_safetensors(os.path.join(HOME, "data", "corpus.safetensors"),
                      {"tokens": torch.cat(docs).to(torch.int32), "offsets": offsets}, meta)
    print("baked %s (vocab %d) and %d documents" % (model, len(tok), len(docs)))


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], a[1], a[2], int(a[3]), int(a[4]))
