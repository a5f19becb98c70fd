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
import functools
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CursorResult,
    Engine,
    bindparam,
    delete,
    func,
    literal,
    select,
    union_all,
    update,
)
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
        self._loop_reader = dbmod.LoopReader.of(self._engine)
        self.observe: Callable[[float], None] | None = None
        """Told the seconds of each session (the web server counts them in the answer's
        ``Server-Timing``)."""

    @property
    def where(self) -> str:
        return dbmod.display(self.url)

    @property
    def reads_on_loop(self) -> bool:
        """Whether the ``*_on_loop`` reads run on the event loop (PostgreSQL); else a
        caller runs the plain ones in a thread."""
        return self._loop_reader is not None

    def close(self) -> None:
        if self._loop_reader is not None:
            self._loop_reader.close()
        self._reader.dispose()
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

    def _read(self, statement: Any, **params: Any) -> list[Any]:
        """The rows of one read (:func:`detente.store.db.read`: SQLAlchemy Core on a
        statement built once, one round trip on PostgreSQL, no write lock on SQLite): what
        every request of a busy server asks, so each millisecond of CPU and each round
        trip it saves is saved many times a second."""
        with self._timed(), dbmod.guarded(self.url):
            return dbmod.read(self._reader, statement, params)

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

    async def _read_on_loop(self, statement: Any, **params: Any) -> list[dict[str, Any]]:
        """:meth:`_read` on the event loop (:class:`detente.store.db.LoopReader`), rows as
        dicts."""
        import psycopg

        assert self._loop_reader is not None
        with self._timed():
            try:
                names, rows = await self._loop_reader.read(statement, params)
            except psycopg.Error as exc:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise DetenteError(f"{self.where}: {reason}") from None
        return [dict(zip(names, row, strict=True)) for row in rows]

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
        return [User(name, created) for name, created in self._read(_USERS)]

    def user_for(self, token: str) -> str | None:
        """The name of the user whose token this is, or None."""
        if not token:
            return None
        rows = self._read(_USER_FOR, hash=token_hash(token))
        return str(rows[0][0]) if rows else None

    def roster(self) -> dict[str, str]:
        """Every user's token hash and name (``token_hash(token) -> name``): one query
        that signs in every request of the next second (:class:`detente.web.security.
        TokenGuard`), instead of one query per request."""
        return {h: n for h, n in self._read(_ROSTER)}

    async def roster_on_loop(self) -> dict[str, str]:
        """:meth:`roster` read on the event loop (needs :attr:`reads_on_loop`)."""
        return {r["token_hash"]: r["name"] for r in await self._read_on_loop(_ROSTER)}

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
        rows = self._read(_TEAMS_OF, user=user) if user is not None else self._read(_TEAMS)
        members: dict[str, list[str]] = {}
        for team, who, _, _ in rows:
            if who is not None:
                members.setdefault(team, []).append(who)
        named = {team: created for team, _, created, _ in rows}
        return [Team(name, tuple(members.get(name, ())), created)
                for name, created in named.items()]

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
        rows = (self._read(_SHARED, user=user) if ref is None else
                self._read(_SHARED_REF, user=user, ref=ref))
        return _shared(rows)

    def shares(self, workspace: str, ref: str) -> list[str]:
        """The teams an upload of ``workspace`` is shared with."""
        return [team for (team,) in self._read(_SHARES, ref=ref, workspace=workspace)]

    # ---- uploads -------------------------------------------------------------------------
    def uploads(self, workspace: str) -> list[tuple[str, str, dict[str, Any]]]:
        """``(ref, filename, scenario dict)`` of a workspace's uploads, oldest first."""
        return [(ref, name, json.loads(body))
                for ref, name, body in self._read(_UPLOADS, workspace=workspace)]

    def visible_uploads(self, workspace: str) -> tuple[list[tuple[str, str, str]],
                                                       list[Shared]]:
        """What ``GET /api/scenarios`` lists beside the bundled scenarios, in one query:
        the workspace's own uploads as ``(ref, filename, body text)`` (oldest first; the
        text is parsed by the caller, who may keep what it parsed before), and the uploads
        of others shared with a team of ``workspace`` (:meth:`shared_with`)."""
        return _visible(self._read(_VISIBLE, user=workspace))

    async def visible_uploads_on_loop(self, workspace: str) -> tuple[
            list[tuple[str, str, str]], list[Shared]]:
        """:meth:`visible_uploads` read on the event loop (needs :attr:`reads_on_loop`)."""
        rows = await self._read_on_loop(_VISIBLE, user=workspace)
        return _visible([(r["mine"], r["ref"], r["workspace"], r["filename"], r["body"],
                          r["team"]) for r in rows])

    def upload(self, workspace: str, ref: str) -> tuple[str, dict[str, Any]] | None:
        """``(filename, scenario dict)`` of one upload of this workspace, or None."""
        rows = self._read(_UPLOAD, workspace=workspace, ref=ref)
        return None if not rows else (rows[0][0], json.loads(rows[0][1]))

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
        rows = self._read(_job_statement(frozenset(large)), id=job_id)
        return None if not rows else dict(rows[0]._mapping)

    def find_job(self, workspace: str, key: str, states: tuple[str, ...]) -> dict[str, Any] | None:
        """The newest job of this workspace with this key in one of ``states``."""
        rows = self._read(_FIND_JOB, workspace=workspace, key=key, states=list(states))
        return None if not rows else dict(rows[0]._mapping)

    def jobs(self, *, workspace: str | None = None, states: tuple[str, ...] | None = None,
             since: float | None = None) -> list[dict[str, Any]]:
        """Jobs' rows without their large columns (inputs, result, shown form: read one
        job with :meth:`job`); every server process asks this each second."""
        q, params = _jobs_query(workspace, states, since)
        return [dict(r._mapping) for r in self._read(q, **params)]

    async def jobs_on_loop(self, *, workspace: str, since: float) -> list[dict[str, Any]]:
        """:meth:`jobs` of a workspace read on the event loop (needs
        :attr:`reads_on_loop`): what ``GET /api/jobs`` asks."""
        q, params = _jobs_query(workspace, None, since)
        return await self._read_on_loop(q, **params)

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


