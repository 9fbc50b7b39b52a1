"""Alembic environment: runs migrations over the async engine the service itself uses."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from referral import casework, oncall  # noqa: F401  (registers the case tables)
from referral.campaigns import models as _campaigns  # noqa: F401
from referral.db import STARTUP_LOCK, make_engine
from referral.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Processes starting at once on a fresh database migrate one after the other: the
            # next one reads the version the first has written, and finds nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                               {"a": STARTUP_LOCK[0], "b": STARTUP_LOCK[1]})
        context.run_migrations()


async def _run_async() -> None:
    engine = make_engine(config.attributes["database_url"])
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `prottasha db upgrade`")
asyncio.run(_run_async())
