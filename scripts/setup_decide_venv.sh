#!/usr/bin/env bash
# Create (once) the separate virtual environment that holds decide-exchange-model,
# the peer implementation used as an oracle by the exchange-model tests and benchmark.
# decide pins old numpy/pandas/matplotlib/PyQt5, so it never shares detente's environment.
# Idempotent: does nothing when the environment already holds the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${DECIDE_VENV:-.venvs/decide}"
VERSION="2022.1.28"
PY="${DECIDE_PYTHON:-python3}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import decide, sys; sys.exit(decide.__version__ != '$VERSION')" 2>/dev/null; then
    exit 0
fi
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "decide-exchange-model==$VERSION"
"$VENV/bin/python" -c "import decide.model.equalgain" >/dev/null
echo "decide-exchange-model $VERSION installed in $VENV"
