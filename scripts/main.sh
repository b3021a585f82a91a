#!/usr/bin/env bash
# The main job of README.md: set up (including Docker and the CPU evaluation image), check the
# example submissions as a validator would, then evaluate one end to end in the sandbox: reference
# run, candidate run, verification, MFU (on the CPU image, MFU is not comparable to GPU figures).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/bin/crusades.js check --gpus 1 local_test/single_gpu/train.py
node dist/bin/crusades.js check --gpus 4 local_test/ddp/train.py local_test/fsdp/train.py \
  local_test/tensor_parallel/train.py local_test/fsdp_tp/train.py
# hparams.cpu-demo.json: the competition parameters with a small run shape (B=4, L=128, 4 steps),
# so the demonstration takes seconds on a CPU.
CRUSADES_HPARAMS_PATH=hparams/hparams.cpu-demo.json \
  node dist/bin/crusades.js evaluate local_test/single_gpu/train.py --gpus 1
