"""A manager writes and starts a campaign from a phone: Chromium against the real app, as in
test_dashboard_browser.py."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from referral import contacts
from referral.db import make_engine, make_sessionmaker
from referral.models import OutboxMessage
from tests.api.test_dashboard_factories import PASSWORD, make_user
from tests.conftest import migrated
from tests.e2e.test_dashboard_browser import _need_chromium, phone_page, serve, shot


async def _seed(url: str) -> None:
    engine, maker = await migrated(url)
    await make_user(maker, "Karim Manager", "manager", "cumilla", language="bn")
    async with maker() as s:
        for i, (district, language) in enumerate([("Cumilla", "bn"), ("Feni", "en"),
                                                  ("Chandpur", "banglish"), ("Sylhet", "bn")]):
            phone = f"+88017140000{i:02d}"  # invented
            link = await contacts.link(s, channel="sms", user_hash=f"e2e-camp-{i}", phone=phone,
                                       address=phone)
            await contacts.remember(s, link.contact_id, language=language, district=district)
        await s.commit()
    await engine.dispose()


async def _queued(url: str, campaign_id: int) -> int:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as s:
        n = await s.scalar(select(func.count()).select_from(OutboxMessage)
                           .where(OutboxMessage.campaign_id == campaign_id))
    await engine.dispose()
    return int(n or 0)


@pytest.mark.browser
def test_a_manager_starts_a_campaign_from_a_phone(tmp_path: Path, data_key: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    _need_chromium()
    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    asyncio.run(_seed(url))
    with serve(tmp_path, data_key, url) as base, sync_playwright() as p:
        page = phone_page(p)

        page.goto(f"{base}/dashboard/login")
        page.fill("input[name=who]", "Karim Manager")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        expect(page).to_have_url(f"{base}/dashboard")
        page.click("nav a[href='/dashboard/campaigns']")
        page.click("#new-campaign")
        expect(page.locator("input[name=districts][value=Sylhet]")).to_have_count(0)

        page.fill("input[name=name]", "Visa scam warning")
        page.fill("textarea[name=bn]", "সতর্কতা: ফ্রি ভিসার প্রস্তাব প্রতারণা।")
        page.fill("textarea[name=en]", "Warning: free visa offers are a scam.")
        page.fill("textarea[name=banglish]", "Sotorkota: free visa prostab protarona.")
        for district in ("Cumilla", "Feni", "Chandpur"):
            page.check(f"input[name=districts][value={district}]")
        expect(page.locator("input[name=quiet_hours]")).to_be_checked()
        shot(page, "campaign-1-form")
        page.click("#save-draft")
        expect(page).to_have_url(re.compile(rf"{base}/dashboard/campaigns/\d+$"))
        campaign_id = int(page.url.rsplit("/", 1)[1])
        expect(page.locator("#recipients")).to_have_text("৩")  # Bangla digits, Sylhet left out
        expect(page.locator("#previews .phone[data-channel=sms]")).to_have_count(3)
        expect(page.locator(".note-ucs2")).to_contain_text("UCS-2")
        shot(page, "campaign-2-draft")

        confirm = page.locator("#confirm-start")
        expect(confirm).to_be_hidden()  # starting takes a second, deliberate tap
        page.click("#start")
        expect(confirm).to_contain_text("৩")
        confirm.click()
        expect(page).to_have_url(re.compile(r"done=started"))
        expect(page.locator("#progress svg")).to_be_visible()
        expect(page.locator("#confirm-start")).to_have_count(0)
        shot(page, "campaign-3-started")
        page.context.browser.close()

    assert asyncio.run(_queued(url, campaign_id)) == 3
