"""What ``detente serve --db`` keeps in the database: accounts, uploads, jobs.

:class:`ServerStore` opens the same database as the history store (SQLite file or
PostgreSQL) and writes only its own three tables, so that every worker process of a
server (``--workers N``) sees the same users, uploads and jobs, and a restarted server
finds them again:

- **accounts** (``users``): a name and the SHA-256 of a token made by
  :func:`secrets.token_urlsafe` (256 random bits). The token is shown once, when the
  user is added, and never stored. A plain cryptographic hash is the right tool for a
  random token of that size (a slow password hash only protects guessable secrets, and
  would cost every request tens of milliseconds); a token is found by its hash, so no
  comparison leaks time.
- **uploads**: each a scenario (canonical JSON) in one workspace (a user's name; ``""``
  when the server has no accounts).
- **teams** (``teams``, ``team_members``) and what is shared with them (``shares``): a
  user shares an upload of theirs with a team they belong to; its members then see it
  (read only: an edit becomes the member's own upload), anyone else as if it did not
  exist.
- **jobs**: heavy work with its inputs, state, heartbeat and result, so that another
  process can report it, cancel it or run it again (:mod:`detente.web.jobs`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from detente.errors import DetenteError
from detente.store import db as dbmod
from detente.store.schema import JobRow, MemberRow, ShareRow, TeamRow, UploadRow, UserRow

USER_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,63}", re.ASCII)
"""A user's name: lower-case letters, digits and ``_.-``, starting with a letter."""


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a token: what the ``users`` table keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Team:
    """A team: its name and its members' names."""

    name: str
    members: tuple[str, ...]
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "members": list(self.members),
                "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class Shared:
    """An upload shared with a team the asking user is in."""

    ref: str
    owner: str
    filename: str
    body: dict[str, Any]
    teams: tuple[str, ...]


@dataclass(frozen=True)
class User:
    """An account: its name (also the name of its workspace) and when it was added."""

    name: str
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "created_at": self.created_at.isoformat()}


