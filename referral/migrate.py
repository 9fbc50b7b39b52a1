"""Apply Alembic migrations from code, so `make run` and `prottasha db upgrade` need no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from referral.db import file_lock, lock_file

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at this package's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision` (blocking; call it in a thread from async code)."""
    # SQLite: one process at a time by a file lock; PostgreSQL: an advisory lock in env.py.
    with file_lock(lock_file(database_url)):
        command.upgrade(alembic_config(database_url), revision)
