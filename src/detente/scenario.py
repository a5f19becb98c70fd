"""Scenario, Actor, Issue, Stance: one negotiation as known on one date.

A :class:`Scenario` is immutable once built and always valid: build it with
:meth:`Scenario.from_dict`, which checks every field and every cross-reference
and reports *all* problems at once as a :class:`~detente.errors.ScenarioError`
(each naming the field, and the file and line when the reader passes a
locator). The scenario layer knows nothing of models or files.

The canonical dictionary form (``to_dict`` / ``from_dict``) is what the YAML
format writes; every other format reads into it and writes from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from detente.errors import Path, Problem, ScenarioError, short

Locator = Callable[[Path], int | None]
"""Maps a field path to the line it came from (``None`` when unknown)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(_Frozen):
    """A document a stance rests on."""

    id: str = Field(min_length=1)
    title: str = ""
    publisher: str = ""
    date: dt.date | None = None
    url: str | None = None
    note: str | None = None


class Actor(_Frozen):
    """A party at the table. ``capability`` is its clout (>= 0, any unit)."""

    id: str = Field(min_length=1)
    name: str = ""
    capability: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    capability_uncertainty: Distribution | None = None
    # Gaussian-copula correlation (0..1) of this actor's uncertain saliences / positions
    # across issues in Monte Carlo draws (see docs/uncertainty.md); None = independent.
    salience_correlation: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    position_correlation: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    bloc: str | None = None
    description: str = ""
    batna: float | None = Field(default=None, allow_inf_nan=False)
    """No-deal value on the deal utility scale (0..1; see ``detente.deals``); derived if None."""
    batna_uncertainty: Distribution | None = None

    @model_validator(mode="after")
    def _default_name(self) -> Actor:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self


class Anchor(_Frozen):
    """A labelled point on an issue's scale ("0 = Ukraine keeps all of Donetsk")."""

    value: float = Field(allow_inf_nan=False)
    label: str = Field(min_length=1)


class Option(_Frozen):
    """A named option on an issue: a point on its scale that a deal may pick."""

    name: str = Field(min_length=1)
    value: float = Field(allow_inf_nan=False)


class Distribution(_Frozen):
    """Uncertainty about one number.

    - ``uniform``: every value in ``[low, high]`` equally likely;
    - ``triangular``: from ``low`` to ``high`` with its peak at ``mode``;
    - ``normal``: mean ``mean``, standard deviation ``sd``, truncated to
      ``[low, high]``.
    """

    kind: Literal["uniform", "triangular", "normal"] = "uniform"
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _check(self) -> Distribution:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) is below low ({self.low})")
        if self.kind == "triangular":
            if self.mode is None:
                raise ValueError("a triangular distribution needs 'mode'")
            if not self.low <= self.mode <= self.high:
                raise ValueError(f"mode {self.mode} lies outside [{self.low}, {self.high}]")
        if self.kind == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs 'mean' and 'sd'")
        return self

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


Actor.model_rebuild()


class Issue(_Frozen):
    """One dimension bargained over: a scale ``[low, high]`` with anchors."""

    id: str = Field(min_length=1)
    name: str = ""
    low: float = Field(default=0.0, allow_inf_nan=False)
    high: float = Field(default=100.0, allow_inf_nan=False)
    anchors: tuple[Anchor, ...] = ()
    status_quo: float | None = Field(default=None, allow_inf_nan=False)
    options: tuple[Option, ...] = ()
    description: str = ""

    @model_validator(mode="after")
    def _default_name(self) -> Issue:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self

    @property
    def span(self) -> float:
        return self.high - self.low

    def nearest_anchor(self, value: float) -> Anchor | None:
        """The labelled anchor closest to ``value`` (the lower one on a tie)."""
        if not self.anchors or value is None or math.isnan(value):
            return None
        return min(self.anchors, key=lambda a: (abs(a.value - value), a.value))

    def describe(self, value: float) -> str:
        """``value`` with its nearest anchor label, e.g. ``"72.0 (≈ frozen line)"``."""
        anchor = self.nearest_anchor(value)
        return f"{value:.1f}" + (f" (≈ {anchor.label})" if anchor else "")


class Stance(_Frozen):
    """One actor on one issue: where it stands, how much it cares, and why we think so."""

    actor: str = Field(min_length=1)
    issue: str = Field(min_length=1)
    position: float = Field(allow_inf_nan=False)
    salience: float = Field(ge=0, le=1, allow_inf_nan=False)
    position_uncertainty: Distribution | None = None
    salience_uncertainty: Distribution | None = None
    sources: tuple[str, ...] = ()
    evidence: str = ""


