"""The Banglish part of `prottasha content check`: SMS texts in Bangla words and Latin letters.

Banglish exists for SMS only (messengers show Bangla script), so a Banglish topic has SMS pages
and a title, and is held to what its Bangla twin promises: the same pages and the same figures
(its `review_by` is compared with bn's in content_check). It must also be Banglish: GSM-7, and
reading as Bangla words rather than English.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.content import Library, placeholders
from bot.i18n import BANGLISH
from bot.sms import cost
from nlu.langid import word_votes
from nlu.normalise import normalise

# Staff read these; everything else in the catalogs can reach a person who writes Banglish.
STAFF_ONLY = ("api/dashboard/", "bot/staffdesk.py", "bot/alerts.py")
TITLE_MAX = 24


def reads_as_english(text: str) -> bool:
    """True when a text has more English function words than Banglish ones (the language
    identifier's word lists: no trained model is needed to tell the two apart)."""
    banglish, english = word_votes(normalise(text).text)
    return english > banglish


def topics(lib: Library) -> list[str]:
    """Every Banglish topic against its Bangla twin (the missing ones are named elsewhere)."""
    problems = []
    for (topic_id, lang), topic in sorted(lib.topics.items()):
        twin = lib.topics.get((topic_id, "bn"))
        if lang != BANGLISH or twin is None:
            continue
        where = f"{BANGLISH}/topics/{topic_id}.yml"
        if len(topic.title) > TITLE_MAX:
            problems.append(f"{where}: title over {TITLE_MAX} characters")
        if len(topic.sms_pages) != len(twin.sms_pages):
            problems.append(f"{where}: {len(topic.sms_pages)} SMS pages, bn has "
                            f"{len(twin.sms_pages)}")
        pages = [*zip(topic.sms_pages, twin.sms_pages, strict=False)]
        if "sms" in twin.with_centre:
            pages.append((topic.with_centre.get("sms", ""), twin.with_centre["sms"]))
        for n, (page, bn_page) in enumerate(pages, start=1):
            for key in sorted(lib.placeholders(bn_page) - lib.placeholders(page)):
                problems.append(f"{where}: page {n} lacks {{{key}}}, which the bn page gives")
            problems += _banglish_text(f"{where}: page {n}", lib.fill(page, BANGLISH))
    return problems


def catalog(catalog_messages: Iterator[Any], person_facing: set[str]) -> list[str]:
    """Person-facing messages translated, in GSM-7; staff-only ones may fall back to English."""
    problems = []
    for message in catalog_messages:
        msgid, text = str(message.id or ""), str(message.string or "")
        if not msgid:
            continue
        if not text or message.fuzzy:
            if msgid in person_facing:
                problems.append(f"{BANGLISH} catalog: untranslated: {msgid[:60]}")
            continue
        problems += [f"{BANGLISH} catalog: {p}" for p in _banglish_text(msgid[:60], text,
                                                                       sentences=False)]
    return problems


def screening(root: Path) -> list[str]:
    """banglish/screening.yml: every text bn has, with its placeholders, in GSM-7."""
    try:
        ours = yaml.safe_load((root / BANGLISH / "screening.yml").read_text("utf-8")) or {}
        bn = yaml.safe_load((root / "bn" / "screening.yml").read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        return [f"{BANGLISH}/screening.yml: {exc}"]
    problems = []
    mine = dict(_leaves(ours))
    for path, bn_text in _leaves(bn):
        text = mine.get(path)
        where = f"{BANGLISH}/screening.yml: {'.'.join(path)}"
        if text is None:
            problems.append(f"{where} is missing (bn has it)")
            continue
        if placeholders(bn_text) - placeholders(text):
            problems.append(f"{where}: placeholders differ from bn")
        problems += _banglish_text(where, text, sentences=False)
    return problems


def reasons(root: Path) -> list[str]:
    """Each eligibility reason and outcome in Banglish too (the outcome SMS gives them)."""
    try:
        raw = yaml.safe_load((root / "rules" / "eligibility.yml").read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        return [f"rules/eligibility.yml: {exc}"]
    problems = []
    for path, node in _dicts(raw):
        if not {"en", "bn"} <= set(node):
            continue
        where = f"rules/eligibility.yml: {'.'.join(path)}"
        if not node.get(BANGLISH):
            problems.append(f"{where}: no {BANGLISH} text")
        else:
            problems += _banglish_text(where, str(node[BANGLISH]), sentences=False)
    return problems


def _banglish_text(where: str, text: str, *, sentences: bool = True) -> list[str]:
    problems = []
    if cost(text).encoding != "GSM-7":
        bad = sorted({ch for ch in text if cost(ch).encoding != "GSM-7"})
        problems.append(f"{where}: characters outside GSM-7: {' '.join(bad)}")
    if sentences and reads_as_english(text):
        problems.append(f"{where}: reads as English; write Bangla words in Latin letters")
    return problems


def _leaves(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(node, str):
        yield path, node


def _dicts(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _dicts(value, (*path, str(key)))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _dicts(value, (*path, str(n)))

