"""The JSON Schema of a scenario file, from the models plus the shorthands they accept."""

from __future__ import annotations

from typing import Any

from detente.scenario.model import Scenario


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (YAML or JSON), as detente reads it.

    Generated from the pydantic models, widened for the hand-written
    shorthands ``from_dict`` accepts: anchors and options as ``{value: label}``
    / ``{name: value}`` mappings, a distribution as ``[low, high]``, a stance's
    ``uncertainty: {position, salience}`` and ``red_line`` (one red line),
    ``scale: [low, high]``, and one id where a list of actor ids is expected.
    Cross-references (unknown actors, values outside a scale, circular
    linkages) are checked by ``detente check``, not by the schema.
    """
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "detente scenario"
    pair = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
    dist = {"anyOf": [{"$ref": "#/$defs/Distribution"}, pair, {"type": "null"}]}
    ids = {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
    issue = defs["Issue"]["properties"]
    issue["anchors"] = {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/Anchor"}},
                                  {"type": "object", "additionalProperties": {"type": "string"}}]}
    issue["options"] = {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/Option"}},
                                  {"type": "object", "additionalProperties": {"type": "number"}}]}
    issue["scale"] = pair
    issue["controlled_by"] = issue["vetoes"] = ids
    stance = defs["Stance"]["properties"]
    stance["position_uncertainty"] = stance["salience_uncertainty"] = dist
    stance["uncertainty"] = {"type": "object", "additionalProperties": False,
                             "properties": {"position": dist, "salience": dist}}
    stance["red_line"] = {"$ref": "#/$defs/RedLine"}
    stance["sources"] = ids
    for name in ("capability_uncertainty", "batna_uncertainty"):
        defs["Actor"]["properties"][name] = dist
    defs["Pressure"]["properties"]["uncertainty"] = dist
    for name in ("Process", "Expectation"):
        defs[name]["properties"]["trend_uncertainty"] = dist
        defs[name]["properties"]["source"] = {"type": "string"}
    proposal = defs["Proposal"]["properties"]
    proposal["source"] = {"type": "string"}
    proposal["sources"] = proposal["open"] = ids
    defs["Distribution"]["properties"]["dist"] = defs["Distribution"]["properties"]["kind"]
    defs["Distribution"].get("required", []).clear()
    defs["Distribution"]["required"] = ["low", "high"]
    return schema