class Scenario(_Frozen):
    """One negotiation as known on one date (``as_of``), with its sources.

    Build with :meth:`from_dict` (or a reader in :mod:`detente.formats`), which
    validates everything; construct directly only from trusted parts.
    """

    name: str = Field(min_length=1)
    title: str = ""
    as_of: dt.date | None = None
    description: str = ""
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    stances: tuple[Stance, ...] = ()
    metadata: dict[str, Any] = Field(default_factory=dict)

    # ---- look-ups -------------------------------------------------------------
    @cached_property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    @cached_property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"no actor {actor_id!r}; actors are {', '.join(self.actor_ids)}")

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(f"no issue {issue_id!r}; issues are {', '.join(self.issue_ids)}")

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        """The stance of one actor on one issue, or ``None`` if it takes none."""
        return self._stance_index.get((actor_id, issue_id))

    @cached_property
    def _stance_index(self) -> dict[tuple[str, str], Stance]:
        return {(s.actor, s.issue): s for s in self.stances}

    # ---- identity -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The canonical plain-data form (what YAML and JSON hold)."""
        data = self.model_dump(mode="json", exclude_none=True)
        for key in ("title", "description"):
            if not data.get(key):
                data.pop(key, None)
        if not data.get("metadata"):
            data.pop("metadata", None)
        for actor in data["actors"]:
            if not actor.get("description"):
                actor.pop("description", None)
        for issue in data["issues"]:
            issue["anchors"] = {_num_key(a["value"]): a["label"] for a in issue["anchors"]}
            issue["options"] = {o["name"]: o["value"] for o in issue["options"]}
            for key in ("anchors", "options", "description"):
                if not issue[key]:
                    issue.pop(key)
        for stance in data["stances"]:
            for key in ("sources", "evidence"):
                if not stance[key]:
                    stance.pop(key)
        for source in data["sources"]:
            for key in ("title", "publisher"):
                if not source[key]:
                    source.pop(key)
        return data

    @cached_property
    def hash(self) -> str:
        """A short content hash: two scenarios with the same data share it."""
        # the canonical form leaves out unset optional fields, so that adding an optional
        # field to the schema does not change the hash of existing scenarios
        blob = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def replace(self, **changes: Any) -> Scenario:
        """A new, re-validated scenario with some top-level fields changed."""
        data = self.to_dict()
        for key, value in changes.items():
            data[key] = _plain(value)
        return Scenario.from_dict(data)

    # ---- building -------------------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        data: Any,
        *,
        file: str | None = None,
        locate: Locator | None = None,
    ) -> Scenario:
        """Validate plain data and build a scenario, or raise every problem at once.

        ``locate`` maps a field path to a line number so that errors can point
        into the file the data came from.
        """
        problems: list[Problem] = []

        def add(path: Path, found: str, expected: str) -> None:
            problems.append(Problem(path, found, expected, file, _line(locate, path)))

        if not isinstance(data, Mapping):
            add((), f"{type(data).__name__} {short(data)}", "a mapping with name, actors, issues")
            raise ScenarioError(problems, file=file)

        known = {"name", "title", "as_of", "description", "sources", "actors", "issues",
                 "stances", "metadata"}
        for key in data:
            if key not in known:
                add((str(key),), "an unknown key", f"one of {', '.join(sorted(known))}")

        top = {k: data.get(k) for k in ("name", "title", "as_of", "description", "metadata")}
        top = {k: v for k, v in top.items() if v is not None}
        if not data.get("name"):
            add(("name",), short(data.get("name")), "a non-empty scenario name")
            top["name"] = "unnamed"
        top_obj = _validate(_TopLevel, top, (), add)

        sources = _validate_list(data, "sources", Source, _normalise_plain, add)
        actors = _validate_list(data, "actors", Actor, _normalise_actor, add)
        issues = _validate_list(data, "issues", Issue, _normalise_issue, add)
        stances = _validate_list(data, "stances", Stance, _normalise_stance, add)

        if not data.get("actors"):
            add(("actors",), "no actors", "at least one actor")
        if not data.get("issues"):
            add(("issues",), "no issues", "at least one issue")

        _check_unique(actors, "actors", "id", add)
        _check_unique(issues, "issues", "id", add)
        _check_unique(sources, "sources", "id", add)
        _check_issues(issues, add)
        _check_stances(stances, actors, issues, sources, add)
        _check_invalid_stance_refs(data.get("stances"), stances, actors, issues, add)

        if problems:
            raise ScenarioError(problems, file=file)
        assert top_obj is not None
        return cls(
            **top_obj.model_dump(),
            sources=tuple(s for _, s in sources),
            actors=tuple(a for _, a in actors),
            issues=tuple(i for _, i in issues),
            stances=tuple(s for _, s in stances),
        )


class _TopLevel(_Frozen):
    name: str
    title: str = ""
    as_of: dt.date | None = None
    description: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)


