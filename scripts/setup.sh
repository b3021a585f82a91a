#!/usr/bin/env bash
# Sets up everything the project needs on a fresh Debian machine (idempotent): system packages,
# npm dependencies, the build, Docker and the CPU evaluation image. Safe to run again; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: python3-torch (CPU) for the tests that compare with PyTorch.
need_apt=()
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import torch" 2>/dev/null || need_apt+=(python3-torch)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# `npm install` rather than `npm ci`: npm 11 writes lock files whose optional platform packages
# (rollup's) `npm ci` then reports as missing. With the lock file present the locked versions are used.
echo "setup: npm install"
npm install --no-audit --no-fund --loglevel=error
echo "setup: build"
npm run build --silent >/dev/null

# Docker (Debian's docker.io, dockerd started here when not running) and the CPU evaluation image,
# built offline from Debian packages; both steps are skipped when already done.
bash scripts/docker.sh
bash environments/templar/build-cpu-image.sh
bash environments/compute/build-lease-image.sh  # SSH lease image (Debian openssh-server) + host openssh-client
# Debian's Chromium for the web dashboard's browser test.
bash scripts/chromium.sh
