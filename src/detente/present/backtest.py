"""Rich views of a backtest: the score table and the fitted ensemble's summary."""

from __future__ import annotations

import math

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.present.legends import legend_line
from detente.present.terminal import styled
from detente.results import BacktestReport, EnsembleFit
from detente.spelling import Spell, python_words, quote, spelled


def _fmt(value: float | None, pct: bool = False, digits: int = 2) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{100 * value:.0f}%" if pct else f"{value:.{digits}f}"


def _cell(values: dict[str, float], intervals: dict[str, tuple[float, float]], key: str,
          pct: bool = False) -> Text:
    text = Text(_fmt(values[key], pct))
    low, high = intervals.get(key, (math.nan, math.nan))
    if not math.isnan(low):
        # "[low, high]" as in docs/accuracy.md; at 80 columns it wraps after the comma
        text.append(f"\n[{_fmt(low, pct, 1)}, {_fmt(high, pct, 1)}]", style="dim")
    return text


def backtest_table(report: BacktestReport) -> Table:
    """One row per model, best MAE first: issues scored, MAE, median error, RMSE, hits
    within 10 and 20 points, win rate against the compromise model (with 95% CIs)."""
    result, n_boot = report.result, report.bootstrap
    ci = f"; 95% CIs from {n_boot} proposal-clustered bootstrap replicates" if n_boot else ""
    table = Table(
        title=f"Backtest on {report.dataset}: {len(result.cases)} issues, capability "
              f"'{result.capability}'",
        caption_justify="left",
        caption=legend_line("backtest", ("n", "MdAE", "≤10, ≤20", "win")) + ci,
        show_lines=True, title_justify="left",
    )
    table.add_column("Model", no_wrap=True)
    # short headers, spelled out in the legend: the table keeps every number at 80 columns
    for head in ("n", "MAE", "MdAE", "RMSE", "≤10", "≤20", "win"):
        table.add_column(head, justify="right")
    for s in sorted(report.scores, key=lambda s: (math.isnan(s.values["mae"]),
                                                  s.values["mae"])):
        v, iv = s.values, s.intervals
        table.add_row(s.model, str(s.n), _cell(v, iv, "mae"), _cell(v, iv, "median_ae"),
                      _cell(v, iv, "rmse"), _cell(v, iv, "within_10", True),
                      _cell(v, iv, "within_20", True), _cell(v, iv, "win_rate", True))
    return table


def backtest_notes(report: BacktestReport) -> list[RenderableType]:
    """A line for the models whose forecasts equal the compromise model's on every issue
    (the exchange model on one-issue cases), so equal scores are not read as a finding."""
    same = report.result.identical_to("compromise")
    if not same:
        return []
    line = styled("note: {} forecast exactly what the compromise model does on every issue "
                  "here, so their scores are the compromise model's.", ", ".join(same))
    if "exchange" in same:
        line.append(" The exchange model trades concessions across issues; this backtest "
                    "scores one issue per scenario, where it has nothing to trade and keeps "
                    "the compromise outcome (docs/accuracy.md, step 2, scores it on whole "
                    "multi-issue proposals).")
    return [line]


def backtest_warnings(report: BacktestReport) -> list[RenderableType]:
    """One line per model that failed on some issues, with the first failure."""
    return [styled("[yellow]warning:[/] {} failed on {} issue(s); first: {}", name, count,
                   report.failure_messages[name])
            for name, count in report.failures.items()]


def ensemble_fit_view(fit: EnsembleFit, spell: Spell = python_words) -> list[RenderableType]:
    """The fitted ensemble: grouped-CV and held-out MAE against the compromise model."""
    report = fit.report
    cv, held = report["cv"], report["held_out"]
    out: list[RenderableType] = [Text(
        f"ensemble ({', '.join(fit.members)}; lambda {report['lambda']:g}):\n"
        f"  grouped {cv['folds']}-fold CV on {cv['issues']} training issues "
        f"({cv['proposals']} proposals): MAE {cv['ensemble_mae']:.2f} vs compromise "
        f"{cv['compromise_mae']:.2f} (win rate {100 * cv['win_rate_vs_compromise']:.0f}%)\n"
        f"  held out, never fitted or tuned on: {held['issues']} issues "
        f"({len(held['proposals'])} proposals): MAE {_fmt(held['ensemble_mae'])} vs "
        f"compromise {_fmt(held['compromise_mae'])}\n"
        f"  weights written to {fit.path}")]
    if fit.unused:
        unused = quote(", ".join(fit.unused))
        out.append(Text(spelled(f"not members: {unused} (add with {{members:members=[...]}})",
                                spell), style="dim"))
    return out
