"""Drip series: every step at its day after the contact joined, those who join the segment
later get the whole series from their own day 0, nobody twice; the estimate counts them all."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import select

from bot import jobs, sms
from bot.campaigns import Composer
from referral.campaigns import drafts, sending
from referral.campaigns.models import Campaign
from referral.errors import Invalid
from referral.models import OutboxMessage
from tests.campaigns.test_sending import CATALOGS, MESSAGES, NOON, person

SERIES = [{"day": 3, "messages": {"bn": "তিন দিন পর: প্রশিক্ষণ সনদ সঙ্গে রাখুন।",
                                  "en": "Day 3: keep your training certificate with you."}},
          {"day": 7, "messages": {"bn": "সাত দিন পর: দূতাবাসের নম্বর লিখে রাখুন।",
                                  "en": "Day 7: write down your embassy's number."}}]


class Res:
    catalogs = CATALOGS


async def test_a_drip_series_reaches_each_contact_on_their_own_days(sessions: Any) -> None:
    async with sessions() as s:
        first = await person(s, 1, language="en")
        await s.commit()
        made = await drafts.create(s, None, name="Pre-departure", segment={},
                                   messages=MESSAGES, kind="drip", steps=SERIES,
                                   quiet_hours=False)
        await s.commit()
        plan = await sending.start(s, made, Composer.for_campaign(made, CATALOGS), now=NOON)
        texts = [t for row in await s.scalars(select(OutboxMessage)) for t in [row.text]]
    assert plan.estimate == {"messages": 3,
                             "sms_segments": sum(sms.cost(t).parts for t in texts)}
    assert first

    # Someone new writes two days later; the next round of the jobs enrols them.
    later = NOON + timedelta(days=2)
    async with sessions() as s:
        await person(s, 2, language="bn")
        await s.commit()
    assert await jobs.enrol_drips(sessions, Res(), now=later) == 1  # type: ignore[arg-type]
    assert await jobs.enrol_drips(sessions, Res(), now=later) == 0  # nobody twice

    async with sessions() as s:
        rows = list(await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        counts = await sending.progress(s, made.id)
        shown = await s.get(Campaign, made.id)
    due = {(r.user_hash, r.available_at.replace(tzinfo=UTC)) for r in rows}
    assert due == {("sms-1", NOON), ("sms-1", NOON + timedelta(days=3)),
                   ("sms-1", NOON + timedelta(days=7)),
                   ("sms-2", later), ("sms-2", later + timedelta(days=3)),
                   ("sms-2", later + timedelta(days=7))}
    by_user = {r.user_hash: r.text for r in rows if "7" in r.text or "সাত" in r.text}
    assert by_user["sms-1"].startswith("Day 7") and by_user["sms-2"].startswith("সাত দিন")
    assert counts["pending"] == 6
    assert shown is not None and sending.status(shown, counts, later) == "sending"


async def test_series_and_quizzes_are_checked(sessions: Any) -> None:
    async with sessions() as s:
        for kind, steps in [("drip", []), ("drip", [{"day": 0, "messages": MESSAGES}]),
                            ("drip", [{"day": 5, "messages": MESSAGES},
                                      {"day": 3, "messages": MESSAGES}]),
                            ("quiz", [{"bn": "প্রশ্ন", "en": "Q", "options": 3, "answer": "4"}]),
                            ("quiz", [{"bn": "প্রশ্ন", "en": "Q", "options": 1, "answer": "1"}]),
                            ("quiz", [{"en": "Q", "options": 2, "answer": "1"}]),
                            ("broadcast", [{"day": 3, "messages": MESSAGES}]),
                            ("poll", [])]:
            try:
                await drafts.create(s, None, name="x", segment={}, messages=MESSAGES,
                                    kind=kind, steps=steps)
            except Invalid:
                continue
            raise AssertionError(f"accepted {kind} {steps}")
