"""`prottasha content check`: everything an editor can break, found before users see it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from bot import content_banglish
from bot.content import Library
from bot.figures import AS_OF_SUFFIX
from bot.i18n import BANGLISH, LANGUAGES, LOCALE_DIR
from bot.render import menu as render_menu
from bot.sms import cost
from bot.turn import CENTRE_UNPUBLISHED
from nlu.taxonomy import INFORMATIONAL_INTENTS

SAFETY_TOPICS = ("emergency_abroad", "trafficking_warning", "psychosocial_support")
SMS_MAX_PARTS = 2
MENU_MAX_PARTS = 3  # a numbered menu of up to 7 items in Bangla script cannot fit in 2
MESSENGER_MAX_CHARS = 1000
EXAMPLE_CENTRE = {"centre_name": "Narsingdi", "centre_phone": "+8809610102030",
                  "centre_contact": "Phone: +8809610102030.",
                  "district": "Brahmanbaria"}  # the longest names, for worst-case lengths
# What {call_offer} may become (bot.dialogue's call_offer): by phone, and in a chat.
CALL_OFFERS = ("Reply CALL and a person will call you.",
               "Reply CALL and a person will write to you here.")


@dataclass(frozen=True)
class Report:
    problems: list[str]  # the check fails
    warnings: list[str]  # printed, but the check passes: a review_by has passed


def check(root: Path, locale_dir: Path = LOCALE_DIR, *, today: date | None = None) -> list[str]:
    """Every problem found, as a sentence naming the file or topic; empty when all is well."""
    return report(root, locale_dir, today=today or date.today()).problems


def report(root: Path, locale_dir: Path = LOCALE_DIR, *, today: date) -> Report:
    """Problems and warnings; `today` decides which review_by dates have passed."""
    try:
        lib = Library.load(root)
    except ValueError as exc:
        return Report([str(exc)], [])
    problems: list[str] = []
    problems += _figures(lib)
    problems += _topics(lib)
    problems += _menus(lib)
    problems += _reference(lib)
    problems += _catalogs(lib, locale_dir)
    problems += content_banglish.topics(lib)
    problems += content_banglish.screening(root)
    problems += content_banglish.reasons(root)
    dated, warnings = _dates(lib, today)
    return Report(problems + dated, warnings)


def _figures(lib: Library) -> list[str]:
    problems = [f"figures.yml: {f.key} needs a source and an as_of date"
                for f in lib.figures.values() if not f.source or not f.as_of]
    for f in lib.figures.values():
        if f.never and not f.why_never:
            problems.append(f"figures.yml: {f.key} has review_by: never but no why_never")
        elif not f.never and f.review_by is None:
            problems.append(f"figures.yml: {f.key} needs review_by as a date (YYYY-MM-DD), or "
                            f"never with why_never; it has {f.review_text or 'none'}")
    return problems


def _texts(lib: Library) -> Iterator[tuple[str, str, str]]:
    """(where, language, text) for every text a topic can show."""
    for (topic_id, lang), topic in sorted(lib.topics.items()):
        where = f"{lang}/topics/{topic_id}.yml"
        for n, page in enumerate(topic.sms_pages):
            yield f"{where}: SMS page {n + 1}", lang, page
        if lang != BANGLISH:  # Banglish is SMS only
            yield f"{where}: messenger body", lang, topic.messenger
        for channel, body in sorted(topic.with_centre.items()):
            yield f"{where}: with_centre {channel}", lang, body


def _dates(lib: Library, today: date) -> tuple[list[str], list[str]]:
    """Money figures carry their date; what is stated as current is dated and not overdue."""
    problems, shown = _dates_shown(lib)
    warnings: list[str] = []
    fix = "or set current: false and word the texts as the last published figure"
    for f in lib.figures.values():
        stated = shown.get(f.key) if f.money and f.current else None
        if stated and f.dated is None:
            problems.append(f"figures.yml: {f.key} is stated as current ({stated}) but its "
                            f"as_of gives no date ({f.as_of}): give the source's date, {fix}")
        if f.overdue(today) and stated:
            problems.append(f"figures.yml: {f.key} is stated as current ({stated}) but its "
                            f"review_by {f.review_by} has passed: check it and move review_by, "
                            f"{fix}")
        elif f.overdue(today):
            warnings.append(f"figures.yml: {f.key} review_by {f.review_by} has passed: check the "
                            f"value {f.value} against a newer source (now: {f.source}; as of "
                            f"{f.as_of})")
    for (topic_id, lang), topic in sorted(lib.topics.items()):
        where = f"{lang}/topics/{topic_id}.yml"
        twin = lib.topics.get((topic_id, _twin(lang)))
        if topic.review_text and topic.review_by is None:
            problems.append(f"{where}: review_by {topic.review_text} is not a date (YYYY-MM-DD)")
        if twin and twin.review_by != topic.review_by:
            problems.append(f"{where}: review_by differs from the other language")
        elif topic.review_by and topic.review_by < today and lang == "en":
            warnings.append(f"topics/{topic_id}.yml: review_by {topic.review_by} has passed: "
                            "check the dated facts on this page")
    return problems, warnings


def _dates_shown(lib: Library) -> tuple[list[str], dict[str, str]]:
    """Texts that show a money figure without its date; and where each figure is first shown."""
    problems = []
    shown: dict[str, str] = {}
    for where, lang, text in _texts(lib):
        filled = lib.fill(text, lang)
        for key in sorted(lib.placeholders(text)):
            f = lib.figures.get(key)
            base = lib.figures.get(key.removesuffix(AS_OF_SUFFIX))
            if f is not None:
                shown.setdefault(key, where)
                when = f.date_text(lang)
                if f.money and not f.never and when and when not in filled:
                    problems.append(f"{where}: {{{key}}} is shown without its date "
                                    f"({when}): write {{{key}{AS_OF_SUFFIX}}}")
            elif key.endswith(AS_OF_SUFFIX) and base is not None and base.dated is None:
                problems.append(f"{where}: {{{key}}}: {base.key} has no date to show "
                                f"(as_of: {base.as_of})")
    return problems, shown


def _topics(lib: Library) -> list[str]:
    problems = []
    ids = {lang: {t for (t, lg) in lib.topics if lg == lang} for lang in LANGUAGES}
    known = {*lib.figures, *(k + AS_OF_SUFFIX for k in lib.figures), *EXAMPLE_CENTRE}
    for lang in LANGUAGES:
        for other in LANGUAGES:
            for missing in sorted(ids[other] - ids[lang]):
                problems.append(f"{lang}/topics/{missing}.yml is missing (it exists in {other})")
    for intent in INFORMATIONAL_INTENTS:
        if lib.topic_for_intent(intent) is None:
            problems.append(f"intent {intent} has no topic")
    for (topic_id, lang), topic in sorted(lib.topics.items()):
        where = f"{lang}/topics/{topic_id}.yml"
        twin = lib.topics.get((topic_id, _twin(lang))) if lang != BANGLISH else None
        if twin and len(twin.sms_pages) != len(topic.sms_pages):
            problems.append(f"{where}: {len(topic.sms_pages)} SMS pages, the other language "
                            f"has {len(twin.sms_pages)}")
        if twin and twin.related != topic.related:
            problems.append(f"{where}: related topics differ from the other language")
        for rid in topic.related:
            if (rid, lang) not in lib.topics:
                problems.append(f"{where}: related topic {rid} does not exist")
        texts = list(topic.sms_pages) + [topic.messenger] + list(topic.with_centre.values())
        for text in texts:
            for key in sorted(lib.placeholders(text) - known - {"call_offer"}):
                problems.append(f"{where}: {{{key}}} is not in figures.yml")
        footer = " " + lib.catalogs.gettext(lang, "Reply 1 for more.")
        offer = max((lib.catalogs.gettext(lang, m) for m in CALL_OFFERS), key=len)
        sms_offer = lib.catalogs.gettext(lang, CALL_OFFERS[0])  # SMS always has a phone number
        for n, page in enumerate(topic.sms_pages):
            text = lib.fill(page, lang, call_offer=sms_offer) + (
                footer if n + 1 < len(topic.sms_pages) else "")
            c = cost(text)
            if c.parts > SMS_MAX_PARTS:
                problems.append(f"{where}: SMS page {n + 1} costs {c.parts} parts "
                                f"({c.units} {c.encoding} units); at most {SMS_MAX_PARTS}")
            if lang == "en" and c.encoding != "GSM-7":  # Banglish: bot/content_banglish.py
                problems.append(f"{where}: SMS page {n + 1} has characters outside GSM-7")
        if "sms" in topic.with_centre:
            unpublished = lib.fill(lib.catalogs.gettext(lang, CENTRE_UNPUBLISHED), lang)
            c = cost(lib.fill(topic.with_centre["sms"], lang, call_offer=sms_offer,
                              **{**EXAMPLE_CENTRE, "centre_contact": unpublished}))
            if c.parts > SMS_MAX_PARTS:
                problems.append(f"{where}: with_centre SMS costs {c.parts} parts")
        if lang != BANGLISH and \
                len(lib.fill(topic.messenger, lang, call_offer=offer)) > MESSENGER_MAX_CHARS:
            problems.append(f"{where}: messenger body over {MESSENGER_MAX_CHARS} characters")
        if topic_id in SAFETY_TOPICS and "999" not in topic.sms_pages[0] + \
                lib.fill(topic.sms_pages[0], "en"):
            problems.append(f"{where}: a safety topic must give 999 in its first SMS")
    return problems


def _menus(lib: Library) -> list[str]:
    problems = []
    reachable = set()
    catalogs = lib.catalogs  # loaded once with the library
    for (menu_id, lang), menu in lib.menus.items():
        c = cost(render_menu(catalogs, menu, lang, plain=True).message.text)
        if c.parts > MENU_MAX_PARTS:
            problems.append(f"{lang}/menus.yml: menu {menu_id} costs {c.parts} SMS parts "
                            f"({c.units} {c.encoding} units); at most {MENU_MAX_PARTS}")
        twin = lib.menus.get((menu_id, _twin(lang)))
        if twin is None or [i.target for i in twin.items] != [i.target for i in menu.items]:
            problems.append(f"{lang}/menus.yml: menu {menu_id} differs from the other language")
        for item in menu.items:
            kind, _, value = item.target.partition(":")
            if kind == "topic":
                reachable.add(value)
                if (value, lang) not in lib.topics:
                    problems.append(f"{lang}/menus.yml: topic {value} does not exist")
            if kind == "menu" and (value, lang) not in lib.menus:
                problems.append(f"{lang}/menus.yml: menu {value} does not exist")
    if ("main", BANGLISH) not in lib.menus:
        problems.append(f"{BANGLISH}/menus.yml is missing")
    for topic_id in sorted({t for t, _ in lib.topics} - reachable):
        problems.append(f"topic {topic_id} is not reachable from any menu")
    return problems


def _reference(lib: Library) -> list[str]:
    problems = []
    if len(lib.districts) != 64:
        problems.append(f"reference/districts.yml has {len(lib.districts)} districts, not 64")
    for name, info in lib.districts.items():
        if info.get("centre") not in lib.centres:
            problems.append(f"reference/districts.yml: {name} has no known centre")
        if not info.get("bn"):
            problems.append(f"reference/districts.yml: {name} has no Bangla name")
    for centre in lib.centres.values():
        phone = lib.figures.get(centre.phone_key)
        if centre.phone_key and phone is None:
            problems.append(f"reference/centres.yml: {centre.id} phone {centre.phone_key} "
                            "is not in figures.yml")
        elif phone is not None and phone.kind != "phone":
            # The reply reads "Phone: <value>": only a phone number, with its own source.
            problems.append(f"reference/centres.yml: {centre.id} phone {centre.phone_key} "
                            "is not a phone number (kind: phone) in figures.yml")
    return problems


def code_messages() -> dict[str, set[str]]:
    """Every string the code marks with N_(), found as `make i18n` finds them, with the files
    (relative to the project, "bot/dialogue.py") that use it."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    found: dict[str, set[str]] = {}
    for package in ("bot", "api"):
        for file, _line, message, _comments, _ctx in extract_from_dir(
                root / package, method_map=[("**.py", "python")], keywords={"N_": None}):
            if isinstance(message, str):
                found.setdefault(message, set()).add(f"{package}/{file}")
    return found


