"""CPU of a turn's writes (issue 13): `bot.record.write`'s one statement, against the same
writes built with SQLAlchemy's constructs on every call (the baseline, measured in the same
run, alternating). One command:

    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/record_bench.py [--calls 300]

The database is WIPED (as bench/webhook_bench.py does). Prints milliseconds of process CPU a
call for each way, from alternating rounds so that the machine's drift falls on both.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.webhook_bench import fresh  # noqa: E402


async def constructs(session: Any, *, key: tuple[str, str], state: Any, inbox_id: int,
                     handled: dict[str, Any], outbox: list[dict[str, Any]]) -> None:
    """The same statement built with SQLAlchemy's constructs (as `bot.record` first did)."""
    from sqlalchemy import insert, update
    from sqlalchemy.dialects import postgresql

    from referral.models import ConversationState, InboxMessage, OutboxMessage, utcnow

    data, now = state.to_dict(), utcnow()
    ctes = [postgresql.insert(ConversationState)
            .values(channel=key[0], user_hash=key[1], data=data, updated_at=now)
            .on_conflict_do_update(index_elements=["channel", "user_hash"],
                                   set_={"data": data, "updated_at": now})
            .returning(ConversationState.channel).cte("state"),
            update(InboxMessage).where(InboxMessage.id == inbox_id).values(**handled)
            .returning(InboxMessage.id).cte("inbox")]
    await session.execute(insert(OutboxMessage).values(outbox).add_cte(*ctes))


async def run(database_url: str, calls: int) -> None:
    from cryptography.fernet import Fernet

    from bot.record import write
    from bot.state import State
    from referral import crypto, outbox
    from referral.db import make_engine, make_sessionmaker
    from referral.migrate import upgrade
    from referral.models import InboxMessage

    crypto.install_data_key(Fernet.generate_key().decode())
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        message = InboxMessage(channel="sms", provider_id="SM-bench", user_hash="u" * 64,
                               text="invented", address="+8801700000000")
        session.add(message)
        await session.commit()
    state = State(lang="bn", options={"1": "migration_cost", "2": "visa_documents"}, turns=3)
    handled = {"status": "handled", "address": None, "language": "bn", "intent": "greet",
               "confidence": 0.93, "flow": None}

    def replies() -> list[dict[str, Any]]:
        return [outbox.values(channel="sms", user_hash="u" * 64, address="+8801700000000",
                              text="An invented reply of an ordinary length, " * 4,
                              language="bn", kind="reply", in_reply_to=message.id, sent=True)]

    ways = {"constructs (baseline)": constructs, "bot.record.write": write}
    spent = dict.fromkeys(ways, 0.0)
    async with sessions() as session:
        for _ in range(5):  # rounds, alternating
            for name, way in ways.items():
                for _ in range(10):  # warm: first-use caches
                    await way(session, key=("contact", "1"), state=state,
                              inbox_id=message.id, handled=handled, outbox=replies())
                started = time.process_time()
                for _ in range(calls // 5):
                    await way(session, key=("contact", "1"), state=state,
                              inbox_id=message.id, handled=handled, outbox=replies())
                spent[name] += time.process_time() - started
        await session.rollback()
    await engine.dispose()
    for name, seconds in spent.items():
        print(f"{name}: {seconds * 1000 / (calls // 5 * 5):.2f} ms of CPU a call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    database = os.environ.get("BENCH_DATABASE_URL")
    if not database or not database.startswith("postgresql"):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database (it is wiped)")
    fresh(database, None)
    asyncio.run(run(database, args.calls))


if __name__ == "__main__":
    main()
