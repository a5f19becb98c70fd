"""The scenarios a web app serves: the bundled ones, and uploads kept in memory.

A request names a scenario by a reference: a bundled name (looked up among
:func:`detente.scenarios.bundled_names`, never used as a path), the id of an
upload (``u-`` and hex digits) or, when the app has a history store, a stored
version (``v-`` and its number). Uploads are parsed from memory and held in this
store, which belongs to one app instance, bounded in count (a further upload is
refused, none dropped).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Any

from detente import api
from detente.errors import DetenteError
from detente.scenario import Scenario
from detente.scenarios import bundled_names, bundled_path

DEFAULT_CAPACITY = 100


class NotFound(DetenteError):
    """A reference that names no scenario (answered with 404)."""


class Full(DetenteError):
    """The store holds as many uploads as it may (answered with 429): a new upload is
    refused rather than an earlier one dropped without a word."""


_VERSION_REF = re.compile(r"v-([0-9]{1,18})", re.ASCII)
"""A stored version's reference: ``v-`` and ASCII digits that fit a database integer."""


@dataclass(frozen=True)
class Entry:
    """One scenario the app can serve."""

    ref: str
    scenario: Scenario
    kind: str  # "bundled", "uploaded" or "stored"
    filename: str = ""


@cache
def _bundled(name: str) -> Scenario:
    path = bundled_path(name)
    if path is None:  # pragma: no cover - names come from bundled_names()
        raise NotFound(f"no bundled scenario {name!r}")
    return api.load(path)


class ScenarioStore:
    """Bundled scenarios plus uploads held in memory (thread-safe, bounded)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, history: Any = None):
        self.capacity = capacity
        self.history = history  # a detente.History, or None
        self._uploads: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def entries(self) -> list[Entry]:
        with self._lock:
            uploads = list(self._uploads.values())
        return [Entry(n, _bundled(n), "bundled") for n in bundled_names()] + uploads

    def versions(self) -> list[Any]:
        """The stored versions (every history, oldest first), if the app has a store."""
        return self.history.versions() if self.history is not None else []

    def get(self, ref: str) -> Entry:
        if ref in bundled_names():
            return Entry(ref, _bundled(ref), "bundled")
        stored = _VERSION_REF.fullmatch(ref) if self.history is not None else None
        if stored is not None:
            try:
                version = self.history.get(int(stored.group(1)))
            except DetenteError:
                raise NotFound(f"no stored version {stored.group(1)}") from None
            return Entry(ref, self.history.scenario(version), "stored",
                         f"{version.history}@{version.as_of}")
        with self._lock:
            entry = self._uploads.get(ref)
        if entry is None:
            shown = ref if len(ref) <= 40 else ref[:37] + "..."
            raise NotFound(f"no scenario {shown!r} (bundled: {', '.join(bundled_names())}; "
                           "or the id of an upload)")
        return entry

    def add(self, scenario: Scenario, filename: str = "") -> Entry:
        """Keep an upload; refused (:class:`Full`) when the store holds ``capacity``."""
        entry = Entry(f"u-{secrets.token_hex(6)}", scenario, "uploaded", filename)
        with self._lock:
            if len(self._uploads) >= self.capacity:
                raise Full(f"this server holds {self.capacity} uploads, its limit: delete "
                           "one (DELETE /api/scenarios/ID) or ask its administrator to raise "
                           "--max-uploads")
            self._uploads[entry.ref] = entry
        return entry

    def remove(self, ref: str) -> None:
        """Forget an upload (bundled scenarios and stored versions stay)."""
        with self._lock:
            if self._uploads.pop(ref, None) is not None:
                return
        self.get(ref)  # NotFound for an unknown reference
        raise DetenteError(f"{ref}: only uploads can be deleted here")

    def replace(self, ref: str, scenario: Scenario) -> Entry:
        """Put an edited scenario back: an upload in place, a bundled one as a new upload."""
        old = self.get(ref)
        if old.kind == "bundled":
            return self.add(scenario, filename=f"{ref}.yaml")
        entry = Entry(ref, scenario, "uploaded", old.filename)
        with self._lock:
            self._uploads[ref] = entry
        return entry
