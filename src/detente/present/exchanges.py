"""Rich tables for the exchange model: executed exchanges, round 1's candidates, outcomes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import RenderableType
from rich.table import Table

from detente.errors import OptionError
from detente.exchange_control import UNCONTROLLED, UNCONTROLLED_NOTE, mark_control
from detente.present.legends import more_line
from detente.results import ExchangeRun, ForecastSet, exchange_log
from detente.spelling import Spell, python_words

_SIDES = ("actor", "gives on", "from → to", "partner", "gives on", "from → to", "gain")


def _sides(e: Mapping[str, Any]) -> list[str]:
    """Both sides of one exchange: actor, supply issue and shift, then the partner's (a
    side giving on an issue it does not control starred, see ``exchange_control``)."""
    i, j = e["i"], e["j"]
    return [i["actor"], _supplies(i), f"{i['from']:.1f} → {i['to']:.1f}",
            j["actor"], _supplies(j), f"{j['from']:.1f} → {j['to']:.1f}"]


def _supplies(side: Mapping[str, Any]) -> str:
    return side["supplies"] + (f" {UNCONTROLLED}" if side.get("controls") is False else "")


def exchange_log_table(log: Sequence[Mapping[str, Any]], title: str = "Exchanges",
                       *, limit: int | None = None, spell: Spell = python_words) -> Table:
    """One row per executed exchange: each side's supply issue, shift and gain."""
    table = Table(title=title, title_justify="left", caption_justify="left")
    for col in ("round", *_SIDES):
        table.add_column(col, justify="right" if col in ("round", "gain") else "left")
    rows = list(log) if limit is None else list(log)[:limit]
    for e in rows:
        table.add_row(str(e.get("round", "")), *_sides(e), f"{e['gain']:.4f}")
    notes = []
    if limit is not None and len(log) > limit:
        notes.append(more_line(len(log) - limit, spell))
    if any(e[s].get("controls") is False for e in rows for s in ("i", "j")):
        notes.append(UNCONTROLLED_NOTE)
    if notes:
        table.caption = "; ".join(notes)
    return table


def candidates_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """Round 1's candidates with their gain and whether they are admissible."""
    out = Table(title="Round 1 candidates (before any is executed)", title_justify="left")
    for col in (*_SIDES, "admissible"):
        out.add_column(col, justify="right" if col == "gain" else "left")
    for r in rows:
        out.add_row(*_sides(r), f"{r['gain']:.4f}", "yes" if r["admissible"] else "no")
    return out


def exchange_view(run: ExchangeRun, *, top: int | None = None, spell: Spell = python_words
                  ) -> list[RenderableType]:
    """``detente exchanges``: candidates (if asked for), the log (its first ``top`` rows,
    default all, under a one-line summary), each issue's outcome."""
    sc, fc = run.scenario, run.forecast
    out: list[RenderableType] = []
    if run.candidates is not None:
        out.append(candidates_table(run.candidates))
    log = run.log
    rounds_used = len({e.get("round") for e in log})
    out.append(exchange_log_table(
        log, limit=top, spell=spell,
        title=f"Exchanges in {sc.name}: {len(log)} in {rounds_used} of {run.rounds} rounds, "
              f"total gain {sum(e['gain'] for e in log):.4f}"))
    table = Table(title="Expected outcome", title_justify="left")
    table.add_column("issue")
    table.add_column("start", justify="right")
    table.add_column("final", justify="right")
    for k, issue in enumerate(fc.issues):
        traj = fc.trajectory.outcome[0, :, k]
        table.add_row(issue, f"{traj[0]:.1f}", sc.issue(issue).describe(float(traj[-1])))
    out.append(table)
    return out


def exchange_logs(result: ForecastSet, *, top: int | None = None, spell: Spell = python_words
                  ) -> list[RenderableType]:
    """``detente forecast --exchanges``: the exchange log of each forecast that keeps one
    (its first ``top`` rows), a side giving on an issue it does not control starred as in
    ``detente exchanges``."""
    out: list[RenderableType] = []
    for f in result:
        log = exchange_log(f)
        if log is not None:
            out.append(exchange_log_table(mark_control(log, result.scenario), limit=top,
                                          title=f"{f.model}: exchanges", spell=spell))
    if not out:
        raise OptionError("{exchanges}: no model run keeps an exchange log "
                          "(add {models exchange:the exchange model})")
    return out
