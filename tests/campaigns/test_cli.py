"""`prottasha campaign ...`: create shows the estimate, start queues with a progress bar and
refuses a second time, list and cancel report what happened."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from referral import contacts
from referral.db import make_engine, make_sessionmaker
from referral.migrate import upgrade


async def _people(url: str) -> None:
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as s:
        for i, (language, district) in enumerate([("bn", "Sylhet"), ("en", "Sylhet"),
                                                  ("bn", "Khulna")]):
            phone = f"+8801714{i:06d}"
            link = await contacts.link(s, channel="sms", user_hash=f"sms-{i}", phone=phone,
                                       address=phone)
            await contacts.remember(s, link.contact_id, language=language, district=district)
        await s.commit()
    await engine.dispose()


def test_a_campaign_from_the_command_line(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                          data_key: str) -> None:
    from api.cli import app
    from api.settings import get_settings

    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATA_KEY", data_key)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        asyncio.run(_people(url))
        runner = CliRunner()
        made = runner.invoke(app, ["campaign", "create", "--name", "Sylhet reminder",
                                   "--bn", "প্রশিক্ষণ শুরু হবে ১৫ জানুয়ারি।",
                                   "--en", "Training starts on 15 January.",
                                   "--district", "sylhet", "--channel", "sms"])
        assert made.exit_code == 0, made.output
        campaign_id = made.stdout.strip().splitlines()[-1]
        assert "recipients 2" in made.output and "UCS-2" in made.output
        bad = runner.invoke(app, ["campaign", "create", "--name", "x", "--bn", "x", "--en", "y",
                                  "--district", "Atlantis"])
        assert bad.exit_code == 2 and "unknown district" in bad.output
        started = runner.invoke(app, ["campaign", "start", campaign_id, "--yes"])
        assert started.exit_code == 0 and "queued 2 messages" in started.output, started.output
        again = runner.invoke(app, ["campaign", "start", campaign_id, "--yes"])
        assert again.exit_code == 2 and "already been started" in again.output
        listed = json.loads(runner.invoke(app, ["campaign", "list", "--json"]).stdout)
        assert listed[0]["recipients"] == 2 and listed[0]["progress"]["pending"] == 2
        cancelled = runner.invoke(app, ["campaign", "cancel", campaign_id])
        assert cancelled.exit_code == 0 and "2 messages will not go" in cancelled.output
        followed = runner.invoke(app, ["campaign", "follow", campaign_id, "--every", "0.1"])
        assert followed.exit_code == 0 and '"cancelled": 2' in followed.output
    finally:
        get_settings.cache_clear()
