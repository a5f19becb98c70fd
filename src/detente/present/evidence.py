"""Rich views of the evidence results: capabilities, reference classes, backtests.

Presenters only lay out what :mod:`detente.evidence` computed; numbers are formatted, not
derived. Every view of the outside view says what it is: historical frequencies of cases
like this one, not a forecast of this war.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.evidence.reference import band_label

if TYPE_CHECKING:
    from detente.evidence.backtest import EvidenceBacktest
    from detente.evidence.capabilities import CapabilityReport
    from detente.evidence.reference import BaseRates, Match


def _num(value: float | None, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}g}"


def capability_view(report: CapabilityReport, *, components: bool = False
                    ) -> Iterable[RenderableType]:
    """One row per actor: how it was matched, its COW state and code, CINC, (the six
    component shares), the capability before and after; then the notes."""
    from detente.evidence.capabilities import COMPONENT_NAMES
    from detente.evidence.readers import NMC_COMPONENTS

    scale = ("scaled so the replaced actors' total is unchanged (×" + _num(report.factor)
             + ")" if report.scale == "total" else "raw shares of the world total")
    table = Table(title=f"Capabilities from {report.data_file}, {report.year}: "
                        f"{COMPONENT_NAMES[report.measure]}",
                  caption_justify="left",
                  caption=f"new = {report.measure} {scale}; source '{report.source_id}'",
                  title_justify="left")
    for head in ("Actor", "Matched by", "COW state", "CINC", "Old", "New"):
        table.add_column(head, justify="right" if head in ("CINC", "Old", "New") else "left")
    for row in report.rows:
        state = (f"{row.state_name} (COW {row.ccode})" if row.ccode is not None else
                 "sum of " + ", ".join(map(str, row.members)) if row.members else "—")
        table.add_row(row.name, row.matched_by if row.kind != "kept" else "kept as given",
                      state, _num(row.cinc, 3), _num(row.old, 3), _num(row.new, 3))
    yield table
    if components:
        comp = Table(title="Shares of the world total, " + str(report.year),
                     caption_justify="left",
                     caption=", ".join(f"{c}: {COMPONENT_NAMES[c]}" for c in NMC_COMPONENTS),
                     title_justify="left")
        comp.add_column("Actor")
        for c in NMC_COMPONENTS:
            comp.add_column(c, justify="right")
        for row in report.rows:
            if row.shares:
                comp.add_row(row.name, *(_num(row.shares.get(c), 3) for c in NMC_COMPONENTS))
        yield comp
    for note in report.notes:
        yield Text(note, style="dim")


def _pct(p: float) -> str:
    return "—" if p is None or math.isnan(p) else f"{100 * p:.0f}%"


def _yes(value: object) -> str:
    return "yes" if value is True else "no" if value is False else "—"


AN_END = "an end: a year with fewer than 25 battle deaths"
"""What the reference class counts as the end of a conflict episode (UCDP)."""


def outside_view_lines(rates: BaseRates) -> list[str]:
    """A few plain sentences of the outside view, for the brief: each says what it is."""
    d = rates.description
    cls = "; ".join(rates.episodes.used) or "all episodes"
    lines = [f"Outside view (historical frequencies, not a forecast of this conflict): "
             f"{len(rates.episodes.cases)} UCDP conflict episodes 1946–"
             f"{_last_year(rates)} like this one ({cls})."]
    within = rates.within()
    lines.append(f"Of those that had lasted {d.months_fought:.0f} months "
                 f"({rates.ending.at_risk} cases), the share that ended within 6 / 12 / 24 "
                 "more months: " + " / ".join(
                     f"{_pct(p)} [{_pct(lo)}–{_pct(hi)}]" for p, lo, hi in within.values())
                 + f" ({AN_END}).")
    if rates.settlements:
        n = sum(rates.settlements.values())
        lines.append(f"Of {n} similar militarized disputes, {rates.settlements['negotiated']} "
                     f"ended in a negotiated settlement, {rates.settlements['imposed']} in "
                     f"an imposed one, {rates.settlements['none']} with none.")
    return lines


def _last_year(rates: BaseRates) -> str:
    cases = rates.episodes.cases
    return str(int(cases["last_year"].max())) if len(cases) else "?"


def baserates_view(rates: BaseRates, *, cases: bool = True, limit: int | None = None
                   ) -> Iterable[RenderableType]:
    """The description, how each class was matched, durations (Kaplan–Meier), P(ending
    within 6/12/24 months), outcomes and settlements, and the case lists."""
    d = rates.description
    facts = Table(title="The conflict described (" + d.described_by + ")", title_justify="left",
                  show_header=False)
    facts.add_column("fact")
    facts.add_column("value")
    for name, value in (("type", d.type), ("incompatibility", d.incompatibility),
                        ("intensity", d.intensity), ("months fought", f"{d.months_fought:.1f}"),
                        ("major power fighting", _yes(d.major_power)),
                        ("capability ratio", "—" if d.capability_ratio is None else
                         f"{d.capability_ratio:.2f} (band {band_label(d.capability_ratio)})")):
        facts.add_row(name, "—" if value is None else str(value))
    yield facts
    for note in d.notes:
        yield Text(note, style="dim")
    yield Text("Outside view: frequencies among historical cases like this one, not a "
               "forecast of this conflict.", style="bold")
    for match in (rates.episodes, rates.wars, rates.disputes):
        if match is not None:
            yield _steps_table(match)
    km = rates.survival
    dur = Table(title=f"Duration of the matching UCDP episodes (Kaplan–Meier, "
                      f"{100 * (1 - km.alpha):.0f}% intervals)", title_justify="left")
    for head in ("Cases", "Ended", "Censored", "Median months", "Interval"):
        dur.add_column(head, justify="right")
    lo, hi = km.median_interval
    dur.add_row(str(km.n), str(km.n_events), str(km.n - km.n_events), _num(km.median, 3),
                f"[{_num(lo, 3)}, {_num(hi, 3)}]")
    yield dur
    end = Table(title=f"P(ending within the next months | lasted {d.months_fought:.0f} "
                      f"months), from {rates.ending.at_risk} cases that lasted as long",
                title_justify="left",
                caption_justify="left",
                caption="an episode ends in a calendar year with fewer than 25 battle deaths")
    for head in ("Within", "P(end)", "95% interval"):
        end.add_column(head, justify="right")
    for h, (p, lo, hi) in rates.within().items():
        end.add_row(f"{h} months", _pct(p), f"[{_pct(lo)}, {_pct(hi)}]")
    yield end
    yield _counts_table(f"How the matching {rates.wars.population} ended",
                        rates.war_outcomes, rates.war_outcomes_lasting,
                        f"lasted > {math.floor(d.months_fought / 12)} years")
    if rates.disputes is not None:
        yield _counts_table("How the matching militarized disputes were settled",
                            rates.settlements, None, "")
    if cases:
        yield _episode_cases(rates, limit)
        yield _war_cases(rates, limit)
    for note in rates.notes:
        yield Text(note, style="dim")


def _steps_table(match: Match) -> Table:
    table = Table(title=f"{match.population}: how the match was made", title_justify="left",
                  caption_justify="left",
                  caption=("enough cases" if match.enough else
                           "too few cases even at the widest class kept: read with care"))
    table.add_column("Try", justify="right")
    table.add_column("Criteria")
    table.add_column("Cases", justify="right")
    has_risk = any("at_risk" in s for s in match.steps)
    if has_risk:
        table.add_column("Lasted as long", justify="right")
    for k, step in enumerate(match.steps, 1):
        row = [str(k), "; ".join(step["criteria"]) or "(none)", str(step["cases"])]
        if has_risk:
            row.append(str(step.get("at_risk", "")))
        table.add_row(*row)
    return table


def _counts_table(title: str, all_counts: dict[str, int], lasting: dict[str, int] | None,
                  lasting_head: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("Outcome")
    table.add_column("Cases", justify="right")
    if lasting is not None:
        table.add_column(lasting_head, justify="right")
    for key, n in all_counts.items():
        row = [key, str(n)]
        if lasting is not None:
            row.append(str(lasting.get(key, 0)))
        table.add_row(*row)
    return table


def _episode_cases(rates: BaseRates, limit: int | None) -> Table:
    cases = rates.episodes.cases.sort_values("duration_months", ascending=False)
    shown = cases if limit is None else cases.head(limit)
    table = Table(title=f"The {len(cases)} matching UCDP episodes"
                        + (f" (longest {len(shown)})" if len(shown) < len(cases) else ""),
                  title_justify="left", caption_justify="left",
                  caption="months to the episode's end date; "
                  "+ = still active at the data's end (censored)")
    for head in ("Conflict", "Sides", "Type", "Incompat.", "Int.", "Start", "Months"):
        table.add_column(head, justify="right" if head in ("Months", "Int.") else "left")
    for row in shown.itertuples():
        table.add_row(f"{row.conflict_id}/{row.episode}", str(row.sides), str(row.type),
                      str(row.incompatibility), str(row.max_intensity),
                      row.start_date2.date().isoformat(),
                      f"{row.duration_months:.1f}" + ("" if row.ended else "+"))
    return table


def _war_cases(rates: BaseRates, limit: int | None) -> Table:
    cases = rates.wars.cases.sort_values("years", ascending=False)
    shown = cases if limit is None else cases.head(limit)
    table = Table(title=f"The {len(cases)} matching {rates.wars.population}"
                        + (f" (longest {len(shown)})" if len(shown) < len(cases) else ""),
                  title_justify="left")
    label = "sides" if "sides" in cases.columns else "name"
    for head in ("War", "Sides" if label == "sides" else "Name", "Years", "Span", "Outcome"):
        table.add_column(head, justify="right" if head == "Years" else "left")
    for row in shown.itertuples():
        table.add_row(str(row.warnum), str(getattr(row, label)), str(row.years),
                      f"{row.start_year}–{row.end_year}", str(row.outcome))
    return table


def _ci(pair: tuple[float, float], digits: int = 3, sign: bool = False) -> str:
    fmt = f"{{:{'+' if sign else ''}.{digits}f}}"
    return "[" + ", ".join(fmt.format(v) for v in pair) + "]"


def backtest_view(result: EvidenceBacktest) -> Iterable[RenderableType]:
    """Every candidate's held-out Brier and log scores with intervals, its difference from
    the reference-class base rate, its CV score in the training years; the verdict; the
    selected model's reliability table."""
    table = Table(
        title=f"Held-out scores, {result.unit}s of {result.test_years[0]}–"
              f"{result.test_years[1]} (fitted on years ≤ {result.split_year}): "
              f"P({result.outcome})",
        caption_justify="left",
        caption=f"n = {result.n_test} held-out {result.unit}s in {result.test_groups} "
                f"clusters ({result.n_train} for training); Brier: lower is better; log score: "
                "higher is better; Δ vs the reference-class base rate (negative Brier Δ = "
                "better); 95% intervals; * = chosen by CV in the training years",
        title_justify="left", show_lines=True)
    for head in ("Model", "CV Brier", "Brier", "Δ Brier", "Log score", "Δ log", "n"):
        table.add_column(head, justify="left" if head == "Model" else "right")
    for m in result.models:
        name = m.name + (" *" if m.selected else "") + (
            "\n" + ", ".join(f"{k}={v}" for k, v in m.params.items()) if m.params else "")
        table.add_row(
            name, f"{m.cv_brier:.4f}",
            f"{m.brier:.4f}\n{_ci(m.brier_interval, 4)}",
            f"{m.brier_vs_base:+.4f}\n{_ci(m.brier_vs_base_interval, 4, True)}",
            f"{m.log_score:.3f}\n{_ci(m.log_score_interval)}",
            f"{m.log_vs_base:+.3f}\n{_ci(m.log_vs_base_interval, 3, True)}", str(m.n))
    yield table
    yield Text(result.verdict(), style="bold")
    yield calibration_table(result.selected.name, result.selected.calibration)
    yield calibration_table(result.base.name, result.base.calibration)
    for note in result.notes:
        yield Text(note, style="dim")


def calibration_table(name: str, rows: list[dict[str, object]]) -> Table:
    """A reliability table: per probability bin, cases, mean forecast, observed rate."""
    table = Table(title=f"Calibration of {name} on the held-out years", title_justify="left")
    for head in ("Forecast bin", "n", "Mean forecast", "Observed"):
        table.add_column(head, justify="right")
    for r in rows:
        if r["n"]:
            table.add_row(str(r["bin"]), str(r["n"]), f"{r['predicted']:.3f}",
                          f"{r['observed']:.3f}")
    return table
