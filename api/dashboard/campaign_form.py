"""The new-campaign form: what staff typed, checked field by field so each problem is shown next
to its field in their language, then handed to `drafts.create` as the REST API hands its JSON.

Who may address whom is not checked here: `drafts.create` does that, for every way in.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from bot.i18n import N_
from referral.campaigns import drafts
from referral.campaigns.segments import LANGUAGES, PUSH_CHANNELS
from referral.errors import Invalid

MAX_NAME = 120
REGISTERED = {"": None, "yes": True, "no": False}

NAME_MISSING = N_("Give the campaign a name (at most 120 characters).")
TEXT_MISSING = N_("Write this text: every campaign has a Bangla and an English version.")
TEXT_LONG = N_("At most {count} characters.")
UNKNOWN_DISTRICT = N_("Unknown district: {name}")
UNKNOWN_CHOICE = N_("Not one of the choices: {name}")
NOT_TEXT = N_("This contains a character that is not text (NUL): remove it.")
BAD_TIME = N_("Give the send time as a date and a time, e.g. 2027-01-15 10:00 (Bangladesh time).")


@dataclass(frozen=True)
class Problem:
    key: str  # the form field it is about
    message: str  # a msgid, translated when shown
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class CampaignForm:
    """The fields as typed, so a form with a problem comes back filled in."""

    name: str = ""
    bn: str = ""
    en: str = ""
    banglish: str = ""
    districts: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    registered: str = ""
    send_at: str = ""
    quiet_hours: bool = True  # on unless staff untick it
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def parse(cls, form: FormData, known_districts: Collection[str]) -> CampaignForm:
        """Read and check the posted form; `known_districts` are all the reference data's."""
        def text(key: str) -> str:
            value = form.get(key)
            return value.strip() if isinstance(value, str) else ""

        def many(key: str) -> list[str]:
            return [v.strip() for v in form.getlist(key) if isinstance(v, str) and v.strip()]

        self = cls(name=text("name"), bn=text("bn"), en=text("en"), banglish=text("banglish"),
                   districts=many("districts"), languages=many("languages"),
                   channels=many("channels"), registered=text("registered"),
                   send_at=text("send_at"), quiet_hours=form.get("quiet_hours") is not None)
        self._check(known_districts)
        return self

    def _check(self, known_districts: Collection[str]) -> None:
        if not self.name or len(self.name) > MAX_NAME:
            self.problem("name", NAME_MISSING)
        for key in ("name", "bn", "en", "banglish"):
            if "\x00" in getattr(self, key):  # PostgreSQL refuses it in text
                self.problem(key, NOT_TEXT)
        for lang in ("bn", "en", "banglish"):
            value = getattr(self, lang)
            if not value and lang != "banglish":
                self.problem(lang, TEXT_MISSING)
            elif len(value) > drafts.MAX_TEXT:
                self.problem(lang, TEXT_LONG, count=drafts.MAX_TEXT)
        known = {name.lower() for name in known_districts}
        for name in self.districts:
            if name.lower() not in known:
                self.problem("districts", UNKNOWN_DISTRICT, name=name)
        for key, allowed in (("languages", LANGUAGES), ("channels", PUSH_CHANNELS)):
            for value in getattr(self, key):
                if value not in allowed:
                    self.problem(key, UNKNOWN_CHOICE, name=value)
        if self.registered not in REGISTERED:
            self.problem("registered", UNKNOWN_CHOICE, name=self.registered)
        try:
            drafts.send_time(self.send_at)
        except Invalid:
            self.problem("send_at", BAD_TIME)

    def problem(self, key: str, message: str, /, **values: Any) -> None:
        self.problems.append(Problem(key, message, values))

    def about(self, name: str) -> list[Problem]:
        """The problems to show next to one field."""
        return [p for p in self.problems if p.key == name]

    def segment(self) -> dict[str, Any]:
        chosen: dict[str, Any] = {"districts": self.districts, "languages": self.languages,
                                  "channels": self.channels,
                                  "registered": REGISTERED.get(self.registered)}
        return {k: v for k, v in chosen.items() if v not in (None, [])}

    def messages(self) -> dict[str, str]:
        texts = {"bn": self.bn, "en": self.en, "banglish": self.banglish}
        return {k: v for k, v in texts.items() if v}

    def create_args(self) -> dict[str, Any]:
        """Keyword arguments for `drafts.create`."""
        return {"name": self.name, "segment": self.segment(), "messages": self.messages(),
                "send_at": self.send_at or None, "quiet_hours": self.quiet_hours}
