"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
import fcntl
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    """Pick the async driver for a plain `sqlite:///` or `postgresql://` URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    elif backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ValueError(f"unsupported database: {backend} (use sqlite:/// or postgresql://)")
    return parsed.render_as_string(hide_password=False)


def behind_transaction_pooler(url: str) -> bool:
    """`?prepared_statement_cache_size=0` on a PostgreSQL URL says a transaction-mode pooler
    (PgBouncer) stands between us and the server (docs/operations.md)."""
    parsed = make_url(url)
    return parsed.get_backend_name() in ("postgresql", "postgres") and \
        parsed.query.get("prepared_statement_cache_size") == "0"


def _statement_name() -> str:
    return f"__asyncpg_{uuid.uuid4().hex}__"


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; SQLite gets WAL and a busy timeout so the worker and the API can share it."""
    options: dict[str, Any] = {}
    if make_url(url).get_backend_name() != "sqlite":
        # Ten connections serve a CPU-bound process fully; ten more absorb a burst. Connections
        # closed and opened under load (the default five) cost a server process each. No ping
        # per checkout: a connection the server dropped is found by the first statement of a
        # message, which is then stored again on a renewed pool (bot.service, `handle`).
        options = {"pool_size": 10, "max_overflow": 10, "pool_recycle": 3600}
        if behind_transaction_pooler(url):
            # PgBouncer in transaction mode hands each transaction whichever server connection
            # is free, so a statement prepared on one may be missing on the next, or its name
            # taken there by another client ("__asyncpg_stmt_1__ already exists"). No statement
            # cache, and names no other client can take (SQLAlchemy's documented recipe).
            options["connect_args"] = {"statement_cache_size": 0,
                                       "prepared_statement_name_func": _statement_name}
    engine = create_async_engine(async_url(url), echo=echo, **options)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def dialect_insert(session: AsyncSession, model: Any) -> Any:
    """An INSERT with the `on_conflict_do_*` clauses of the session's database: SQLite and
    PostgreSQL spell them the same, and one statement beats a savepoint and a retry."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


# Start-up work (migrations, reference data) runs in every process that starts; a lock makes it
# run one process at a time, so N processes may start at once on a fresh database. The key
# shares bot.service's advisory space (7421) with a person-number no hash can take (0).
STARTUP_LOCK = (7421, 0)


def lock_file(url: str) -> Path | None:
    """The file SQLite start-up locks on (next to the database), or None for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or \
            parsed.database == ":memory:":
        return None
    return Path(parsed.database).with_name(Path(parsed.database).name + ".startup.lock")


@contextmanager
def file_lock(path: Path | None) -> Iterator[None]:
    """An exclusive lock across processes on one machine (SQLite is only ever on one)."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@asynccontextmanager
async def startup_lock(session: AsyncSession, url: str) -> AsyncIterator[None]:
    """Hold the start-up lock for the rest of `session`'s transaction (PostgreSQL), or while
    the block runs (SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                              {"a": STARTUP_LOCK[0], "b": STARTUP_LOCK[1]})
        yield
        return
    path = lock_file(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
