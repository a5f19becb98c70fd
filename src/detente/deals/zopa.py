"""The zone of possible agreement (ZOPA) and what moves it.

A deal ``x`` is in the ZOPA when every actor accepts it: ``u_a(x) > β_a`` for
all ``a`` (the problem's ``acceptance`` rule ``"above"``, the default), or
``u_a(x) >= β_a`` (``"at_least"``, GENIUS's rule). The test runs on the
problem's exact keys where it has them (stated utilities). In a scenario with
structure, a deal must also be acceptable (:mod:`detente.deals.rules`: no red
line crossed, no linkage broken) and only the consenting parties' BATNAs count;
a BATNA "rules out" only deals that are otherwise acceptable. Computed by
streaming the whole deal space in chunks (memory ``O(chunk · A)``), so every
count is exact:

- ``size``: the number of deals in the ZOPA (and its share of all deals);
- per actor: its margin ``max_{x∈ZOPA} u_a(x) − β_a`` (the most it can gain
  over walking away), how many deals its BATNA rules out (it does not accept
  them) and how many it *alone* rules out (every other actor would accept them);
- ``opened(actor, d)``: the deals that enter the ZOPA if that actor's BATNA
  fell by ``d`` (accepted against ``β_a − d``, not against ``β_a``, every other
  actor accepting): e.g. battlefield losses or an oil-revenue squeeze that
  worsen no-deal;
- with uncertain BATNAs (draws ``B[D, A]``), the expected ZOPA size
  ``Σ_x P(x ∈ ZOPA)`` and the probability that the ZOPA is not empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.json_values import json_number

from .fighting import fighting_under, kept_shift, settles
from .space import DEFAULT_CHUNK
from .utility import DealProblem


@dataclass(frozen=True, eq=False)
class Opening:
    """Deals that enter the ZOPA when ``actor``'s BATNA falls by ``drop``."""

    actor: str
    drop: float
    count: int
    deals: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "drop": self.drop, "count": self.count, "deals": self.deals}


@dataclass(frozen=True, eq=False)
class Zopa:
    """The ZOPA of a deal problem (see the module docstring for each field)."""

    actors: tuple[str, ...]
    batna: np.ndarray
    total: int
    size: int
    margin: np.ndarray
    ruled_out: np.ndarray
    sole_blocker: np.ndarray
    openings: tuple[Opening, ...] = ()
    expected_size: float | None = None
    p_nonempty: float | None = None
    draws: int = 0

    @property
    def share(self) -> float:
        return self.size / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "deals": self.total,
            "size": self.size,
            "share": self.share,
            "actors": {
                a: {
                    "batna": float(self.batna[k]),
                    "margin": json_number(self.margin[k]),
                    "ruled_out": int(self.ruled_out[k]),
                    "sole_blocker": int(self.sole_blocker[k]),
                }
                for k, a in enumerate(self.actors)
            },
            "openings": [o.to_dict() for o in self.openings],
        }
        if self.draws:
            out["uncertain_batna"] = {
                "draws": self.draws,
                "expected_size": self.expected_size,
                "p_nonempty": self.p_nonempty,
            }
        return out


