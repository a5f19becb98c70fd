"""Fixtures of the consistency suite: random scenarios, small negotiations with named
options, with or without structure (control, vetoes, red lines), some with stated
uncertainty so that survival has something to draw. Deterministic in the seed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from detente.scenario import Scenario


def generate(seed: int, *, structured: bool, issues: int | None = None) -> Scenario:
    """One scenario: 3–5 actors, 2–4 issues (or ``issues``) of 3–4 options, status quo at
    an option."""
    rng = np.random.default_rng(seed)
    n_a = int(rng.integers(3, 6))
    n_i = int(rng.integers(2, 5))
    if issues is not None:
        n_i = issues
    actors = [{"id": f"A{k}", "name": f"Party {k}",
               "capability": float(rng.choice([10, 20, 40, 60, 80]))} for k in range(n_a)]
    issues: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    for i in range(n_i):
        n_o = int(rng.integers(3, 5))
        values = sorted({float(v) for v in rng.choice(np.arange(0, 101, 10), n_o,
                                                      replace=False)})
        options = {f"o{k}": v for k, v in enumerate(values)}
        sq = float(rng.choice(values))
        issue: dict[str, Any] = {"id": f"i{i}", "name": f"Issue {i}", "low": 0.0,
                                 "high": 100.0, "anchors": {"0": "none", "50": "half",
                                                            "100": "all"},
                                 "status_quo": sq, "options": options}
        if structured and rng.random() < 0.8:
            k = int(rng.integers(1, n_a + 1))
            vetoes = sorted(rng.choice([a["id"] for a in actors], k, replace=False).tolist())
            issue["vetoes"] = vetoes
            issue["controlled_by"] = vetoes[: max(1, len(vetoes) // 2)]
        issues.append(issue)
        for a in actors:
            if rng.random() < 0.15:
                continue  # not every actor takes a stance on every issue
            pos = float(rng.integers(0, 101))
            stance: dict[str, Any] = {"actor": a["id"], "issue": issue["id"],
                                      "position": pos,
                                      "salience": round(float(rng.uniform(0.1, 1.0)), 2)}
            if rng.random() < 0.4:
                lo, hi = max(0.0, pos - 15), min(100.0, pos + 15)
                stance["position_uncertainty"] = {"kind": "uniform", "low": lo, "high": hi}
            if structured and rng.random() < 0.2:
                line = {"below": float(rng.integers(10, 40))} if pos > 50 else \
                    {"above": float(rng.integers(60, 90))}
                if sq >= line.get("below", -1) and sq <= line.get("above", 101):
                    stance["red_lines"] = [line]  # the status quo stays on the safe side
            stances.append(stance)
    data = {"name": f"generated-{'s' if structured else 'p'}{seed}", "as_of": "2026-01-01",
            "sources": [{"id": "gen", "title": "generated for the consistency suite"}],
            "actors": actors, "issues": issues, "stances": stances}
    return Scenario.from_dict(data)


@pytest.fixture(scope="session")
def generated():
    """:func:`generate` itself (tests call it with their seeds)."""
    return generate
