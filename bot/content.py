"""The content library: topics, menus, figures and reference data, read from `content/`.

Editors change these YAML files without touching code; figures that change (fees, phone
numbers) live once in `content/figures.yml` and topics refer to them as `{key}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.figures import AS_OF, AS_OF_SUFFIX, Figure, parse_day, parse_figure
from bot.i18n import BANGLISH, LANGUAGES, Catalogs, localise_digits
from nlu.rasa_yaml import load_yaml

_GAP = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


@dataclass(frozen=True)
class Topic:
    id: str
    lang: str
    title: str
    intents: tuple[str, ...]
    sms_pages: tuple[str, ...]  # the first SMS, then the "more" pages
    messenger: str
    related: tuple[str, ...] = ()
    with_centre: dict[str, str] = field(default_factory=dict)
    reviewed: bool = False
    sources: tuple[str, ...] = ()
    review_by: date | None = None  # pages whose prose carries dated facts (market status)
    review_text: str = ""


@dataclass(frozen=True)
class MenuItem:
    title: str
    target: str  # "menu:abroad", "topic:loan_info" or "action:register"


@dataclass(frozen=True)
class Menu:
    id: str
    title: str
    items: tuple[MenuItem, ...]


@dataclass(frozen=True)
class Centre:
    id: str
    names: dict[str, str]
    phone_key: str
    districts: tuple[str, ...]


class ContentError(ValueError):
    """A content file is missing or malformed."""


class Library:
    """Everything the bot says that is not a UI string."""

    def __init__(
        self,
        *,
        figures: dict[str, Figure],
        topics: dict[tuple[str, str], Topic],
        menus: dict[tuple[str, str], Menu],
        centres: dict[str, Centre],
        districts: dict[str, dict[str, Any]],
        catalogs: Catalogs | None = None,
    ) -> None:
        self.figures = figures
        self.topics = topics
        self.menus = menus
        self.centres = centres
        self.districts = districts
        self.catalogs = catalogs or Catalogs()  # for "as of <month year>"
        self._by_intent = {i: t.id for t in topics.values() for i in t.intents}

    @classmethod
    def load(cls, root: Path, *, catalogs: Catalogs | None = None) -> Library:
        try:
            figures = {key: parse_figure(key, f)
                       for key, f in (_read(root / "figures.yml").get("figures") or {}).items()}
        except (KeyError, TypeError, AttributeError) as exc:
            raise ContentError(f"figures.yml: malformed entry ({exc})") from exc
        topics: dict[tuple[str, str], Topic] = {}
        menus: dict[tuple[str, str], Menu] = {}
        for lang in LANGUAGES:
            for path in sorted((root / lang / "topics").glob("*.yml")):
                topic = _topic(_read(path), lang, path)
                topics[(topic.id, lang)] = topic
            # Banglish may lag behind (English stands in); `prottasha content check` names the gap.
            raw = _read(root / lang / "menus.yml", default={} if lang == BANGLISH else None)
            if not raw:
                continue
            menus[("main", lang)] = _menu("main", raw.get("main") or {})
            for menu_id, menu in (raw.get("menus") or {}).items():
                menus[(menu_id, lang)] = _menu(menu_id, menu)
        centres: dict[str, Centre] = {}
        for c in _read(root / "reference" / "centres.yml", default=[]) or []:
            centres[c["id"]] = Centre(id=c["id"], names=dict(c["name"]),
                                      phone_key=c.get("phone", ""), districts=())
        districts = {
            d["name"]: d for d in _read(root / "reference" / "districts.yml", default=[]) or []
        }
        for cid, centre in centres.items():
            served = tuple(sorted(n for n, d in districts.items() if d.get("centre") == cid))
            centres[cid] = Centre(centre.id, centre.names, centre.phone_key, served)
        return cls(figures=figures, topics=topics, menus=menus, centres=centres,
                   districts=districts, catalogs=catalogs)

    def topic_for_intent(self, intent: str) -> str | None:
        return self._by_intent.get(intent)

    def topic(self, topic_id: str, lang: str) -> Topic | None:
        """The topic in `lang`, or in another language when a translation is missing (English
        first: a Banglish SMS must stay in Latin letters)."""
        return self.topics.get((topic_id, lang)) or next(
            (self.topics[(topic_id, other)] for other in ("en", "bn")
             if (topic_id, other) in self.topics),
            None,
        )

    def menu(self, menu_id: str, lang: str) -> Menu | None:
        return self.menus.get((menu_id, lang)) or self.menus.get((menu_id, "en"))

    def centre_for_district(self, district: str) -> Centre | None:
        info = self.districts.get(district)
        return self.centres.get(info["centre"]) if info else None

    def as_of(self, key: str, lang: str) -> str | None:
        """What `{key_as_of}` becomes ("as of August 2016"), None when the figure has no date."""
        found = self.figures.get(key)
        when = found.date_text(lang) if found else None
        return localise_digits(self.catalogs.gettext(lang, AS_OF, date=when), lang) \
            if when else None

    def fill(self, text: str, lang: str, **extra: str) -> str:
        """Put figures (and extra values) into a text, with digits in the reply's language.

        Phone numbers stay in ASCII digits even in Bangla: most phones cannot dial a number
        written in Bangla digits straight from a message. `{key_as_of}` gives the date of
        figure `key` ("as of August 2016").
        """
        out = []
        last = 0
        text = text.strip()
        for match in _PLACEHOLDER.finditer(text):
            out.append(localise_digits(text[last:match.start()], lang))
            key = match.group(1)
            figure = self.figures.get(key)
            if key in extra:
                value = extra[key]
                out.append(value if key.endswith("phone") else localise_digits(value, lang))
            elif figure is not None:
                out.append(figure.value if figure.kind == "phone"
                           else localise_digits(figure.value, lang))
            elif key.endswith(AS_OF_SUFFIX) and \
                    (when := self.as_of(key.removesuffix(AS_OF_SUFFIX), lang)) is not None:
                out.append(when)
            else:
                out.append(match.group(0))
            last = match.end()
        out.append(localise_digits(text[last:], lang))
        # An empty value leaves neither a double space nor a blank line at the end.
        return _GAP.sub(" ", "".join(out)).strip()

    def placeholders(self, text: str) -> set[str]:
        return placeholders(text)


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders of a text (figures, or values the bot fills in)."""
    return set(_PLACEHOLDER.findall(text))


