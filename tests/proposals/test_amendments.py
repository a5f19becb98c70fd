"""Amendments against a brute force over the whole space (the documented keys)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.deals import DealProblem, acceptable
from detente.deals import amendments as am
from detente.scenario import Scenario


def _random_scenario(rng: np.random.Generator) -> Scenario:
    n_a, n_i, n_o = int(rng.integers(2, 5)), int(rng.integers(2, 6)), int(rng.integers(2, 5))
    values = np.linspace(0, 100, n_o)
    issues = []
    for i in range(n_i):
        issue = {"id": f"i{i}", "status_quo": float(rng.choice(values)),
                 "options": {f"o{o}": float(v) for o, v in enumerate(values)}}
        if rng.random() < 0.5:
            issue["vetoes"] = [f"a{int(rng.integers(n_a))}"]
        issues.append(issue)
    stances = []
    for a in range(n_a):
        for i in range(n_i):
            st = {"actor": f"a{a}", "issue": f"i{i}", "position": float(rng.uniform(0, 100)),
                  "salience": float(rng.uniform(0.2, 1.0))}
            if rng.random() < 0.15:
                st["red_line"] = {"above": float(rng.uniform(20, 90))}
            stances.append(st)
    data = {"name": "t", "actors": [{"id": f"a{a}"} for a in range(n_a)], "issues": issues,
            "stances": stances}
    if rng.random() < 0.3:
        data["linkages"] = [{"actor": "a0", "offer": {"issue": "i0", "at_least": 50},
                             "requires": {"issue": f"i{n_i - 1}", "at_least": 50}}]
    return Scenario.from_dict(data)


def _brute(problem: DealProblem, x: np.ndarray, proposer: int, rule: str) -> np.ndarray | None:
    """The documented choice, written out over every package of the space."""
    y = problem.space.decode(np.arange(problem.space.size))
    u = problem.utilities_of(y)
    ok = acceptable(problem, y) & (u[:, proposer] > problem.batna[proposer])
    ok &= (y != x).any(axis=1)
    if not ok.any():
        return None
    y, u = y[ok], u[ok]
    gain = u - problem.batna
    need = (problem.rules.consenting(y) if problem.rules is not None
            else np.ones_like(gain, dtype=bool))
    number = problem.space.encode(y)
    if rule == "fewest":
        changed = (y != x).sum(axis=1)
        spans = [max(float(v.max() - v.min()), 1e-12) for v in problem.space.option_values]
        moved = np.round(sum(np.abs(problem.space.option_values[i][y[:, i]]
                                    - problem.space.option_values[i][x[i]]) / spans[i]
                             for i in range(len(spans))), 12)
        margin = np.where(need, gain, np.inf).min(axis=1)
        return y[np.lexsort((number, -margin, moved, changed))[0]]
    logs = np.where(need, np.log(np.maximum(gain, 1e-300)), 0.0).sum(axis=1)
    return y[np.lexsort((number, -logs))[0]]


@pytest.mark.parametrize("seed", range(20))
def test_amend_matches_brute_force(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    sc = _random_scenario(rng)
    for acceptance in ("above", "at_least"):
        problem = DealProblem.from_scenario(sc, acceptance=acceptance)
        x = rng.integers(0, problem.space.sizes[0], len(problem.issues))
        x = np.minimum(x, np.array(problem.space.sizes) - 1)
        proposer = int(rng.integers(problem.n_actors))
        for rule in ("fewest", "nash"):
            want = _brute(problem, x, proposer, rule)
            for chunk, layers in ((3, 512), (1 << 18, 512), (1 << 18, 0)):
                # small blocks, one block, and the scan straight away (no layers)
                monkeypatch.setattr(am, "LAYER_BATCHES", layers)
                got = am.amend(problem, x, proposer, rule=rule, chunk=chunk)  # type: ignore[arg-type]
                if want is None:
                    assert got is None
                else:
                    assert got is not None
                    np.testing.assert_array_equal(got.options, want)
