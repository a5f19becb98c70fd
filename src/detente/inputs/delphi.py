"""Delphi rounds: each analyst revises after seeing the panel's anonymous summary.

The rounds are kept as files in one folder::

    FOLDER/round-1/<analyst>.yaml   each analyst's estimates as submitted
    FOLDER/round-1/summary.yaml     the panel's anonymous summary of round 1
    FOLDER/round-2/<analyst>.yaml   each analyst's round-1 estimates, every stance
                                    preceded by comments with the panel's summary
                                    (median, middle half, range, the reasons given,
                                    no names) and the analyst's own value: the
                                    analyst edits this file to revise

When a history store is given (:class:`detente.store.History`), every closed
round is also kept there: each analyst's estimates as a version of the
history ``<folder>:<analyst>`` and the panel's median scenario (see
:mod:`detente.inputs.panel`) as a version of ``<folder>:panel``, each with the
note ``Delphi round k``, so ``detente history log/diff/timeline`` show how the
estimates and the panel's forecast moved from round to round.

:func:`start` opens a panel (round 1 closed, round 2 handed out);
:func:`advance` closes the round the analysts have revised and hands out the
next; :func:`history` reads the summaries back. The summary of a number is
its median, quartiles (numpy's linear interpolation) and range over the
analysts who give the stance; convergence is the mean over stances of the
position's interquartile range as a share of the issue's scale, compared with
the previous round.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from detente.atomic import write_text_atomic
from detente.errors import DetenteError
from detente.formats.scenario_yaml import dumps as yaml_dumps
from detente.inputs.analysts import AnalystEstimates, read_estimates
from detente.inputs.panel import combine
from detente.scenario import Scenario
from detente.yaml_text import dump_yaml


class History(Protocol):
    """What a Delphi panel needs of the history store (:class:`detente.store.History`,
    opened by the caller: the store sits above this layer)."""

    def add(self, scenario: Scenario, *, as_of: dt.date | str | None = None, note: str = "",
            history: str | None = None) -> Any: ...

_ROUND = re.compile(r"^round-(\d+)$")
SUMMARY = "summary.yaml"


@dataclass(frozen=True)
class NumberSummary:
    """Median, quartiles and range of one number over the analysts who state it."""

    median: float
    q1: float
    q3: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> NumberSummary:
        q1, med, q3 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
        return cls(float(med), float(q1), float(q3), float(min(values)), float(max(values)))

    def to_dict(self) -> dict[str, float]:
        return {"median": self.median, "q1": self.q1, "q3": self.q3, "low": self.low,
                "high": self.high}


@dataclass(frozen=True)
class StanceSummary:
    """The panel's anonymous view of one stance in one round."""

    actor: str
    issue: str
    given_by: int
    position: NumberSummary
    salience: NumberSummary
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "issue": self.issue, "given_by": self.given_by,
                "position": self.position.to_dict(), "salience": self.salience.to_dict(),
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class RoundSummary:
    """One closed round: the anonymous summary and how far the panel has converged."""

    round: int
    analysts: int
    stances: tuple[StanceSummary, ...]
    iqr_share: float
    previous_iqr_share: float | None
    folder: str
    stored_as: str | None = None
    """The store history holding the panel's median per round (``None``: files only)."""

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "analysts": self.analysts, "stored_as": self.stored_as,
                "mean_position_iqr_share": self.iqr_share,
                "previous_mean_position_iqr_share": self.previous_iqr_share,
                "stances": [s.to_dict() for s in self.stances]}


def summarise(estimates: Sequence[AnalystEstimates], round_no: int, folder: str,
              previous: float | None = None) -> RoundSummary:
    """The anonymous summary of one round (no analyst is named anywhere in it)."""
    base = estimates[0].scenario
    out = []
    shares = []
    for issue in base.issues:
        for actor in base.actors:
            given = [st for e in estimates
                     if (st := e.scenario.stance(actor.id, issue.id)) is not None]
            if not given:
                continue
            pos = NumberSummary.of([s.position for s in given])
            sal = NumberSummary.of([s.salience for s in given])
            reasons = tuple(sorted({" ".join(s.evidence.split()) for s in given if s.evidence}))
            out.append(StanceSummary(actor.id, issue.id, len(given), pos, sal, reasons))
            shares.append((pos.q3 - pos.q1) / issue.span)
    iqr = float(np.mean(shares)) if shares else 0.0
    return RoundSummary(round_no, len(estimates), tuple(out), iqr, previous, folder)


