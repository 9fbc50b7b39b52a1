"""A small rules engine: eligibility from screening answers, with reasons and a rules version.

The rules are data (content/rules/eligibility.yml) that programme staff edit; this module only
knows how to read conditions and add up points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

OPERATORS = {
    "equals": lambda a, b: a == b,
    "in": lambda a, b: a in b,
    "lt": lambda a, b: a is not None and a < b,
    "lte": lambda a, b: a is not None and a <= b,
    "gt": lambda a, b: a is not None and a > b,
    "gte": lambda a, b: a is not None and a >= b,
    "includes": lambda a, b: b in (a or ()),
}


class RulesError(ValueError):
    """The rules file is malformed."""


@dataclass(frozen=True)
class Reason:
    id: str
    text: dict[str, str]  # language -> sentence
    points: int = 0


@dataclass(frozen=True)
class Decision:
    decision: str  # eligible | needs_assessment | not_eligible
    score: int
    reasons: tuple[Reason, ...]
    rules_version: str
    summary: dict[str, str] = field(default_factory=dict)

    def reasons_in(self, lang: str) -> list[str]:
        return [r.text.get(lang) or r.text.get("en", r.id) for r in self.reasons]


@dataclass(frozen=True)
class Rules:
    version: str
    exclusions: tuple[dict[str, Any], ...]
    score: tuple[dict[str, Any], ...]
    eligible_at: int
    assess_at: int
    outcomes: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: Path) -> Rules:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        try:
            rules = cls(
                version=str(raw["version"]),
                exclusions=tuple(raw.get("exclusions") or ()),
                score=tuple(raw.get("score") or ()),
                eligible_at=int(raw["thresholds"]["eligible"]),
                assess_at=int(raw["thresholds"]["needs_assessment"]),
                outcomes=dict(raw.get("outcomes") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RulesError(f"{path}: {exc!r}") from exc
        for rule in rules.exclusions + rules.score:
            _check(rule, path)
        return rules

    def decide(self, answers: dict[str, Any]) -> Decision:
        """The decision for one person's answers."""
        for rule in self.exclusions:
            if matches(rule["when"], answers):
                reason = Reason(rule["id"], dict(rule["reason"]))
                return Decision("not_eligible", 0, (reason,), self.version,
                                self.outcomes.get("not_eligible", {}))
        reasons = tuple(Reason(r["id"], dict(r["reason"]), int(r["points"]))
                        for r in self.score if matches(r["when"], answers))
        score = min(100, sum(r.points for r in reasons))
        if score >= self.eligible_at:
            outcome = "eligible"
        elif score >= self.assess_at:
            outcome = "needs_assessment"
        else:
            outcome = "not_eligible"
            low = self.outcomes.get("low_score")
            if low:
                reasons = (Reason("low_score", dict(low)), *reasons)
        return Decision(outcome, score, reasons, self.version, self.outcomes.get(outcome, {}))


def matches(condition: dict[str, Any], answers: dict[str, Any]) -> bool:
    value = answers.get(condition["field"])
    return any(OPERATORS[op](value, expected)
               for op, expected in condition.items() if op in OPERATORS)


def _check(rule: dict[str, Any], path: Path) -> None:
    when = rule.get("when") or {}
    if "id" not in rule or "field" not in when or not any(op in OPERATORS for op in when):
        raise RulesError(f"{path}: rule {rule.get('id', '?')} needs an id, a field and a test")
    if not isinstance(rule.get("reason"), dict) or not {"en", "bn"} <= set(rule["reason"]):
        raise RulesError(f"{path}: rule {rule['id']} needs a reason in en and bn")
