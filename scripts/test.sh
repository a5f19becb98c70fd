#!/usr/bin/env bash
# Install everything the tests need, then lint and run the whole test suite.
# The README's test command and .ci/run both call this script.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
bash scripts/setup_decide_venv.sh  # decide-exchange-model, the exchange model's oracle, in .venvs/decide
python -m ruff check .
# the history store's tests run on SQLite and on a throwaway PostgreSQL cluster (installed
# from Debian when missing), stopped on exit; an outside DETENTE_TEST_PG_URL is used as is
source scripts/pg_cluster.sh
if [[ -z "${DETENTE_TEST_PG_URL:-}" ]]; then
    pg_start
else
    export DETENTE_TEST_PG_REQUIRED=1
fi
python -m pytest "$@"