# ---- normalising the hand-written shorthands ------------------------------------


def _normalise_plain(raw: Any) -> Any:
    return raw


def _normalise_actor(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    for key in ("capability_uncertainty", "batna_uncertainty"):
        if key in raw:
            raw[key] = _normalise_distribution(raw[key])
    return raw


def _normalise_issue(raw: Any) -> Any:
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
    return raw


def _normalise_distribution(raw: Any) -> Any:
    """``[low, high]`` is shorthand for a uniform distribution."""
    if isinstance(raw, list | tuple) and len(raw) == 2:
        return {"kind": "uniform", "low": raw[0], "high": raw[1]}
    if isinstance(raw, Mapping) and "dist" in raw:
        raw = dict(raw)
        raw["kind"] = raw.pop("dist")
    return raw


def _normalise_stance(raw: Any) -> Any:
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
            raw[key] = _normalise_distribution(raw[key])
    if isinstance(raw.get("sources"), str):
        raw["sources"] = [raw["sources"]]
    if "source" in raw and "sources" not in raw:
        src = raw.pop("source")
        raw["sources"] = [src] if isinstance(src, str) else src
    return raw


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _num_key(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# ---- validation helpers -------------------------------------------------------------

_Add = Callable[[Path, str, str], None]


def _line(locate: Locator | None, path: Path) -> int | None:
    if locate is None:
        return None
    # fall back to the nearest enclosing element that has a line
    for cut in range(len(path), -1, -1):
        line = locate(path[:cut])
        if line:
            return line
    return None


_EXPECT = {
    "missing": "a value (this field is required)",
    "extra_forbidden": "no such field (check the spelling)",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "greater_than_equal": "a number >= {ge}",
    "greater_than": "a number > {gt}",
    "less_than_equal": "a number <= {le}",
    "string_type": "text",
    "string_too_short": "non-empty text",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
    "date_type": "a date YYYY-MM-DD",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "literal_error": "one of {expected}",
}


def _describe_error(err: Mapping[str, Any]) -> tuple[str, str]:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
        return "an inconsistent value", msg
    if kind == "missing":
        return "nothing", _EXPECT["missing"]
    template = _EXPECT.get(kind)
    expected = template.format(**ctx) if template else str(err.get("msg", "a valid value"))
    return short(err.get("input")), expected


def _validate(model: type[BaseModel], raw: Any, path: Path, add: _Add) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not isinstance(p, str) or p != "__root__")
            loc = _translate_loc(loc)
            found, expected = _describe_error(err)
            add(path + loc, found, expected)
        return None


def _translate_loc(loc: tuple[Any, ...]) -> Path:
    """Map pydantic's location (after normalising) back to the field the user wrote."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and part in ("position_uncertainty", "salience_uncertainty"):
            out += ["uncertainty", part.split("_")[0]]
        elif isinstance(part, str) and part.startswith("function-after["):
            continue
        else:
            out.append(part)
    return tuple(out)


def _validate_list(
    data: Mapping[str, Any],
    key: str,
    model: type[BaseModel],
    normalise: Callable[[Any], Any],
    add: _Add,
) -> list[tuple[int, Any]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        add((key,), f"{type(raw).__name__} {short(raw)}", f"a list of {key}")
        return []
    good: list[tuple[int, Any]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            add((key, index), f"{type(item).__name__} {short(item)}", "a mapping of fields")
            continue
        obj = _validate(model, normalise(item), (key, index), add)
        if obj is not None:
            good.append((index, obj))
    return good


def _check_unique(items: Iterable[tuple[int, Any]], key: str, attr: str, add: _Add) -> None:
    seen: dict[str, int] = {}
    for index, obj in items:
        value = getattr(obj, attr)
        if value in seen:
            add((key, index, attr), f"duplicate {attr} {value!r} (first at {key}[{seen[value]}])",
                f"a unique {attr}")
        else:
            seen[value] = index


def _check_issues(issues: list[tuple[int, Issue]], add: _Add) -> None:
    for index, issue in issues:
        path: Path = ("issues", index)
        if not issue.low < issue.high:
            add(path + ("high",), f"scale {issue.low}..{issue.high}", "low < high")
            continue
        rng = f"a value within the scale {issue.low:g}..{issue.high:g}"
        if issue.status_quo is not None and not issue.low <= issue.status_quo <= issue.high:
            add(path + ("status_quo",), short(issue.status_quo), rng)
        anchored: set[float] = set()
        for k, anchor in enumerate(issue.anchors):
            if not issue.low <= anchor.value <= issue.high:
                add(path + ("anchors", k), f"anchor at {anchor.value:g}", rng)
            if anchor.value in anchored:  # YAML keys anchors by value: one label per point
                add(path + ("anchors", k), f"a second anchor at {anchor.value:g}",
                    "one label per value")
            anchored.add(anchor.value)
        seen: set[str] = set()
        for k, option in enumerate(issue.options):
            if not issue.low <= option.value <= issue.high:
                add(path + ("options", k), f"option {option.name!r} at {option.value:g}", rng)
            if option.name in seen:
                add(path + ("options", k), f"duplicate option {option.name!r}",
                    "unique option names")
            seen.add(option.name)


def _check_stances(
    stances: list[tuple[int, Stance]],
    actors: list[tuple[int, Actor]],
    issues: list[tuple[int, Issue]],
    sources: list[tuple[int, Source]],
    add: _Add,
) -> None:
    actor_ids = {a.id for _, a in actors}
    issue_by_id = {i.id: i for _, i in issues}
    source_ids = {s.id for _, s in sources}
    seen: dict[tuple[str, str], int] = {}
    for index, st in stances:
        path: Path = ("stances", index)
        if st.actor not in actor_ids:
            _unknown(add, path + ("actor",), "actor", st.actor, actor_ids)
        issue = issue_by_id.get(st.issue)
        if issue is None:
            _unknown(add, path + ("issue",), "issue", st.issue, issue_by_id)
        elif issue.low < issue.high:
            rng = _within_scale(issue)
            if not issue.low <= st.position <= issue.high:
                add(path + ("position",), short(st.position), rng)
            dist = st.position_uncertainty
            if dist is not None and (dist.low < issue.low or dist.high > issue.high):
                add(path + ("uncertainty", "position"), f"range {dist.low:g}..{dist.high:g}", rng)
            if dist is not None and not dist.low <= st.position <= dist.high:
                add(path + ("uncertainty", "position"),
                    f"range {dist.low:g}..{dist.high:g} that excludes the position {st.position:g}",
                    "a range that contains the stated position")
        sal = st.salience_uncertainty
        if sal is not None and (sal.low < 0 or sal.high > 1):
            add(path + ("uncertainty", "salience"), f"range {sal.low:g}..{sal.high:g}",
                "a range within 0..1")
        if sal is not None and not sal.low <= st.salience <= sal.high:
            add(path + ("uncertainty", "salience"),
                f"range {sal.low:g}..{sal.high:g} that excludes the salience {st.salience:g}",
                "a range that contains the stated salience")
        for k, src in enumerate(st.sources):
            if src not in source_ids:
                add(path + ("sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")
        key = (st.actor, st.issue)
        if key in seen:
            add(path, f"a second stance of {st.actor!r} on {st.issue!r} "
                f"(first at stances[{seen[key]}])", "at most one stance per actor and issue")
        else:
            seen[key] = index


def _check_invalid_stance_refs(
    raw: Any,
    valid: list[tuple[int, Stance]],
    actors: list[tuple[int, Actor]],
    issues: list[tuple[int, Issue]],
    add: _Add,
) -> None:
    """Unknown actor or issue in stances that failed field validation (so all show at once)."""
    if not isinstance(raw, list | tuple):
        return
    done = {index for index, _ in valid}
    known = {"actor": {a.id for _, a in actors}, "issue": {i.id for _, i in issues}}
    issue_by_id = {i.id: i for _, i in issues}
    for index, item in enumerate(raw):
        if index in done or not isinstance(item, Mapping):
            continue
        for key, ids in known.items():
            value = item.get(key)
            if isinstance(value, str) and value and value not in ids:
                _unknown(add, ("stances", index, key), key, value, ids)
        issue_id = item.get("issue")
        issue = issue_by_id.get(issue_id) if isinstance(issue_id, str) else None
        position = item.get("position")
        # as for valid stances: only against a valid scale; a non-finite number is already
        # reported as such
        if (issue is not None and issue.low < issue.high and isinstance(position, int | float)
                and math.isfinite(position) and not issue.low <= position <= issue.high):
            add(("stances", index, "position"), short(position), _within_scale(issue))


def _unknown(add: _Add, path: Path, kind: str, value: str, ids: Iterable[str]) -> None:
    """A reference to an actor or issue the scenario does not have."""
    add(path, f"unknown {kind} {value!r}",
        f"one of the scenario's {kind}s ({', '.join(sorted(ids)) or 'none'})")


def _within_scale(issue: Issue) -> str:
    return f"a value within the scale {issue.low:g}..{issue.high:g} of issue {issue.id!r}"


def require_status_quo(scenario: Scenario, model: str) -> list[Problem]:
    """Problems for every issue without a status quo, for models that need one."""
    return [
        Problem(("issues", k, "status_quo"), "no status quo",
                f"a status quo on the issue's scale (model {model!r} needs one)")
        for k, issue in enumerate(scenario.issues)
        if issue.status_quo is None
    ]
