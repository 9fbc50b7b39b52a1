"""Bangladeshi phone numbers in any common form, as E.164 ("+8801712345678")."""

from __future__ import annotations

import phonenumbers

from nlu.normalise import fold_digits


def find_phones(text: str) -> list[dict]:
    """Valid Bangladeshi numbers in the original text ("01712-345678", "০১৭১২৩৪৫৬৭৮")."""
    # Folding Bangla digits keeps every offset, so spans point into the original text.
    folded = fold_digits(text)
    found = []
    matcher = phonenumbers.PhoneNumberMatcher(folded, "BD", leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        number = match.number
        # A foreign number (an employer's +966 line) is not what the bot can call back.
        if number.country_code != 880:
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        found.append({"entity": "phone", "value": e164, "start": match.start, "end": match.end,
                      "confidence": 1.0, "extractor": "phonenumbers"})
    return found
