"""Plain factories and fixtures for the dashboard and export tests (no tests of their own)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.app import create_app
from api.settings import Settings
from referral import staff, tickets
from referral.casework import Screening
from referral.contacts import phone_hash
from referral.crypto import lookup_hash
from referral.models import Contact, ContactChannel, InboxMessage, OutboxMessage

_numbers = itertools.count(12345678)
PASSWORD = "correct horse battery"  # invented, long enough for set_password


class NoNLU:
    """The dashboard never parses text; the real model is tested elsewhere."""

    def parse(self, text: str) -> Any:  # pragma: no cover - never called here
        raise AssertionError("the dashboard should not call the NLU")


@dataclass
class Person:
    id: int
    name: str
    token: str
    role: str


async def make_user(maker: async_sessionmaker, name: str, role: str, centre: str | None = None,
                    *, language: str = "en", phone: str | None = None) -> Person:
    async with maker() as s:
        user, token = await staff.create_user(s, name=name, role=role, centre=centre,
                                              language=language, phone=phone)
        staff.set_password(user, PASSWORD)
        await s.commit()
        return Person(user.id, user.name, token, role)


async def make_ticket(maker: async_sessionmaker, *, centre: str = "cumilla",
                      district: str = "Cumilla", address: str = "tg-100200",
                      phone: str | None = None, priority: str = "normal",
                      needs: tuple[str, ...] = ("job",), gender: str = "female",
                      inbox: str = "I came back from Dubai and need work",
                      intent: str = "reintegration_support", channel: str = "telegram") -> int:
    """A registered person with a screening, a short conversation and a routed ticket."""
    phone = phone or f"+88017{next(_numbers):08d}"  # invented, one per person
    async with maker() as s:
        contact = Contact(phone=phone, phone_hash=phone_hash(phone))
        s.add(contact)
        await s.flush()
        user_hash = lookup_hash(address)
        s.add(ContactChannel(channel=channel, user_hash=user_hash, contact_id=contact.id,
                             opted_out=False))
        s.add(InboxMessage(channel=channel, provider_id=f"m-{address}", user_hash=user_hash,
                           text=inbox, language="en", intent=intent, confidence=0.4))
        s.add(OutboxMessage(channel=channel, user_hash=user_hash, address=address,
                            text="Thank you, we registered you.", language="en", status="sent"))
        screening = Screening(contact_id=contact.id, questionnaire_version="q-1",
                              rules_version="r-1", score=7, decision="eligible",
                              reasons=[{"id": "returned", "en": "Came back within 12 months",
                                        "bn": "১২ মাসের মধ্যে ফিরেছেন"}],
                              answers={"returned": "yes", "age": 31, "gender": gender,
                                       "district": district, "needs": list(needs),
                                       "debt": "under_1_lakh", "phone": phone},
                              channel=channel, language="en")
        s.add(screening)
        await s.flush()
        ticket = await tickets.create(
            s, reference=tickets.new_reference(), kind="registration", contact_id=contact.id,
            priority=priority, centre_id=centre, district=district, gender=gender,
            needs=list(needs), channel=channel, language="en", address=address, phone=phone,
            phone_hash=phone_hash(phone), screening_id=screening.id, decision="eligible",
            reasons=screening.reasons, rules_version="r-1")
        await s.commit()
        return ticket.id


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    # base_url https so the Secure cookie the dashboard may set is sent back.
    with TestClient(create_app(settings, nlu=NoNLU()), follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def log_in(client: TestClient, who: str, password: str = PASSWORD) -> str:
    """Log in through the form; the CSRF token of the dashboard session."""
    page = client.get("/dashboard/login")
    response = client.post("/dashboard/login", data={"who": who, "password": password,
                                                     "csrf": csrf_of(page.text), "next": ""})
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/dashboard").text)
