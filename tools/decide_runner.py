"""Run decide-exchange-model's equal-gain model on one scenario and print JSON.

This script runs INSIDE decide's own virtual environment (see
``scripts/setup_decide_venv.sh``), never in detente's: decide pins old numpy,
pandas, matplotlib and PyQt5. detente's oracle tests and benchmark start it as
a separate process and read its standard output.

Input (a JSON document on standard input)::

    {"actors": ["A", ...],
     "issues": [{"id": "p", "low": 0, "high": 100}, ...],
     "rows": [["A", "p", position, salience, power], ...],
     "rounds": 10, "seed": 0, "p": null, "timeout": null,
     "ties": "first", "exact_boundaries": true}

``p``: decide's ``randomized_value`` (``null``: equal gain); ``timeout``: stop
after the round that passes this many seconds; ``ties``: ``"first"`` replaces
decide's random tie rule by detente's (anything else keeps decide's);
``exact_boundaries``: read decide's two knife-edge tests as exact arithmetic
(see ``_first_wins`` and ``_exact_boundaries``).

Output: ``{"start": {...}, "rounds": [{"exchanges": [...], "forecast": {...},
"forecast_scaled": {...}, "start_positions": {...}}, ...], "ties": n,
"peak_rss_mib": m, "seconds": t, "complete": bool}``. Every exchange lists
both sides (actor, supply issue, demand issue, start, move, voting position)
and the gain, on decide's internal 0..100 scale; ``forecast`` is on 0..100 and
``forecast_scaled`` on each issue's own scale; ``complete`` is false when the
timeout cut the run short.

decide's command line crashes as installed and forces a Qt plotting backend,
so this drives its Python API directly, with the non-interactive Agg backend,
no observers and no output files. Python's ``random`` is seeded: decide breaks
ties between equal gains with it.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from decimal import Decimal

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class _Quiet:
    """A do-nothing event handler: decide's ModelLoop only calls these hooks."""

    def __init__(self, sink):
        self.sink = sink

    def before_loop(self, *args, **kwargs):
        pass

    def removed_exchanges(self, *args, **kwargs):
        pass

    def execute_exchange(self, *args, **kwargs):
        pass

    def after_loop(self, realized, iteration, repetition):
        self.sink["exchanges"] = [_exchange(e) for e in realized]

    def end_loop(self, *args, **kwargs):
        pass


def _bound(x):
    """decide's reader gives whole-number bounds as int; others as Decimal (a float
    bound would make decide's own arithmetic fail on Decimal positions)."""
    return int(x) if float(x).is_integer() else Decimal(repr(float(x)))


def _num(x):
    return float(x)


def _side(a):
    return {
        "actor": a.actor.actor_id,
        "supply": a.supply.issue.name,
        "demand": a.demand.issue.name,
        "start": _num(a.start_position),
        "position": _num(a.supply.position),
        "move": _num(a.move),
        "y": _num(a.y),
        "eu": _num(a.eu),
        "nbs_0": _num(a.nbs_0),
        "nbs_1": _num(a.nbs_1),
    }


def _exchange(e):
    return {"gain": _num(e.gain), "i": _side(e.i), "j": _side(e.j),
            "p": e.p.name if hasattr(e.p, "name") else str(e.p),
            "q": e.q.name if hasattr(e.q, "name") else str(e.q)}


TIE = 1e-12


def _first_wins(equalgain) -> None:
    """Replace decide's tie rule by detente's explicit one (everything else is decide's).

    decide executes the exchange with the highest gain and, when the next one is
    within 1e-20, picks between the two with ``random.random()``; otherwise its
    stable sort keeps an order that depends on the Decimal digits and the history
    of the list. detente's rule: among the exchanges whose gain is within a
    relative 1e-12 of the highest, the one created first (decide's order of
    creation: issue pairs in order, then A×D and B×C actor pairs in order).
    """
    base_add = equalgain.base.AbstractModel.add_exchange

    def add_exchange(self, *args, **kwargs):
        e = base_add(self, *args, **kwargs)
        self._created = getattr(self, "_created", 0) + 1
        e._order = self._created
        return e

    def highest_gain(self):
        top = max(e.gain for e in self.exchanges)
        floor = top - Decimal(TIE) * max(Decimal(1), abs(top))
        best = min((e for e in self.exchanges if e.gain >= floor), key=lambda e: e._order)
        self.exchanges.remove(best)
        return best

    equalgain.base.AbstractModel.add_exchange = add_exchange
    equalgain.EqualGainModel.highest_gain = highest_gain


