"""Telegram through aiogram 3: the bot (honouring TELEGRAM_API_BASE), the dispatcher that turns
updates into channel-neutral messages, and the sender the outbox worker uses."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import CallbackQuery, Message

from api.channels.telegram.render import command, keyboard
from api.settings import TELEGRAM_API_DEFAULT
from bot.delivery import TELEGRAM_LIMIT, queued_plan
from bot.messages import InboundMessage
from bot.service import Conversations
from bot.staffdesk import StaffDesk
from referral.models import OutboxMessage
from referral.outbox import SendError

log = logging.getLogger("prottasha.telegram")
PLAN = queued_plan(TELEGRAM_LIMIT)
UPDATES = ["message", "callback_query"]


def make_bot(token: str, api_base: str = TELEGRAM_API_DEFAULT) -> Bot:
    """A bot whose requests go to `{api_base}/bot{token}/{method}` (a local Bot API server too)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    return Bot(token=token, session=session)


def make_dispatcher(conversations: Conversations, *, wake: Callable[[], None],
                    max_chars: int, desk: StaffDesk | None = None) -> Dispatcher:
    """The dispatcher both webhook and long polling feed; private chats only."""
    router = Router(name="prottasha")
    private = F.chat.type == "private"

    async def handle(chat_id: int, text: str, provider_id: str,
                     reply_to: str | None = None) -> None:
        staff = await desk.staff_for_chat(str(chat_id)) if desk is not None else None
        if staff is not None:  # a field organizer: their own desk, never the returnees' dialogue
            await desk.handle(staff, text.strip(), reply_to=reply_to,  # type: ignore[union-attr]
                              provider_id=provider_id)
            wake()
            return
        message = InboundMessage(channel="telegram", user_id=str(chat_id),
                                 text=command(text.strip())[:max_chars], provider_id=provider_id)
        handled = await conversations.handle(message, plan=PLAN)
        if handled.queued:
            wake()

    @router.message(private, F.text)
    async def on_text(message: Message) -> None:
        assert message.text is not None
        if message.text.strip():
            replied = message.reply_to_message
            await handle(message.chat.id, message.text, f"{message.chat.id}:{message.message_id}",
                         f"{message.chat.id}:{replied.message_id}" if replied else None)

    @router.callback_query(F.data)
    async def on_button(query: CallbackQuery) -> None:
        try:
            await query.answer()  # stops the button's spinner; the reply comes as a message
        except TelegramAPIError:
            log.info("callback_answer_failed", extra={"channel": "telegram"})
        chat = query.message.chat if query.message is not None else None
        if chat is not None and chat.type != "private":
            return
        assert query.data is not None
        await handle(chat.id if chat is not None else query.from_user.id, query.data,
                     f"cb:{query.id}")

    @router.message()
    async def on_other(message: Message) -> None:
        # Stickers, photos, voice, group chatter: nothing to answer, nothing personal logged.
        log.info("unsupported_message", extra={"channel": "telegram",
                                               "code": message.content_type})

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


class TelegramSender:
    """Sends outbox rows with the Bot API; buttons become an inline keyboard."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, row: OutboxMessage) -> str:
        try:
            sent = await self.bot.send_message(chat_id=int(row.address), text=row.text,
                                               reply_markup=keyboard(row.buttons))
        except TelegramRetryAfter as exc:
            raise SendError("telegram retry_after", retryable=True,
                            retry_after=exc.retry_after) from exc
        except (TelegramNetworkError, TelegramServerError) as exc:
            raise SendError(f"telegram {type(exc).__name__}", retryable=True) from exc
        except TelegramForbiddenError as exc:  # the person blocked the bot: as good as STOP
            raise SendError("telegram forbidden", retryable=False, opt_out=True) from exc
        except (TelegramBadRequest, TelegramAPIError, ValueError) as exc:
            raise SendError(f"telegram {type(exc).__name__}", retryable=False) from exc
        return f"{sent.chat.id}:{sent.message_id}"
