"""Opening the history database: where it lives, the engine, migrations, errors.

The default is an SQLite file in the user's data directory
(``platformdirs.user_data_dir("detente")/history.sqlite``); ``DETENTE_DB`` or
``--db`` change it to another file path or any SQLAlchemy URL, such as
``postgresql+psycopg://user@host/db``. Opening a database brings its schema
to the newest revision with the Alembic migrations shipped in
``detente/store/migrations``, under the database's write lock so that several
processes opening a new file at once migrate it once.

SQLite runs in WAL mode with ``BEGIN IMMEDIATE`` transactions: writers queue
for the lock (up to ``busy_timeout``) instead of failing, and a process killed
mid-write leaves the last committed state, which the next open reads as is.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from detente.errors import DetenteError

ENV_VAR = "DETENTE_DB"
"""Environment variable naming the history database (a path or a SQLAlchemy URL)."""

REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
"""Every schema revision, oldest first; the last is what this detente writes."""
HEAD = REVISIONS[-1]

BUSY_TIMEOUT_S = 60.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_LOCK_KEY = 0x6465_7465_6E74  # "detent": one advisory lock for migrations


def default_path() -> Path:
    """The default SQLite file: ``history.sqlite`` in the user's data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("detente", appauthor=False)) / "history.sqlite"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from ``db`` (a URL or a file path), ``$DETENTE_DB``, or the default.

    A plain ``postgresql://`` (or ``postgres://``) URL gets the psycopg 3 driver that
    detente depends on."""
    given = os.fspath(db) if db is not None else os.environ.get(ENV_VAR) or None
    if given is None:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" in given:
        scheme, rest = given.split("://", 1)
        if scheme in ("postgresql", "postgres"):  # the driver detente ships: psycopg 3
            return f"postgresql+psycopg://{rest}"
        return given
    return f"sqlite:///{Path(given).expanduser().resolve()}"


def display(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_engine(url: str) -> Engine:
    """An engine on ``url`` with the schema at :data:`HEAD` (migrating if needed).

    Raises :class:`DetenteError` for anything that is not (or cannot become) a
    detente history database: a corrupt or foreign file, an unknown URL, a
    server that does not answer, a schema newer than this detente.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DetenteError(f"{url}: not a database URL (expected a file path or a URL such "
                           "as sqlite:///history.sqlite or postgresql+psycopg://host/db)") from None
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed.database)
    try:
        engine = connect(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise DetenteError(f"{display(url)}: cannot open the history database ({exc})") from None
    try:
        with guarded(url):
            migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _check_sqlite_file(database: str | None) -> None:
    if not database or database == ":memory:":
        return
    path = Path(database)
    if path.is_dir():
        raise DetenteError(f"{path}: is a folder; expected a history database file")
    if not path.parent.is_dir():
        raise DetenteError(f"{path}: its folder {path.parent} does not exist")
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head != _SQLITE_MAGIC:
            raise DetenteError(f"{path}: not a detente history database (not an SQLite file)")


def connect(url: str) -> Engine:
    """An engine on ``url`` as detente uses it, without checking or migrating the schema
    (:func:`open_engine` does both)."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url,
                           connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_READ_ONLY):
            conn.exec_driver_sql("BEGIN")  # a read: WAL readers need no lock
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock up front: no upgrade deadlock

    return engine


_READ_ONLY = "detente_read_only"


def reader(engine: Engine) -> Engine:
    """An engine for sessions that only read, beside ``engine``: on PostgreSQL a pool of
    its own in autocommit and without a pre-ping (a query is one round trip, where a
    transaction with a pre-pinged connection is four: ping, BEGIN, the query, COMMIT; a
    connection the server dropped is found by the query itself and the read run once more,
    :func:`read`); on SQLite the same engine with a plain BEGIN (readers of a WAL database
    take no lock, where a writer's ``BEGIN IMMEDIATE`` waits for every other writer).
    Dispose of it with ``engine`` (:meth:`Engine.dispose`)."""
    if engine.dialect.name == "postgresql":
        return create_engine(engine.url, pool_pre_ping=False, isolation_level="AUTOCOMMIT")
    return engine.execution_options(**{_READ_ONLY: True})


def read(engine: Engine, statement: Any, params: Mapping[str, Any] | None = None) -> list[Any]:
    """The rows of one read (``engine``: a :func:`reader`), with SQLAlchemy Core: no ORM
    session, no transaction of its own on PostgreSQL. A pooled connection the database
    closed meanwhile (a restart, an idle timeout) fails its query; SQLAlchemy then empties
    the pool and the read runs once more on a new connection, so that no caller sees it.
    """
    for attempt in (1, 2):
        try:
            with engine.connect() as conn:
                return list(conn.execute(statement, dict(params or {})))
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default the newest), under the write lock."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        current = MigrationContext.configure(conn).get_current_revision()
        target = HEAD if revision == "head" else revision
        if current == target:
            return
        if current is None:
            _refuse_foreign(conn)
        elif current not in REVISIONS:
            raise DetenteError(f"{display(str(engine.url))}: schema revision {current!r} is not "
                               f"one this detente knows ({', '.join(REVISIONS)}); it was made "
                               "by a newer detente or another program")
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, target)


def _refuse_foreign(conn: Connection) -> None:
    """An unversioned database must be empty: never write into someone else's tables."""
    tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise DetenteError(f"{display(str(conn.engine.url))}: not a detente history database "
                           f"(it holds other tables: {shown})")


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("detente.store") / "migrations"))
    return config


