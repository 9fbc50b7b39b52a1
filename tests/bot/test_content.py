"""Content as data: complete, within budget, and editable in one place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from api.settings import ROOT
from bot.content import Library
from bot.content_check import INFORMATIONAL_INTENTS, check
from tests.bot.conftest import CONTENT, TODAY


def test_shipped_content_passes_the_check() -> None:
    assert check(CONTENT, today=TODAY) == []


def test_every_informational_intent_has_a_topic_in_both_languages() -> None:
    lib = Library.load(CONTENT)
    for intent in INFORMATIONAL_INTENTS:
        topic_id = lib.topic_for_intent(intent)
        assert topic_id and (topic_id, "bn") in lib.topics and (topic_id, "en") in lib.topics


def test_a_phone_number_changes_in_one_file(editable: Path) -> None:
    figures = yaml.safe_load((editable / "figures.yml").read_text(encoding="utf-8"))
    figures["figures"]["probash_bondhu"]["value"] = "99999"
    (editable / "figures.yml").write_text(yaml.safe_dump(figures, allow_unicode=True),
                                          encoding="utf-8")
    lib = Library.load(editable)
    for lang in ("en", "bn"):
        hotline = lib.topic("hotline_contacts", lang)
        assert hotline is not None
        assert "99999" in lib.fill(hotline.messenger, lang)
        assert "16135" not in lib.fill(hotline.messenger, lang)


def test_phone_numbers_stay_dialable_in_bangla() -> None:
    lib = Library.load(CONTENT)
    text = lib.fill("ফোন {probash_bondhu}, ২৪ ঘণ্টা 24", "bn")
    assert "16135" in text and text.endswith("২৪")


def test_check_finds_what_an_editor_can_break(editable: Path) -> None:
    (editable / "bn" / "topics" / "hundi_risk.yml").unlink()
    topic = yaml.safe_load((editable / "en" / "topics" / "loan_info.yml").read_text())
    topic["sms"]["body"] = "word " * 80 + "{no_such_figure}"
    (editable / "en" / "topics" / "loan_info.yml").write_text(yaml.safe_dump(topic))
    figures = yaml.safe_load((editable / "figures.yml").read_text(encoding="utf-8"))
    figures["figures"]["emergency"].pop("source")
    (editable / "figures.yml").write_text(yaml.safe_dump(figures, allow_unicode=True),
                                          encoding="utf-8")
    problems = "\n".join(check(editable, today=TODAY))
    assert "bn/topics/hundi_risk.yml is missing" in problems
    assert "en/topics/loan_info.yml: SMS page 1 costs" in problems
    assert "{no_such_figure} is not in figures.yml" in problems
    assert "emergency needs a source" in problems


def test_untranslated_catalog_entry_is_found(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "bot" / "locale", locale)
    po = locale / "bn" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "A new prompt"\nmsgstr ""\n',
                  encoding="utf-8")
    assert any("untranslated: A new prompt" in p for p in check(CONTENT, locale, today=TODAY))


def test_cli_content_check_exit_codes(editable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import app
    from api.settings import get_settings

    runner = CliRunner()
    get_settings.cache_clear()
    monkeypatch.setenv("VAR_DIR", str(editable.parent / "var"))
    assert runner.invoke(app, ["content", "check", "--today", TODAY.isoformat()]).exit_code == 0
    get_settings.cache_clear()
    monkeypatch.setenv("CONTENT_DIR", str(editable))
    (editable / "en" / "topics" / "hundi_risk.yml").unlink()
    result = runner.invoke(app, ["content", "check", "--today", TODAY.isoformat()])
    assert result.exit_code == 1 and "hundi_risk" in result.output
    get_settings.cache_clear()
