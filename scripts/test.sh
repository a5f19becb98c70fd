#!/usr/bin/env bash
# Install everything the tests need, then lint and run the whole test suite.
# The README's test command and .ci/run both call this script.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
bash scripts/setup_decide_venv.sh  # decide-exchange-model, the exchange model's oracle, in .venvs/decide
python -m ruff check .
python -m pytest "$@"