# The reads every request makes, each built once (building a statement cost more CPU than
# PostgreSQL's answer to it): SQLAlchemy Core with bound parameters.
_USERS = select(UserRow.name, UserRow.created_at).order_by(UserRow.name)
_USER_FOR = select(UserRow.name).where(UserRow.token_hash == bindparam("hash"))
_ROSTER = select(UserRow.token_hash, UserRow.name)
_TEAMS = (select(TeamRow.name, MemberRow.user, TeamRow.created_at, literal(0))
          .outerjoin(MemberRow, MemberRow.team == TeamRow.name)
          .order_by(TeamRow.name, MemberRow.user))
_TEAMS_OF = _TEAMS.where(TeamRow.name.in_(
    select(MemberRow.team).where(MemberRow.user == bindparam("user")).scalar_subquery()))


def _shared_with_user(*columns: Any) -> Any:
    """``columns`` of the uploads of others shared with a team of ``:user``, one row per
    upload and team (what :data:`_SHARED` and :data:`_VISIBLE` both read)."""
    return (select(*columns)
            .join(ShareRow, ShareRow.ref == UploadRow.ref)
            .join(MemberRow, MemberRow.team == ShareRow.team)
            .where(MemberRow.user == bindparam("user"),
                   UploadRow.workspace != bindparam("user")))


_SHARED = (_shared_with_user(UploadRow.ref, UploadRow.workspace, UploadRow.filename,
                             UploadRow.body, ShareRow.team)
           .order_by(UploadRow.stored_at, UploadRow.ref, ShareRow.team))
_SHARED_REF = _SHARED.where(UploadRow.ref == bindparam("ref"))
_SHARES = (select(ShareRow.team).join(UploadRow, UploadRow.ref == ShareRow.ref)
           .where(ShareRow.ref == bindparam("ref"), UploadRow.workspace == bindparam("workspace"))
           .order_by(ShareRow.team))
