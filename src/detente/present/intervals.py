"""Each forecast with its interval, as the brief, the web pages and CSV show it.

:func:`detente.api.forecast` attaches to a :class:`~detente.results.ForecastSet`
one :class:`~detente.uncertainty.distribution.OutcomeDistribution` per model
and issue: simulated from the scenario's stated uncertainty, or, when the
scenario states none, taken from the model's errors on EU decisions with known
outcomes (``source="residual"``). This module only lays those numbers out:

- :func:`forecast_grid`: per issue, each model's point, nearest anchor and (when
  computed) median, central interval, likeliest band and a short source label;
  the brief and the web forecast page print it as it stands;
- :func:`interval_basis`: the one sentence saying where the intervals come from;
- :func:`interval_rows`: the forecast's CSV rows with the interval columns appended.
"""

from __future__ import annotations

import math
from typing import Any

from detente.results import ForecastSet
from detente.uncertainty.distribution import OutcomeDistribution
from detente.uncertainty.synthesis import measured_coverage

RESIDUAL_LABEL = "model's errors on EU decisions (DEU I/II)"
"""The short source label of a residual interval (the full sentence is the note)."""


def source_label(dist: OutcomeDistribution) -> str:
    """Where one interval comes from, in a few words."""
    if dist.source == "residual":
        return RESIDUAL_LABEL
    return f"simulation, {dist.draws:,} draws of the stated uncertainty"


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _interval_cell(dist: OutcomeDistribution | None) -> dict[str, Any]:
    """The interval part of one cell: all ``None`` without a distribution."""
    if dist is None:
        return {"has_interval": False, "median": None, "low": None, "high": None,
                "level": None, "interval_source": None, "source_label": None,
                "likeliest": None, "likeliest_p": None, "likeliest_clear": None,
                "flag": None, "coverage": None}
    flag = ("point outside its central interval" if dist.point_outside
            else "likeliest band differs from the point's" if dist.band_differs else None)
    likeliest = dist.likeliest
    likeliest_p = None if dist.likeliest_p is None else 100 * dist.likeliest_p
    if likeliest is not None and not dist.likeliest_clear:  # a lead within sampling noise
        likeliest = (f"tie: {likeliest} ({likeliest_p or 0:.0f}%) or {dist.runner_up} "
                     f"({100 * (dist.runner_up_p or 0):.0f}%)")
        likeliest_p = None
    return {"has_interval": True, "median": _number(dist.median), "low": _number(dist.low),
            "high": _number(dist.high), "level": dist.level, "interval_source": dist.source,
            "source_label": source_label(dist), "likeliest": likeliest,
            "likeliest_p": likeliest_p, "likeliest_clear": dist.likeliest_clear, "flag": flag,
            # the share of held-out real outcomes such an interval held, where measured
            "coverage": measured_coverage(dist.model, dist.source, dist.level)}


def forecast_grid(result: ForecastSet) -> list[dict[str, Any]]:
    """Per issue: ``issue``, ``status_quo`` with its anchor label ``sq_anchor``, the
    models' point range (``low``, ``high``) and ``models``: per model its ``value``
    (``None`` without one), nearest ``anchor`` label and the interval cell (median, low,
    high, level, source, likeliest band with its share in percent, a flag when the point
    sits in a tail of its own distribution)."""
    out = []
    for k, issue in enumerate(result.scenario.issues):
        models: list[dict[str, Any]] = []
        for f in result:
            value = float(f.outcome[0, k])
            anchor = None if math.isnan(value) else issue.nearest_anchor(value)
            models.append({"model": f.model, "value": _number(value),
                           "anchor": anchor.label if anchor else "",
                           **_interval_cell(result.distribution(f.model, issue.id))})
        values = [m["value"] for m in models if m["value"] is not None]
        sq = issue.status_quo
        sq_anchor = issue.nearest_anchor(sq) if sq is not None else None
        out.append({"issue": issue, "status_quo": sq,
                    "sq_anchor": sq_anchor.label if sq_anchor else "",
                    "low": min(values, default=None), "high": max(values, default=None),
                    "models": models})
    return out


def interval_basis(result: ForecastSet, *, seed: int | None = None) -> str:
    """Where the intervals of ``result`` come from, as one sentence (empty when it carries
    none and none was asked for)."""
    missing = ", ".join(result.without_interval)
    if not result.distributions:
        if not missing:
            return ""
        return (f"No interval: the scenario states no uncertainty and {missing} "
                f"{'has' if len(result.without_interval) == 1 else 'have'} no record of "
                "errors on real outcomes to take one from.")
    level = f"{result.interval or 0.8:.0%}"
    if result.interval_source == "residual":
        text = f"Central {level} {result.interval_note}; the median is the point itself."
    else:
        counts = "/".join(f"{n:,}" for n in sorted({d.draws for d in result.distributions}))
        seeded = f" (seed {seed})" if seed is not None else ""
        text = (f"Median and central {level} interval of {counts} Monte Carlo draws over "
                f"the scenario's stated uncertainty ranges{seeded}, with the labelled point "
                "most often nearest.")
    if missing:
        text += f" None for {missing} (no record of errors on real outcomes)."
    return text


def interval_rows(result: ForecastSet) -> list[dict[str, Any]]:
    """:meth:`ForecastSet.rows` with, when the result carries distributions, each model's
    ``<model>_median``, ``<model>_low`` and ``<model>_high`` and then ``interval_level``
    and ``interval_source`` appended (existing columns unchanged and in their order;
    empty cells for a model without an interval); in a scenario with red lines, linkages
    or sole control, each model's ``<model>_breaks`` (rules its point breaks) first and,
    with draws, ``<model>_break_shares`` last
    (:func:`detente.present.violations.add_break_cells`)."""
    from detente.present.violations import add_break_cells

    rows = add_break_cells(result, result.rows())
    if not result.distributions:
        return rows
    for row in rows:
        for f in result:
            cell = _interval_cell(result.distribution(f.model, row["issue"]))
            row[f"{f.model}_median"] = cell["median"]
            row[f"{f.model}_low"] = cell["low"]
            row[f"{f.model}_high"] = cell["high"]
        row["interval_level"] = result.interval
        row["interval_source"] = result.interval_source
    if result.rule_shares:
        add_break_cells(result, rows, shares=True)
    return rows
