"""SMS shorthand: words written without their vowels ("lckd", "arrstd", "hsptl").

Round 40: five of test38's nine missed dangers were one voice's vowel-less English ("lckd in
rm. no key", "bro arrstd at wrk", "no hsptl"). A word with no vowel after its first letter is
matched on consonants: "lckd" meets "lock*", "arrstd" "arrest*", "hsptl" "hospital*", when the
cue's side has three consonants or more ("kill" is "kl", and so are "kal", tomorrow, and
"kol"). Words spelt with their vowels never take this path.
"""

from __future__ import annotations

import functools
import re

_VOWELS = re.compile(r"(?<=.)[aeiou]+")
_SHORTHAND = re.compile(r"[a-z][^aeiou\W\d_]{2,}")


def is_shorthand(key: str) -> bool:
    return key.isascii() and _SHORTHAND.fullmatch(key) is not None


def skeleton(key: str) -> str:
    """A key's consonants after its first letter: "locked" and "lckd" are both "lckd"."""
    return _VOWELS.sub("", key)


@functools.lru_cache(maxsize=4096)
def bones(part: str) -> str | None:
    """The consonants a shorthand word must have to spell the cue word `part` ("lock*" is
    "lck"), or None when they are too few to tell words apart."""
    found = skeleton(part.rstrip("*"))
    return found if len(found) >= 3 else None


def same(part: str, key: str) -> bool:
    """Does the shorthand `key` spell the cue word `part` ("lock*", "locked")?"""
    wanted = bones(part)
    if wanted is None:
        return False
    return skeleton(key).startswith(wanted) if part.endswith("*") else skeleton(key) == wanted
