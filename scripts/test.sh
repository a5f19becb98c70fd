#!/usr/bin/env bash
# Install everything the tests need, lint, type-check, then run the whole test suite in
# two tiers: the fast tier (the default `pytest` run), then the oracle and slow tests.
# The README's test command and .ci/run both call this script; extra arguments go to
# both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
bash scripts/setup_decide_venv.sh  # decide-exchange-model, the exchange model's oracle, in .venvs/decide
bash scripts/chromium.sh  # Debian's headless Chromium for the browser tests (tests/web/test_browser.py)
python -m ruff check .
# the history store's tests run on SQLite and on a throwaway PostgreSQL cluster (installed
# from Debian when missing), stopped on exit; an outside DETENTE_TEST_PG_URL is used as is
source scripts/pg_cluster.sh
if [[ -z "${DETENTE_TEST_PG_URL:-}" ]]; then
    pg_start
else
    export DETENTE_TEST_PG_REQUIRED=1
fi
python -m mypy  # configured in pyproject.toml: src/detente
# pytest exits 5 when a run selects no tests (e.g. arguments naming only fast tests):
# that is no failure here.
tier() {
    local status=0
    python -m pytest "$@" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
        exit "$status"
    fi
}
echo "== fast tier"
tier "$@"
echo "== oracle and slow tier"
tier -m "oracle or slow" "$@"
