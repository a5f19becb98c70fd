"""The gazetteer: names by which a text refers to an actor, and finding them in a text.

An :class:`Entity` is a state, an organisation or a person; a person
``refers_to`` the actor they speak for (Putin -> Russia), so every mention
resolves to one *actor key*. The shipped list (``gazetteer.yaml`` in this
package) can be extended by the user's own files, and a scenario's actors
join it (their ids and names become names of themselves, and a gazetteer
entry whose id or name matches a scenario actor resolves to that actor).

Matching is on whole words, case-sensitive (so "US" is not "us"), longest
name first, with a possessive ('s / ’s) left outside the match.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any, Literal

import yaml

from detente.errors import DetenteError
from detente.scenario import Scenario

Kind = Literal["state", "organisation", "person", "scenario"]


@dataclass(frozen=True)
class Entity:
    """One named thing: its key (the actor it stands for), its names."""

    key: str
    name: str
    kind: Kind
    names: tuple[str, ...]
    adjectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One place a text names an actor: the exact span and the actor it resolves to."""

    key: str
    text: str
    start: int
    end: int
    adjective: bool = False


@dataclass(frozen=True)
class Gazetteer:
    """Actors and their names; :meth:`mentions` finds them in a text."""

    entities: tuple[Entity, ...]
    actors: dict[str, str]
    """actor key -> display name, for the actors entities resolve to."""

    @classmethod
    def load(cls, extra: Sequence[str | os.PathLike[str]] = ()) -> Gazetteer:
        """The shipped gazetteer, extended by the files in ``extra``."""
        text = resources.files(__package__).joinpath("gazetteer.yaml").read_text("utf-8")
        entities, actors = _parse(yaml.safe_load(text), "gazetteer.yaml (shipped)")
        for path in extra:
            try:
                data = yaml.safe_load(open(path, encoding="utf-8").read())  # noqa: SIM115
            except (OSError, UnicodeDecodeError) as exc:
                raise DetenteError(f"{path}: cannot read the gazetteer ({exc})") from None
            except yaml.YAMLError as exc:
                raise DetenteError(f"{path}: invalid YAML ({exc})") from None
            more, more_actors = _parse(data, str(path))
            entities += more
            actors.update(more_actors)
        return cls(tuple(entities), actors)

    def with_scenario(self, scenario: Scenario) -> Gazetteer:
        """Resolve to ``scenario``'s actors: entries matching one by id or name map to it,
        and each scenario actor's id and name become its names."""
        by_name: dict[str, str] = {}
        for a in scenario.actors:
            by_name[a.id.casefold()] = a.id
            by_name[a.name.casefold()] = a.id
        remap: dict[str, str] = {}
        for key, name in self.actors.items():
            hit = by_name.get(key.casefold()) or by_name.get(name.casefold())
            if hit:
                remap[key] = hit
        for e in self.entities:
            if e.key not in remap:
                hit = next((by_name[n.casefold()] for n in e.names if n.casefold() in by_name),
                           None)
                if hit:
                    remap[e.key] = hit
        entities = [Entity(remap.get(e.key, e.key), e.name, e.kind, e.names, e.adjectives)
                    for e in self.entities]
        entities += [Entity(a.id, a.name, "scenario", tuple({a.id, a.name}))
                     for a in scenario.actors]
        actors = {remap.get(k, k): n for k, n in self.actors.items()}
        actors.update({a.id: a.name for a in scenario.actors})
        return Gazetteer(tuple(entities), actors)

    @cached_property
    def _lookup(self) -> dict[str, tuple[str, bool]]:
        out: dict[str, tuple[str, bool]] = {}
        for e in self.entities:
            for n in e.names:
                out.setdefault(n, (e.key, False))
            for n in e.adjectives:
                out.setdefault(n, (e.key, True))
        return out

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        names = sorted(self._lookup, key=len, reverse=True)
        alts = "|".join(re.escape(n) for n in names if n)
        return re.compile(rf"(?<![\w.-])(?:{alts})(?![\w-]|\.\w)")

    def mentions(self, text: str) -> list[Mention]:
        """Every mention of a known actor in ``text``, in order."""
        out = []
        for m in self._pattern.finditer(text):
            key, adjective = self._lookup[m.group(0)]
            out.append(Mention(key, m.group(0), m.start(), m.end(), adjective))
        return out

    def resolve(self, name: str) -> str | None:
        """The actor key of a name (exact, then case-insensitive, then its longest known
        part), or ``None``."""
        name = name.strip()
        if name in self._lookup:
            return self._lookup[name][0]
        folded = {k.casefold(): v for k, v in self._lookup.items()}
        if name.casefold() in folded:
            return folded[name.casefold()][0]
        found = self.mentions(name)
        return max(found, key=lambda m: m.end - m.start).key if found else None

    def name_of(self, key: str) -> str:
        return self.actors.get(key, key)

    def words(self) -> set[str]:
        """Every word of every name (lower case): not issue keywords."""
        out: set[str] = set()
        for n in self._lookup:
            out.update(w.casefold() for w in re.findall(r"\w+", n))
        return out


def _parse(data: Any, file: str) -> tuple[list[Entity], dict[str, str]]:
    if not isinstance(data, dict):
        raise DetenteError(f"{file}: expected a mapping with states, organisations, leaders")
    entities: list[Entity] = []
    actors: dict[str, str] = {}
    for section, kind in (("states", "state"), ("organisations", "organisation")):
        for k, item in enumerate(_items(data, section, file)):
            key, name = _text(item, "id", file, section, k), _text(item, "name", file, section, k)
            names = (name, *_names(item, "aliases", file, section, k))
            entities.append(Entity(key, name, kind, names,  # type: ignore[arg-type]
                                   _names(item, "adjectives", file, section, k)))
            actors[key] = name
    for k, item in enumerate(_items(data, "leaders", file)):
        name = _text(item, "name", file, "leaders", k)
        key = _text(item, "refers_to", file, "leaders", k)
        entities.append(Entity(key, name, "person",
                               (name, *_names(item, "aliases", file, "leaders", k))))
    return entities, actors


def _items(data: dict[str, Any], section: str, file: str) -> list[Any]:
    items = data.get(section) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DetenteError(f"{file}: {section}: expected a list of mappings")
    return items


def _text(item: dict[str, Any], key: str, file: str, section: str, k: int) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DetenteError(f"{file}: {section}[{k}].{key}: expected non-empty text")
    return value.strip()


def _names(item: dict[str, Any], key: str, file: str, section: str, k: int) -> tuple[str, ...]:
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DetenteError(f"{file}: {section}[{k}].{key}: expected a list of names")
    return tuple(v.strip() for v in value if v.strip())


def keys_of(mentions: Iterable[Mention]) -> list[str]:
    """Actor keys in order of first mention."""
    return list(dict.fromkeys(m.key for m in mentions))
