"""The dashboard's campaign pages on SQLite and PostgreSQL: a manager writes a draft, sees the
estimate and the previews, starts it and follows its progress; centres, roles, CSRF and bad
input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.app import create_app
from api.dashboard.web import DHAKA
from api.settings import Settings
from referral import contacts
from referral.campaigns.models import Campaign
from referral.models import OutboxMessage
from tests.api.test_dashboard_factories import NoNLU, csrf_of, log_in, make_user

BN = "সতর্কতা: ফ্রি ভিসার প্রস্তাব প্রতারণা। দালালকে টাকা দেবেন না।"
EN = "Warning: free visa offers are a scam. Do not pay a broker."
# (district, language, channel): three in Cumilla's centre, one in Sylhet's.
PEOPLE = [("Cumilla", "bn", "sms"), ("Feni", "en", "sms"), ("Cumilla", "banglish", "telegram"),
          ("Sylhet", "bn", "sms")]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # No in-process worker: what the page shows after start depends on this test alone.
    quiet = settings.model_copy(update={"outbox_in_process": False})
    with TestClient(create_app(quiet, nlu=NoNLU()), follow_redirects=False) as c:
        yield c


async def _people(sessions: Any) -> None:
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    await make_user(sessions, "Sylhet Manager", "manager", "sylhet")
    await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    await make_user(sessions, "Asha Admin", "admin")
    await make_user(sessions, "Bangla Manager", "manager", "cumilla", language="bn")
    async with sessions() as s:
        for i, (district, language, channel) in enumerate(PEOPLE):
            phone = f"+88017130000{i:02d}"  # invented
            address = phone if channel == "sms" else f"tg-camp-{i}"
            link = await contacts.link(s, channel=channel, user_hash=f"camp-{i}", phone=phone,
                                       address=address)
            await contacts.remember(s, link.contact_id, language=language, district=district)
        await s.commit()


def _form(csrf: str, **change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"csrf": csrf, "name": "Visa scam warning", "bn": BN, "en": EN,
                            "districts": ["Cumilla", "Feni"], "registered": "",
                            "send_at": "", "quiet_hours": "1"}
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def _create(client: TestClient, csrf: str, **change: Any) -> int:
    made = client.post("/dashboard/campaigns", data=_form(csrf, **change))
    assert made.status_code == 303, made.text
    found = re.fullmatch(r"/dashboard/campaigns/(\d+)", made.headers["location"])
    assert found
    return int(found.group(1))


def _count(html: str, key: str) -> int:
    found = re.search(rf'data-key="{key}">[^<]*<strong>([\d,]+)</strong>', html)
    assert found, f"no {key} count on the page"
    return int(found.group(1).replace(",", ""))


async def test_a_manager_creates_starts_and_follows_a_campaign(sessions: Any,
                                                                client: TestClient) -> None:
    await _people(sessions)
    csrf = log_in(client, "Karim Manager")
    listing = client.get("/dashboard/campaigns")
    assert listing.status_code == 200 and 'href="/dashboard/campaigns"' in listing.text
    form = client.get("/dashboard/campaigns/new").text
    assert 'value="Cumilla"' in form and 'value="Feni"' in form
    assert 'value="Sylhet"' not in form  # another centre's districts are not offered
    assert 'name="quiet_hours" value="1" checked' in form  # quiet hours on by default

    campaign_id = _create(client, csrf)
    page = client.get(f"/dashboard/campaigns/{campaign_id}")
    assert page.status_code == 200
    html = page.text
    assert re.search(r'id="recipients">3<', html)  # Sylhet's person is not in it
    assert "UCS-2" in html and "GSM-7" in html and "Bangla text is sent as UCS-2" in html
    assert BN in html and EN in html  # each version as a phone shows it
    assert "Reply STOP to stop these messages." in html  # the footer SMS carries
    assert re.search(r'class="parts">\d+ SMS parts<', html)
    assert 'id="by-language"' in html and 'id="by-channel"' in html
    assert "Yes, start sending to 3 recipients" in html
    assert 'http-equiv="refresh"' not in html  # a draft does not change by itself

    started = client.post(f"/dashboard/campaigns/{campaign_id}/start", data={"csrf": csrf})
    assert started.status_code == 303 and "done=started" in started.headers["location"]
    async with sessions() as s:
        queued = (await s.scalars(select(OutboxMessage)
                                  .where(OutboxMessage.campaign_id == campaign_id))).all()
        assert len(queued) == 3
        # As the worker and a provider's delivery report would leave them.
        await s.execute(update(OutboxMessage).where(OutboxMessage.id == queued[0].id)
                        .values(status="delivered"))
        await s.execute(update(OutboxMessage).where(OutboxMessage.id == queued[1].id)
                        .values(status="failed"))
        await s.commit()
    html = client.get(f"/dashboard/campaigns/{campaign_id}?done=started").text
    assert "The campaign was started" in html
    assert [_count(html, k) for k in ("sent", "failed", "skipped", "pending", "delivered")] \
        == [1, 1, 0, 1, 1]
    assert f'http-equiv="refresh" content="10; url=/dashboard/campaigns/{campaign_id}"' in html
    assert 'id="confirm-start"' not in html and 'id="cancel"' in html
    listing = client.get("/dashboard/campaigns").text
    assert f'id="campaign-{campaign_id}"' in listing and _count(listing, "pending") == 1

    again = client.post(f"/dashboard/campaigns/{campaign_id}/start", data={"csrf": csrf})
    assert again.status_code == 409
    assert "This campaign has already been started: nothing was sent twice." in again.text
    async with sessions() as s:
        rows = (await s.scalars(select(OutboxMessage)
                                .where(OutboxMessage.campaign_id == campaign_id))).all()
        assert len(rows) == 3

    cancelled = client.post(f"/dashboard/campaigns/{campaign_id}/cancel", data={"csrf": csrf})
    assert cancelled.status_code == 303
    html = client.get(cancelled.headers["location"]).text
    assert "The campaign was cancelled" in html and _count(html, "cancelled") == 1
    assert 'http-equiv="refresh"' not in html


async def test_the_pages_speak_bangla_to_a_bangla_speaker(sessions: Any,
                                                          client: TestClient) -> None:
    await _people(sessions)
    csrf = log_in(client, "Bangla Manager")
    assert "ক্যাম্পেইন" in client.get("/dashboard/campaigns").text
    wrong = client.post("/dashboard/campaigns", data=_form(csrf, bn="  "))
    assert wrong.status_code == 422
    assert "বাংলা" in wrong.text and "Write this text" not in wrong.text
    campaign_id = _create(client, csrf)
    html = client.get(f"/dashboard/campaigns/{campaign_id}").text
    assert "UCS-2" in html and re.search(r'id="recipients">৩<', html)  # Bangla digits


async def test_a_manager_cannot_reach_another_centre(sessions: Any, client: TestClient) -> None:
    await _people(sessions)
    csrf = log_in(client, "Sylhet Manager")
    theirs = _create(client, csrf, districts=["Sylhet"])
    client.cookies.clear()
    csrf = log_in(client, "Karim Manager")
    ours = _create(client, csrf)

    picked = client.post("/dashboard/campaigns", data=_form(csrf, districts=["Cumilla", "Sylhet"]))
    assert picked.status_code == 403 and "your own centre" in picked.text
    everyone = client.post("/dashboard/campaigns", data=_form(csrf, districts=None))
    assert everyone.status_code == 403  # a manager's campaign names their districts
    listing = client.get("/dashboard/campaigns").text
    assert f'id="campaign-{ours}"' in listing and f'id="campaign-{theirs}"' not in listing
    assert client.get(f"/dashboard/campaigns/{theirs}").status_code == 404
    assert client.post(f"/dashboard/campaigns/{theirs}/start",
                       data={"csrf": csrf}).status_code == 404
    assert client.post(f"/dashboard/campaigns/{theirs}/cancel",
                       data={"csrf": csrf}).status_code == 404
    async with sessions() as s:
        assert (await s.get(Campaign, theirs)).state == "draft"
        assert len((await s.scalars(select(Campaign))).all()) == 2

    client.cookies.clear()
    log_in(client, "Asha Admin")  # admins see every centre's
    listing = client.get("/dashboard/campaigns").text
    assert f'id="campaign-{ours}"' in listing and f'id="campaign-{theirs}"' in listing
    assert 'value="Sylhet"' in client.get("/dashboard/campaigns/new").text


async def test_an_organizer_gets_no_campaign_pages(sessions: Any, client: TestClient) -> None:
    await _people(sessions)
    csrf = log_in(client, "Karim Manager")
    campaign_id = _create(client, csrf)
    client.cookies.clear()
    csrf = log_in(client, "Rahima Organizer")
    assert 'href="/dashboard/campaigns"' not in client.get("/dashboard").text
    for path in ("/dashboard/campaigns", "/dashboard/campaigns/new",
                 f"/dashboard/campaigns/{campaign_id}"):
        assert client.get(path).status_code == 403, path
    assert client.post("/dashboard/campaigns", data=_form(csrf)).status_code == 403
    assert client.post(f"/dashboard/campaigns/{campaign_id}/start",
                       data={"csrf": csrf}).status_code == 403
    async with sessions() as s:
        assert (await s.get(Campaign, campaign_id)).state == "draft"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"bn": ""}, "bn", "Write this text"),
    ({"en": "   "}, "en", "Write this text"),
    ({"name": ""}, "name", "Give the campaign a name"),
    ({"bn": "ক" * 1001}, "bn", "At most 1,000 characters."),
    ({"districts": ["Cumilla", "Atlantis"]}, "districts", "Unknown district: Atlantis"),
    ({"channels": ["pigeon"]}, "channels", "Not one of the choices: pigeon"),
    ({"languages": ["fr"]}, "languages", "Not one of the choices: fr"),
    ({"registered": "maybe"}, "registered", "Not one of the choices: maybe"),
    ({"name": "Visa\x00scam"}, "name", "not text (NUL)"),
    ({"en": "Warning\x00"}, "en", "not text (NUL)"),
    ({"send_at": "tomorrow morning"}, "send_at", "Give the send time as a date and a time"),
    ({"send_at": "2027-13-45T10:00"}, "send_at", "Give the send time as a date and a time"),
])
async def test_bad_input_is_shown_next_to_the_form(sessions: Any, client: TestClient,
                                                   change: dict[str, Any], field: str,
                                                   message: str) -> None:
    await _people(sessions)
    csrf = log_in(client, "Karim Manager")
    page = client.post("/dashboard/campaigns", data=_form(csrf, **change))
    assert page.status_code == 422
    assert message in page.text and "Nothing was saved" in page.text
    assert csrf_of(page.text) == csrf  # the form comes back, filled in, to correct
    assert 'value="Visa scam warning"' in page.text or field == "name"
    assert 'class="problem"' in page.text  # next to its field
    async with sessions() as s:
        assert not (await s.scalars(select(Campaign))).all()


async def test_a_send_time_is_bangladesh_time(sessions: Any, client: TestClient) -> None:
    await _people(sessions)
    csrf = log_in(client, "Karim Manager")
    later = (datetime.now(DHAKA) + timedelta(days=2)).replace(hour=10, minute=0, second=0,
                                                              microsecond=0)
    campaign_id = _create(client, csrf, send_at=later.strftime("%Y-%m-%dT%H:%M"),
                          quiet_hours=None)
    async with sessions() as s:
        campaign = await s.get(Campaign, campaign_id)
        assert campaign.quiet_hours is False
        assert campaign.send_at.replace(tzinfo=campaign.send_at.tzinfo or UTC) == later
    html = client.get(f"/dashboard/campaigns/{campaign_id}").text
    assert later.strftime("%Y-%m-%d 10:00") in html
    started = client.post(f"/dashboard/campaigns/{campaign_id}/start", data={"csrf": csrf})
    assert started.status_code == 303
    html = client.get(f"/dashboard/campaigns/{campaign_id}").text
    assert 'campaign-scheduled' in html and _count(html, "pending") == 3
    assert 'http-equiv="refresh" content="60;' in html
    async with sessions() as s:
        rows = (await s.scalars(select(OutboxMessage)
                                .where(OutboxMessage.campaign_id == campaign_id))).all()
        assert {r.available_at.replace(tzinfo=UTC) for r in rows} == {later.astimezone(UTC)}


async def test_forms_without_the_session_token_are_refused(sessions: Any,
                                                          client: TestClient) -> None:
    await _people(sessions)
    csrf = log_in(client, "Karim Manager")
    campaign_id = _create(client, csrf)
    for path, data in (("/dashboard/campaigns", _form("")),
                       ("/dashboard/campaigns", {k: v for k, v in _form(csrf).items()
                                                 if k != "csrf"}),
                       (f"/dashboard/campaigns/{campaign_id}/start", {"csrf": "forged"}),
                       (f"/dashboard/campaigns/{campaign_id}/cancel", {})):
        refused = client.post(path, data=data)
        assert refused.status_code == 403 and 'class="flash error"' in refused.text
    async with sessions() as s:
        assert len((await s.scalars(select(Campaign))).all()) == 1
        assert (await s.get(Campaign, campaign_id)).state == "draft"
    assert client.get("/dashboard/campaigns/not-a-number").status_code < 500
