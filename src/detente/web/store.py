"""The scenarios a web app serves: the bundled ones, and uploads kept in memory.

A request names a scenario by a reference: a bundled name (looked up among
:func:`detente.scenarios.bundled_names`, never used as a path), the id of an
upload (``u-`` and hex digits) or, when the app has a history store, a stored
version (``v-`` and its number). Uploads are parsed from memory and held in this
store, which belongs to one app instance, bounded in count (a further upload is
refused, none dropped).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from detente import api
from detente.errors import DetenteError
from detente.scenario import Scenario
from detente.scenarios import bundled_names as _scan_bundled
from detente.scenarios import bundled_path
from detente.web.timing import in_thread

DEFAULT_CAPACITY = 100


@cache
def bundled_names() -> tuple[str, ...]:
    """The bundled scenarios' names, listed once per process (the package's files do not
    change while it runs; every scenario request asks)."""
    return _scan_bundled()


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
    kind: str  # "bundled", "uploaded", "shared" (another's upload, shared) or "stored"
    filename: str = ""
    shared_by: str = ""

    def __reduce__(self) -> Any:
        """A bundled scenario travels to a compute process by its name (each process
        loads it once), anything else whole."""
        if self.kind == "bundled":
            return (_bundled_entry, (self.ref,))
        return (Entry, (self.ref, self.scenario, self.kind, self.filename, self.shared_by))


def _bundled_entry(name: str) -> Entry:
    return Entry(name, _bundled(name), "bundled")


def load_bundled() -> None:
    """Load every bundled scenario now (a compute process, before its first request)."""
    for name in bundled_names():
        _bundled(name)


@cache
def _bundled(name: str) -> Scenario:
    path = bundled_path(name)
    if path is None:  # pragma: no cover - names come from bundled_names()
        raise NotFound(f"no bundled scenario {name!r}")
    return api.load(path)


class ScenarioStore:
    """Bundled scenarios, the history store's versions (shared by every account), and
    each workspace's uploads: in memory, or in the database's ``uploads`` table when the
    app has a :class:`~detente.store.server.ServerStore` (``server``), so that every
    worker process sees them and they outlive the process. Thread-safe; at most
    ``capacity`` uploads per workspace (a further one is refused, none dropped).

    A workspace is a user's name (``""`` without accounts); an upload of another
    workspace is answered exactly as one that does not exist, unless its owner shared it
    with a team the asking user is in (then it is served read only, kind ``shared``).

    ``recorder``: a writable :class:`detente.History` on the same database; each upload
    and each edit is also added there as a dated version of the history
    :func:`upload_history` names (``detente history log``), which only its workspace sees.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY, history: Any = None,
                 server: Any = None, recorder: Any = None):
        self.capacity = capacity
        self.history = history  # a detente.History, or None
        self.server = server  # a detente.store.server.ServerStore, or None
        self.recorder = recorder  # a writable detente.History, or None
        self._uploads: OrderedDict[tuple[str, str], Entry] = OrderedDict()
        self._lock = threading.Lock()

    def entries(self, workspace: str = "") -> list[Entry]:
        bundled = self._bundled()
        if self.server is not None:  # one query for both (a light route: GET /api/scenarios)
            own, shared = self.server.visible_uploads(workspace)
            return bundled + [Entry(ref, _parsed(body, ref), "uploaded", name)
                              for ref, name, body in own] + [_shared_entry(x) for x in shared]
        with self._lock:
            uploads = [e for (ws, _), e in self._uploads.items() if ws == workspace]
        return bundled + uploads

    async def entries_on_loop(self, workspace: str = "") -> list[Entry]:
        """:meth:`entries`, read on the event loop when the database allows (PostgreSQL:
        no thread of the pool for this light request), else in a thread."""
        server = self.server
        if server is None or not server.reads_on_loop:
            return await in_thread(self.entries, workspace)
        own, shared = await server.visible_uploads_on_loop(workspace)
        return self._bundled() + [Entry(ref, _parsed(body, ref), "uploaded", name)
                                  for ref, name, body in own] + [_shared_entry(x)
                                                                 for x in shared]

    def _bundled(self) -> list[Entry]:
        return [Entry(n, _bundled(n), "bundled") for n in bundled_names()]

    def versions(self, workspace: str = "") -> list[Any]:
        """The stored versions this workspace sees (oldest first), if the app has a store:
        every history but those of other workspaces' uploads."""
        if self.history is None:
            return []
        return [v for v in self.history.versions() if visible(v.history, workspace)]

    def bundled(self, ref: str) -> Entry | None:
        """The bundled scenario ``ref`` names, or None (never blocks: in memory)."""
        return Entry(ref, _bundled(ref), "bundled") if ref in bundled_names() else None

    def get(self, ref: str, workspace: str = "") -> Entry:
        found = self.bundled(ref)
        if found is not None:
            return found
        stored = _VERSION_REF.fullmatch(ref) if self.history is not None else None
        if stored is not None:
            try:
                version = self.history.get(int(stored.group(1)))
            except DetenteError:
                raise NotFound(f"no stored version {stored.group(1)}") from None
            if not visible(version.history, workspace):
                raise NotFound(f"no stored version {stored.group(1)}")
            return Entry(ref, self.history.scenario(version), "stored",
                         f"{version.history}@{version.as_of}")
        entry: Entry | None = None
        if self.server is not None:
            if _UPLOAD_REF.fullmatch(ref):
                found = self.server.upload(workspace, ref)
                if found is not None:
                    entry = Entry(ref, _scenario(found[1], ref), "uploaded", found[0])
                elif workspace:
                    shared = self.server.shared_with(workspace, ref)
                    entry = _shared_entry(shared[0]) if shared else None
        else:
            with self._lock:
                entry = self._uploads.get((workspace, ref))
        if entry is None:
            shown = ref if len(ref) <= 40 else ref[:37] + "..."
            raise NotFound(f"no scenario {shown!r} (bundled: {', '.join(bundled_names())}; "
                           "or the id of one of your uploads)")
        return entry

    def _full(self) -> Full:
        return Full(f"your workspace holds {self.capacity} uploads, this server's limit: "
                    "delete one (DELETE /api/scenarios/ID) or ask its administrator to raise "
                    "--max-uploads")

    def add(self, scenario: Scenario, filename: str = "", workspace: str = "") -> Entry:
        """Keep an upload; refused (:class:`Full`) when the workspace holds ``capacity``."""
        entry = Entry(f"u-{secrets.token_hex(6)}", scenario, "uploaded", filename)
        if self.server is not None:
            if not self.server.put_upload(workspace, entry.ref, filename, scenario.to_dict(),
                                          capacity=self.capacity):
                raise self._full()
            self._record(entry, workspace, f"uploaded as {filename}")
            return entry
        with self._lock:
            if sum(ws == workspace for ws, _ in self._uploads) >= self.capacity:
                raise self._full()
            self._uploads[(workspace, entry.ref)] = entry
        return entry

    def remove(self, ref: str, workspace: str = "") -> None:
        """Forget an upload (bundled scenarios and stored versions stay)."""
        if self.server is not None:
            if _UPLOAD_REF.fullmatch(ref) and self.server.delete_upload(workspace, ref):
                return
        else:
            with self._lock:
                if self._uploads.pop((workspace, ref), None) is not None:
                    return
        entry = self.get(ref, workspace)  # NotFound for an unknown reference
        if entry.kind == "shared":
            raise DetenteError(f"{ref}: shared with you by {entry.shared_by}; only they can "
                               "delete it")
        raise DetenteError(f"{ref}: only uploads can be deleted here")

    def replace(self, ref: str, scenario: Scenario, workspace: str = "") -> Entry:
        """Put an edited scenario back: an upload in place, a bundled one (or a stored
        version) as a new upload."""
        old = self.get(ref, workspace)
        if old.kind != "uploaded":
            return self.add(scenario, filename=f"{ref}.yaml", workspace=workspace)
        entry = Entry(ref, scenario, "uploaded", old.filename)
        if self.server is not None:
            if not self.server.put_upload(workspace, ref, old.filename, scenario.to_dict()):
                raise NotFound(f"no scenario {ref!r}")
            self._record(entry, workspace, "edited")
            return entry
        with self._lock:
            self._uploads[(workspace, ref)] = entry
        return entry


    def _record(self, entry: Entry, workspace: str, what: str) -> None:
        """Add the upload as it now is as a version of its history (dated by the
        scenario's own date, else today's; the version's note says who did what)."""
        if self.recorder is None:
            return
        sc = entry.scenario
        as_of = sc.as_of or dt.datetime.now(dt.UTC).date()
        who = f" by {workspace}" if workspace else ""
        self.recorder.add(sc, as_of=as_of, history=upload_history(workspace, entry.ref),
                          note=f"{what}{who} on the web, "
                          f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")


_UPLOAD_REF = re.compile(r"u-[0-9a-f]{12}", re.ASCII)
_UPLOAD_HISTORY = re.compile(r"upload/([^/]*)/(u-[0-9a-f]{12})", re.ASCII)


def upload_history(workspace: str, ref: str) -> str:
    """The history an upload's versions are kept in: ``upload/<user>/<id>`` (``upload/-/
    <id>`` without accounts)."""
    return f"upload/{workspace or '-'}/{ref}"


def visible(history: str, workspace: str) -> bool:
    """Whether a workspace sees a history: any but another workspace's uploads'."""
    found = _UPLOAD_HISTORY.fullmatch(history)
    return found is None or found.group(1) == (workspace or "-")


def _shared_entry(shared: Any) -> Entry:
    return Entry(shared.ref, _scenario(shared.body, shared.ref), "shared",
                 shared.filename, shared_by=shared.owner)


def _scenario(body: dict[str, Any], ref: str) -> Scenario:
    return Scenario.from_dict(body, file=f"upload {ref}")


@lru_cache(maxsize=256)
def _parsed(text: str, ref: str) -> Scenario:
    """An upload's scenario from its stored text, kept by that text (a scenario is
    immutable, and listing the uploads is a light request asked every few seconds: it
    would otherwise parse and check every upload each time)."""
    return _scenario(json.loads(text), ref)


@dataclass(frozen=True)
class Workspace:
    """The store as one workspace sees it (what routes use: ``store(request)``)."""

    store: ScenarioStore
    name: str

    @property
    def history(self) -> Any:
        return self.store.history

    def entries(self) -> list[Entry]:
        return self.store.entries(self.name)

    async def entries_on_loop(self) -> list[Entry]:
        return await self.store.entries_on_loop(self.name)

    def versions(self) -> list[Any]:
        return self.store.versions(self.name)

    def get(self, ref: str) -> Entry:
        return self.store.get(ref, self.name)

    def bundled(self, ref: str) -> Entry | None:
        return self.store.bundled(ref)

    def add(self, scenario: Scenario, filename: str = "") -> Entry:
        return self.store.add(scenario, filename, self.name)

    def remove(self, ref: str) -> None:
        self.store.remove(ref, self.name)

    def replace(self, ref: str, scenario: Scenario) -> Entry:
        return self.store.replace(ref, scenario, self.name)
