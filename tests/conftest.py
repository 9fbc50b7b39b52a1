"""Shared fixtures: real databases (SQLite always, PostgreSQL and Redis when configured), one
trained NLU model per session, and an app wired to them."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from api.settings import ROOT, Settings
from referral import crypto, reference
from referral.db import make_engine, make_sessionmaker
from referral.migrate import upgrade

REQUIRE = os.environ.get("REQUIRE_TEST_SERVICES") == "1"
# Under pytest-xdist (`make test` runs the suite in parallel) each worker is "gw0", "gw1"...: it
# gets a PostgreSQL database and a Redis database of its own, so that no worker empties a schema
# or a keyspace another is using.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_created: list[str] = []


def postgres_url() -> str | None:
    """TEST_DATABASE_URL, or this worker's own database beside it (created the first time)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not WORKER:
        return url
    from sqlalchemy.engine import make_url

    base = make_url(url)
    mine = base.set(database=f"{base.database}_{WORKER}")
    if not _created:
        _admin(url, f'DROP DATABASE IF EXISTS "{mine.database}" WITH (FORCE)',
               f'CREATE DATABASE "{mine.database}"')
        _created.append(mine.render_as_string(hide_password=False))
    return _created[0]


def redis_test_url() -> str | None:
    """TEST_REDIS_URL, or under a worker the database numbered below it ("/15", "/14"...)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url or not WORKER:
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db - int(WORKER.removeprefix('gw'))) % 16}"))


def _admin(url: str, *statements: str) -> None:
    """Statements outside a transaction (CREATE DATABASE) on the server of `url`."""
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _created:
        from sqlalchemy.engine import make_url

        name = make_url(_created[0]).database
        _admin(os.environ["TEST_DATABASE_URL"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unavailable(what: str) -> None:
    if REQUIRE:
        pytest.fail(f"{what} is required in CI (REQUIRE_TEST_SERVICES=1) but is not configured")
    pytest.skip(f"{what} not configured (set TEST_DATABASE_URL / TEST_REDIS_URL)")


@pytest.fixture(scope="session", autouse=True)
def data_key() -> str:
    key = Fernet.generate_key().decode()
    crypto.install_data_key(key)
    return key


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that uses it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = postgres_url()
    if not url:
        _unavailable("PostgreSQL")
    assert url is not None
    _reset_postgres(url)
    return url


def _reset_postgres(url: str) -> None:
    """An empty schema, so each test starts fresh and leaves nothing behind."""
    _admin(url, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = redis_test_url()
    if not url:
        _unavailable("Redis")
    assert url is not None
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def nlu_dir() -> Path:
    """Where the models are kept (NLU_ARTIFACT_DIR for a served subprocess): kept between
    runs, as `make run` keeps its own. Each file is named by a hash of the code and data that
    shaped it, so a change trains afresh and a stale model is never loaded."""
    path = ROOT / "var" / "test-models"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _training_lock(nlu_dir: Path) -> Iterator[None]:
    """One parallel worker trains; the others wait for it and load what it saved."""
    import fcntl

    with open(nlu_dir / ".training.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session", autouse=True)
def danger_detector(nlu_dir: Path):  # type: ignore[no-untyped-def]
    """The real danger detector, trained once and saved in `nlu_dir`, then loaded by each
    worker first of all: `Resources.load` and the dialogue find it loaded instead of each
    worker training its own in memory."""
    from nlu import safety

    with _training_lock(nlu_dir):
        return safety.load_detector(safety.DATA_DIR, safety.CUES, nlu_dir)


@pytest.fixture(scope="session")
def nlu_model(nlu_dir: Path, danger_detector: Any):  # type: ignore[no-untyped-def]
    """The real built-in NLU (and the danger detector), trained once (and saved, so that the
    processes a test starts load them instead of each training its own)."""
    from nlu.engine import load_or_train

    with _training_lock(nlu_dir):
        return load_or_train(ROOT / "nlu" / "data", nlu_dir)


@pytest.fixture
def settings(tmp_path: Path, database_url: str, data_key: str) -> Settings:
    return Settings(APP_ENV="test", VAR_DIR=tmp_path, database_url=database_url,
                    secret_key="s" * 40, data_key=data_key, redis_url=None)


async def migrated(database_url: str):  # type: ignore[no-untyped-def]
    """A migrated database with the centres and districts loaded: (engine, sessionmaker); the
    caller disposes of the engine."""
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    maker = make_sessionmaker(engine)
    async with maker() as session:
        await reference.sync(session, ROOT / "content" / "reference")
        await session.commit()
    return engine, maker


@pytest.fixture
async def sessions(database_url: str):  # type: ignore[no-untyped-def]
    """A migrated database (SQLite and PostgreSQL) with the centres and districts loaded."""
    engine, maker = await migrated(database_url)
    yield maker
    await engine.dispose()