_UPLOADS = (select(UploadRow.ref, UploadRow.filename, UploadRow.body)
            .where(UploadRow.workspace == bindparam("workspace"))
            .order_by(UploadRow.stored_at, UploadRow.ref))
_UPLOAD = select(UploadRow.filename, UploadRow.body).where(
    UploadRow.workspace == bindparam("workspace"), UploadRow.ref == bindparam("ref"))
_own = (select(literal(1).label("mine"), UploadRow.ref, UploadRow.workspace, UploadRow.filename,
               UploadRow.body, literal("").label("team"), UploadRow.stored_at)
        .where(UploadRow.workspace == bindparam("user")))
_theirs = _shared_with_user(literal(0).label("mine"), UploadRow.ref, UploadRow.workspace,
                           UploadRow.filename, UploadRow.body, ShareRow.team,
                           UploadRow.stored_at)
_both = union_all(_own, _theirs).subquery()
_VISIBLE = select(_both.c.mine, _both.c.ref, _both.c.workspace, _both.c.filename,
                  _both.c.body, _both.c.team).order_by(
    _both.c.mine.desc(), _both.c.stored_at, _both.c.ref, _both.c.team)
_FIND_JOB = select(*_small_columns()).where(
    JobRow.workspace == bindparam("workspace"), JobRow.key == bindparam("key"),
    JobRow.state.in_(bindparam("states", expanding=True)),
    JobRow.cancel.is_(False)).order_by(JobRow.created.desc()).limit(1)


@functools.cache
def _job_statement(large: frozenset[str]) -> Any:
    """One job's row with the small columns and ``large`` ones."""
    columns = [c for c in JobRow.__table__.columns if c.key not in _LARGE or c.key in large]
    return select(*columns).where(JobRow.id == bindparam("id"))


@functools.cache
def _jobs_statement(workspace: bool, states: bool, since: bool) -> Any:
    """Jobs' small columns, filtered by the workspace, states and time asked for."""
    q = select(*_small_columns()).order_by(JobRow.created)
    if workspace:
        q = q.where(JobRow.workspace == bindparam("workspace"))
    if states:
        q = q.where(JobRow.state.in_(bindparam("states", expanding=True)))
    if since:
        q = q.where((JobRow.finished.is_(None)) | (JobRow.finished >= bindparam("since")))
    return q


def _jobs_query(workspace: str | None, states: tuple[str, ...] | None,
               since: float | None) -> tuple[Any, dict[str, Any]]:
    q = _jobs_statement(workspace is not None, states is not None, since is not None)
    params: dict[str, Any] = {}
    if workspace is not None:
        params["workspace"] = workspace
    if states is not None:
        params["states"] = list(states)
    if since is not None:
        params["since"] = since
    return q, params


def _visible(rows: Any) -> tuple[list[tuple[str, str, str]], list[Shared]]:
    """:data:`_VISIBLE`'s rows as (own uploads, shared with the workspace)."""
    own: list[tuple[str, str, str]] = []
    shared: list[Any] = []
    for mine, ref, owner, filename, body, team in rows:
        if mine:
            own.append((ref, filename, body))
        else:
            shared.append((ref, owner, filename, body, team))
    return own, _shared(shared)


def _shared(rows: Any) -> list[Shared]:
    """``(ref, owner, filename, body text, team)`` rows (a ref's teams in a row) as
    :class:`Shared`, one per upload."""
    found: dict[str, Shared] = {}
    for r, owner, filename, body, team in rows:
        if r in found:
            old = found[r]
            found[r] = Shared(r, owner, filename, old.body, (*old.teams, team))
        else:
            found[r] = Shared(r, owner, filename, json.loads(body), (team,))
    return list(found.values())


def _run(session: Session, statement: Any) -> CursorResult[Any]:
    """Execute a statement (an UPDATE/DELETE result has ``rowcount``)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return result
