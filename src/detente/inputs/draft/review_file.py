"""Writing a review as commented YAML, and reading an edited one back with line numbers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from detente.atomic import write_text_atomic
from detente.errors import FormatError, Problem, ScenarioError, short
from detente.formats.scenario_yaml import locate
from detente.inputs.draft.review import Review
from detente.inputs.files import read_text
from detente.yaml_text import dump_yaml

HEADER = """\
# detente draft review: proposals drawn from a news article, for an analyst to check.
# Every quote is the article's exact text (article[start:end]); cues are the words that
# suggest what the actor does (demands, rejects, offers, holds back, considers, ...).
# Numbers are blank (new stances, new actors' capability) or the scenario's, unchanged:
# the tool drafts and cites, the analyst decides. Edit this file:
#   - set `accept: false` on a proposal to drop it;
#   - fill in position/salience for new stances, capability for new actors,
#     and a scale (low, high, anchors, status_quo) for new issues; change a number
#     (and its range: position_range/salience_range as [low, high]) where the article
#     warrants it;
#   - `unassigned` lists statements that matched no issue: copy one into a stance
#     entry if it bears on one;
#   - rewrite `evidence` as the paraphrase the scenario should carry;
# then run `detente draft apply THIS_FILE -o NEW_SCENARIO.yaml`.
"""


def dumps_review(review: Review) -> str:
    """The review as YAML with an explanatory header."""
    data = review.model_dump(mode="json")
    return HEADER + dump_yaml(data, width=100)


def write_review(review: Review, path: str | os.PathLike[str]) -> Path:
    """Write the review atomically."""
    path = Path(path)
    write_text_atomic(path, dumps_review(review))
    return path


def read_review(path: str | os.PathLike[str]) -> tuple[Review, Any]:
    """An edited review, validated; every problem names its line. Returns the review and
    the YAML node tree (for line look-ups by the caller)."""
    file = str(path)
    text = read_text(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormatError([Problem((), f"invalid YAML ({getattr(exc, 'problem', exc)})",
                                   "well-formed YAML", file,
                                   mark.line + 1 if mark else None)], file=file) from None
    if not isinstance(data, dict) or "proposed" not in data:
        raise FormatError([Problem((), short(data), "a review file written by `detente draft` "
                                   "(a mapping with article and proposed)", file, 1)], file=file)
    try:
        return Review.model_validate(data), root
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = _clean(err["loc"], data)
            problems.append(Problem(loc, short(err.get("input")), err["msg"], file,
                                    locate(root, loc)))
        raise ScenarioError(problems, file=file) from None


def _clean(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """Drop pydantic's union tag ('stance', ...) from a location inside ``proposed``."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part not in node and out \
                and out[0] == "proposed":
            continue
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)
