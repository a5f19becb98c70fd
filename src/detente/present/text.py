"""Plain-text outputs: CSV (a forecast set, a backtest's per-issue results, any rows) and
YAML of plain data."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from detente.results import BacktestReport, ForecastSet
from detente.scenario import Scenario
from detente.yaml_text import dump_yaml


def plural(n: int, word: str) -> str:
    """``1 issue``, ``2 issues``, ``0 issues`` (English plural by adding s)."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def duration(seconds: float) -> str:
    """``42 s``, ``3.5 min``, ``2.1 h``, ``4.0 days``: a run time at a glance."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:,.1f} days"


def counts(scenario: Scenario) -> str:
    """``3 actors, 1 issue, 3 stances``: the size of a scenario in words."""
    return ", ".join([plural(len(scenario.actors), "actor"), plural(len(scenario.issues), "issue"),
                      plural(len(scenario.stances), "stance")])


CSV_DIGITS = 12
"""Significant digits of a number in the CSV outputs: far beyond what any forecast means,
and short of the float noise a computation leaves (``46.300000000000004`` is ``46.3``)."""


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: ``None`` empty, a float to :data:`CSV_DIGITS` significant
    digits (``format(x, ".12g")``), anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, f".{CSV_DIGITS}g")
    return value


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV with a header (the first row's keys); ``None`` is an empty cell and
    a float has at most :data:`CSV_DIGITS` significant digits (:func:`csv_cell`)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


def forecast_csv(result: ForecastSet) -> str:
    """One row per issue: status quo, then each model's forecast and nearest anchor; with
    distributions, each model's median and central interval, the interval's level and
    source appended (:func:`detente.present.intervals.interval_rows`); in a scenario with
    red lines, linkages or sole control, each model's ``<model>_breaks``: the rules its
    forecast breaks on that issue (rule id, ``=share`` of draws where there are draws,
    ``(draws only)`` when the point does not break it)."""
    from detente.present.intervals import interval_rows

    rows = interval_rows(result)
    return csv_text(rows)


def backtest_csv(report: BacktestReport) -> str:
    """One row per issue and model: forecast, outcome and error."""
    return csv_text(report.rows())


def yaml_text(data: Any) -> str:
    """Plain data as block YAML, keys in their order, text as written (not escaped)."""
    return dump_yaml(data)
