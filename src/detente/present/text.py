"""Plain-text outputs: CSV of a forecast set and of a backtest's per-issue results."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from detente.results import BacktestReport, ForecastSet


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV with a header (the first row's keys); ``None`` is an empty cell."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def forecast_csv(result: ForecastSet) -> str:
    """One row per issue: status quo, then each model's forecast and nearest anchor."""
    return _csv(result.rows())


def backtest_csv(report: BacktestReport) -> str:
    """One row per issue and model: forecast, outcome and error."""
    return _csv(report.rows())
