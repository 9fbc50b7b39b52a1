"""A database session for the command line: keys installed, migrations applied, centres and
districts loaded, as the service itself would have them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import get_settings


@asynccontextmanager
async def database_session() -> AsyncIterator[AsyncSession]:
    from referral import crypto, reference
    from referral.db import make_engine, make_sessionmaker, startup_lock
    from referral.migrate import upgrade

    settings = get_settings()
    settings.ensure_secrets()
    assert settings.data_key is not None
    crypto.install_data_key(settings.data_key.get_secret_value())
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            async with startup_lock(session, settings.database_url):
                await reference.sync(session, settings.content_dir / "reference")
                await session.commit()
            yield session
    finally:
        await engine.dispose()
