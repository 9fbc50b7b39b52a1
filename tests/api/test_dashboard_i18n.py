"""Every dashboard string, in templates and code, is translated into Bangla and English
(the content check covers N_() in code; this covers the templates' _() too)."""

from __future__ import annotations

from pathlib import Path

import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.dashboard.filters import NEEDS
from bot.i18n import LOCALE_DIR
from referral import importer

ROOT = Path(__file__).resolve().parents[2]


def _template_messages() -> set[str]:
    found = set()
    for _f, _l, message, _c, _x in extract_from_dir(
            ROOT / "api" / "dashboard", method_map=[("templates/**.html", "jinja2")],
            keywords={"_": None}):
        assert isinstance(message, str)
        found.add(message)
    return found


def test_templates_are_extracted_by_make_i18n() -> None:
    text = (ROOT / "babel.cfg").read_text()
    assert "[jinja2: **/dashboard/templates/**.html]" in text and "keywords = _" in text


def test_every_template_string_is_translated() -> None:
    messages = _template_messages()
    assert "Log in" in messages and len(messages) > 50
    for lang in ("bn", "en"):
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = {m.id: m.string for m in read_po(fh, locale=lang) if m.id}
        missing = sorted(m for m in messages if not catalog.get(m))
        assert not missing, f"{lang}: {missing[:5]}"


def test_needs_are_the_questionnaires() -> None:
    raw = yaml.safe_load((ROOT / "content" / "screening.yml").read_text(encoding="utf-8"))
    options = next(s["options"] for s in raw["steps"] if s["id"] == "needs")
    assert tuple(options) == NEEDS == importer.NEEDS