BOUNDARY = Decimal("1e-9")


def _exact_boundaries(equalgain) -> None:
    """Make decide's two knife-edge tests read as in exact arithmetic.

    (1) An actor exactly on the forecast counts as left of it (x ≤ O); (2) when the
    in-round forecast already sits on the partner's position, a move does not count
    as passing it. In decide both compare Decimal numbers that are equal in exact
    arithmetic, so its answer follows the 28th digit's rounding; here both accept a
    difference of 1e-9, as detente does. Nothing else in decide changes.
    """
    base = equalgain.base

    def is_left_to_nbs(self, nbs):
        self.left = self.position <= nbs + BOUNDARY
        return self.left

    original = base.AbstractExchangeActor.check_nbs

    def check_nbs(self):
        nbs_0 = self.adjust_nbs(self.supply.position)
        if abs(self.opposite_actor.demand.position - nbs_0) <= BOUNDARY:
            self.nbs_0 = nbs_0
            self.nbs_1 = self.adjust_nbs(self.y)
            return None
        return original(self)

    base.ActorIssue.is_left_to_nbs = is_left_to_nbs
    base.AbstractExchangeActor.check_nbs = check_nbs


def main() -> None:
    spec = json.load(sys.stdin)
    random.seed(spec.get("seed", 0))

    from decide.model import equalgain
    from decide.model.utils import ModelLoop

    if spec.get("ties", "first") == "first":
        _first_wins(equalgain)
    if spec.get("exact_boundaries", True):
        _exact_boundaries(equalgain)
    p = spec.get("p")
    model = equalgain.EqualGainModel(randomized_value=None if p is None else str(p))
    for actor in spec["actors"]:
        model.add_actor(actor_name=actor, actor_id=actor)
    issues = {}
    for issue in spec["issues"]:
        obj = model.add_issue(issue["id"])
        obj.lower = _bound(issue.get("low", 0))
        obj.upper = _bound(issue.get("high", 100))
        obj.calculate_delta()
        obj.calculate_step_size()
        issues[issue["id"]] = obj
    for actor, issue, position, salience, power in spec["rows"]:
        model.add_actor_issue(actor=actor, issue=issue, position=Decimal(repr(position)),
                              salience=Decimal(repr(salience)), power=Decimal(repr(power)))

    started = time.perf_counter()
    model.calc_nbs()
    start = {i.name: _num(v) for i, v in model.nbs.items()}
    out_rounds = []
    limit = spec.get("timeout")
    for r in range(spec.get("rounds", 10)):
        sink: dict = {}
        loop = ModelLoop(model, _Quiet(sink), 0)
        loop.iteration_number = r
        loop.loop()
        # loop() leaves model.nbs at the voting forecast of this round
        # (it recomputes it after moving everyone to their voting positions)
        forecast = {}
        for issue, value in model.nbs.items():
            forecast[issue.name] = _num(value)
        sink["forecast"] = forecast
        sink["forecast_scaled"] = {
            k: _num(issues[k].de_normalize(Decimal(repr(v)))) for k, v in forecast.items()
        }
        sink["start_positions"] = {
            issue.name: {a.actor_id: _num(ai.position) for a, ai in ais.items()}
            for issue, ais in model.actor_issues.items()
        }
        out_rounds.append(sink)
        if limit and time.perf_counter() - started > limit:
            break
    seconds = time.perf_counter() - started
    import resource

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump({"start": start, "rounds": out_rounds, "ties": model.tie_count,
               "peak_rss_mib": peak_kib / 1024,
               "seconds": seconds, "complete": len(out_rounds) == spec.get("rounds", 10)},
              sys.stdout)


if __name__ == "__main__":
    main()
