"""The admins' "Content due for review" page: every figure with its dates, overdue first."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ROOT, Settings
from tests.api.test_dashboard_factories import NoNLU, log_in, make_user


def _content_with(tmp_path: Path, **figures: dict[str, str]) -> Path:
    """A copy of the shipped content with extra figures in figures.yml."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "figures.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["figures"].update(figures)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return content


def _block(html: str, key: str) -> str:
    """The list item of one figure."""
    found = re.search(rf'<li [^>]*id="figure-{key}">(.*?)</li>', html, re.S)
    assert found, f"{key} is not listed"
    return found.group(1)


async def test_admins_see_every_figure_overdue_first(  # type: ignore[no-untyped-def]
        sessions, settings: Settings, tmp_path: Path) -> None:
    content = _content_with(
        tmp_path,
        later_fee={"value": "9,999", "label": "A fee checked last week", "source": "Test notice",
                   "as_of": "2026-11", "review_by": "2999-01-01", "kind": "taka"},
        old_fee={"value": "1,234", "label": "A fee nobody checked", "source": "Old test notice",
                 "as_of": "2001-01", "review_by": "2002-01-01", "kind": "taka"})
    await make_user(sessions, "Asha Admin", "admin")
    await make_user(sessions, "Bina Admin", "admin", language="bn")
    app = create_app(settings.model_copy(update={"content_dir": content}), nlu=NoNLU())
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, "Asha Admin")
        assert 'href="/dashboard/content"' in client.get("/dashboard").text  # in the menu
        page = client.get("/dashboard/content")
        assert page.status_code == 200
        listed = re.findall(r'id="figure-([a-z0-9_]+)"', page.text)
        assert listed[0] == "old_fee"
        # Soonest review first, so the far future one comes after every shipped figure but
        # before the ones that never change.
        assert listed.index("later_fee") > listed.index("probash_bondhu")
        assert listed[-1] == "remit_incentive_govt_2019"  # review_by: never
        old = _block(page.text, "old_fee")
        for shown in ("A fee nobody checked", "1,234", "Old test notice", "2001-01", "2002-01-01",
                      "Overdue"):
            assert shown in old, shown
        assert "Overdue" not in _block(page.text, "later_fee")
        assert "destination_info" in page.text  # the page of dated market facts
        client.cookies.clear()
        log_in(client, "Bina Admin")
        bangla = client.get("/dashboard/content").text
        assert "সময় পেরিয়েছে" in _block(bangla, "old_fee")  # "Overdue"
        assert "২০০২-০১-০১" in _block(bangla, "old_fee")


async def test_managers_and_organizers_may_not_see_it(  # type: ignore[no-untyped-def]
        sessions, settings: Settings) -> None:
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    with TestClient(create_app(settings, nlu=NoNLU()), follow_redirects=False) as client:
        for who in ("Karim Manager", "Rahima Organizer"):
            client.cookies.clear()
            log_in(client, who)
            page = client.get("/dashboard/content")
            assert page.status_code == 403, who
            assert "Only admins can see the content due for review." in page.text
            assert "probash_bondhu" not in page.text
            assert 'href="/dashboard/content"' not in client.get("/dashboard").text
        client.cookies.clear()
        assert client.get("/dashboard/content").status_code == 303  # not logged in: to login