def zopa(
    problem: DealProblem,
    *,
    batna: np.ndarray | None = None,
    drops: dict[str, float] | None = None,
    batna_draws: np.ndarray | None = None,
    level_draws: np.ndarray | None = None,
    top: int = 5,
    chunk: int = DEFAULT_CHUNK,
) -> Zopa:
    """Stream the deal space once and describe its ZOPA.

    ``drops`` maps an actor to a BATNA fall ``d`` to ask "which deals open
    up"; ``batna_draws[D, A]`` adds the uncertain-BATNA summary (``level_draws[D, P]``:
    the pressures' levels in those draws, which the costs of fighting a package keeps
    follow: :func:`detente.deals.fighting.kept_shift`).
    """
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    keys = problem.keys
    beta_key = (problem.key_batna if batna is None else keys.of(beta)) \
        if keys is not None else beta
    n_a = problem.n_actors
    drops = dict(drops or {})
    unknown = sorted(set(drops) - set(problem.actors))
    if unknown:
        raise DetenteError(f"BATNA drop given for unknown actor(s) {', '.join(unknown)}; "
                           f"actors are {', '.join(problem.actors)}")
    size = 0
    best = np.full(n_a, -np.inf)
    ruled = np.zeros(n_a, dtype=np.int64)
    sole = np.zeros(n_a, dtype=np.int64)
    open_count = dict.fromkeys(drops, 0)
    open_best: dict[str, tuple[np.ndarray, np.ndarray]] = {
        a: (np.zeros(0, np.int64), np.zeros(0)) for a in drops
    }
    expected = 0.0
    nonempty: np.ndarray | None = None
    if batna_draws is not None:
        batna_draws = np.asarray(batna_draws, dtype=float)
        nonempty = np.zeros(len(batna_draws), dtype=bool)
        chunk = max(1, min(chunk, (1 << 24) // max(1, len(batna_draws) * n_a)))
    rules = problem.rules
    for index in problem.space.chunks(chunk):
        options = problem.space.decode(index)
        u = problem.utilities_of(options)
        above = problem.accepts_deals(options, u, beta, beta_key)
        if rules is None:
            inside = above.all(axis=1)
            below = ~above
        else:  # only the consenting parties' BATNAs count; red lines and linkages cut
            need = rules.consenting(options)
            fits = rules.structural_ok(options)
            above = above | ~need
            inside = above.all(axis=1) & fits
            below = ~above & fits[:, None]
        size += int(inside.sum())
        if inside.any():
            best = np.maximum(best, u[inside].max(axis=0))
        ruled += below.sum(axis=0)
        only = below & (below.sum(axis=1) == 1)[:, None]
        sole += only.sum(axis=0)
        for actor, d in drops.items():
            a = problem.actors.index(actor)
            low = beta.copy()
            low[a] = beta[a] - d
            low_key = low if keys is None else keys.lowered(beta_key, a, d)
            hit = only[:, a] & problem.accepts_deals(options, u, low, low_key)[:, a]
            open_count[actor] += int(hit.sum())
            if hit.any():
                idx = np.concatenate([open_best[actor][0], index[hit]])
                score = np.concatenate([open_best[actor][1], u[hit].sum(axis=1)])
                keep = np.lexsort((idx, -score))[:top]
                open_best[actor] = (idx[keep], score[keep])
        if batna_draws is not None:
            u_d = u[:, None, :] if level_draws is None or problem.fighting is None else (
                u[:, None, :] + kept_shift(problem, options, level_draws))
            inside_d: np.ndarray = (u_d >= batna_draws[None, :, :]
                                    if problem.acceptance == "at_least"
                                    else u_d > batna_draws[None, :, :])
            if rules is not None:
                inside_d = np.asarray((inside_d | ~need[:, None, :]).all(axis=2) & fits[:, None])
            else:
                inside_d = np.asarray(inside_d.all(axis=2))
            expected += float(inside_d.mean(axis=1).sum())
            assert nonempty is not None
            nonempty |= inside_d.any(axis=0)
    openings = tuple(
        Opening(actor, float(d), open_count[actor],
                [describe_deal(problem, problem.space.decode(int(k))) for k in open_best[actor][0]])
        for actor, d in drops.items()
    )
    return Zopa(
        actors=problem.actors,
        batna=beta,
        total=problem.space.size,
        size=size,
        margin=np.where(np.isfinite(best), best - beta, np.nan),
        ruled_out=ruled,
        sole_blocker=sole,
        openings=openings,
        expected_size=expected if batna_draws is not None else None,
        p_nonempty=float(nonempty.mean()) if nonempty is not None else None,
        draws=0 if batna_draws is None else len(batna_draws),
    )


def describe_deal(problem: DealProblem, options: np.ndarray) -> dict[str, Any]:
    """A deal as plain data: options by issue, utility and margin by actor."""
    u = problem.utilities_of(np.asarray(options)[None])[0]
    out: dict[str, Any] = {
        "options": problem.space.labels(options),
        "utility": {a: float(u[k]) for k, a in enumerate(problem.actors)},
        "margin": {a: float(u[k] - problem.batna[k]) for k, a in enumerate(problem.actors)},
    }
    if problem.rules is not None:
        out["consent_of"] = list(problem.rules.explain(np.asarray(options), u,
                                                       problem.batna).consent_of)
    if problem.fighting is not None:  # what the package leaves of the war
        state = fighting_under(problem, np.asarray(options))
        out["war"] = {**state.to_dict(problem.actors),
                      "settlement": bool(settles(problem, np.asarray(options)))}
    return out
