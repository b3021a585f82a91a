#!/usr/bin/env bash
# The main job of README.md: set up, then check the example submissions as a validator would.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/bin/crusades.js check --gpus 4 local_test/*/train.py
