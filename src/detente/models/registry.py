"""Models by name: the one place that lists them (CLI, API and backtests read it)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from detente.errors import DetenteError, OptionError
from detente.models.base import Model

# name -> "module:Class"; imported lazily so that a heavy model costs nothing until used
_MODELS: dict[str, str] = {
    "compromise": "detente.models.compromise:Compromise",
    "median": "detente.models.median:WeightedMedian",
    "nash": "detente.models.nash:NashBargaining",
    "ensemble": "detente.models.ensemble:Ensemble",
    "smp": "detente.models.smp:SpatialModelOfPolitics",
    "exchange": "detente.models.exchange:Exchange",
    "eum": "detente.models.eum:ExpectedUtility",
    "procedural": "detente.models.procedural:Procedural",
}

DEFAULT_MODELS: tuple[str, ...] = ("compromise", "median", "nash")


def available_models() -> tuple[str, ...]:
    return tuple(_MODELS)


def model_class(name: str) -> type[Model]:
    try:
        target = _MODELS[name]
    except KeyError:
        raise DetenteError(
            f"unknown model {name!r}; available: {', '.join(available_models())}"
        ) from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)


def get_model(name: str, **params: Any) -> Model:
    """An instance of the model called ``name`` with keyword parameters.

    An unknown parameter is a :class:`DetenteError` that lists the valid ones;
    a bad value one that names it and what was expected (``Model.constraints``).
    """
    cls = model_class(name)
    valid = cls.parameter_names()
    unknown = [key for key in params if key not in valid]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise DetenteError(
            f"model {name!r}: unknown parameter{plural} {', '.join(map(repr, unknown))}; "
            f"valid parameters: {', '.join(valid) or 'none'}"
        )
    return cls(**params)


def resolve_models(models: Iterable[str | Model] | None = None, *,
                   params: Mapping[str, Mapping[str, Any]] | None = None) -> list[Model]:
    """Model instances from names (built with ``params[name]``) or instances.

    ``models`` defaults to :data:`DEFAULT_MODELS`. Parameters for a model that
    is not run are an error (they would silently do nothing).
    """
    entries = list(models or DEFAULT_MODELS)
    params = params or {}
    unknown = set(params) - {m if isinstance(m, str) else m.name for m in entries}
    if unknown:
        raise OptionError(f"{{params}} given for model(s) not run: "
                          f"{OptionError.quote(', '.join(sorted(unknown)))}")
    chosen = [m if isinstance(m, Model) else get_model(m, **params.get(m, {})) for m in entries]
    if not chosen:
        raise DetenteError("no model to run")
    return chosen
