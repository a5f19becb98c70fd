"""The ensemble forecaster: a fitted convex combination of other models' forecasts.

    x̂_i = Σ_m w_m^(S) f_m,i,   w^(S) ≥ 0,  Σ_m w_m^(S) = 1

over the members m that can forecast issue i; S is the *member set* that can
run there. Members are the registered models (each as the scenario gives its
capabilities), the issue's reference point (``reference-point``), and, for
EU legislative scenarios (DEU metadata: era, voting rule, procedure), the
compromise model under the Council's voting power (``compromise@banzhaf``,
``compromise@shapley-shubik``, ``compromise@council-votes``; see
:mod:`detente.power.council`).

Four member sets, each with its own fitted weights: ``full`` (status quo and
Council provider present), ``no_status_quo`` (members that need a status quo
dropped), ``no_council`` (the Council-power members dropped: any non-EU
scenario) and ``generic`` (both dropped). Fallback: if a member of the set
cannot run on an issue (it needs a status quo the issue lacks, or refuses
the input with a :class:`~detente.errors.DetenteError`) or returns NaN there, its weight is
spread over the others in proportion (renormalised); members unknown to this
installation are dropped the same way. Any other error of a member is a bug
and propagates. So ``detente forecast --model ensemble`` runs on any
scenario.

The weights ship in ``ensemble_weights.json`` beside this module, with their
provenance (data file and hash, training and held-out proposals, the fitting
method, cross-validated and held-out accuracy). They are fitted by
:mod:`detente.backtest.ensemble_fit`: least absolute deviations with an L1
pull toward the compromise model, on training proposals only.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from detente.arrays import ScenarioArrays
from detente.errors import DetenteError
from detente.extras import NONE, ScenarioExtras
from detente.models.base import SCENARIO_INPUT, Details, Model, ModelOutput, single_round
from detente.power.council import CouncilPower

WEIGHTS_FILE = Path(__file__).with_name("ensemble_weights.json")
REFERENCE_POINT = "reference-point"
COUNCIL_SCHEMES: tuple[str, ...] = ("council-votes", "shapley-shubik", "banzhaf")
SETS: tuple[str, ...] = ("full", "no_status_quo", "no_council", "generic")


def default_members() -> tuple[str, ...]:
    """Every registered model but the ensemble, the reference point, compromise@schemes."""
    from detente.models.registry import available_models

    base = tuple(m for m in available_models() if m != Ensemble.name)
    return (*base, REFERENCE_POINT, *(f"compromise@{s}" for s in COUNCIL_SCHEMES))


def needs_status_quo(member: str) -> bool:
    if member == REFERENCE_POINT:
        return True
    from detente.models.registry import available_models, model_class

    base = member.split("@", 1)[0]
    return base in available_models() and model_class(base).needs_status_quo


def is_council_member(member: str) -> bool:
    return "@" in member


def set_members(members: tuple[str, ...] | list[str], which: str) -> list[str]:
    """The members of ``members`` that belong to member set ``which``."""
    drop_sq = which in ("no_status_quo", "generic")
    drop_council = which in ("no_council", "generic")
    return [m for m in members
            if not (drop_sq and needs_status_quo(m))
            and not (drop_council and is_council_member(m))]


class CapabilityProvider(Protocol):
    """Gives the actors' capabilities under a named voting-power scheme (e.g. ``banzhaf``)."""

    def capabilities(self, actors: Sequence[str], scheme: str) -> np.ndarray: ...


def council_capability(
    arrays: ScenarioArrays, scheme: str, council: CapabilityProvider | None
) -> np.ndarray | None:
    """Capabilities of the actors under ``scheme`` from ``council`` (``None`` without one)."""
    if council is None:
        return None
    caps = council.capabilities(arrays.actors, scheme)
    return np.broadcast_to(caps, arrays.capability.shape)


def member_forecasts(
    arrays: ScenarioArrays,
    members: list[str] | tuple[str, ...],
    rng: np.random.Generator,
    *,
    council: CapabilityProvider | None = None,
    extras: ScenarioExtras = NONE,
) -> dict[str, np.ndarray]:
    """Each member's ``outcome[D, I]``; NaN where it cannot run.

    A Council-power member runs only with a ``council`` provider; every model
    member is bound to the scenario's ``extras`` (as it would be on its own).
    """
    d, i = arrays.n_draws, arrays.n_issues
    out: dict[str, np.ndarray] = {}
    for m in members:
        value = np.full((d, i), np.nan)
        if m == REFERENCE_POINT:
            value[:] = arrays.status_quo
        else:
            _model_member(arrays, m, rng, council, extras, value)
        out[m] = value
    return out