def _twin(lang: str) -> str:
    """The language a text is compared with: bn and en with each other, Banglish with bn."""
    return "en" if lang == "bn" else "bn"


def _catalogs(lib: Library, locale_dir: Path) -> list[str]:
    problems = []
    found = code_messages() if locale_dir == LOCALE_DIR else {}
    in_code = set(found)
    for lang in LANGUAGES:
        po = locale_dir / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            problems.append(f"{po.name} for {lang} is missing")
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="bn_Latn" if lang == BANGLISH else lang)
        for msgid in sorted(in_code - {str(m.id) for m in catalog if m.id}):
            problems.append(f"{lang} catalog: missing (run make i18n): {msgid[:60]}")
        if lang == BANGLISH:
            person = {m for m, files in found.items()
                      if any(not f.startswith(content_banglish.STAFF_ONLY) for f in files)}
            problems += content_banglish.catalog(iter(catalog), person)
        for message in catalog:
            if message.id and (not message.string or message.fuzzy):
                if lang != BANGLISH:  # Banglish: named above when a person can see it
                    problems.append(f"{lang} catalog: untranslated: {str(message.id)[:60]}")
            elif message.id:
                # A translation keeps exactly the placeholders of its original.
                wanted = lib.placeholders(str(message.id))
                if lib.placeholders(str(message.string)) != wanted:
                    problems.append(f"{lang} catalog: placeholders differ from the original in: "
                                    f"{str(message.id)[:60]}")
    return problems
