"""What the caller knows that the pure dialogue may not look up itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TicketInfo:
    reference: str
    status: str


@dataclass(frozen=True)
class Facts:
    today: date
    sender_phone: str | None = None  # E.164 when the channel address is a phone number
    open_ticket: TicketInfo | None = None
    new_reference: str = ""  # the reference a ticket made in this turn will carry
    # Somebody will be alerted about an urgent case (a centre's staff or the on-call rota): the
    # dialogue promises a call only then.
    responders: bool = True