def _read(path: Path, default: Any = None) -> Any:
    if not path.exists():
        if default is not None:
            return default
        raise ContentError(f"missing content file: {path}")
    try:
        return load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: {exc}") from exc


def _topic(raw: dict[str, Any], lang: str, path: Path) -> Topic:
    try:
        sms = raw.get("sms") or {}
        return Topic(
            id=raw["id"],
            lang=lang,
            title=raw["title"],
            intents=tuple(raw.get("intents") or [raw["id"]]),
            sms_pages=(sms["body"], *(sms.get("more") or [])),
            messenger=(raw.get("messenger") or {}).get("body") or sms["body"],
            related=tuple(raw.get("related") or ()),
            with_centre=_bodies(raw.get("with_centre") or {}),
            reviewed=bool(raw.get("reviewed", False)),
            sources=tuple(raw.get("sources") or ()),
            review_by=parse_day(raw.get("review_by")),
            review_text=str(raw.get("review_by") or ""),
        )
    except (KeyError, TypeError) as exc:
        raise ContentError(f"{path}: missing field {exc}") from exc


def _bodies(raw: dict[str, Any]) -> dict[str, str]:
    """`{sms: "..."}` or `{sms: {body: "..."}}`, both read as `{"sms": "..."}`."""
    return {k: (v.get("body", "") if isinstance(v, dict) else str(v)) for k, v in raw.items()}


def _menu(menu_id: str, raw: dict[str, Any]) -> Menu:
    items = []
    for item in raw.get("items") or []:
        for kind in ("menu", "topic", "action"):
            if kind in item:
                items.append(MenuItem(title=item["title"], target=f"{kind}:{item[kind]}"))
                break
    return Menu(id=menu_id, title=raw.get("title", ""), items=tuple(items))
