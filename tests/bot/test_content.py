"""Content as data: complete, within budget, and editable in one place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from api.settings import ROOT
from bot import content_banglish
from bot.content import Library
from bot.content_check import INFORMATIONAL_INTENTS, check, code_messages
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


def test_check_holds_banglish_to_its_bangla_twin(editable: Path) -> None:
    path = editable / "banglish" / "topics" / "death_abroad.yml"
    topic = yaml.safe_load(path.read_text())
    # English in disguise, without the figure the Bangla page gives, and a Bangla letter.
    topic["sms"]["more"][0] = "Please call the office and ask them for the money. আ"
    topic["sms"]["more"].pop()
    path.write_text(yaml.safe_dump(topic))
    (editable / "banglish" / "topics" / "hundi_risk.yml").unlink()
    screening = yaml.safe_load((editable / "banglish" / "screening.yml").read_text())
    del screening["questions"]["age"]
    (editable / "banglish" / "screening.yml").write_text(yaml.safe_dump(screening))
    rules = (editable / "rules" / "eligibility.yml").read_text(encoding="utf-8")
    (editable / "rules" / "eligibility.yml").write_text(
        rules.replace("banglish:", "note:", 1), encoding="utf-8")
    problems = "\n".join(check(editable, today=TODAY))
    where = "banglish/topics/death_abroad.yml"
    assert f"{where}: 2 SMS pages, bn has 3" in problems
    assert f"{where}: page 2 lacks {{wewb_death_burial}}" in problems
    assert f"{where}: page 2: reads as English" in problems
    assert f"{where}: page 2: characters outside GSM-7" in problems
    assert "banglish/topics/hundi_risk.yml is missing" in problems
    assert "banglish/screening.yml: questions.age is missing" in problems
    assert "rules/eligibility.yml: exclusions.0.reason: no banglish text" in problems


def test_check_names_untranslated_banglish_for_people_not_staff(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "bot" / "locale", locale)
    po = locale / "banglish" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Reply 1 for more."')
    end = text.index("\n\n", start)
    po.write_text(text[:start] + 'msgid "Reply 1 for more."\nmsgstr ""' + text[end:],
                  encoding="utf-8")
    found = code_messages()
    person = {m for m, files in found.items()
              if any(not f.startswith(content_banglish.STAFF_ONLY) for f in files)}
    assert "Reply 1 for more." in person
    assert "Accept this ticket" not in person  # the dashboard's: English stands in
    with po.open("rb") as fh:
        problems = content_banglish.catalog(iter(read_po(fh, locale="bn_Latn")), person)
    assert problems == ["banglish catalog: untranslated: Reply 1 for more."]
