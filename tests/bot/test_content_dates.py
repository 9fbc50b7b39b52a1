"""Facts that stay true: figures carry their dates to users, and the check moves with the clock."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from api.settings import ROOT
from bot.content import Library
from bot.content_check import check, report
from bot.dialogue import respond
from bot.figures import parse_figure
from bot.messages import InboundMessage
from bot.render import Resources
from bot.state import State
from tests.bot.conftest import CONTENT, TODAY


def set_figure(root: Path, key: str, **fields: Any) -> None:
    """Change (or, with None, remove) fields of one entry in a copy of figures.yml."""
    path = root / "figures.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = data["figures"][key]
    for name, value in fields.items():
        if value is None:
            entry.pop(name, None)
        else:
            entry[name] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def edit_topic(root: Path, lang: str, topic: str, old: str, new: str) -> None:
    path = root / lang / "topics" / f"{topic}.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_as_of_reads_as_a_month_and_year_in_both_languages() -> None:
    month = parse_figure("fee", {"value": "1", "as_of": "2024-03", "review_by": "2027-01-01"})
    day = parse_figure("fee", {"value": "1", "as_of": date(2019, 7, 1)})  # unquoted in YAML
    year = parse_figure("fee", {"value": "1", "as_of": "2022"})
    undated = parse_figure("fee", {"value": "1", "as_of": "undated in source"})
    assert month.date_text("en") == "March 2024" and month.date_text("bn") == "মার্চ ২০২৪"
    assert day.date_text("en") == "July 2019"
    assert year.date_text("en") == "2022" and year.date_text("bn") == "২০২২"
    assert undated.dated is None and undated.date_text("en") is None
    assert month.review_by == date(2027, 1, 1) and month.current
    assert parse_figure("fee", {"value": "1", "review_by": "never"}).never


def test_shipped_content_has_no_problem_and_nothing_overdue_today() -> None:
    found = report(CONTENT, today=TODAY)
    assert found.problems == [] and found.warnings == []


def test_a_rendered_topic_says_as_of_month_and_year(editable: Path) -> None:
    set_figure(editable, "ceiling_saudi_male", as_of="2024-03")
    res = Resources.load(editable, ROOT / "nlu" / "data")
    parse = {"intent": {"name": "migration_cost", "confidence": 0.95}, "entities": []}
    for lang, value, when in (("en", "1,65,000", "as of March 2024"),
                              ("bn", "১,৬৫,০০০", "মার্চ ২০২৪ অনুযায়ী")):
        for channel in ("sms", "webchat"):
            msg = InboundMessage(channel=channel, user_id="u", text="?", provider_id="x")  # type: ignore[arg-type]
            turn = respond(state=State(lang=lang), message=msg, parse={**parse, "language": lang},
                           res=res)
            text = turn.replies[0].text
            assert value in text and when in text, (lang, channel, text)
            assert "2016" not in text and "২০১৬" not in text  # the old date went with as_of
    msg = InboundMessage(channel="sms", user_id="u", text="?", provider_id="x")
    banglish = respond(state=State(lang="banglish"), message=msg,
                       parse={**parse, "language": "banglish"}, res=res).replies[0].text
    assert "1,65,000" in banglish and "March 2024 er hisabe" in banglish, banglish
    assert check(editable, today=TODAY) == []


def test_a_price_without_a_date_stated_as_current_fails(editable: Path) -> None:
    set_figure(editable, "ceiling_malaysia", as_of="undated in source")
    problems = "\n".join(check(editable, today=TODAY))
    assert "ceiling_malaysia is stated as current" in problems
    assert "as_of gives no date" in problems
    assert "{ceiling_malaysia_as_of}: ceiling_malaysia has no date to show" in problems
    # Worded as the last published figure (current: false, no date promised), it passes.
    set_figure(editable, "ceiling_malaysia", current=False)
    for lang in ("en", "bn", "banglish"):
        path = editable / lang / "topics" / "migration_cost.yml"
        path.write_text(path.read_text(encoding="utf-8").replace(" ({ceiling_malaysia_as_of})", ""),
                        encoding="utf-8")
    assert check(editable, today=TODAY) == []


def test_a_price_shown_without_its_date_fails(editable: Path) -> None:
    edit_topic(editable, "en", "migration_cost", "Tk {ceiling_saudi_male} ({ceiling_saudi_male_as_of})",
               "Tk {ceiling_saudi_male}")
    problems = check(editable, today=TODAY)
    assert any(p.startswith("en/topics/migration_cost.yml: SMS page 1: {ceiling_saudi_male} is "
                            "shown without its date (August 2016)") for p in problems), problems


def test_a_passed_review_by_warns_and_the_check_passes(editable: Path) -> None:
    set_figure(editable, "pkb_migration_loan_rate", review_by="2026-06-30")  # current: false
    set_figure(editable, "probash_bondhu", review_by="2026-12-03")  # a phone number
    before = report(editable, today=date(2026, 6, 30))
    assert before.problems == [] and before.warnings == []
    found = report(editable, today=TODAY)
    assert found.problems == []
    assert sorted(w.split(" review_by")[0] for w in found.warnings) == [
        "figures.yml: pkb_migration_loan_rate", "figures.yml: probash_bondhu"]


def test_a_passed_review_by_on_a_price_stated_as_current_fails(editable: Path) -> None:
    set_figure(editable, "wewb_death_grant", review_by="2026-11-30")
    assert check(editable, today=date(2026, 11, 30)) == []  # due today is not yet passed
    problems = check(editable, today=TODAY)
    assert len(problems) == 1 and problems[0].startswith(
        "figures.yml: wewb_death_grant is stated as current")
    assert "review_by 2026-11-30 has passed" in problems[0]


def test_every_figure_has_a_review_date_or_a_reason_it_never_changes(editable: Path) -> None:
    set_figure(editable, "legal_aid", review_by=None)
    set_figure(editable, "ttc_count", review_by="next year")
    set_figure(editable, "remit_incentive_govt_2019", why_never=None)
    problems = "\n".join(check(editable, today=TODAY))
    assert "legal_aid needs review_by as a date (YYYY-MM-DD), or never with why_never; it has none" \
        in problems
    assert "ttc_count needs review_by as a date (YYYY-MM-DD), or never with why_never; it has " \
           "next year" in problems
    assert "remit_incentive_govt_2019 has review_by: never but no why_never" in problems


def test_a_page_of_dated_facts_warns_when_due(editable: Path) -> None:
    found = report(editable, today=date(2027, 3, 1))
    assert found.problems == []
    assert found.warnings == ["topics/destination_info.yml: review_by 2027-02-28 has passed: "
                              "check the dated facts on this page"]
    edit_topic(editable, "bn", "destination_info", "review_by: 2027-02-28", "review_by: 2027-03-31")
    assert "bn/topics/destination_info.yml: review_by differs from the other language" in \
        check(editable, today=TODAY)


def test_cli_warns_on_a_passed_review_and_fails_on_a_stale_current_price(
        editable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import app
    from api.settings import get_settings

    runner = CliRunner()
    monkeypatch.setenv("VAR_DIR", str(editable.parent / "var"))
    monkeypatch.setenv("CONTENT_DIR", str(editable))
    set_figure(editable, "pkb_rehab_loan_max", review_by="2026-01-01")
    get_settings.cache_clear()
    try:
        warned = runner.invoke(app, ["content", "check", "--today", TODAY.isoformat()])
        assert warned.exit_code == 0, warned.output
        assert "pkb_rehab_loan_max review_by 2026-01-01 has passed" in warned.output
        set_figure(editable, "ceiling_saudi_male", review_by="2026-01-01")
        failed = runner.invoke(app, ["content", "check", "--today", TODAY.isoformat()])
        assert failed.exit_code == 1
        assert "ceiling_saudi_male is stated as current" in failed.output
        assert runner.invoke(app, ["content", "check", "--today", "2025-12-31"]).exit_code == 0
    finally:
        get_settings.cache_clear()


def test_a_centre_phone_is_a_phone_figure_with_its_own_source(editable: Path) -> None:
    path = editable / "reference" / "centres.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{id: khulna, name: {en: Khulna, bn: খুলনা}, phone: probash_bondhu",
        "{id: khulna, name: {en: Khulna, bn: খুলনা}, phone: rsc_count"), encoding="utf-8")
    assert check(editable, today=TODAY) == [
        "reference/centres.yml: khulna phone rsc_count is not a phone number (kind: phone) in "
        "figures.yml"]


def test_the_library_fills_as_of_and_leaves_an_undated_one_visible() -> None:
    lib = Library.load(CONTENT)
    assert lib.fill("Tk {ceiling_saudi_male} ({ceiling_saudi_male_as_of})", "en") == \
        "Tk 1,65,000 (as of August 2016)"
    assert lib.fill("{ceiling_saudi_male} টাকা ({ceiling_saudi_male_as_of})", "bn") == \
        "১,৬৫,০০০ টাকা (আগস্ট ২০১৬ অনুযায়ী)"
    # No date to show: the placeholder stays, and the check names it (see above).
    assert lib.fill("{pkb_migration_loan_rate_as_of}", "en") == "{pkb_migration_loan_rate_as_of}"
