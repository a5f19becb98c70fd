#!/usr/bin/env bash
# Run the history store's tests on a throwaway PostgreSQL cluster (and on SQLite), by hand:
#   bash scripts/test_pg.sh              # tests/store
#   bash scripts/test_pg.sh -k timeline  # extra pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg_cluster.sh
pg_start
python -m pytest tests/store "$@"
