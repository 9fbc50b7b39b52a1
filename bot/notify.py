"""What the person is told when staff act on their ticket."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot import alerts
from bot.i18n import N_
from bot.render import Resources
from referral.casework import Ticket


def accepted(session: AsyncSession, ticket: Ticket, res: Resources) -> bool:
    """Their case was taken up: in their language, on the channel they registered from."""
    text = res.library.fill(res.catalogs.gettext(
        ticket.language, N_("Good news: a field organizer has taken up your case {reference}. "
                            "They will contact you soon."), reference=ticket.reference),
        ticket.language)
    return alerts.to_person(session, ticket, text)
