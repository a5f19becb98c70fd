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
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from detente.deals.utility import DealProblem, UtilityKind
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


def _profile_xml(scenario: Scenario, problem: DealProblem, a: int) -> str:
    space = problem.space
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<utility_space number_of_issues="{len(space.issues)}">',
           f'<objective index="0" etype="objective" type="objective" description="" '
           f'name="{_esc(scenario.name)}">']
    for i, issue in enumerate(space.issues):
        col = problem.tables[i][:, a]
        top = float(col.max())
        out.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" '
                   f'vtype="discrete" name="{_esc(issue)}">')
        for k, opt in enumerate(space.option_names[i]):
            ev = float(col[k] / top) if top > 0 else 0.0
            out.append(f'  <item index="{k + 1}" value="{_esc(opt)}" evaluation="{ev!r}"/>')
        out.append("</issue>")
        out.append(f'<weight index="{i + 1}" value="{max(top, 0.0)!r}"/>')
    out += ["</objective>", f'<reservation value="{float(problem.batna[a])!r}"/>',
            '<discount_factor value="1.0"/>', "</utility_space>", ""]
    return "\n".join(out)


def dumps_genius(scenario: Scenario, *, utility: UtilityKind = "linear") -> dict[str, str]:
    """``{file name: XML}``: the domain and one utility space per actor."""
    problem = DealProblem.from_scenario(scenario, utility=utility)
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