def _rounds(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    return {int(m.group(1)): p for p in folder.iterdir()
            if p.is_dir() and (m := _ROUND.match(p.name))}


def start(paths: Sequence[str | os.PathLike[str]], folder: str | os.PathLike[str], *,
          base: Scenario | None = None, store: History | None = None) -> RoundSummary:
    """Open a Delphi panel in ``folder``: close round 1 and hand out round 2."""
    root = Path(folder)
    if _rounds(root):
        raise DetenteError(f"{root}: already holds Delphi rounds; to close the current round "
                           "run it again without analysts' files")
    estimates = read_estimates(paths, base=base)
    first = root / "round-1"
    for e in estimates:
        write_text_atomic(first / f"{e.analyst}.yaml", yaml_dumps(e.scenario))
    return _close(estimates, 1, root, None, store)


def advance(folder: str | os.PathLike[str], *, store: History | None = None) -> RoundSummary:
    """Close the round the analysts have revised and hand out the next one."""
    root = Path(folder)
    rounds = _rounds(root)
    if not rounds:
        raise DetenteError(f"{root}: holds no Delphi rounds; start one with the analysts' files")
    k = max(rounds)
    if (rounds[k] / SUMMARY).exists():
        raise DetenteError(f"{rounds[k]}: round {k} is already closed")  # pragma: no cover
    files = sorted(p for p in rounds[k].glob("*.yaml") if p.name != SUMMARY)
    estimates = read_estimates(files)
    previous = _read_summary(rounds[k - 1]) if k - 1 in rounds else None
    prev_iqr = None if previous is None else previous.get("mean_position_iqr_share")
    return _close(estimates, k, root, prev_iqr, store)


def history(folder: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The summaries of every closed round, oldest first."""
    rounds = _rounds(Path(folder))
    if not rounds:
        raise DetenteError(f"{folder}: holds no Delphi rounds")
    return [s for k in sorted(rounds) if (s := _read_summary(rounds[k])) is not None]


def _read_summary(path: Path) -> dict[str, Any] | None:
    file = path / SUMMARY
    if not file.exists():
        return None
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DetenteError(f"{file}: cannot read the round's summary ({exc})") from None
    if not isinstance(data, dict):
        raise DetenteError(f"{file}: expected a mapping (a Delphi round's summary)")
    return data


def _close(estimates: Sequence[AnalystEstimates], k: int, root: Path,
           previous: float | None, store: History | None) -> RoundSummary:
    here = root / f"round-{k}"
    summary = summarise(estimates, k, str(here), previous)
    if store is not None:
        summary = replace(summary, stored_as=keep_round(store, estimates, k, root.resolve().name))
    write_text_atomic(here / SUMMARY, dump_yaml(summary.to_dict(), width=88))
    nxt = root / f"round-{k + 1}"
    for e in estimates:
        write_text_atomic(nxt / f"{e.analyst}.yaml", feedback_yaml(e.scenario, summary))
    return summary


def keep_round(store: History, estimates: Sequence[AnalystEstimates], k: int,
               panel: str) -> str:
    """Keep round ``k`` in the history store; returns the panel's history name."""
    note = f"Delphi round {k}"
    for e in estimates:
        store.add(e.scenario, as_of=e.scenario.as_of or dt.date.today(),
                  note=f"{note}: estimates of analyst {e.analyst}",
                  history=f"{panel}:{e.analyst}")
    combined = combine(estimates).scenario
    name = f"{panel}:panel"
    store.add(combined, as_of=combined.as_of or dt.date.today(),
              note=f"{note}: panel median of {len(estimates)} analysts", history=name)
    return name


def _line(label: str, s: NumberSummary) -> str:
    return (f"{label} median {s.median:g}, middle half {s.q1:g}–{s.q3:g}, "
            f"range {s.low:g}–{s.high:g}")


def feedback_yaml(scenario: Scenario, summary: RoundSummary) -> str:
    """The analyst's own scenario with the panel's anonymous summary above each stance."""
    data = scenario.to_dict()
    stances = data.pop("stances", [])
    head = (f"# Delphi round {summary.round + 1}: your estimates from round {summary.round}.\n"
            f"# Above each stance: the anonymous summary of the panel of {summary.analysts}.\n"
            "# Revise positions, saliences and evidence where the panel's reasons convince you;\n"
            "# where you stay far from the median, say why in the evidence note.\n")
    body = yaml_dumps(Scenario.from_dict({**data, "stances": []})).rstrip("\n")
    body = body.replace("stances: []", "stances:")
    if "stances:" not in body:
        body += "\nstances:"
    by_key = {(s.actor, s.issue): s for s in summary.stances}
    lines = [head + body]
    for st in stances:
        s = by_key.get((st["actor"], st["issue"]))
        if s is not None:
            lines.append(f"  # panel ({s.given_by} of {summary.analysts} gave this stance): "
                         + _line("position", s.position))
            lines.append("  #   " + _line("salience", s.salience)
                         + f"; yours {st['position']:g} / {st['salience']:g}")
            for reason in s.reasons:
                lines.append(f"  #   reason given: {reason}")
        item = dump_yaml([st], width=86)
        lines.append("\n".join("  " + ln for ln in item.rstrip("\n").splitlines()))
    mine = {(st["actor"], st["issue"]) for st in stances}
    missing = [s for s in summary.stances if (s.actor, s.issue) not in mine]
    if missing:
        lines.append("# Stances others gave and you did not (add one if you now think it exists):")
        lines += [f"#   {s.actor} on {s.issue}: {s.given_by} analysts, "
                  + _line("position", s.position) for s in missing]
    return "\n".join(lines) + "\n"
