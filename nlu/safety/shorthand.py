"""SMS shorthand: words written without their vowels ("lckd", "arrstd", "hsptl").

Round 40: five of test38's nine missed dangers were one voice's vowel-less English ("lckd in
rm. no key", "bro arrstd at wrk", "no hsptl"). A word with no vowel after its first letter is
matched on consonants: "lckd" meets "lock*", "arrstd" "arrest*", "hsptl" "hospital*", when the
cue's side has three consonants or more ("kill" is "kl", and so are "kal", tomorrow, and
"kol"). Words spelt with their vowels never take this path.
"""

from __future__ import annotations

import re

_VOWELS = re.compile(r"(?<=.)[aeiou]+")
_SHORTHAND = re.compile(r"[a-z][^aeiou\W\d_]{2,}")


def is_shorthand(key: str) -> bool:
    return key.isascii() and _SHORTHAND.fullmatch(key) is not None


def skeleton(key: str) -> str:
    """A key's consonants after its first letter: "locked" and "lckd" are both "lckd"."""
    return _VOWELS.sub("", key)


def same(part: str, key: str) -> bool:
    """Does the shorthand `key` spell the cue word `part` ("lock*", "locked")?"""
    bones = skeleton(part.rstrip("*"))
    if len(bones) < 3:
        return False
    return skeleton(key).startswith(bones) if part.endswith("*") else skeleton(key) == bones
