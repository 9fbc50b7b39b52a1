"""The default rules (default-1) as spec/screening.md states them."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import ROOT
from referral.eligibility import Rules, RulesError

RULES = Rules.load(ROOT / "content" / "rules" / "eligibility.yml")
BASE = {"returned": "yes", "age": 30, "months_since_return": 6, "gender": "male",
        "return_reason": "contract_ended", "income": "regular", "debt": "none",
        "health_problem": "no", "distress": "rarely", "dependants": 1}


def decide(**changes: object):  # type: ignore[no-untyped-def]
    return RULES.decide({**BASE, **changes})


def test_version_is_stored_with_every_decision() -> None:
    assert decide().rules_version == "default-1"


@pytest.mark.parametrize(("changes", "reason"), [
    ({"returned": "no"}, "not_returnee"),
    ({"age": 17}, "under_18"),
    ({"months_since_return": 37}, "returned_long_ago"),
])
def test_exclusions(changes: dict, reason: str) -> None:
    d = decide(**changes, income="none", debt="over_5_lakh")
    assert d.decision == "not_eligible" and [r.id for r in d.reasons] == [reason]


def test_boundaries_are_inclusive_where_the_spec_says() -> None:
    assert "under_18" not in [r.id for r in decide(age=18).reasons]
    assert "returned_long_ago" not in [r.id for r in decide(months_since_return=36).reasons]


@pytest.mark.parametrize(("op", "value", "expected"), [
    ("lt", 3, False), ("lt", 2, True), ("lte", 3, True), ("lte", 4, False),
    ("gt", 3, False), ("gt", 4, True), ("gte", 3, True), ("gte", 2, False),
    ("equals", 3, True), ("in", 3, False), ("lte", None, False), ("gte", None, False),
])
def test_every_operator_at_its_boundary(op: str, value: object, expected: bool) -> None:
    """Staff write rules with any operator (content/rules/eligibility.yml): each one's edge
    is fixed here, not only the few the default rules use (a mutant turned lte into lt)."""
    from referral.eligibility import matches

    limit = [1, 2] if op == "in" else 3
    assert matches({"field": "n", op: limit}, {"n": value}) is expected


def test_score_adds_up_with_reasons_in_both_languages() -> None:
    d = decide(return_reason="deported", income="none")  # 20 + 20
    assert d.score == 40 and d.decision == "eligible"
    assert {r.id for r in d.reasons} == {"forced_return", "no_income"}
    assert all(text for text in d.reasons_in("bn")) and all(d.reasons_in("en"))


def test_needs_assessment_band() -> None:
    d = decide(income="irregular", debt="1_to_5_lakh")  # 10 + 10
    assert (d.score, d.decision) == (20, "needs_assessment")
    d = decide(income="none", distress="sometimes", gender="female", dependants=4)  # 20+5+5+10
    assert (d.score, d.decision) == (40, "eligible")
    d = decide(income="none", health_problem="yes")  # 35
    assert d.decision == "needs_assessment"


def test_low_score_is_not_eligible_with_a_reason() -> None:
    d = decide(distress="sometimes")
    assert d.decision == "not_eligible" and d.reasons[0].id == "low_score"


def test_score_is_capped_at_100() -> None:
    d = decide(return_reason="escaped_abuse", income="none", debt="over_5_lakh",
               health_problem="yes", distress="often", dependants=6, gender="female")
    assert d.score == 100


def test_malformed_rules_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yml"
    bad.write_text("version: x\nthresholds: {eligible: 40, needs_assessment: 20}\n"
                   "score:\n  - id: r\n    when: {field: age}\n    points: 5\n"
                   "    reason: {en: a, bn: b}\n")
    with pytest.raises(RulesError):
        Rules.load(bad)