@contextlib.contextmanager
def guarded(url: str) -> Iterator[None]:
    """Turn database errors into a :class:`DetenteError` naming the database."""
    try:
        yield
    except DetenteError:
        raise
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if "not a database" in reason or "malformed" in reason:
            reason = f"not a detente history database, or a damaged one ({reason})"
        raise DetenteError(f"{display(url)}: {reason}") from None


class LoopReader:
    """Reads on the event loop itself (PostgreSQL, through psycopg's asynchronous
    connections): what the lightest requests of a busy web server read (its jobs, its
    uploads) then needs no thread of the pool, whose wait for the CPU and the GIL was most
    of their time under load. SQLAlchemy statements are compiled once to the driver's SQL;
    at most ``size`` connections per event loop (more readers wait on the loop), each kept
    for the next read; a connection the server closed is replaced and the read run once
    more. ``None`` from :meth:`of` for a database that is not PostgreSQL (SQLite reads in
    a thread)."""

    def __init__(self, engine: Engine, size: int = 4) -> None:
        self._dialect = engine.dialect
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        self._size = size
        self._compiled: dict[int, tuple[Any, str, dict[str, Any]]] = {}
        self._loops: weakref.WeakKeyDictionary[Any, tuple[list[Any], asyncio.Semaphore]] = \
            weakref.WeakKeyDictionary()
        self._opened: list[Any] = []

    @classmethod
    def of(cls, engine: Engine) -> LoopReader | None:
        return cls(engine) if engine.dialect.name == "postgresql" else None

    def _sql(self, statement: Any) -> tuple[str, dict[str, Any]]:
        found = self._compiled.get(id(statement))
        if found is None or found[0] is not statement:
            compiled = statement.compile(dialect=self._dialect)
            found = (statement, str(compiled), {k: v for k, v in compiled.params.items()
                                                if v is not None})
            self._compiled[id(statement)] = found
        return found[1], found[2]

    async def read(self, statement: Any, params: Mapping[str, Any]) -> tuple[list[str],
                                                                             list[tuple]]:
        """The column names and rows of one read of ``statement`` with ``params``."""
        import psycopg

        sql, defaults = self._sql(statement)
        loop = asyncio.get_running_loop()
        if loop not in self._loops:
            self._loops[loop] = ([], asyncio.Semaphore(self._size))
        idle, slots = self._loops[loop]
        async with slots:
            for attempt in (1, 2):
                conn = idle.pop() if idle else await self._connect()
                try:
                    cursor = await conn.execute(sql, {**defaults, **params})
                    rows = await cursor.fetchall()
                    names = [c.name for c in cursor.description or ()]
                except psycopg.OperationalError:
                    lost = conn.broken or conn.closed
                    await self._drop(conn)
                    if attempt == 2 or not lost:
                        raise
                    while idle:  # the server closed one: the others too, likely
                        await self._drop(idle.pop())
                    continue
                idle.append(conn)
                return names, rows
        raise AssertionError("unreachable")  # pragma: no cover

    async def _connect(self) -> Any:
        import psycopg

        conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        self._opened.append(conn)
        return conn

    async def _drop(self, conn: Any) -> None:
        with contextlib.suppress(ValueError):
            self._opened.remove(conn)
        with contextlib.suppress(Exception):
            await conn.close()

    def close(self) -> None:
        """Close every connection opened (from any thread: no event loop needed)."""
        for conn in self._opened:
            with contextlib.suppress(Exception):
                conn.pgconn.finish()
        self._opened.clear()