def _model_member(
    arrays: ScenarioArrays, member: str, rng: np.random.Generator,
    council: CapabilityProvider | None, extras: ScenarioExtras, value: np.ndarray,
) -> None:
    """Fill ``value[D, I]`` with model member ``member`` (``name`` or ``name@scheme``) where
    it can run; an unknown model, a missing provider or a refused input leaves NaN."""
    from detente.models.registry import available_models, get_model

    base, _, scheme = member.partition("@")
    if base not in available_models() or base == Ensemble.name:
        return
    data = arrays
    if scheme:
        caps = council_capability(arrays, scheme, council)
        if caps is None:
            return
        data = arrays.with_values(capability=caps)
    model = get_model(base).bind(extras)
    has_sq = ~np.isnan(arrays.status_quo)
    cols = np.flatnonzero(has_sq) if model.needs_status_quo else np.arange(arrays.n_issues)
    if not cols.size:
        return
    sub = data if cols.size == arrays.n_issues else data.select_issues(cols)
    # a member that refuses this input (a DetenteError saying why) leaves NaN, and
    # combine() spreads its weight; any other error is a bug and propagates
    with contextlib.suppress(DetenteError):
        value[:, cols] = model.forecast(sub, rng=rng).outcome


def combine(
    forecasts: dict[str, np.ndarray], spec: dict[str, Any], has_sq: np.ndarray, council: bool
) -> tuple[np.ndarray, list[str]]:
    """The weighted combination per issue (see the module docstring), and the sets used."""
    some = next(iter(forecasts.values()))
    out = np.full(some.shape, np.nan)
    used = []
    for k in range(some.shape[-1]):
        which = ("full" if has_sq[k] else "no_status_quo") if council else (
            "no_council" if has_sq[k] else "generic")
        used.append(which)
        weights = spec["weights"][which]
        num = np.zeros(some.shape[:-1])
        den = np.zeros(some.shape[:-1])
        for m, w in weights.items():
            f = forecasts.get(m)
            if f is None or w <= 0:
                continue
            ok = ~np.isnan(f[..., k])
            num += np.where(ok, w * np.nan_to_num(f[..., k]), 0.0)
            den += np.where(ok, w, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[..., k] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out, used


@lru_cache(maxsize=8)
def load_spec(path: str | None = None) -> dict[str, Any]:
    """The fitted weights and their provenance (the shipped file unless ``path``)."""
    file = Path(path) if path else WEIGHTS_FILE
    try:
        spec = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DetenteError(f"{file}: no ensemble weights file") from None
    except json.JSONDecodeError as exc:
        raise DetenteError(f"{file}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    weights = spec.get("weights") if isinstance(spec, dict) else None
    if not isinstance(weights, dict) or set(SETS) - set(weights):
        raise DetenteError(f"{file}: expected 'weights' for the member sets {', '.join(SETS)}")
    bad = [
        f"weights.{which} = {ws!r}"
        for which, ws in weights.items()
        if not isinstance(ws, dict)
    ] + [
        f"weights.{which}.{member} = {w!r}"
        for which, ws in weights.items() if isinstance(ws, dict)
        for member, w in ws.items()
        if not isinstance(w, int | float) or isinstance(w, bool)
    ]
    if bad:
        raise DetenteError(
            f"{file}: expected each member set to map members to numeric weights; found "
            + "; ".join(bad)
        )
    return spec


@dataclass(frozen=True)
class EnsembleDetails(Details):
    """How the ensemble combined (first draw): the member set used per issue, each
    member's forecast per issue (NaN where it could not run), the weights of every set
    and their provenance (as shipped in the weights file)."""

    member_set: Mapping[str, str]
    members: Mapping[str, list[float]]
    weights: Mapping[str, Mapping[str, float]]
    provenance: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Ensemble(Model):
    """Fitted convex combination of the models (and the reference point).

    ``x̂_i = Σ_m w_m f_m,i / Σ_m w_m`` over the members m of the issue's member
    set that give a forecast there (the weights of the others spread in
    proportion).

    Parameters:

    - ``weights`` (default ``None``: the shipped ``ensemble_weights.json``): a
      weights file written by ``detente backtest --fit-ensemble``.

    Inputs (not parameters; :meth:`bind` sets them from a scenario's extras):
    ``council``, the provider of the Council-power members' capabilities
    (``None``: those members drop out), and ``extras``, passed on to the members.
    """

    name = "ensemble"
    label = "Ensemble (fitted combination)"
    weights: str | None = None
    council: CapabilityProvider | None = field(default=None, repr=False, compare=False,
                                              metadata=SCENARIO_INPUT)
    extras: ScenarioExtras = field(default=NONE, repr=False, compare=False,
                                   metadata=SCENARIO_INPUT)

    def bind(self, extras: ScenarioExtras) -> Ensemble:
        council = None if extras.deu is None else CouncilPower.from_deu(extras.deu)
        return replace(self, council=council, extras=extras)

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        spec = load_spec(self.weights)
        members = sorted({m for ws in spec["weights"].values() for m, w in ws.items() if w > 0})
        forecasts = member_forecasts(arrays, members, rng, council=self.council,
                                     extras=self.extras)
        council = self.council is not None
        outcome, used = combine(forecasts, spec, ~np.isnan(arrays.status_quo), council)
        out = single_round(arrays, outcome)
        details = EnsembleDetails(
            member_set=dict(zip(arrays.issues, used, strict=True)),
            members={m: forecasts[m][0].tolist() for m in members},
            weights=spec["weights"],
            provenance=spec.get("provenance", {}),
        )
        return ModelOutput(out.outcome, out.trajectory, details)
