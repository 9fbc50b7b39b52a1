"""Choose the detector's thresholds on out-of-fold signals: recall first, then fewest alarms."""

from __future__ import annotations

import numpy as np

from nlu.safety.detector import Signals, decide
from nlu.safety.labels import BENIGN, DANGER, DISTRESS, QUESTION
from nlu.safety.model import Thresholds

DANGER_RECALL = 0.99  # urgent on at least this share of danger examples (out of fold)
ASK_RECALL = 0.997  # urgent or asked on at least this share
DISTRESS_RECALL = 0.95
# ...unless that costs more alarms than these on the examples nobody is in danger in (benign
# and questions): then the danger threshold rises to keep false urgent cases within budget and
# the "Are you safe?" band below it catches the rest. Out of fold on our own hard look-alikes,
# not on fresh writers: at 1% a fresh set's self-harm recall was 79%, and 3% with the round-4
# look-alikes keeps the recall of 2% without them with fewer false alarms (docs/safety.md,
# round 4). Recall comes first. Round 7 returned to 2% and 4%: with short clauses no longer
# read alone and self-harm urgent from the bottom of the ask band, 3% and 6% spent the budget on
# lower thresholds (0.50, ask 0.34) and fresh look-alikes crossed them (docs/safety.md, round 7).
ALARM_BUDGET = 0.02
ASK_BUDGET = 0.04
# A reading with not one danger word in the message is urgent only this far above the danger
# threshold (below it, the person is asked "Are you safe?"). Not tuned out of fold: there, on our
# own look-alikes, half the danger examples carry no cue and the margin costs recall for little;
# on the twelve development sets by fresh writers, 0.04 made 6 fewer false alarms on look-alikes
# and questions ("Goodbye Riyadh!", "wedding in march ... my kafeel") and missed no danger more
# (docs/safety.md, round 12).
BARE_MARGIN = 0.04
# A reading of self-harm is urgent from here at the latest, whatever the alarm budget does to the
# rest (round 26): the round's hard look-alikes lifted every threshold to 0.57 and cost three
# self-harm messages on the development sets; at 0.45 they came back for two look-alikes raised
# and four more sad messages raised as urgent (docs/safety.md, round 26).
HARM_MAX = 0.45
# The "are you safe?" band is at least this wide, whatever the ask budget: round 26's hard
# look-alikes closed it (unsure = danger = 0.57), and a danger read at 0.55 ("father jailed in
# Kuala Lumpur, no lawyer") got nothing at all where it had been asked (docs/safety.md, round 27).
ASK_WIDTH = 0.10
GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def tune(signals: list[Signals], labels: list[str]) -> Thresholds:
    """The highest danger threshold that keeps recall within the alarm budget; the unsure band
    below it likewise. A reading of self-harm is urgent from the bottom of that band (round 7):
    the budget counts those alarms too, so the danger threshold for the rest rises to pay."""
    danger = [s for s, y in zip(signals, labels, strict=True) if y in DANGER]
    distress = [s for s, y in zip(signals, labels, strict=True) if y == DISTRESS]
    calm = [s for s, y in zip(signals, labels, strict=True) if y in (BENIGN, QUESTION)]

    def rate(t: Thresholds, levels: tuple[str, ...], items: list[Signals]) -> float:
        if not items:
            return 1.0 if items is not calm else 0.0
        return sum(decide(s, t).level in levels for s in items) / len(items)

    def urgent(harm: float | None) -> float:
        """The highest threshold within recall and the alarm budget, self-harm from `harm`."""
        def at(g: float) -> Thresholds:
            return Thresholds(g, g, 0.5, None if harm is None else min(harm, g))

        high = max((g for g in GRID if rate(at(g), ("danger",), danger) >= DANGER_RECALL),
                   default=float(GRID[0]))
        if rate(at(high), ("danger",), calm) > ALARM_BUDGET:
            high = min((g for g in GRID if rate(at(g), ("danger",), calm) <= ALARM_BUDGET),
                       default=float(GRID[-1]))
        return float(high)

    def ask(high: float) -> float:
        low = max((g for g in GRID if g <= high and rate(Thresholds(high, g, 0.5),
                                                           ("danger", "unsure"), danger)
                   >= ASK_RECALL), default=float(GRID[0]))
        if rate(Thresholds(high, low, 0.5), ("danger", "unsure"), calm) > ASK_BUDGET:
            low = min((g for g in GRID if g <= high and rate(Thresholds(high, g, 0.5),
                                                              ("danger", "unsure"), calm)
                       <= ASK_BUDGET), default=high)
        return float(low)

    low = ask(urgent(None))
    high = urgent(low)
    low = min(ask(high), round(high - ASK_WIDTH, 2))
    harm = min(low, high, HARM_MAX)
    dist = max((g for g in GRID if rate(Thresholds(high, low, g, harm),
                                        ("distress", "danger", "unsure"), distress)
                >= DISTRESS_RECALL), default=float(GRID[0]))
    return Thresholds(float(high), float(low), float(dist), harm,
                      round(min(high + BARE_MARGIN, float(GRID[-1])), 2))
