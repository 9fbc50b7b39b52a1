"""The web chat: a page at `/` and `POST /webchat/messages` behind it."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.errors import ApiError
from bot.messages import InboundMessage
from bot.service import person_key
from referral import outbox

STATIC = Path(__file__).resolve().parent / "static"
router = APIRouter()


class WebchatMessageCreate(BaseModel):
    user_id: str = Field(min_length=1, max_length=128)
    text: str
    message_id: str | None = Field(default=None, max_length=128,
                                   description="optional client id; a retry with it is answered once")


class ButtonOut(BaseModel):
    title: str
    payload: str


class MessageOut(BaseModel):
    text: str
    buttons: list[ButtonOut]


class WebchatReply(BaseModel):
    messages: list[MessageOut]


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "chat.html", media_type="text/html; charset=utf-8")


@router.get("/webchat/messages", response_model=WebchatReply)
async def waiting_messages(user_id: str, request: Request) -> WebchatReply:
    """Messages that came for this web chat user meanwhile (a field organizer's reply); the
    page asks every few seconds, since a browser cannot be written to first."""
    services = request.app.state.services
    if not 1 <= len(user_id) <= 128:
        raise ApiError("user_id must have 1 to 128 characters", status=422, code="invalid_request")
    async with services.sessionmaker() as session:
        rows = await outbox.pick_up(session, channel="webchat", user_hash=person_key(user_id))
        await session.commit()
    return WebchatReply(messages=[MessageOut(text=r.text, buttons=[
        ButtonOut(title=b["title"], payload=b["payload"]) for b in r.buttons]) for r in rows])


@router.post("/webchat/messages", response_model=WebchatReply)
async def post_message(body: WebchatMessageCreate, request: Request) -> WebchatReply:
    """Send one message as a web chat user and get the bot's replies."""
    services = request.app.state.services
    text = body.text.strip()
    if not text:
        raise ApiError("text is empty: write a message", status=422, code="empty_text")
    limit = services.settings.max_text_chars
    if len(text) > limit:
        raise ApiError(f"text is too long: at most {limit} characters", status=422,
                       code="text_too_long")
    provider_id = body.message_id or uuid.uuid4().hex
    message = InboundMessage(channel="webchat", user_id=body.user_id, text=text,
                             provider_id=provider_id)
    handled = await services.conversations.handle(message)
    replies = handled.replies
    if handled.duplicate:
        replies = await services.conversations.replies_to("webchat", provider_id)
    return WebchatReply(messages=[MessageOut.model_validate(r.as_json()) for r in replies])
