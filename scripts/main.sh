#!/usr/bin/env bash
# The main job of README.md: set up, then check the example submissions as a validator would
# (the single-GPU example on one GPU, the others on four).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/bin/crusades.js check --gpus 1 local_test/single_gpu/train.py
node dist/bin/crusades.js check --gpus 4 local_test/ddp/train.py local_test/fsdp/train.py \
  local_test/tensor_parallel/train.py local_test/fsdp_tp/train.py
