"""Drawing a scenario's uncertain inputs into the draw axis of its arrays.

Every uncertain number of a scenario (a stance's position or salience, an
actor's capability) is one *input* with a declared
:class:`~detente.scenario.Distribution`. An :class:`InputSpace` lists them in
a fixed order (stances in file order, position then salience; then actors'
capabilities) and maps points of the unit hypercube to values by each
input's inverse CDF:

- uniform on [l, h]:      x = l + u (h − l)
- triangular (l, m, h):   x = l + √(u (h − l)(m − l))        if u < (m − l)/(h − l)
                          x = h − √((1 − u)(h − l)(h − m))   otherwise
- normal (μ, σ) truncated to [l, h], α = (l − μ)/σ, β = (h − μ)/σ:
                          x = μ + σ Φ⁻¹(Φ(α) + u (Φ(β) − Φ(α)))
  (computed on the mirrored side when α > 0, so tails keep their precision).

Sampling draws standard normals Z per draw and input, optionally correlates
them (a Gaussian copula), and sets u = Φ(Z). An actor with
``salience_correlation: ρ`` (or ``position_correlation``) has its uncertain
saliences (positions) share one factor F:

    Z_k ← √ρ F + √(1 − ρ) Z_k,

so any two of them have normal-scale correlation ρ while each keeps its own
marginal distribution.

Members of a declared bloc (``Scenario.blocs``, with correlation ρ_b, 1 by
default) move together: for each issue, the members' uncertain positions share
one factor, likewise their saliences, and their capabilities share one
(the same formula with ρ_b; with ρ_b = 1 one shared standard normal, so the
members' draws sit at the same quantile of their own ranges). Bloc factors
are drawn after the actors' own, and applied after them, so a bloc member's
inputs follow its bloc. A scenario without declared blocs draws exactly the
numbers it drew before blocs existed.

Random streams are fixed per *block* of draws: block b (draws
b·B … (b+1)·B − 1, B = ``block_size``) draws from its own generator seeded by
``SeedSequence(seed, spawn_key=(b, 0))``. Draw k therefore gets the same
numbers however the draws are split into chunks, whichever engine runs them,
and whatever the total number of draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np

from detente.arrays import ScenarioArrays, compile_scenario
from detente.requests.simulation import DEFAULT_BLOCK_SIZE  # declared with the request
from detente.scenario import Distribution, Scenario
from detente.uncertainty.normal import ndtr, ndtri  # scipy's bits, without scipy

Kind = Literal["position", "salience", "capability", "batna"]


_KIND_CODE = {"uniform": 0, "triangular": 1, "normal": 2}
_INPUT_STREAM = 0


@dataclass(frozen=True)
class Input:
    """One number of a scenario (a stance's position or salience, an actor's capability or
    BATNA) and its declared uncertainty (``None``: none declared)."""

    kind: Kind
    actor: str
    issue: str | None
    actor_index: int
    issue_index: int | None
    point: float
    dist: Distribution | None

    @property
    def declared(self) -> Distribution:
        """The declared distribution (every input of an :class:`InputSpace` has one)."""
        if self.dist is None:
            raise ValueError(f"{self.name} declares no uncertainty")
        return self.dist

    @property
    def name(self) -> str:
        """E.g. ``position[RUS, donetsk]`` or ``capability[USA]``."""
        if self.issue is None:
            return f"{self.kind}[{self.actor}]"
        return f"{self.kind}[{self.actor}, {self.issue}]"


@dataclass(frozen=True, eq=False)
class InputSpace:
    """The uncertain inputs of a scenario, in a fixed order, and their correlation groups.

    ``groups`` holds ``(columns, rho)``: inputs that share one copula factor.
    """

    scenario: Scenario
    inputs: tuple[Input, ...]
    groups: tuple[tuple[tuple[int, ...], float], ...] = field(default=())

    @property
    def size(self) -> int:
        return len(self.inputs)

    @property
    def names(self) -> list[str]:
        return [x.name for x in self.inputs]

    @cached_property
    def base(self) -> ScenarioArrays:
        """The point values (one draw)."""
        return compile_scenario(self.scenario, 1)

    @cached_property
    def _params(self) -> dict[str, np.ndarray]:
        """Each distribution parameter as a column over the inputs (NaN where unused)."""

        def col(name: str) -> np.ndarray:
            values = (getattr(x.declared, name) for x in self.inputs)
            return np.array([np.nan if v is None else v for v in values], dtype=float)

        return {
            "code": np.array([_KIND_CODE[x.declared.kind] for x in self.inputs], dtype=int),
            **{name: col(name) for name in ("low", "high", "mode", "mean", "sd")},
        }

    # ---- unit cube -> values ---------------------------------------------------------
    def from_unit(self, u: np.ndarray, *, compiled: bool = False) -> np.ndarray:
        """Map ``u[n, K]`` in [0, 1] to input values ``[n, K]`` by each inverse CDF
        (``compiled``: the uniform and triangular columns in one compiled pass,
        :mod:`.sampling_kernels`, the same numbers)."""
        u = np.asarray(u, dtype=float)
        if u.ndim != 2 or u.shape[1] != self.size:
            raise ValueError(f"expected u of shape (n, {self.size}), got {u.shape}")
        p = self._params
        out = np.empty_like(u)
        if compiled:
            from detente.uncertainty import sampling_kernels

            sampling_kernels.unit_values(np.ascontiguousarray(u), p["code"], p["low"],
                                         p["high"], p["mode"], out)
        for code in (2,) if compiled else (0, 1, 2):
            cols = np.flatnonzero(p["code"] == code)
            if cols.size:
                out[:, cols] = _PPF[code](np.clip(u[:, cols], 0.0, 1.0),
                                          *(p[k][cols] for k in _PPF_ARGS[code]))
        return out

    # ---- values -> arrays --------------------------------------------------------------
    def apply(self, values: np.ndarray, base: ScenarioArrays | None = None, *,
              compiled: bool = False) -> ScenarioArrays:
        """Arrays with ``values[n, K]`` put in place of the point values (n draws).

        Capabilities are floored at 0 (a declared range may reach below it).
        ``compiled``: in one compiled pass (:mod:`.sampling_kernels`, the same numbers).
        """
        base = self.base if base is None else base
        pos, sal, cap = _points(base, values.shape[0])
        if compiled:
            from detente.uncertainty import sampling_kernels

            sampling_kernels.scatter(np.ascontiguousarray(values), *self._targets, pos, sal, cap)
            return base.with_values(position=pos, salience=sal, capability=cap)
        idx = self._index
        if idx["position"][0].size:
            a, i, cols = idx["position"]
            pos[:, a, i] = values[:, cols]
        if idx["salience"][0].size:
            a, i, cols = idx["salience"]
            sal[:, a, i] = values[:, cols]
        if idx["capability"][0].size:
            a, _, cols = idx["capability"]
            cap[:, a] = np.maximum(values[:, cols], 0.0)
        return base.with_values(position=pos, salience=sal, capability=cap)

    def batna(self, values: np.ndarray) -> np.ndarray:
        """BATNAs ``[n, A]`` from ``values[n, K]`` (the stated value, NaN if none, elsewhere).

        ``ScenarioArrays`` holds no BATNA (models do not use one); the deals layer does.
        """
        n = values.shape[0]
        point = [np.nan if a.batna is None else a.batna for a in self.scenario.actors]
        out = np.repeat(np.array([point], dtype=float), n, axis=0)
        for k, x in enumerate(self.inputs):
            if x.kind == "batna":
                out[:, x.actor_index] = values[:, k]
        return out

    @cached_property
    def _targets(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per input: its kind's code (:mod:`.sampling_kernels`: position, salience,
        capability, other), actor index and issue index (0 without an issue)."""
        codes = {"position": 0, "salience": 1, "capability": 2}
        return (np.array([codes.get(x.kind, 3) for x in self.inputs], dtype=np.int64),
                np.array([x.actor_index for x in self.inputs], dtype=np.int64),
                np.array([x.issue_index or 0 for x in self.inputs], dtype=np.int64))

    @cached_property
    def _index(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        out = {}
        for kind in ("position", "salience", "capability"):
            cols = [k for k, x in enumerate(self.inputs) if x.kind == kind]
            out[kind] = (
                np.array([self.inputs[k].actor_index for k in cols], dtype=int),
                np.array([self.inputs[k].issue_index or 0 for k in cols], dtype=int),
                np.array(cols, dtype=int),
            )
        return out

    # ---- random draws ------------------------------------------------------------------
    def sample_unit(
        self, seed: int, start: int, stop: int, *, block_size: int = DEFAULT_BLOCK_SIZE,
        compiled: bool = False,
    ) -> np.ndarray:
        """Uniforms ``u[stop − start, K]`` for draws ``start … stop − 1`` of the run ``seed``.

        Built from whole blocks, so the numbers of a draw never depend on the
        range asked for.
        """
        if not 0 <= start <= stop:
            raise ValueError(f"bad draw range {start}..{stop}")
        first, last = start // block_size, -(-stop // block_size)
        blocks = [self.sample_block(seed, b, block_size=block_size, compiled=compiled,
                                    rows=slice(max(start - b * block_size, 0),
                                               min(stop - b * block_size, block_size)))
                  for b in range(first, last)]
        if not blocks:
            return np.empty((0, self.size))
        return np.concatenate(blocks) if len(blocks) > 1 else blocks[0]

    def sample_block(self, seed: int, block: int, *, block_size: int = DEFAULT_BLOCK_SIZE,
                     rows: slice = slice(None), compiled: bool = False) -> np.ndarray:
        """Uniforms ``u[rows]`` of one block of ``u[block_size, K]`` (Gaussian copula
        applied; ``compiled``: in one compiled pass, :mod:`.sampling_kernels`, the same
        numbers).

        The block's stream gives the standard normals ``z[block_size, K]``, then one
        factor ``F[block_size]`` per group in :attr:`groups` order. All of them are drawn
        (the factors follow the normals in the stream), but only the ``rows`` asked for
        are transformed, with the same numbers as in the whole block: 1,000 draws of a
        16,384-draw block cost a sixteenth of the copula and of ``ndtr``."""
        z, factors = self._normals(seed, block, block_size, rows)
        if compiled:  # the copula and Φ compiled (:mod:`.sampling_kernels`)
            from detente.uncertainty import sampling_kernels

            sampling_kernels.copula(z, factors, *self._copula)
            u = np.empty_like(z)
            sampling_kernels.ndtr_into(z.reshape(-1), u.reshape(-1))
            return u
        for (cols, rho), factor in zip(self.groups, factors, strict=True):
            c = np.asarray(cols)
            z[:, c] = np.sqrt(rho) * factor[:, None] + np.sqrt(1.0 - rho) * z[:, c]
        return ndtr(z, out=z)

    def _normals(self, seed: int, block: int, block_size: int, rows: slice
                 ) -> tuple[np.ndarray, np.ndarray]:
        """The standard normals ``z[rows]`` of one block (``[block_size, K]`` drawn) and
        then its copula factors ``[groups, rows]`` (each ``[block_size]`` drawn)."""
        rng = block_generator(seed, block, _INPUT_STREAM)
        z = rng.standard_normal((block_size, self.size))[rows]
        factors = np.empty((len(self.groups), z.shape[0]))
        for g in range(len(self.groups)):
            factors[g] = rng.standard_normal(block_size)[rows]
        return z, factors

    @cached_property
    def _copula(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:attr:`groups` for :func:`.sampling_kernels.copula`: group g's columns are
        ``cols[starts[g]:starts[g + 1]]``, its ``roots[g]`` are (√ρ, √(1 − ρ))."""
        sizes = [len(cols) for cols, _ in self.groups]
        return (np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
                np.array([c for cols, _ in self.groups for c in cols], dtype=np.int64),
                np.array([[np.sqrt(rho), np.sqrt(1.0 - rho)] for _, rho in self.groups]
                         ).reshape(-1, 2))

    def sample(self, seed: int, start: int, stop: int, *,
               block_size: int = DEFAULT_BLOCK_SIZE, compiled: bool = False
               ) -> ScenarioArrays:
        """The arrays of draws ``start … stop − 1`` (inputs drawn, the rest at their points;
        ``compiled``: through :mod:`.sampling_kernels`, the same numbers, for large runs)."""
        block = start // block_size
        if compiled and self._uniform_or_triangular and start < stop \
                and (stop - 1) // block_size == block:
            return self._sample_in_one_pass(seed, block, block_size,
                                            slice(start - block * block_size,
                                                  stop - block * block_size))
        u = self.sample_unit(seed, start, stop, block_size=block_size, compiled=compiled)
        return self.apply(self.from_unit(u, compiled=compiled), compiled=compiled)

    @cached_property
    def _uniform_or_triangular(self) -> bool:
        return bool((self._params["code"] <= 1).all())

    def _sample_in_one_pass(self, seed: int, block: int, block_size: int, rows: slice
                            ) -> ScenarioArrays:
        """:meth:`sample` of ``rows`` of one block, for spaces of uniform and triangular
        inputs: copula, Φ, inverse CDFs and placement in one compiled pass over the draws
        (:func:`.sampling_kernels.place`; the same numbers)."""
        from detente.uncertainty import sampling_kernels

        z, factors = self._normals(seed, block, block_size, rows)
        pos, sal, cap = _points(self.base, z.shape[0])
        p = self._params
        sampling_kernels.place(z, factors, *self._copula, p["code"], p["low"], p["high"],
                               p["mode"], *self._targets, np.empty(self.size), pos, sal, cap)
        return self.base.with_values(position=pos, salience=sal, capability=cap)


def _points(base: ScenarioArrays, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions, saliences and capabilities of ``n`` draws at ``base``'s first draw's
    values (copies, to be overwritten where an input is drawn)."""
    return tuple(np.repeat(np.asarray(v[:1]), n, axis=0)  # type: ignore[return-value]
                 for v in (base.position, base.salience, base.capability))


def block_generator(seed: int, block: int, stream: int) -> np.random.Generator:
    """The generator of one block of draws and one stream (0: inputs, others: models)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed,
                                                                      spawn_key=(block, stream))))


def stated_inputs(scenario: Scenario, kinds: Sequence[Kind] | None = None) -> list[Input]:
    """Every input of ``scenario`` of the given kinds, with its declared uncertainty or
    ``dist=None``: each stance's position and salience (in stance order), then each
    actor's BATNA and capability. The one list of a scenario's numbers that
    :func:`input_space` (the uncertain ones) and the lever search (all of them) read.
    """
    kinds = tuple(kinds or ("position", "salience", "capability"))
    a_index = {a: k for k, a in enumerate(scenario.actor_ids)}
    i_index = {i: k for k, i in enumerate(scenario.issue_ids)}
    inputs: list[Input] = []
    for st in scenario.stances:
        per_stance: tuple[tuple[Kind, Distribution | None, float], ...] = (
            ("position", st.position_uncertainty, st.position),
            ("salience", st.salience_uncertainty, st.salience))
        for kind, dist, point in per_stance:
            if kind in kinds:
                inputs.append(Input(kind, st.actor, st.issue, a_index[st.actor],
                                    i_index[st.issue], point, dist))
    if "batna" in kinds:  # the deals layer's no-deal values, when the scenario has them
        for actor in scenario.actors:
            point = np.nan if actor.batna is None else actor.batna
            inputs.append(Input("batna", actor.id, None, a_index[actor.id], None, point,
                                actor.batna_uncertainty))
    if "capability" in kinds:
        for actor in scenario.actors:
            inputs.append(Input("capability", actor.id, None, a_index[actor.id], None,
                                actor.capability, actor.capability_uncertainty))
    return inputs


def input_space(scenario: Scenario, kinds: Sequence[Kind] | None = None) -> InputSpace:
    """The uncertain inputs of ``scenario`` (optionally only some kinds).

    The default kinds are those models read: positions, saliences and
    capabilities. ``"batna"`` adds actors' uncertain no-deal values (for the
    deals layer; see :meth:`InputSpace.batna`). A declared distribution with
    ``low == high`` is no uncertainty and is left out.
    """
    inputs = [x for x in stated_inputs(scenario, kinds)
              if x.dist is not None and x.dist.high > x.dist.low]
    groups = []
    for actor in scenario.actors:
        for kind, rho in (("salience", actor.salience_correlation),
                          ("position", actor.position_correlation)):
            if not rho:
                continue
            cols = tuple(k for k, x in enumerate(inputs) if x.kind == kind and x.actor == actor.id)
            if len(cols) > 1:
                groups.append((cols, float(rho)))
    groups += _bloc_groups(scenario, inputs)
    return InputSpace(scenario, tuple(inputs), tuple(groups))


def _bloc_groups(scenario: Scenario, inputs: Sequence[Input]
                 ) -> list[tuple[tuple[int, ...], float]]:
    """One copula group per declared bloc and (kind, issue): its members' inputs."""
    out = []
    for bloc in scenario.blocs:
        members = {a.id for a in scenario.actors if a.bloc == bloc.id}
        keys: dict[tuple[str, str | None], list[int]] = {}
        for k, x in enumerate(inputs):
            if x.actor in members and x.kind != "batna":
                keys.setdefault((x.kind, x.issue), []).append(k)
        out += [(tuple(cols), float(bloc.correlation)) for cols in keys.values()
                if len(cols) > 1 and bloc.correlation > 0]
    return out


# ---- inverse CDFs, vectorised over columns ---------------------------------------------

_PPF_ARGS = {0: ("low", "high"), 1: ("low", "mode", "high"), 2: ("mean", "sd", "low", "high")}


def _uniform_ppf(u: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.clip(low + u * (high - low), low, high)


def _triangular_ppf(u: np.ndarray, low: np.ndarray, mode: np.ndarray, high: np.ndarray
                    ) -> np.ndarray:
    span = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(span > 0, (mode - low) / np.where(span > 0, span, 1.0), 0.0)
    left = low + np.sqrt(u * span * (mode - low))
    right = high - np.sqrt((1.0 - u) * span * (high - mode))
    return np.clip(np.where(u < c, left, right), low, high)


def _truncnorm_ppf(u: np.ndarray, mean: np.ndarray, sd: np.ndarray, low: np.ndarray,
                   high: np.ndarray) -> np.ndarray:
    alpha = (low - mean) / sd
    beta = (high - mean) / sd
    flip = alpha > 0  # the whole range above the mean: work on the mirrored lower tail
    a = np.where(flip, -beta, alpha)
    b = np.where(flip, -alpha, beta)
    uu = np.where(flip, 1.0 - u, u)
    pa, pb = ndtr(a), ndtr(b)
    z = ndtri(np.clip(pa + uu * (pb - pa), pa, pb))
    z = np.where(flip, -z, z)
    return np.clip(mean + sd * z, low, high)


_PPF: dict[int, Callable[..., np.ndarray]] = {0: _uniform_ppf, 1: _triangular_ppf,
                                               2: _truncnorm_ppf}


def distribution_ppf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """Values of ``dist`` at the quantiles ``u`` (its inverse CDF, the same formulas as the
    input space's): a caller that draws its uniforms itself keeps its random numbers the
    same whatever the distribution (common random numbers across variants)."""
    u = np.asarray(u, dtype=float)

    def arg(x: float | None) -> np.ndarray:
        return np.full(u.shape, np.nan if x is None else x, dtype=float)

    if dist.kind == "uniform":
        return _uniform_ppf(u, arg(dist.low), arg(dist.high))
    if dist.kind == "triangular":
        return _triangular_ppf(u, arg(dist.low), arg(dist.mode), arg(dist.high))
    return _truncnorm_ppf(u, arg(dist.mean), arg(dist.sd), arg(dist.low), arg(dist.high))
