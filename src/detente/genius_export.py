"""Writing a scenario as GENIUS XML: the domain plus one utility space per actor.

This sits above both :mod:`detente.formats` and :mod:`detente.deals`: the
evaluations it writes are the deal utilities (``docs/deals.md``), which the
format layer does not compute. Every issue becomes a discrete GENIUS issue
whose items are the issue's options; for actor ``a`` on issue ``i`` with
weighted option values ``t_i(o) = w_ai v_ai(o)`` the file holds the weight
``w_ai·m_ai`` and the evaluations ``v_ai(o)/m_ai``, ``m_ai = max_o v_ai(o)``.
GENIUS divides evaluations by their largest and uses the weights as written,
so it computes ``Σ_i w_ai v_ai(o)``: every deal keeps its utility (tested by
reading the files back, and with negmas).

GENIUS evaluations are ``>= 0``, its utilities lie in 0..1 and have no constant
term, while a table may hold negative values (costs of fighting a package keeps, a
guarantor's cost) and a package may be worth more than 1 (gains of fighting).
:func:`genius_tables` moves constants between an actor's issues (lifting each
negative issue to least value 0, taking the same from issues whose least value is
above 0), which keeps every deal's utility exactly whenever all packages are worth
0 to 1 to the actor. Otherwise the smallest shift ``s_a`` that fits them is added
to every utility and to the reservation value alike, so each margin
``u_a(x) − β_a`` (hence acceptability, the Nash product and every ranking) is kept
and the levels move by ``s_a``; a span wider than 1 is refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detente.deals.utility import DealProblem, UtilityKind
from detente.errors import DetenteError
from detente.formats import write_text_atomic
from detente.scenario import Scenario


def _esc(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _safe_file(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "x"


def _domain_xml(scenario: Scenario, problem: DealProblem) -> str:
    space = problem.space
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<negotiation_template>",
             f'<utility_space number_of_issues="{len(space.issues)}">',
             f'<objective index="0" etype="objective" type="objective" description="" '
             f'name="{_esc(scenario.name)}">']
    for i, issue in enumerate(space.issues):
        lines.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" '
                     f'vtype="discrete" name="{_esc(issue)}">')
        for k, opt in enumerate(space.option_names[i]):
            lines.append(f'  <item index="{k + 1}" value="{_esc(opt)}" cost="0" '
                         'description=""/>')
        lines.append("</issue>")
    lines += ["</objective>", "</utility_space>", "</negotiation_template>", ""]
    return "\n".join(lines)


def genius_tables(columns: Sequence[np.ndarray]) -> tuple[list[np.ndarray], float] | None:
    """One actor's per-issue values made to fit GENIUS (each ``>= 0``, every package's
    utility within 0..1), and the shift ``s`` added to every package's utility; ``None``
    when the actor's utilities span more than 1 (no shift fits them).

    With ``lo = Σ_i min_i`` and ``hi = Σ_i max_i`` (the worst and best package),
    ``s = −lo`` if ``lo < 0``, ``s = 1 − hi`` if ``hi > 1``, else 0. Each issue with a
    negative least value is lifted to 0 (``L = Σ_i max(0, −min_i)`` in all) and
    ``L − s`` is taken back from issues with ``min_j > 0`` (at most ``min_j`` each, in
    issue order), so ``Σ_i t'_i(x_i) = Σ_i t_i(x_i) + s`` for every package ``x``."""
    out = [np.asarray(c, dtype=float) for c in columns]
    lows = [float(c.min()) for c in out]
    lo, hi = sum(lows), sum(float(c.max()) for c in out)
    if hi - lo > 1 + 1e-12:
        return None
    shift = -lo if lo < 0 else (1.0 - hi if hi > 1 else 0.0)
    back = -shift
    for i, low in enumerate(lows):
        if low < 0:
            out[i] = out[i] - low
            back -= low
    for j, low in enumerate(lows):
        if back <= 0:
            break
        if low > 0:
            take = min(low, back)
            out[j] = np.maximum(out[j] - take, 0.0)
            back -= take
    return out, shift


def _profile_xml(scenario: Scenario, problem: DealProblem, a: int) -> str:
    space = problem.space
    fitted = genius_tables([t[:, a] for t in problem.tables])
    if fitted is None:
        raise DetenteError(f"actor {problem.actors[a]!r}: its deal utilities span more than "
                           "1, which GENIUS utilities (0 to 1) cannot hold")
    columns, shift = fitted
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<utility_space number_of_issues="{len(space.issues)}">',
           f'<objective index="0" etype="objective" type="objective" description="" '
           f'name="{_esc(scenario.name)}">']
    for i, issue in enumerate(space.issues):
        col = columns[i]
        top = float(col.max())
        out.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" '
                   f'vtype="discrete" name="{_esc(issue)}">')
        for k, opt in enumerate(space.option_names[i]):
            ev = float(col[k] / top) if top > 0 else 0.0
            out.append(f'  <item index="{k + 1}" value="{_esc(opt)}" evaluation="{ev!r}"/>')
        out.append("</issue>")
        out.append(f'<weight index="{i + 1}" value="{max(top, 0.0)!r}"/>')
    out += ["</objective>", f'<reservation value="{float(problem.batna[a]) + shift!r}"/>',
            '<discount_factor value="1.0"/>', "</utility_space>", ""]
    return "\n".join(out)


def dumps_genius(scenario: Scenario, *, utility: UtilityKind = "linear") -> dict[str, str]:
    """``{file name: XML}``: the domain and one utility space per actor."""
    problem = DealProblem.from_scenario(scenario, utility=utility)
    if problem.terms is not None:
        raise DetenteError(
            f"scenario {scenario.name!r}: GENIUS files hold one table per issue, but here "
            "a utility depends on several issues together (costs of fighting that only "
            "several issues together stop); give each front one issue that stops its fighting")
    base = _safe_file(scenario.name)
    files = {f"{base}-domain.xml": _domain_xml(scenario, problem)}
    for a, actor in enumerate(problem.actors):
        files[f"{base}-{_safe_file(actor)}.xml"] = _profile_xml(scenario, problem, a)
    return files


def write_genius(scenario: Scenario, directory: str | os.PathLike[str], *,
                 utility: UtilityKind = "linear") -> list[Path]:
    """Write the domain and the profiles into ``directory`` (atomically, file by file)."""
    out = []
    for name, text in dumps_genius(scenario, utility=utility).items():
        path = Path(directory) / name
        write_text_atomic(path, text)
        out.append(path)
    return out
