"""What a turn asks its caller to do once the dialogue has answered: one frozen class per effect.

The dialogue does no I/O (STYLE.md, rule 2); it returns these, and the caller carries them out
in the turn's own transaction: bot/casework.py `apply` (with `match`, one case per class) for
what touches cases, bot/service.py for opting out and erasing the conversation. A new class
goes into `Effect`, and mypy then fails until `casework.apply` handles it (issue 16)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias


@dataclass(frozen=True, slots=True)
class Register:
    """A completed questionnaire: store the consent and the screening; when `refer`, make the
    person's ticket (or update their open one) and alert its centre. Stored as the person
    answered and as the rules decided, so staff can see why."""

    answers: Mapping[str, Any]  # step id -> answer, as the questionnaire validated it
    consent_version: str
    questionnaire_version: str
    rules_version: str
    score: int
    decision: str  # eligible | needs_assessment | not_eligible
    reasons: tuple[Mapping[str, str], ...]  # {"id": ..., language: sentence} per reason
    refer: bool  # a ticket is made (eligible, needs assessment, or a person in danger)
    priority: str  # urgent | high | normal
    centre: str | None  # the centre id for the person's district, if there is one
    reference: str  # the open ticket's, or the one promised in the reply ("": make one)
    language: str
    update: bool  # the person had an open ticket, which is updated


@dataclass(frozen=True, slots=True)
class AskForPerson:
    """A person may be in danger (`urgent`), or asked to talk to somebody: raise their open
    ticket or make one, and alert somebody who can call back now, since the reply has
    promised exactly that."""

    urgent: bool
    # What the danger detector read ("self_harm", "violence"; "danger" when it cannot tell),
    # or "asked_for_a_person": shown in the alert, so whoever calls knows why.
    category: str
    district: str | None  # routes the case to a centre; None: the on-call rota
    language: str

    @property
    def kind(self) -> str:
        """The ticket kind, its event name and the alert's reason."""
        return "urgent" if self.urgent else "handoff"

    @property
    def priority(self) -> str:
        return "urgent" if self.urgent else "high"


@dataclass(frozen=True, slots=True)
class CaseDistrict:
    """The person named their district while their case waited on call: move it to the
    district's centre, whose staff can meet them."""

    district: str


@dataclass(frozen=True, slots=True)
class CampaignReply:
    """A reply to a campaign: record it against the campaign, so a quiz answer counts once
    and the campaign's results show who took part."""

    campaign_id: int
    step: int | None = None  # quiz: the question answered; None for "1 for more"
    answer: str | None = None  # quiz: the option chosen


@dataclass(frozen=True, slots=True)
class Erase:
    """The person confirmed erasure: erase their data on every channel and anonymise their
    tickets; the reply confirming it keeps the address only until it is sent."""


@dataclass(frozen=True, slots=True)
class OptOut:
    """The person sent STOP: mark them opted out, so that nothing more is sent to them until they
    write again (a second STOP gets no reply: it was confirmed once)."""


@dataclass(frozen=True, slots=True)
class LanguageChanged:
    """The person chose the language of replies (already in the state): nothing to store,
    a notice for whoever handles the turn."""

    language: str


Effect: TypeAlias = (Register | AskForPerson | CaseDistrict | CampaignReply | Erase | OptOut
                     | LanguageChanged)
