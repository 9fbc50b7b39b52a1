"""When a story happened: the years and ages a message names (digits of either script folded
first). A danger told of a past year, or a death of long ago, or of an old person, is read
differently (nlu/safety/cues.py `over`, `long_dead`; detector.py); these are the patterns."""

from __future__ import annotations

import re
from datetime import date

from nlu.normalise import fold_digits

# A year before this one (digits of either script, folded first): "2019 e madam atke rakhsilo".
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_LAST_YEAR = re.compile(r"\blast year\b|\bgo?t[oa]? bo[cs]h?[oa]r\b|গত বছর|\bager bo[cs]h?[oa]r\b|আগের বছর",
                        re.IGNORECASE)
# Round 22: "10 bochor age", "3 years ago", "২ বছর আগে" (digits folded; round 28: "5 years
# back"): a time long past, but only beside another calm sign: "contract shesh hoise 1 bochor
# age, passport dey na" is the length of a danger that goes on.
_YEARS_AGO = re.compile(r"(?<!\d)(\d{1,2}) ?(?:bo[cs]h?[oa]r|years?|yrs?|বছর)"
                        r" (?:(?:age|ago|agey|back)\b|আগে)", re.IGNORECASE)
# Round 32: "মারা গেছেন আজ ৭ বছর হলো" (it has been seven years): of a death only. Of anything else
# it is how long a danger has gone on: "2 bochor hoilo kono kaj pai nai" (test10, self-harm).
_YEARS_SINCE = re.compile(r"(?<!\d)(\d{1,2}) ?(?:bo[cs]h?[oa]r|years?|বছর)"
                          r" (?:(?:holo|hoilo|hoye gese)\b|হলো|হল\b|হইল|হয়ে গেছে)", re.IGNORECASE)
# Two to twenty years ago in words, in the scripts people write them: "দশ বছর আগে", "dui bochor age".
_YEARS_AGO_WORDS = re.compile(
    r"(?:দুই|তিন|চার|পাঁচ|ছয়|সাত|আট|নয়|দশ|এগারো|বারো|তেরো|চৌদ্দ|পনেরো?|ষোল|সতেরো|আঠারো|উনিশ|বিশ"
    r"|পঁচিশ|ত্রিশ|অনেক) বছর আগে"
    r"|\b(?:dui|tin|char|pach|panch|choy|sat|at|noy|dosh|das|egaro|baro|tero|choddo|ponero|bish"
    r"|onek) bo[cs]h?[oa]r age\b"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|many) years ago\b",
    re.IGNORECASE)
# Round 22: the age of the one who died, when it is an old person's ("90 bosor boyoshe", "at the
# age of 84", "৮০ বছর বয়সে"): a natural death, like "boyosh hoyechilo".
_OLD_AGE = re.compile(r"(?<!\d)([6-9]\d|1[01]\d) ?(?:bo[cs]h?[oa]r|years?|yrs?|বছর)"
                      r" ?(?:(?:boy[oa]sh?e?|old|of age)\b|বয়সে)"
                      r"|\bage(?:d| of) ([6-9]\d|1[01]\d)\b", re.IGNORECASE)


def years_ago(text: str, *, since: bool = False) -> bool:
    """Two years ago or more, in digits or words ("10 bochor age", "দশ বছর আগে"); with `since`,
    also "it has been N years" ("৭ বছর হলো"), which only a death may use (round 32)."""
    folded = fold_digits(text)
    patterns = (_YEARS_AGO, _YEARS_SINCE) if since else (_YEARS_AGO,)
    return any(int(m.group(1)) >= 2 for p in patterns for m in p.finditer(folded)) or bool(
        _YEARS_AGO_WORDS.search(text))


def old_age(text: str) -> bool:
    """Is an age of sixty or more named ("90 bosor boyoshe mara gesen")?"""
    return bool(_OLD_AGE.search(fold_digits(text)))


def past_year(text: str, this_year: int | None = None) -> bool:
    """Does the message name a year before this one (from 1980), or "last year"?"""
    now = this_year or date.today().year
    text = fold_digits(text)
    return bool(_LAST_YEAR.search(text)) or any(
        1980 <= int(m.group(1)) < now for m in YEAR.finditer(text))
