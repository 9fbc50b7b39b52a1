"""Erasure read from the raw database: a person registered on SMS, who also wrote on WhatsApp,
whose organizer kept notes and got alerts, asks to be erased. Afterwards nothing in any table
(read without the ORM, every encrypted value decrypted) holds their phone or their words."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from referral import crypto
from referral.models import Base
from tests.channels.conftest import TG_SECRET, post_twilio, sms
from tests.channels.standin import BotAPI
from tests.channels.test_registration_e2e import BANGLA, PHONE, organizer, query, text_all, tg_message
from tests.channels.test_twilio import wait_until

WORDS = "amar ekta proshno ache xyzzy"  # invented, easy to find
NOTE = "Visited, needs help with the plover loan"  # invented


def _raw_values(client: TestClient) -> list[str]:
    """Every value of every table as text, encrypted ones decrypted."""

    async def read(session: Any) -> list[str]:
        values: list[str] = []
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(text(f"SELECT * FROM {table.name}"))).all():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        try:
                            values.append(crypto.decrypt(bytes(value)))
                        except Exception:
                            values.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        values.append(str(value))
        return values

    return query(client, read)


def test_nothing_of_an_erased_person_stays_in_the_database(client: TestClient,
                                                           bot_api: BotAPI) -> None:
    organizer(client)
    text_all(client, BANGLA, PHONE, "SMraw")
    wa = post_twilio(client, "/webhooks/twilio/whatsapp", sms(WORDS, "SMraw-wa", f"whatsapp:{PHONE}"))
    assert wa.status_code == 200
    from sqlalchemy import select

    from referral.models import OutboxMessage

    alert = wait_until(lambda: next(
        (r for r in query(client, lambda s: s.scalars(select(OutboxMessage)))
         if r.kind == "alert" and r.provider_id), None))
    client.post("/webhooks/telegram", headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
                json=tg_message(f"/note {NOTE}", 9501,
                                reply_to=int(alert.provider_id.split(":")[1])))
    before = "\n".join(_raw_values(client))
    assert PHONE in before and WORDS in before and NOTE in before  # the scan can see them
    # Erased from the other channel than the one registered on: both go.
    post_twilio(client, "/webhooks/twilio/whatsapp", sms("মুছে ফেলুন", "SMraw-del",
                                                        f"whatsapp:{PHONE}"))
    post_twilio(client, "/webhooks/twilio/whatsapp", sms("১", "SMraw-ok", f"whatsapp:{PHONE}"))
    after = _raw_values(client)
    joined = "\n".join(after)
    assert WORDS not in joined and NOTE not in joined
    holding = [v for v in after if PHONE in v or PHONE[1:] in v]
    assert holding == [], holding
