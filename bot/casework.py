"""What the dialogue's effects do to the case database, inside the turn's own transaction:
registering, urgent cases, requests for a person, erasure. Also the facts the dialogue needs."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any, assert_never

from sqlalchemy.ext.asyncio import AsyncSession

from bot import alerts
from bot.campaigns import question
from bot.effects import (
    AskForPerson,
    CampaignReply,
    CaseDistrict,
    Effect,
    Erase,
    LanguageChanged,
    OptOut,
    Register,
)
from bot.facts import CampaignWaiting, Facts, TicketInfo
from bot.messages import PHONE_CHANNELS, InboundMessage
from bot.render import Resources
from referral import erasure, oncall, tickets
from referral.campaigns import sending
from referral.casework import ConsentRecord, Screening, Ticket
from referral.contacts import e164, phone_hash
from referral.lookup import TurnReads
from referral.models import utcnow

log = logging.getLogger("prottasha.casework")


async def facts_for(session: AsyncSession, message: InboundMessage, contact_id: int | None,
                    today: date, user_hash: str, reads: TurnReads) -> Facts:
    """What the dialogue may know of the world this turn (`reads` come from
    referral.lookup.turn_reads, made under the turn's lock)."""
    ticket = reads.ticket
    sender = e164(message.user_id) if message.channel in PHONE_CHANNELS else None
    # Only a lone number can answer a campaign: other messages cost no look-up.
    campaign = (await _campaign_reply(session, contact_id, user_hash, message.channel)
                if contact_id is not None and _ANSWER.match(message.text) else None)
    return Facts(today=today, sender_phone=sender,
                 open_ticket=TicketInfo(ticket.reference, ticket.status) if ticket else None,
                 new_reference=reads.reference, responders=reads.anyone, campaign=campaign)


_ANSWER = re.compile(r"^\s*[0-9০-৯]\s*[.)।]?\s*$")


async def _campaign_reply(session: AsyncSession, contact_id: int, user_hash: str,
                          channel: str) -> CampaignWaiting | None:
    found = await sending.waiting_reply(session, contact_id, user_hash)
    if found is None:
        return None
    campaign, recipient = found
    if recipient.awaiting == "more":
        return CampaignWaiting(campaign.id, "more", topic=campaign.topic)
    steps = campaign.steps or []
    if recipient.step >= len(steps):
        return None
    waiting = steps[recipient.step]
    return CampaignWaiting(campaign.id, "quiz", step=recipient.step, questions=len(steps),
                         options=int(waiting.get("options") or 0),
                         answer=str(waiting.get("answer")), score=recipient.score,
                         next_question=question(steps, recipient.step + 1, recipient.language,
                                                channel))


async def apply(session: AsyncSession, effects: list[Effect], *, message: InboundMessage,
                contact_id: int | None, user_hash: str, res: Resources,
                facts: Facts, inbox_id: int | None = None) -> None:
    """Carry out the effects that touch cases (flushes; the caller commits)."""
    for effect in effects:
        match effect:
            case Register() if contact_id is not None:
                await _register(session, effect, message, contact_id, res)
            case AskForPerson() if contact_id is not None:
                await _ask_for_a_person(session, effect, message, contact_id, res, facts)
            case CaseDistrict() if contact_id is not None:
                await _case_district(session, effect.district, contact_id, res)
            case CampaignReply() if contact_id is not None:
                await sending.record_reply(session, effect.campaign_id, contact_id,
                                           step=effect.step, answer=effect.answer, now=utcnow())
            case Erase():
                await erasure.erase(session, contact_id=contact_id, channel=message.channel,
                                    user_hash=user_hash, keep_inbox_id=inbox_id)
                log.info("erased", extra={"channel": message.channel})
            case Register() | AskForPerson() | CaseDistrict() | CampaignReply():
                pass  # no contact, no case to make
            case OptOut() | LanguageChanged():
                pass  # not a case: bot/service.py unsubscribes; the language is in the state
            case _:
                assert_never(effect)


async def _register(session: AsyncSession, effect: Register, message: InboundMessage,
                    contact_id: int, res: Resources) -> None:
    answers = dict(effect.answers)
    reasons = [dict(r) for r in effect.reasons]
    session.add(ConsentRecord(contact_id=contact_id, version=effect.consent_version, given=True,
                              channel=message.channel, language=effect.language))
    screening = Screening(contact_id=contact_id, answers=answers,
                          questionnaire_version=effect.questionnaire_version,
                          rules_version=effect.rules_version, score=effect.score,
                          decision=effect.decision, reasons=reasons,
                          channel=message.channel, language=effect.language)
    session.add(screening)
    await session.flush()
    if not effect.refer:
        return
    phone = answers.get("phone")
    fields: dict[str, Any] = dict(
        priority=effect.priority, centre_id=effect.centre, district=answers.get("district"),
        gender=answers.get("gender"), needs=list(answers.get("needs") or []),
        language=effect.language, phone=phone, phone_hash=phone_hash(phone) if phone else None,
        screening_id=screening.id, decision=effect.decision, reasons=reasons,
        rules_version=effect.rules_version, channel=message.channel, address=message.user_id)
    existing = await tickets.open_ticket_for(session, contact_id)
    if existing is not None:
        moved = existing.centre_id != fields["centre_id"]
        for key, value in fields.items():
            setattr(existing, key, value)
        tickets.record(session, existing, "updated", who="person", screening=screening.id)
        if moved or existing.assignee_id is None:
            organizer = await tickets.route(session, existing.centre_id)
            if organizer is not None:
                tickets.assign(session, existing, organizer)
        await session.flush()
        await alerts.ticket(session, existing, res, updated=True)
        return
    ticket = await tickets.create(session, reference=effect.reference or tickets.new_reference(),
                                  kind="registration", contact_id=contact_id, **fields)
    await alerts.ticket(session, ticket, res)


async def _ask_for_a_person(session: AsyncSession, effect: AskForPerson,
                            message: InboundMessage, contact_id: int, res: Resources,
                            facts: Facts) -> None:
    """Urgent danger or a request to talk: the open ticket is raised, or a new one made."""
    priority, district = effect.priority, effect.district
    centre = res.library.centre_for_district(district) if district else None
    existing = await tickets.open_ticket_for(session, contact_id)
    if existing is not None:
        if _rank(priority) < _rank(existing.priority):
            existing.priority = priority
        tickets.record(session, existing, effect.kind, who="person", reason=effect.category)
        if existing.centre_id is None and centre is not None:
            existing.district, existing.centre_id = district, centre.id
        if existing.assignee_id is None:
            await _find_someone(session, existing)
        await session.flush()
        await alerts.ticket(session, existing, res, updated=True, reason=effect.kind,
                            danger=effect.category)
        return
    phone = facts.sender_phone
    ticket = await tickets.create(
        session, reference=facts.new_reference or tickets.new_reference(), kind=effect.kind,
        contact_id=contact_id, priority=priority, centre_id=centre.id if centre else None,
        district=district, needs=["counselling"] if effect.category == "self_harm" else [],
        language=effect.language, phone=phone,
        phone_hash=phone_hash(phone) if phone else None, channel=message.channel,
        address=message.user_id, reasons=[], decision=None, routed=False)
    await _find_someone(session, ticket)
    await alerts.ticket(session, ticket, res, reason=effect.kind, danger=effect.category)


async def _find_someone(session: AsyncSession, ticket: Ticket) -> None:
    """Urgent cases go to whoever is on call; with no district, to the national rota."""
    person = await oncall.responder(session, ticket.centre_id,
                                    urgent=ticket.priority == "urgent")
    if person is not None:
        tickets.assign(session, ticket, person)
    await session.flush()


async def _case_district(session: AsyncSession, district: str, contact_id: int,
                         res: Resources) -> None:
    """The person named their district: the case moves from the on-call queue to its centre."""
    ticket = await tickets.open_ticket_for(session, contact_id)
    centre = res.library.centre_for_district(district)
    if ticket is None or centre is None or ticket.centre_id == centre.id:
        return
    ticket.district, ticket.centre_id = district, centre.id
    tickets.record(session, ticket, "routed", who="person", centre=centre.id)
    if ticket.accepted_at is None:
        organizer = await oncall.responder(session, centre.id,
                                           urgent=ticket.priority == "urgent")
        if organizer is not None:
            tickets.assign(session, ticket, organizer)
    await session.flush()
    await alerts.ticket(session, ticket, res, updated=True, reason="routed")


async def relay(session: AsyncSession, message: InboundMessage, contact_id: int, inbox_id: int,
                res: Resources) -> bool:
    """A person writing while their ticket is being worked: the organizer sees it (a helpdesk's
    two-way relay); menu numbers and button presses are not relayed."""
    text = message.text.strip()
    if not text or text.isdigit() or ":" in text and text.split(":", 1)[0].isalpha():
        return False
    ticket = await tickets.open_ticket_for(session, contact_id)
    if ticket is None or ticket.accepted_at is None:
        return False
    tickets.record(session, ticket, "message", who="person", inbox=inbox_id)
    await alerts.message_from_person(session, ticket, res, text)
    return True


def _rank(priority: str) -> int:
    return {"urgent": 0, "high": 1, "normal": 2}.get(priority, 3)