class ServerStore:
    """The server's tables on the database at ``db`` (a path or a SQLAlchemy URL; the
    schema is migrated on opening, like the history store's)."""

    def __init__(self, db: str | os.PathLike[str] | None = None) -> None:
        self.url = dbmod.resolve_url(db)
        self._engine: Engine = dbmod.open_engine(self.url)
        self._reader: Engine = dbmod.reader(self._engine)
        self.observe: Callable[[float], None] | None = None
        """Told the seconds of each session (the web server counts them in the answer's
        ``Server-Timing``)."""

    @property
    def where(self) -> str:
        return dbmod.display(self.url)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> ServerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _session(self) -> Iterator[Session]:
        with self._timed(), dbmod.guarded(self.url), Session(self._engine) as session, \
                session.begin():
            yield session

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session for one read (:func:`detente.store.db.reader`: no transaction of its
        own on PostgreSQL, no write lock on SQLite): what every request of a busy server
        asks, so each round trip it saves is saved many times a second."""
        with self._timed(), dbmod.guarded(self.url), Session(self._reader) as session, \
                session.begin():
            yield session

    @contextlib.contextmanager
    def _timed(self) -> Iterator[None]:
        observe = self.observe
        if observe is None:
            yield
            return
        start = time.perf_counter()
        try:
            yield
        finally:
            observe(time.perf_counter() - start)

    # ---- accounts ------------------------------------------------------------------------
    def add_user(self, name: str) -> str:
        """Add a user; the token to give them (shown once: only its hash is kept)."""
        if not USER_NAME.fullmatch(name):
            raise DetenteError(f"user name {name[:70]!r}: expected a lower-case letter, then "
                               "up to 63 lower-case letters, digits or _.- (e.g. 'alice')")
        token = secrets.token_urlsafe(32)
        try:
            with self._session() as s:
                if s.scalar(select(func.count()).select_from(UserRow)
                            .where(UserRow.name == name)):
                    raise DetenteError(f"user {name!r} exists already (`detente users "
                                       "remove` first, to give them a new token)")
                s.add(UserRow(name=name, token_hash=token_hash(token),
                              created_at=dt.datetime.now(dt.UTC)))
        except IntegrityError:  # two adds of one name at once
            raise DetenteError(f"user {name!r} exists already") from None
        return token

    def remove_user(self, name: str) -> None:
        """Remove a user (their token stops working at once); their workspace's uploads go
        too, their unfinished jobs are cancelled."""
        with self._session() as s:
            removed = _run(s, delete(UserRow).where(UserRow.name == name)).rowcount
            if removed:
                refs = select(UploadRow.ref).where(UploadRow.workspace == name)
                _run(s, delete(ShareRow).where(ShareRow.ref.in_(refs)))
                _run(s, delete(MemberRow).where(MemberRow.user == name))
                _run(s, delete(UploadRow).where(UploadRow.workspace == name))
                _run(s, update(JobRow).where(JobRow.workspace == name).values(cancel=True))
        if not removed:
            raise DetenteError(f"no user {name[:70]!r} (users: "
                               f"{', '.join(u.name for u in self.users()) or 'none'})")

    def users(self) -> list[User]:
        with self._reading() as s:
            return [User(r.name, r.created_at)
                    for r in s.scalars(select(UserRow).order_by(UserRow.name))]

    def user_for(self, token: str) -> str | None:
        """The name of the user whose token this is, or None."""
        if not token:
            return None
        with self._reading() as s:
            return s.scalar(select(UserRow.name).where(UserRow.token_hash == token_hash(token)))

    def roster(self) -> dict[str, str]:
        """Every user's token hash and name (``token_hash(token) -> name``): one query
        that signs in every request of the next second (:class:`detente.web.security.
        TokenGuard`), instead of one query per request."""
        with self._reading() as s:
            return {h: n for h, n in s.execute(select(UserRow.token_hash, UserRow.name))}

    # ---- teams ---------------------------------------------------------------------------
    def add_team(self, name: str) -> None:
        """Add a team (no members yet)."""
        if not USER_NAME.fullmatch(name):
            raise DetenteError(f"team name {name[:70]!r}: expected a lower-case letter, then "
                               "up to 63 lower-case letters, digits or _.- (e.g. 'analysts')")
        try:
            with self._session() as s:
                if s.get(TeamRow, name) is not None:
                    raise DetenteError(f"team {name!r} exists already")
                s.add(TeamRow(name=name, created_at=dt.datetime.now(dt.UTC)))
        except IntegrityError:
            raise DetenteError(f"team {name!r} exists already") from None

    def remove_team(self, name: str) -> None:
        """Remove a team: its members stop seeing what was shared with it."""
        with self._session() as s:
            if not _run(s, delete(TeamRow).where(TeamRow.name == name)).rowcount:
                raise self._no_team(s, name)
            _run(s, delete(MemberRow).where(MemberRow.team == name))
            _run(s, delete(ShareRow).where(ShareRow.team == name))

    def add_members(self, team: str, users: list[str]) -> None:
        """Put users in a team (one already in it stays, once)."""
        with self._session() as s:
            if s.get(TeamRow, team) is None:
                raise self._no_team(s, team)
            known = set(s.scalars(select(UserRow.name).where(UserRow.name.in_(users))))
            unknown = [u for u in users if u not in known]
            if unknown:
                raise DetenteError(f"no user {unknown[0][:70]!r} (add users with `detente "
                                   "users add NAME` first)")
            inside = set(s.scalars(select(MemberRow.user).where(MemberRow.team == team)))
            for user in dict.fromkeys(users):
                if user not in inside:
                    s.add(MemberRow(team=team, user=user))

    def remove_members(self, team: str, users: list[str]) -> None:
        """Take users out of a team: they stop seeing what was shared with it (what they
        shared with it stays shared)."""
        with self._session() as s:
            if s.get(TeamRow, team) is None:
                raise self._no_team(s, team)
            inside = set(s.scalars(select(MemberRow.user).where(MemberRow.team == team)))
            missing = [u for u in users if u not in inside]
            if missing:
                raise DetenteError(f"{missing[0][:70]!r} is not in team {team!r} (members: "
                                   f"{', '.join(sorted(inside)) or 'none'})")
            _run(s, delete(MemberRow).where(MemberRow.team == team,
                                            MemberRow.user.in_(users)))

    def teams(self, user: str | None = None) -> list[Team]:
        """Every team (or those ``user`` is in), with their members, by name."""
        with self._reading() as s:
            q = select(TeamRow).order_by(TeamRow.name)
            if user is not None:
                q = q.where(TeamRow.name.in_(select(MemberRow.team)
                                             .where(MemberRow.user == user)))
            rows = list(s.scalars(q))
            members: dict[str, list[str]] = {}
            for team, who in s.execute(select(MemberRow.team, MemberRow.user)
                                       .order_by(MemberRow.user)):
                members.setdefault(team, []).append(who)
            return [Team(r.name, tuple(members.get(r.name, ())), r.created_at) for r in rows]

    def _no_team(self, s: Session, name: str) -> DetenteError:
        names = list(s.scalars(select(TeamRow.name).order_by(TeamRow.name)))
        return DetenteError(f"no team {name[:70]!r} (teams: {', '.join(names) or 'none'}; "
                            "add one with `detente users team create NAME`)")

    def share(self, workspace: str, ref: str, team: str) -> bool:
        """Share an upload of ``workspace`` with a team that user is in; False when the
        upload is not theirs or the team not one of theirs (nothing is written then)."""
        with self._session() as s:
            owned = s.scalar(select(func.count()).select_from(UploadRow).where(
                UploadRow.ref == ref, UploadRow.workspace == workspace))
            member = s.get(MemberRow, (team, workspace))
            if not owned or member is None:
                return False
            if s.get(ShareRow, (ref, team)) is None:
                s.add(ShareRow(ref=ref, team=team, shared_at=dt.datetime.now(dt.UTC)))
            return True

    def unshare(self, workspace: str, ref: str, team: str) -> bool:
        """Stop sharing an upload of ``workspace`` with a team; whether it was shared."""
        with self._session() as s:
            owned = s.scalar(select(func.count()).select_from(UploadRow).where(
                UploadRow.ref == ref, UploadRow.workspace == workspace))
            return bool(owned) and bool(_run(s, delete(ShareRow).where(
                ShareRow.ref == ref, ShareRow.team == team)).rowcount)

    def shared_with(self, user: str, ref: str | None = None) -> list[Shared]:
        """Uploads of others shared with a team ``user`` is in (or the one ``ref``)."""
        q = (select(UploadRow.ref, UploadRow.workspace, UploadRow.filename, UploadRow.body,
                    ShareRow.team)
             .join(ShareRow, ShareRow.ref == UploadRow.ref)
             .join(MemberRow, MemberRow.team == ShareRow.team)
             .where(MemberRow.user == user, UploadRow.workspace != user)
             .order_by(UploadRow.stored_at, UploadRow.ref, ShareRow.team))
        if ref is not None:
            q = q.where(UploadRow.ref == ref)
        found: dict[str, Shared] = {}
        with self._reading() as s:
            for r, owner, filename, body, team in s.execute(q):
                if r in found:
                    old = found[r]
                    found[r] = Shared(r, owner, filename, old.body, (*old.teams, team))
                else:
                    found[r] = Shared(r, owner, filename, json.loads(body), (team,))
        return list(found.values())

    def shares(self, workspace: str, ref: str) -> list[str]:
        """The teams an upload of ``workspace`` is shared with."""
        with self._reading() as s:
            return list(s.scalars(select(ShareRow.team).join(
                UploadRow, UploadRow.ref == ShareRow.ref).where(
                ShareRow.ref == ref, UploadRow.workspace == workspace)
                .order_by(ShareRow.team)))

    # ---- uploads -------------------------------------------------------------------------
    def uploads(self, workspace: str) -> list[tuple[str, str, dict[str, Any]]]:
        """``(ref, filename, scenario dict)`` of a workspace's uploads, oldest first."""
        with self._reading() as s:
            rows = s.execute(select(UploadRow.ref, UploadRow.filename, UploadRow.body)
                             .where(UploadRow.workspace == workspace)
                             .order_by(UploadRow.stored_at, UploadRow.ref)).all()
        return [(ref, name, json.loads(body)) for ref, name, body in rows]

    def upload(self, workspace: str, ref: str) -> tuple[str, dict[str, Any]] | None:
        """``(filename, scenario dict)`` of one upload of this workspace, or None."""
        with self._reading() as s:
            row = s.execute(select(UploadRow.filename, UploadRow.body).where(
                UploadRow.workspace == workspace, UploadRow.ref == ref)).first()
        return None if row is None else (row[0], json.loads(row[1]))

    def put_upload(self, workspace: str, ref: str, filename: str,
                   scenario: Mapping[str, Any], *, capacity: int | None = None) -> bool:
        """Store (or replace) an upload; False when the workspace already holds
        ``capacity`` uploads and this is a new one (nothing is written then)."""
        body = json.dumps(dict(scenario), sort_keys=True, default=str)
        with self._session() as s:
            row = s.get(UploadRow, ref)
            if row is not None:
                if row.workspace != workspace:
                    return False
                row.body, row.filename = body, filename
                return True
            if capacity is not None and (s.scalar(
                    select(func.count()).select_from(UploadRow)
                    .where(UploadRow.workspace == workspace)) or 0) >= capacity:
                return False
            s.add(UploadRow(ref=ref, workspace=workspace, filename=filename, body=body,
                            stored_at=dt.datetime.now(dt.UTC)))
        return True

    def delete_upload(self, workspace: str, ref: str) -> bool:
        with self._session() as s:
            gone = bool(_run(s, delete(UploadRow).where(
                UploadRow.workspace == workspace, UploadRow.ref == ref)).rowcount)
            if gone:
                _run(s, delete(ShareRow).where(ShareRow.ref == ref))
            return gone

    # ---- jobs ----------------------------------------------------------------------------
    def insert_job(self, row: Mapping[str, Any]) -> None:
        with self._session() as s:
            s.add(JobRow(**row))

    def job(self, job_id: str, *, large: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """A job's row as a dict, or None: without its large columns (inputs, result,
        shown form) but those named in ``large``. Asked every second for each job someone
        waits for: a result of a few hundred kilobytes read each time was most of it."""
        unknown = set(large) - _LARGE
        if unknown:
            raise ValueError(f"not a large column of jobs: {sorted(unknown)}")
        columns = [c for c in JobRow.__table__.columns if c.key not in _LARGE or c.key in large]
        with self._reading() as s:
            row = s.execute(select(*columns).where(JobRow.id == job_id)).first()
            return None if row is None else dict(row._mapping)

    def find_job(self, workspace: str, key: str, states: tuple[str, ...]) -> dict[str, Any] | None:
        """The newest job of this workspace with this key in one of ``states``."""
        with self._reading() as s:
            row = s.execute(select(*_small_columns()).where(
                JobRow.workspace == workspace, JobRow.key == key, JobRow.state.in_(states),
                JobRow.cancel.is_(False)).order_by(JobRow.created.desc())).first()
            return None if row is None else dict(row._mapping)

    def jobs(self, *, workspace: str | None = None, states: tuple[str, ...] | None = None,
             since: float | None = None) -> list[dict[str, Any]]:
        """Jobs' rows without their large columns (inputs, result, shown form: read one
        job with :meth:`job`); every server process asks this each second."""
        q = select(*_small_columns()).order_by(JobRow.created)
        if workspace is not None:
            q = q.where(JobRow.workspace == workspace)
        if states is not None:
            q = q.where(JobRow.state.in_(states))
        if since is not None:
            q = q.where((JobRow.finished.is_(None)) | (JobRow.finished >= since))
        with self._reading() as s:
            return [dict(r._mapping) for r in s.execute(q)]

    def update_job(self, job_id: str, *, where: Mapping[str, Any] | None = None,
                   **values: Any) -> bool:
        """Set ``values`` on a job (only if its columns equal ``where``, when given);
        whether a row changed."""
        q = update(JobRow).where(JobRow.id == job_id)
        for column, value in (where or {}).items():
            q = q.where(getattr(JobRow, column) == value)
        with self._session() as s:
            return bool(_run(s, q.values(**values)).rowcount)

    def claim_stale(self, job_id: str, instance: str, stale_before: float) -> bool:
        """Take over a queued or running job whose server has not been heard of since
        ``stale_before`` (atomic: one claimer wins)."""
        now = time.time()
        with self._session() as s:
            return bool(_run(s, update(JobRow).where(
                JobRow.id == job_id, JobRow.state.in_(("queued", "running")),
                JobRow.heartbeat < stale_before).values(
                    instance=instance, heartbeat=now, seen=now, state="queued",
                    started=None, restarts=JobRow.restarts + 1)).rowcount)

    def forget_jobs(self, finished_before: float) -> None:
        with self._session() as s:
            _run(s, delete(JobRow).where(JobRow.finished.is_not(None),
                                           JobRow.finished < finished_before))


_LARGE = frozenset({"scenario", "params", "result", "shown"})


def _small_columns() -> list[Any]:
    """The jobs table's columns but the large ones (:data:`_LARGE`)."""
    return [c for c in JobRow.__table__.columns if c.key not in _LARGE]


def _run(session: Session, statement: Any) -> CursorResult[Any]:
    """Execute a statement (an UPDATE/DELETE result has ``rowcount``)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return result
