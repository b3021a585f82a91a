#!/usr/bin/env bash
# The test command of README.md: set up, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run typecheck --silent
npm test
