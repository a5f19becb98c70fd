"""Stated utilities (:class:`~detente.utility_space.UtilitySpaces`) as deal-problem arrays,
with an exact scaled-integer copy for comparing deals.

**Why.** GENIUS files are decimal, so every utility is a rational number, but
in floating point two deals whose exact utilities tie can differ in the last
bit (``0.1 + 0.2 != 0.3``), and a weakly dominated deal then looks
non-dominated, or a tie looks dominated. So each actor ``a`` gets an integer
scale ``S_a``: the least common multiple of the denominators of all its
per-option contributions ``w_ai v_ai(o)``, rectangle values, cap and
reservation value. ``S_a · u_a(x)`` is then an integer for every deal.
Dominance, the BATNA test and the bargaining solutions' ties are decided on
these *keys* (per actor a positive scale changes no comparison); utilities
shown to users stay the plain floats.

While every ``S_a`` times the actor's largest possible utility stays below
``2^53``, the keys are float64 arrays holding integers, exact with every sum
of them, and as fast as the floats. Otherwise (GENIUS writes weights such as
``0.5016547003555888``, whose denominator is ``10^16``) the keys are numpy
object arrays of Python integers, exact at any size: ``pareto_mask`` turns
them into per-actor ranks, and the BATNA test screens on the floats and
settles the near-ties (within ``1e-9``) on the keys.
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
SCREEN = 1e-9
"""Float utilities this close to a threshold are settled on the exact keys."""


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
            active = (hit == self.inside).astype(table.dtype)
            flat_out[s:s + block] += active @ table
        if not np.shares_memory(flat_out, out):
            out[...] = flat_out.reshape(out.shape)


@dataclass(frozen=True, eq=False)
class Keys:
    """Scaled copies of a problem's numbers: actor ``a``'s key is ``S_a · u_a``, an exact
    integer (float64 arrays below ``2^53``, else object arrays of Python ints: ``big``)."""

    scale: np.ndarray
    tables: tuple[np.ndarray, ...]
    term_value: np.ndarray | None
    cap: np.ndarray
    batna: np.ndarray
    exact: bool = True

    @property
    def big(self) -> bool:
        return self.tables[0].dtype == object

    def of(self, values: np.ndarray) -> np.ndarray:
        """Keys of utilities given as floats ``[A]`` (read as the decimals they print as)."""
        out = [round(Fraction(repr(float(v))) * int(s)) for v, s in zip(values, self.scale,
                                                                         strict=True)]
        return np.array(out, dtype=object if self.big else float)

    def lowered(self, batna: np.ndarray, actor: int, drop: float) -> np.ndarray:
        """BATNA keys with ``actor``'s lowered by ``drop`` (read as the decimal it prints
        as)."""
        out = batna.copy()
        d = round(Fraction(repr(float(drop))) * int(self.scale[actor]))
        out[actor] = out[actor] - (d if self.big else float(d))
        return out


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


def _scale(numbers: list[Fraction]) -> int:
    """The least common multiple of the denominators."""
    s = 1
    for f in numbers:
        s = math.lcm(s, f.denominator)
    return s


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
    contrib, res, scales, fits = [], [], [], True
    for a, actor in enumerate(actors):
        u = spaces.actors[actor]
        c = _contributions(u, space)
        given = (batna or {}).get(actor)
        r = Fraction(repr(float(given))) if given is not None else (
            u.reservation or Fraction(0))
        mine = [rr.value for b, rr in rect_list if b == a]
        cap_a = u.cap if u.cap is not None else Fraction(0)
        numbers = [x for col in c for x in col] + mine + [r, cap_a]
        s = _scale(numbers)
        largest = (sum((max(abs(x) for x in col) for col in c), Fraction(0))
                   + sum((abs(v) for v in mine), Fraction(0)) + abs(r) + abs(cap_a) + 1)
        fits &= s * largest < EXACT_LIMIT
        contrib.append(c)
        res.append(r)
        scales.append(s)
    kind: type = float if fits else object

    def key(f: Fraction, a: int) -> float | int:
        k = f * scales[a]
        assert k.denominator == 1
        return float(k.numerator) if fits else k.numerator

    tables = [np.zeros((len(n), n_a)) for n in space.option_names]
    keys: list[np.ndarray] = [np.zeros((len(n), n_a), dtype=kind) for n in space.option_names]
    value = np.zeros((len(rect_list), n_a))
    key_value: np.ndarray = np.zeros((len(rect_list), n_a), dtype=kind)
    cap = np.full(n_a, np.inf)
    caps = [spaces.actors[x].cap for x in actors]
    key_cap: np.ndarray = np.array([np.inf if c is None else key(c, a) for a, c in enumerate(caps)],
                       dtype=kind)
    for a, actor in enumerate(actors):
        u = spaces.actors[actor]
        for i, col in enumerate(contrib[a]):
            tables[i][:, a] = [float(c) for c in col]
            keys[i][:, a] = [key(c, a) for c in col]
        for k, (b, rect) in enumerate(rect_list):
            if b == a:
                value[k, a], key_value[k, a] = float(rect.value), key(rect.value, a)
        if u.cap is not None:
            cap[a] = float(u.cap)
    terms = None
    if rect_list:
        rects = [r for _, r in rect_list]
        terms = Terms(_masks(rects, space), np.array([r.inside for r in rects]), value)
    return Compiled(
        tables=tuple(tables), terms=terms, cap=cap,
        batna=np.array([float(r) for r in res]),
        keys=Keys(np.array(scales, dtype=kind), tuple(keys),
                  key_value if rect_list else None, key_cap,
                  np.array([key(r, a) for a, r in enumerate(res)], dtype=kind)),
    )
