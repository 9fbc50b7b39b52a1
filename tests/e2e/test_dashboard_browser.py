"""The dashboard in a real browser on a phone-sized screen: Chromium driven by Playwright
against the real app served by uvicorn on a temporary SQLite database."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from api.app import create_app
from api.settings import ROOT, Settings
from referral.casework import Ticket
from referral.db import make_engine, make_sessionmaker
from tests.api.test_dashboard_factories import PASSWORD, NoNLU, make_ticket, make_user
from tests.conftest import migrated

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_TEST_SERVICES") == "1":
        pytest.fail("Chromium is required in CI but /usr/bin/chromium is missing "
                    "(apt-get install -y chromium)")
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium "
                "(apt-get install -y chromium)")


def phone_page(playwright):  # type: ignore[no-untyped-def]
    """A page in Debian's Chromium the size of a phone, in Bangla (the machine's network is
    closed, hence the background-networking flags)."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run"])
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="bn-BD")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot for people to look at, and the check that nothing scrolls sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert fits, f"{name}: the page scrolls sideways on a phone"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _seed(url: str) -> dict[str, int]:
    engine, maker = await migrated(url)
    await make_user(maker, "Rahima Organizer", "organizer", "cumilla", language="bn")
    urgent = await make_ticket(maker, priority="urgent", needs=("medical",), address="tg-e2e-1",
                               inbox="amar pa bhenge geche, help")
    normal = await make_ticket(maker, address="tg-e2e-2")
    await engine.dispose()
    return {"urgent": urgent, "normal": normal}


async def _ticket(url: str, ticket_id: int) -> Ticket:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as s:
        ticket = await s.get(Ticket, ticket_id)
    await engine.dispose()
    assert ticket is not None
    return ticket


@contextmanager
def serve(tmp_path: Path, data_key: str, url: str) -> Iterator[str]:
    """The real app on a free port, in a thread, on the database at `url`; yields its base URL."""
    import uvicorn

    settings = Settings(APP_ENV="test", VAR_DIR=tmp_path, database_url=url,
                        secret_key="e" * 40, data_key=data_key, redis_url=None)
    port = _free_port()
    config = uvicorn.Config(create_app(settings, nlu=NoNLU()), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture
def server(tmp_path: Path, data_key: str) -> Iterator[tuple[str, str, dict[str, int]]]:
    """Yields (base URL, database URL, ticket ids)."""
    _need_chromium()
    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    ids = asyncio.run(_seed(url))
    with serve(tmp_path, data_key, url) as base:
        yield base, url, ids


@pytest.mark.browser
def test_an_organizer_works_a_week_from_a_phone(server: tuple[str, str, dict[str, int]]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, url, ids = server
    with sync_playwright() as p:
        page = phone_page(p)

        page.goto(f"{base}/dashboard")
        expect(page).to_have_url(f"{base}/dashboard/login?next=%2Fdashboard")
        shot(page, "dashboard-1-login")
        page.fill("input[name=who]", "Rahima Organizer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        expect(page).to_have_url(f"{base}/dashboard")
        expect(page.locator(".tickets li.ticket")).to_have_count(2)
        shot(page, "dashboard-2-queue")

        page.click("details.filters summary")
        page.select_option("select[name=priority]", "urgent")
        page.click("form.grid button.primary")
        expect(page.locator(".tickets li.ticket")).to_have_count(1)
        assert "priority=urgent" in page.url
        shot(page, "dashboard-3-filtered")

        page.click(f"a[href='/dashboard/tickets/{ids['urgent']}']")
        expect(page.locator("ol.chat")).to_contain_text("amar pa bhenge geche, help")
        accept = page.locator("#accept")
        box = accept.bounding_box()
        assert box is not None and box["height"] >= 44, "tap targets must be thumb-sized"
        shot(page, "dashboard-4-ticket")
        accept.click()
        expect(page.locator(".flash.ok")).to_contain_text("গ্রহণ")

        page.select_option("form[action$='/status'] select[name=status]", "contacted")
        page.click("form[action$='/status'] button")
        expect(page.locator("#status")).to_have_text("যোগাযোগ হয়েছে")

        page.fill("textarea[name=note]", "Phone e kotha holo, Sunday dekha korbo")
        page.click("form[action$='/note'] button")
        expect(page.locator("ol.trail")).to_contain_text("Sunday dekha korbo")

        page.fill("textarea[name=text]", "Amra Sunday apnar bari ashbo.")
        page.click("form[action$='/reply'] button")
        expect(page.locator(".flash.ok")).to_be_visible()
        expect(page.locator("ol.chat")).to_contain_text("Amra Sunday apnar bari ashbo.")
        shot(page, "dashboard-5-replied")

        page.select_option("form[action$='/status'] select[name=status]", "closed")
        page.click("form[action$='/status'] button")
        expect(page.locator(".flash.error")).to_be_visible()  # a closing reason is needed
        page.select_option("form[action$='/status'] select[name=status]", "closed")
        page.select_option("select[name=reason]", "support_completed")
        page.click("form[action$='/status'] button")
        expect(page.locator("#status")).to_have_text("বন্ধ")
        expect(page.locator("#accept")).to_have_count(0)
        shot(page, "dashboard-6-closed")
        page.context.browser.close()

    ticket = asyncio.run(_ticket(url, ids["urgent"]))
    assert ticket.status == "closed" and ticket.closing_reason == "support_completed"
    assert ticket.accepted_at is not None and ticket.first_contact_at is not None


def test_without_chromium_it_skips_except_in_ci(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("REQUIRE_TEST_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        _need_chromium()
    monkeypatch.setenv("REQUIRE_TEST_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        _need_chromium()
