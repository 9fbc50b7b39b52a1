"""kill -9 of `prottasha worker` in the middle of a campaign, and a restart: nobody gets the
campaign twice and nobody is left out (issue 12). The messages whose hand-over the kill cut
are settled by asking Twilio's message list: those it has are sent, the others go once.

The worker runs as a real process on the test database; its SMS go to the Twilio stand-in,
which makes each message at once and answers a little later, so that the kill lands between
Twilio making a message and the worker hearing of it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from referral import contacts
from referral.campaigns import drafts, sending
from referral.db import make_engine, make_sessionmaker
from referral.migrate import upgrade
from referral.models import OutboxMessage
from tests.channels.conftest import AUTH_TOKEN, BASE
from tests.channels.standin import TwilioAPI

PEOPLE = 80


class Fixed:
    """A composer with no catalogs: the crash is the subject here, not the wording."""

    awaiting = None

    def __call__(self, member: Any) -> list[sending.Timed]:
        return [sending.Timed(0, sending.Piece("en", "Know your contract before you go.", 1))]


async def _queue(database_url: str) -> int:
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as s:
            for i in range(PEOPLE):
                phone = f"+8801713{i:06d}"
                await contacts.link(s, channel="sms", user_hash=f"sms-{i}", phone=phone,
                                    address=phone)
            await s.commit()
            campaign = await drafts.create(s, None, name="crash", segment={},
                                           messages={"bn": "x", "en": "y"}, quiet_hours=False)
            await s.commit()
            await sending.start(s, campaign, Fixed())
            return campaign.id
    finally:
        await engine.dispose()


async def _rows(database_url: str, campaign_id: int) -> list[OutboxMessage]:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as s:
            return list(await s.scalars(select(OutboxMessage).where(
                OutboxMessage.campaign_id == campaign_id)))
    finally:
        await engine.dispose()


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(Path(sys.executable).parent / "prottasha"), "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_kill_9_mid_campaign_then_restart_sends_nothing_twice(
        database_url: str, tmp_path: Path, data_key: str, nlu_dir: Path, nlu_model: Any,
        twilio_api: TwilioAPI) -> None:
    campaign_id = asyncio.run(_queue(database_url))
    env = {**os.environ, "APP_ENV": "test", "DATABASE_URL": database_url,
           "VAR_DIR": str(tmp_path), "NLU_ARTIFACT_DIR": str(nlu_dir),
           "SECRET_KEY": "s" * 40, "DATA_KEY": data_key,
           "PUBLIC_BASE_URL": BASE, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": "+15005550006",
           "TWILIO_API_BASE": twilio_api.url, "RATE_CAP_SMS": "40", "OUTBOX_BATCH": "10",
           "OUTBOX_LEASE_SECONDS": "2", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    twilio_api.delay = 0.25
    worker = _worker(env)
    try:
        twilio_api.wait_for("/Messages.json", count=25, timeout=90)
        worker.send_signal(signal.SIGKILL)  # mid-batch: claimed rows, several in flight
        worker.wait(timeout=10)
        at_kill = len(twilio_api.matching("/Messages.json"))
        assert at_kill < PEOPLE, "the kill came too late to test anything"
        worker = _worker(env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            rows = asyncio.run(_rows(database_url, campaign_id))
            if all(r.status in ("sent", "unknown") for r in rows):
                break
            time.sleep(0.5)
    finally:
        worker.kill()
        worker.wait(timeout=10)

    rows = asyncio.run(_rows(database_url, campaign_id))
    calls = Counter(c["params"]["To"] for c in twilio_api.matching("/Messages.json"))
    assert max(calls.values()) == 1, "someone got the campaign twice"
    assert set(calls) == {f"+8801713{i:06d}" for i in range(PEOPLE)}, "someone was left out"
    assert [r.status for r in rows] == ["sent"] * PEOPLE
    # Each row holds the id of the one message Twilio made for it, whoever learnt it.
    made = {m["to"]: m["sid"] for m in twilio_api.made}
    assert {r.address: r.provider_id for r in rows} == made
    settled = [r for r in rows if (r.last_error or "").startswith("interrupted")]
    assert settled, "the kill cut no hand-over: nothing was settled"
