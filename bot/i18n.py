"""UI strings through Babel's gettext catalogs, and locale formatting with Bangla digits.

Catalogs live as `.po` files in `bot/locale/`; they are compiled in memory at start, so an edit
to a `.po` needs no build step, only a restart.
"""

from __future__ import annotations

import gettext as _gettext
from datetime import date
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# Banglish is Bangla written in Latin letters: people who type it read Bangla, and on SMS a reply
# in Latin letters fits GSM-7 (160 characters a segment instead of 70). Its texts exist for SMS
# only; where one is missing, English stands in (ASCII, so the SMS still costs what it should).
LANGUAGES = ("bn", "en", "banglish")
BANGLISH = "banglish"


def for_channel(lang: str, plain: bool) -> str:
    """The language of replies on a channel: Banglish texts are SMS pages, so a Banglish reader
    on a messenger (which shows Bangla script) gets Bangla."""
    return "bn" if lang == BANGLISH and not plain else lang
DOMAIN = "messages"
_BANGLA_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
_ASCII_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return msgid


def bangla_digits(text: str) -> str:
    return text.translate(_BANGLA_DIGITS)


def ascii_digits(text: str) -> str:
    return text.translate(_ASCII_DIGITS)


def localise_digits(text: str, lang: str) -> str:
    """Bangla replies use Bangla digits; English replies keep ASCII."""
    return bangla_digits(text) if lang == "bn" else text


def format_number(value: float, lang: str) -> str:
    """1,65,000 in the South Asian grouping Babel knows for both locales, digits per language."""
    locale = "bn" if lang == "bn" else "en_IN"
    return localise_digits(format_decimal(value, locale=locale), lang)


def format_month(day: date, lang: str, *, with_month: bool = True) -> str:
    """Month and year ("August 2016", "আগস্ট ২০১৬"); only the year when the month is not known."""
    if not with_month:
        return localise_digits(str(day.year), lang)
    return localise_digits(format_date(day, format="MMMM y", locale="bn" if lang == "bn" else "en"),
                           lang)


class Catalogs:
    """Compiled translations for every language, loaded once."""

    def __init__(self, locale_dir: Path = LOCALE_DIR) -> None:
        self._translations: dict[str, _gettext.NullTranslations] = {}
        for lang in LANGUAGES:
            po = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            if not po.exists():
                self._translations[lang] = _gettext.NullTranslations()
                continue
            with po.open("rb") as fh:  # Babel knows Banglish as Bangla in Latin script
                catalog = read_po(fh, locale="bn_Latn" if lang == BANGLISH else lang)
            buf = BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            self._translations[lang] = _gettext.GNUTranslations(buf)

    def gettext(self, lang: str, msgid: str, **values: object) -> str:
        """The message in `lang`, with `{name}` values filled in and digits localised."""
        text = self._translations.get(lang, self._translations["en"]).gettext(msgid)
        if values:
            text = text.format_map(KeepUnknown({k: _value(v, lang) for k, v in values.items()}))
        return text


class KeepUnknown(dict[str, str]):
    """Leave `{figure}` placeholders for the content library to fill."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _value(value: object, lang: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, lang)
    return str(value)
