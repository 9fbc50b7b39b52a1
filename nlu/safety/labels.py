"""What the danger detector tells apart (shared/spec and issue 10: the safety categories)."""

from __future__ import annotations

# A person (or someone they write about) in danger now: emergency numbers and an urgent case.
DANGER: tuple[str, ...] = (
    "self_harm", "violence", "sexual_violence", "confinement", "passport_forced_labour",
    "no_wages_food", "trafficking_ransom", "medical_emergency", "missing_detained",
    "death_abroad",
)  # fmt: skip
DISTRESS = "distress"  # sad, afraid, hopeless: support and a number, no urgent case
QUESTION = "question"  # asks about rules on these themes; nobody is in danger now
BENIGN = "benign"  # look-alikes: "2024 marche", "dying to go to Dubai", cricket
LABELS: tuple[str, ...] = (*DANGER, DISTRESS, QUESTION, BENIGN)

# The intents of the intent classifier that speak of danger, as a second opinion.
# (emergency_abroad is not among them: its page, with the numbers and CALL, is its answer.)
DANGER_INTENTS = {"self_harm": "self_harm", "death_abroad": "death_abroad"}
