"""The hand-written shorthands a scenario file may use, rewritten into the records' fields.

``scale: [low, high]``, anchors and options as ``{value: label}`` / ``{name: value}``
mappings, a distribution as ``[low, high]``, a stance's ``uncertainty: {position,
salience}`` and ``red_line``, ``source: id`` for ``sources: [id]``, and one id where a
list is expected. Each function takes one raw record and returns it ready for its model
(anything it does not recognise is passed on, for the model to reject by name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def normalise_plain(raw: Any) -> Any:
    return raw


def normalise_proposal(raw: Any) -> Any:
    """``source: id`` for ``sources: [id]``; ``open: issue`` for ``open: [issue]``."""
    if not isinstance(raw, Mapping):
        return raw
    out = dict(raw)
    if "source" in out and "sources" not in out:
        out["sources"] = out.pop("source")
    for key in ("sources", "open"):
        if isinstance(out.get(key), str):
            out[key] = [out[key]]
    return out


def normalise_actor(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    for key in ("capability_uncertainty", "batna_uncertainty"):
        if key in raw:
            raw[key] = normalise_distribution(raw[key])
    if isinstance(raw.get("expectations"), Mapping):
        raw["expectations"] = {k: normalise_process(v)
                               for k, v in raw["expectations"].items()}
    return raw


def normalise_pressure(raw: Any) -> Any:
    if isinstance(raw, Mapping) and ("uncertainty" in raw or "process" in raw):
        raw = dict(raw)
        if "uncertainty" in raw:
            raw["uncertainty"] = normalise_distribution(raw["uncertainty"])
        if "process" in raw:
            raw["process"] = normalise_process(raw["process"])
    if isinstance(raw, Mapping) and isinstance(raw.get("fronts"), str):
        raw = dict(raw)
        raw["fronts"] = [raw["fronts"]]
    return raw


def normalise_process(raw: Any) -> Any:
    """A process or an expectation: ``trend_uncertainty: [low, high]`` and ``source: id``."""
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    if "trend_uncertainty" in raw:
        raw["trend_uncertainty"] = normalise_distribution(raw["trend_uncertainty"])
    if "source" in raw and "sources" not in raw:
        src = raw.pop("source")
        raw["sources"] = [src] if isinstance(src, str) else src
    return raw




def normalise_issue(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    scale = raw.pop("scale", None)
    if scale is not None:
        if isinstance(scale, list | tuple) and len(scale) == 2:
            raw.setdefault("low", scale[0])
            raw.setdefault("high", scale[1])
        elif isinstance(scale, Mapping):
            raw.setdefault("low", scale.get("low"))
            raw.setdefault("high", scale.get("high"))
        else:
            raw["scale"] = scale  # left for pydantic to reject by name
    anchors = raw.get("anchors")
    if isinstance(anchors, Mapping):
        raw["anchors"] = [{"value": k, "label": v} for k, v in anchors.items()]
    options = raw.get("options")
    if isinstance(options, Mapping):
        raw["options"] = [{"name": k, "value": v} for k, v in options.items()]
    for key in ("controlled_by", "vetoes", "fronts", "beneficiaries"):
        if isinstance(raw.get(key), str):
            raw[key] = [raw[key]]
    if isinstance(raw.get("stops_fighting"), str | int | float):
        raw["stops_fighting"] = [raw["stops_fighting"]]
    lifted = raw.get("lifted_by")
    if isinstance(lifted, Mapping):
        raw["lifted_by"] = {k: [v] if isinstance(v, str) else v for k, v in lifted.items()}
    return raw


def normalise_distribution(raw: Any) -> Any:
    """``[low, high]`` is shorthand for a uniform distribution."""
    if isinstance(raw, list | tuple) and len(raw) == 2:
        return {"kind": "uniform", "low": raw[0], "high": raw[1]}
    if isinstance(raw, Mapping) and "dist" in raw:
        raw = dict(raw)
        raw["kind"] = raw.pop("dist")
    return raw


def normalise_stance(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    unc = raw.pop("uncertainty", None)
    if isinstance(unc, Mapping):
        if "position" in unc:
            raw.setdefault("position_uncertainty", unc["position"])
        if "salience" in unc:
            raw.setdefault("salience_uncertainty", unc["salience"])
        extra = set(unc) - {"position", "salience"}
        if extra:
            raw["uncertainty"] = {k: unc[k] for k in extra}
    elif unc is not None:
        raw["uncertainty"] = unc
    for key in ("position_uncertainty", "salience_uncertainty"):
        if key in raw:
            raw[key] = normalise_distribution(raw[key])
    if isinstance(raw.get("sources"), str):
        raw["sources"] = [raw["sources"]]
    if "red_line" in raw and "red_lines" not in raw:  # one red line, written as a mapping
        raw["red_lines"] = [raw.pop("red_line")]
    if "source" in raw and "sources" not in raw:
        src = raw.pop("source")
        raw["sources"] = [src] if isinstance(src, str) else src
    return raw
