"""The models: which there are, and their parameters as the CLI writes them.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import yaml

from detente.errors import OptionError
from detente.models.base import Model
from detente.models.registry import available_models, model_class, resolve_models
from detente.results import ModelInfo

if TYPE_CHECKING:  # the inputs layer is imported on first use
    pass


Params = Mapping[str, Mapping[str, Any]]
"""Model parameters by model name: ``{"eum": {"q": 0.5}}``."""


def list_models() -> list[ModelInfo]:
    """Every registered model: name, label, whether it needs a status quo."""
    out = []
    for name in available_models():
        cls = model_class(name)
        out.append(ModelInfo(name, cls.label or name, bool(cls.needs_status_quo)))
    return out


def parse_params(items: Iterable[str] | None) -> dict[str, dict[str, Any]]:
    """``["eum.q=0.5", "eum.rounds=8"]`` -> ``{"eum": {"q": 0.5, "rounds": 8}}``.

    Values are read as YAML scalars (numbers, booleans, text).
    """
    out: dict[str, dict[str, Any]] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        model, dot, name = key.partition(".")
        if not sep or not dot or not model or not name:
            raise OptionError(f"{{params}} {OptionError.quote(repr(item))}: expected "
                              "MODEL.NAME=VALUE, e.g. eum.q=0.5")
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        out.setdefault(model, {})[name] = value
    return out


def _one_model(model: str | Model, params: Params | None) -> Model:
    return resolve_models([model], params=params)[0]


def _models_option(models: Iterable[str | Model] | None) -> dict[str, Any]:
    """``models`` as a request option: given, it changes the request; ``None`` (the
    positional default of the facade's functions) leaves the request's own."""
    return {} if models is None else {"models": models}
