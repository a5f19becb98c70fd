"""An optional extractor through any OpenAI-compatible chat-completions endpoint.

Used only when asked for (``--extractor llm``); the default draft never opens
a connection. The endpoint, key and model come from the caller (CLI options)
or the environment: ``DETENTE_LLM_URL`` (e.g. ``http://127.0.0.1:8080/v1``),
``DETENTE_LLM_KEY`` and ``DETENTE_LLM_MODEL``.

The model is asked for JSON: the actors the article mentions, the issues, and
stance statements ``{actor, issue, cue, quote}`` whose quote is copied
exactly from the article. Its answer goes through the same checks as the
rules' findings: the JSON is validated against a schema, every quote must be
found verbatim in the article (white space may differ; a quote that is not
there is dropped and counted), actors resolve through the gazetteer and the
scenario, issues to the scenario's issues, and the review is built by the
same code as the rules' one.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detente.errors import DetenteError, OptionError
from detente.inputs.draft.article import Article
from detente.inputs.draft.build import Found
from detente.inputs.draft.cues import CUE_CLASSES, Cue
from detente.inputs.draft.gazetteer import Gazetteer
from detente.inputs.draft.rules import IssueIndex, Statement
from detente.inputs.draft.words import slug
from detente.scenario import Scenario

ENV_URL, ENV_KEY, ENV_MODEL = "DETENTE_LLM_URL", "DETENTE_LLM_KEY", "DETENTE_LLM_MODEL"
Opener = Callable[[urllib.request.Request, float], Any]


@dataclass(frozen=True)
class Endpoint:
    """Where to send the request: base URL (ending before /chat/completions), key, model."""

    url: str
    key: str | None
    model: str

    @classmethod
    def resolve(cls, url: str | None = None, key: str | None = None,
                model: str | None = None) -> Endpoint:
        url = url or os.environ.get(ENV_URL)
        model = model or os.environ.get(ENV_MODEL)
        if not url or not model:
            raise OptionError(
                "the llm extractor needs an endpoint and a model: {llm_url} and {llm_model} "
                f"(or {ENV_URL} and {ENV_MODEL}); the default extractor (rules) needs neither")
        if not re.match(r"^https?://", url):
            raise OptionError(f"{{llm_url}} {OptionError.quote(repr(url))}: expected an "
                              "http:// or https:// URL")
        return cls(url.rstrip("/"), key or os.environ.get(ENV_KEY), model)


class _LLMActor(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1)


class _LLMIssue(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1)
    id: str | None = None


class _LLMStance(BaseModel):
    model_config = ConfigDict(extra="ignore")
    actor: str = Field(min_length=1)
    issue: str = Field(min_length=1)
    cue: str | None = None
    quote: str = Field(min_length=1)


class LLMOutput(BaseModel):
    """The JSON the model must answer with."""

    model_config = ConfigDict(extra="ignore")
    actors: list[_LLMActor] = Field(default_factory=list)
    issues: list[_LLMIssue] = Field(default_factory=list)
    stances: list[_LLMStance] = Field(default_factory=list)


def prompt(article: Article, scenario: Scenario | None) -> list[dict[str, str]]:
    """The chat messages sent to the model."""
    system = (
        "You extract negotiation positions from news text for an analyst. Answer with JSON "
        'only: {"actors": [{"name": ...}], "issues": [{"name": ..., "id": ...}], '
        '"stances": [{"actor": ..., "issue": ..., "cue": ..., "quote": ...}]}. '
        f"cue is one of: {', '.join(CUE_CLASSES)}. quote is copied exactly, character for "
        "character, from the article. Give no numbers and no opinions.")
    user = ""
    if scenario is not None:
        user += "Known actors: " + "; ".join(f"{a.id} = {a.name}" for a in scenario.actors)
        user += "\nKnown issues: " + "; ".join(f"{i.id} = {i.name}" for i in scenario.issues)
        user += "\nUse these ids where they fit.\n\n"
    user += "Article:\n" + article.text
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _urlopen(request: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)


def ask(endpoint: Endpoint, messages: list[dict[str, str]], *, timeout: float = 120.0,
        opener: Opener = _urlopen) -> LLMOutput:
    """Send the chat request and validate the answer."""
    body = json.dumps({"model": endpoint.model, "temperature": 0, "messages": messages,
                       "response_format": {"type": "json_object"}}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if endpoint.key:
        headers["Authorization"] = f"Bearer {endpoint.key}"
    request = urllib.request.Request(f"{endpoint.url}/chat/completions", data=body,
                                     headers=headers, method="POST")
    where = f"{endpoint.url}/chat/completions"
    try:
        with opener(request, timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise DetenteError(f"{where}: the endpoint answered HTTP {exc.code} "
                           f"({exc.reason})") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DetenteError(f"{where}: cannot reach the endpoint ({reason})") from None
    return parse_answer(raw, where)


def parse_answer(raw: bytes, where: str) -> LLMOutput:
    """The model's JSON from a chat-completions response body."""
    try:
        envelope = json.loads(raw)
        content = envelope["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise DetenteError(f"{where}: not a chat-completions response (expected JSON with "
                           "choices[0].message.content)") from None
    content = re.sub(r"^\s*```(?:json)?\s*|\s*```\s*$", "", str(content))
    try:
        return LLMOutput.model_validate(json.loads(content))
    except ValueError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                           for e in exc.errors()[:5]) if isinstance(exc, ValidationError) else (
            "not JSON")
        raise DetenteError(f"{where}: the model's answer does not fit the schema ({detail})"
                           ) from None


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text`` (exactly, else with any white space between words)."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


@dataclass(frozen=True)
class LLMFindings:
    found: Found
    dropped: int


def to_found(output: LLMOutput, article: Article, gazetteer: Gazetteer,
             scenario: Scenario | None) -> LLMFindings:
    """The model's answer as the rules' findings (same checks, same review)."""
    text = article.text
    new_actors: dict[str, str] = {}
    names: dict[str, str] = {}
    if scenario is not None:
        names = {i.id: i.name for i in scenario.issues}
    for given in output.issues:
        key = given.id if scenario is not None and given.id in names else slug(given.name)
        names.setdefault(key, given.name)
    index = (IssueIndex.from_scenario(scenario, set()) if scenario is not None
             else IssueIndex.from_names(names, set()))
    statements: list[Statement] = []
    dropped = 0
    for st in output.stances:
        span = locate_quote(text, st.quote)
        if span is None:
            dropped += 1
            continue
        actor = gazetteer.resolve(st.actor)
        if actor is None:
            actor = slug(st.actor).upper().replace("-", "_")
            new_actors[actor] = st.actor
        if (scenario is not None and st.issue in scenario.issue_ids) or st.issue in names:
            issue = st.issue
        else:
            issue = (index.best(st.issue) if scenario is not None else None) or slug(st.issue)
            names.setdefault(issue, st.issue)
        cues = (Cue(st.cue, st.cue, span[0], span[0]),) if st.cue in CUE_CLASSES else ()
        statements.append(Statement(actor, (issue,), cues, span[0], span[1], "llm"))
    for named in output.actors:
        if gazetteer.resolve(named.name) is None:
            key = slug(named.name).upper().replace("-", "_")
            new_actors.setdefault(key, named.name)
    quotes: dict[str, tuple[int, int]] = {}
    for statement in statements:
        quotes.setdefault(statement.issues[0], (statement.start, statement.end))
    found = Found(tuple(gazetteer.mentions(text)), tuple(statements), names, quotes, new_actors)
    return LLMFindings(found, dropped)
