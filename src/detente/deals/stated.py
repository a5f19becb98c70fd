"""Stated utilities (:class:`~detente.utility_space.UtilitySpaces`) as deal-problem arrays,
with an exact scaled-integer copy for comparing deals.

**Why.** GENIUS files are decimal, so every utility is a rational number, but
in floating point two deals whose exact utilities tie can differ in the last
bit (``0.1 + 0.2 != 0.3``), and a weakly dominated deal then looks
non-dominated, or a tie looks dominated. So each actor ``a`` gets an integer
scale ``S_a``: the least common multiple of the denominators of all its
per-option contributions ``w_ai v_ai(o)``, rectangle values, cap and
reservation value. ``S_a · u_a(x)`` is then an integer for every deal, and
while ``S_a`` times the actor's largest possible utility stays below
``2^53`` these integers are exact in float64, including every sum of them.
Dominance, the BATNA test and the bargaining solutions' ties are decided on
these *keys* (per actor a positive scale changes no comparison); utilities
shown to users stay the plain floats.

When an actor's scale would pass ``2^53`` (decimals with very many digits),
its keys are its contributions rounded to multiples of ``10^−12``
(``exact=False`` on the result): ties then hold to within ``I · 10^−12``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from detente.errors import DetenteError
from detente.utility_space import ActorUtility, Rectangle, UtilitySpaces

from .space import OutcomeSpace

EXACT_LIMIT = 2**53
APPROX_SCALE = 10**12


@dataclass(frozen=True, eq=False)
class Terms:
    """Hyper-rectangle terms: term ``k`` adds ``value[k]`` (a row over actors) to a deal
    whose options all pass ``masks[i][k]`` (``inside[k]``), or fail one (not ``inside``)."""

    masks: tuple[np.ndarray, ...]
    inside: np.ndarray
    value: np.ndarray

    def add(self, options: np.ndarray, out: np.ndarray, value: np.ndarray | None = None
            ) -> None:
        """Add the terms of deals ``options[..., I]`` to ``out[..., A]`` (``value``: another
        ``[K, A]`` table for the same terms, e.g. the scaled keys)."""
        table = self.value if value is None else value
        flat_opts = options.reshape(-1, options.shape[-1])
        flat_out = out.reshape(-1, out.shape[-1])
        block = max(1, (1 << 22) // max(1, len(self.inside)))  # bounded memory: ~4M cells
        for s in range(0, len(flat_opts), block):
            rows = flat_opts[s:s + block]
            hit = np.ones((len(rows), len(self.inside)), dtype=bool)
            for i, m in enumerate(self.masks):
                hit &= m.T[rows[:, i]]
            flat_out[s:s + block] += (hit == self.inside).astype(float) @ table
        if not np.shares_memory(flat_out, out):
            out[...] = flat_out.reshape(out.shape)


@dataclass(frozen=True, eq=False)
class Keys:
    """Scaled copies of a problem's numbers: actor ``a``'s key is ``S_a · u_a``."""

    scale: np.ndarray
    tables: tuple[np.ndarray, ...]
    term_value: np.ndarray | None
    cap: np.ndarray
    batna: np.ndarray
    exact: bool


@dataclass(frozen=True, eq=False)
class Compiled:
    """The float numbers of stated utilities and their keys."""

    tables: tuple[np.ndarray, ...]
    terms: Terms | None
    cap: np.ndarray
    batna: np.ndarray
    keys: Keys


def _contributions(u: ActorUtility, space: OutcomeSpace) -> list[list[Fraction]]:
    out = []
    for i, issue in enumerate(space.issues):
        w = u.weights.get(issue, Fraction(0))
        values = u.values.get(issue)
        if values is None:
            out.append([Fraction(0)] * len(space.option_names[i]))
            continue
        missing = [o for o in space.option_names[i] if o not in values]
        if missing:
            raise DetenteError(f"stated utility on issue {issue!r} lacks option(s) "
                               f"{', '.join(missing)}")
        out.append([w * values[o] for o in space.option_names[i]])
    return out


def _masks(rects: Sequence[Rectangle], space: OutcomeSpace) -> tuple[np.ndarray, ...]:
    masks = tuple(np.ones((len(rects), len(n)), dtype=bool) for n in space.option_names)
    for k, r in enumerate(rects):
        for b in r.bounds:
            if b.issue not in space.issues:
                raise DetenteError(f"a utility rectangle bounds unknown issue {b.issue!r}")
            i = space.issues.index(b.issue)
            values = [Fraction(float(v)) for v in space.option_values[i]]
            masks[i][k] &= np.array([b.low <= v <= b.high for v in values])
    return masks


def _scale(numbers: list[Fraction], largest: Fraction) -> tuple[int, bool]:
    """The least common multiple of the denominators, if it keeps ``largest`` exact."""
    s = 1
    for f in numbers:
        s = math.lcm(s, f.denominator)
        if s * largest >= EXACT_LIMIT:
            return APPROX_SCALE, False
    return s, True


def _key(f: Fraction, scale: int) -> float:
    return float(round(f * scale))


def compile_spaces(spaces: UtilitySpaces, space: OutcomeSpace, actors: Sequence[str],
                   batna: Mapping[str, float] | None = None) -> Compiled:
    """Float tables ``[n_i, A]``, rectangle terms, caps and BATNAs of ``spaces`` over
    ``space``, and their scaled-integer keys (``batna`` overrides reservation values)."""
    missing = [a for a in actors if a not in spaces.actors]
    if missing:
        raise DetenteError(f"stated utilities lack actor(s) {', '.join(missing)}")
    n_a = len(actors)
    rect_list = [(a, r) for a, actor in enumerate(actors)
                 for r in spaces.actors[actor].rectangles]
    tables = [np.zeros((len(n), n_a)) for n in space.option_names]
    keys = [np.zeros((len(n), n_a)) for n in space.option_names]
    value = np.zeros((len(rect_list), n_a))
    key_value = np.zeros((len(rect_list), n_a))
    cap, key_cap = np.full(n_a, np.inf), np.full(n_a, np.inf)
    beta, key_beta, scales = np.zeros(n_a), np.zeros(n_a), np.ones(n_a)
    exact = True
    for a, actor in enumerate(actors):
        u = spaces.actors[actor]
        contrib = _contributions(u, space)
        mine = [(k, r) for k, (b, r) in enumerate(rect_list) if b == a]
        given = (batna or {}).get(actor)
        res = Fraction(str(given)) if given is not None else (u.reservation or Fraction(0))
        flat = [c for col in contrib for c in col] + [r.value for _, r in mine] + [res]
        if u.cap is not None:
            flat.append(u.cap)
        largest = (sum((max(abs(c) for c in col) for col in contrib), Fraction(0))
                   + sum((abs(r.value) for _, r in mine), Fraction(0))
                   + abs(res) + abs(u.cap or 0) + 1)
        s, ok = _scale(flat, largest)
        exact &= ok
        scales[a] = s
        for i, col in enumerate(contrib):
            tables[i][:, a] = [float(c) for c in col]
            keys[i][:, a] = [_key(c, s) for c in col]
        for k, r in mine:
            value[k, a], key_value[k, a] = float(r.value), _key(r.value, s)
        if u.cap is not None:
            cap[a], key_cap[a] = float(u.cap), _key(u.cap, s)
        beta[a], key_beta[a] = float(res), _key(res, s)
    terms = None
    if rect_list:
        rects = [r for _, r in rect_list]
        terms = Terms(_masks(rects, space), np.array([r.inside for r in rects]), value)
    return Compiled(
        tables=tuple(tables), terms=terms, cap=cap, batna=beta,
        keys=Keys(scales, tuple(keys), key_value if rect_list else None, key_cap, key_beta,
                  exact),
    )
