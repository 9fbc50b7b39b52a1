"""What the caller knows that the pure dialogue may not look up itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TicketInfo:
    reference: str
    status: str


@dataclass(frozen=True)
class CampaignWaiting:
    """A campaign that reached this person waits for their reply: a quiz answer, or "1" for
    more. The texts are already in the person's version of the campaign."""

    campaign_id: int
    awaiting: str  # "quiz" or "more"
    topic: str | None = None  # "more": the content topic to show
    step: int = 0  # quiz: the question waiting (0-based)
    questions: int = 0
    options: int = 0  # of the waiting question
    answer: str = ""  # its right answer
    score: int = 0  # right so far
    next_question: str | None = None  # the question after this one, or None after the last


@dataclass(frozen=True)
class Facts:
    today: date
    sender_phone: str | None = None  # E.164 when the channel address is a phone number
    open_ticket: TicketInfo | None = None
    new_reference: str = ""  # the reference a ticket made in this turn will carry
    # Somebody will be alerted about an urgent case (a centre's staff or the on-call rota): the
    # dialogue promises a call only then.
    responders: bool = True
    campaign: CampaignWaiting | None = None
