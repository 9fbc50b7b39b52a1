"""Read the app's database from a test, on the app's own event loop."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from referral.models import Contact, ContactChannel, InboxMessage, OutboxMessage


def run(client: TestClient, fn: Any) -> Any:
    """`await fn(session)` inside the app's loop, with a fresh session."""

    async def call() -> Any:
        async with client.app.state.services.sessionmaker() as session:  # type: ignore[attr-defined]
            return await fn(session)

    return client.portal.call(call)  # type: ignore[union-attr]


def count(client: TestClient, model: Any) -> int:
    async def q(session: Any) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)))

    return run(client, q)


def outbox(client: TestClient) -> list[OutboxMessage]:
    async def q(session: Any) -> list[OutboxMessage]:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return run(client, q)


def links(client: TestClient) -> list[ContactChannel]:
    async def q(session: Any) -> list[ContactChannel]:
        return list(await session.scalars(select(ContactChannel).order_by(ContactChannel.channel)))

    return run(client, q)


def enqueue_proactive(client: TestClient, channel: str, address: str, text: str) -> None:
    """A proactive message as issue 6 will queue them (e.g. a ticket update)."""
    from bot.service import person_key
    from referral.outbox import enqueue

    async def q(session: Any) -> None:
        enqueue(session, channel=channel, user_hash=person_key(address), address=address,
                text=text, language="en")
        await session.commit()

    run(client, q)
    client.app.state.services.wake_outbox()  # type: ignore[attr-defined]


__all__ = ["Contact", "InboxMessage", "OutboxMessage", "count", "enqueue_proactive", "links",
           "outbox", "run"]
