"""Turn menus and topics into outbound messages: numbered text that works on a basic phone, plus
buttons where the channel has them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content import Library, Menu, Topic
from bot.flows.places import PlaceIndex
from bot.flows.questionnaire import Questionnaire
from bot.i18n import N_, Catalogs, localise_digits
from bot.messages import Button, OutboundMessage
from nlu import safety
from referral.eligibility import Rules

MORE = "more"
MAIN_MENU = "menu:main"


@dataclass(frozen=True)
class Resources:
    """What the dialogue reads: content and catalogs, loaded once at start."""

    library: Library
    catalogs: Catalogs
    questionnaire: Questionnaire
    rules: Rules
    districts: PlaceIndex
    countries: PlaceIndex
    danger: safety.DangerDetector
    sms_banglish_reply: str = "banglish"

    @classmethod
    def load(cls, content_dir: Path, nlu_data_dir: Path, *, sms_banglish_reply: str = "banglish",
             catalogs: Catalogs | None = None, danger: safety.DangerDetector | None = None,
             artifact_dir: Path | None = None) -> Resources:
        """Everything the dialogue reads, from the content and NLU data folders."""
        catalogs = catalogs or Catalogs()
        return cls(
            library=Library.load(content_dir, catalogs=catalogs),
            catalogs=catalogs,
            questionnaire=Questionnaire.load(content_dir),
            rules=Rules.load(content_dir / "rules" / "eligibility.yml"),
            districts=PlaceIndex.from_lookup(nlu_data_dir / "lookups" / "district.yml"),
            countries=PlaceIndex.from_lookup(nlu_data_dir / "lookups" / "country.yml"),
            danger=danger or safety.load_detector(safety.DATA_DIR, safety.CUES,
                                                        artifact_dir),
            sms_banglish_reply=sms_banglish_reply,
        )

    def _(self, lang: str, msgid: str, **values: object) -> str:
        return self.catalogs.gettext(lang, msgid, **values)


@dataclass(frozen=True)
class Rendered:
    message: OutboundMessage
    options: dict[str, str]  # what each number means in the next reply


def menu(catalogs: Catalogs, menu_obj: Menu, lang: str, *, plain: bool) -> Rendered:
    """A numbered list; on rich channels the same items as buttons."""
    lines = [menu_obj.title] if menu_obj.title else []
    options: dict[str, str] = {}
    buttons = []
    for n, item in enumerate(menu_obj.items, start=1):
        lines.append(localise_digits(f"{n}. {item.title}", lang))
        options[str(n)] = item.target
        buttons.append(Button(title=item.title, payload=item.target))
    if menu_obj.id != "main":
        lines.append(localise_digits("0. ", lang) + catalogs.gettext(lang, N_("Main menu")))
        options["0"] = MAIN_MENU
    text = "\n".join(lines)
    return Rendered(OutboundMessage(text, lang, () if plain else tuple(buttons)), options)


def topic_page(
    res: Resources, topic: Topic, lang: str, *, plain: bool, page: int = 0, **extra: str
) -> Rendered:
    """SMS gets one short page at a time ("reply 1 for more"); rich channels the full answer."""
    lib = res.library
    if plain:
        source = topic.with_centre.get("sms") if "centre_name" in extra else None
        text = lib.fill(source or topic.sms_pages[page], lang, **extra)
        options = {"0": MAIN_MENU}
        if page + 1 < len(topic.sms_pages):
            text += " " + res._(lang, N_("Reply 1 for more."))
            options["1"] = MORE
        return Rendered(OutboundMessage(text, lang), options)
    source = topic.with_centre.get("messenger") if "centre_name" in extra else None
    text = lib.fill(source or topic.messenger, lang, **extra)
    buttons = [
        Button(title=related.title, payload=f"topic:{related.id}")
        for rid in topic.related
        if (related := lib.topic(rid, lang)) is not None
    ]
    buttons.append(Button(title=res._(lang, N_("Main menu")), payload=MAIN_MENU))
    options = {str(n): b.payload for n, b in enumerate(buttons, start=1)}
    return Rendered(OutboundMessage(text, lang, tuple(buttons)), options)


def say(res: Resources, lang: str, msgid: str, **values: object) -> OutboundMessage:
    """A UI string from the catalogs, with figures such as helpline numbers filled in."""
    return OutboundMessage(res.library.fill(res._(lang, msgid, **values), lang), lang)
