"""Plain-text outputs: CSV (a forecast set, a backtest's per-issue results, any rows) and
YAML of plain data."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from detente.results import BacktestReport, ForecastSet


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV with a header (the first row's keys); ``None`` is an empty cell."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def forecast_csv(result: ForecastSet) -> str:
    """One row per issue: status quo, then each model's forecast and nearest anchor."""
    return csv_text(result.rows())


def backtest_csv(report: BacktestReport) -> str:
    """One row per issue and model: forecast, outcome and error."""
    return csv_text(report.rows())


def yaml_text(data: Any) -> str:
    """Plain data as block YAML, keys in their order, text as written (not escaped)."""
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return text
