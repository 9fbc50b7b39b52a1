"""Is the danger in a message told as over, or long ago, or of a body to bring home? Read from
the cues found (nlu/safety/cues.py) and the words around them: a calm sign that closes the story,
a plea or a fear that reopens it, a past year, a threat that comes again."""

from __future__ import annotations

import re
from datetime import date

from nlu.normalise import fold_digits
from nlu.safety import when
from nlu.safety.cues import CALM, DOUBT, JOY, RESOLVED, Hit, negates
from nlu.safety.features import Token, key_of, tokens
from nlu.safety.labels import DANGER

# Round 22: the body to bring home, and a rule asked in the conditional ("if a worker dies",
# "মারা গেলে", "jodi kew mara jay"), which is a question, not a death.
_BODY = re.compile(r"\b(?:body|bodies|lash|lasher|lashta|morodeho|mritodeho)\b|লাশ|মরদেহ|মৃতদেহ",
                   re.IGNORECASE)
_IF_DIES = re.compile(r"\b(?:if|when|jodi|jdi)\b[^.?!।]{0,40}?(?:\bdie|\bdead\b|\bmar[ae]\b|মারা|মরে)"
                      r"|যদি[^.?!।]{0,40}?(?:মারা|মরে|মৃত্যু)|\bdies\b|\bmara (?:gele|jay|jai)\b|\bmore gele\b"
                      r"|মারা গেলে|মারা যায়|মরে গেলে|মৃত্যুবরণ করিলে|মারা যাইলে",
                      re.IGNORECASE)


def long_dead(text: str, hits: list[Hit], this_year: int | None = None) -> bool:
    """A death, and nothing but a death, told of two years ago or more ("amar chachato bhai 2016
    te oman e mara gesilo", "দশ বছর আগে ভাই মারা গেছে"): no family needs a body brought home
    today (round 22). Asked, never raised; any other danger word keeps it as it was."""
    kinds = {h.cue.category for h in hits if h.cue.category in DANGER and not h.negated}
    if kinds != {"death_abroad"}:
        return False
    now = this_year or date.today().year
    return when.years_ago(text, since=True) or any(
        1980 <= int(m.group(1)) <= now - 2 for m in when.YEAR.finditer(fold_digits(text)))


def body_home(text: str, hits: list[Hit], toks: list[Token]) -> bool:
    """A death told as it happened ("died", "মারা গেছইন"), not of long ago, and the body named,
    in a clause that asks no rule in the conditional. "lash anar khoroch ke dey" names no death:
    a question about the rules, not a family with a body abroad. A rule asked in one clause and a
    death told in another are both: "kono lok bidesh e mara gele lash ante koto din lage? amar
    chachato vai iraq e ... mara gese aj fojore" (round 90, test91; no labelled message read
    otherwise than before)."""
    if not _BODY.search(text) or when.past_year(text):
        return False
    asked = _conditional(text, len(toks))
    return any(h.cue.category == "death_abroad" and not h.negated and not _BODY.search(h.cue.text)
               and h.start not in asked for h in hits)


_SENTENCE_END = re.compile(r"[.?!।\n]+")


def _conditional(text: str, n: int) -> set[int]:
    """The tokens of the sentences that ask a rule in the conditional (_IF_DIES). Sentences, not
    clauses: "If my brother, who works in Oman, dies" is one rule asked. Every token, when the
    sentences do not tokenise as the whole message does."""
    asked: set[int] = set()
    start = 0
    for sentence in _SENTENCE_END.split(text):
        end = start + len(tokens(sentence))
        if _IF_DIES.search(sentence):
            asked.update(range(start, end))
        start = end
    return asked if start == n else set(range(n))


# Round 22: a plea after the calm words reopens the story: "he never absconded, he was happy
# there. please help us find him". Round 25: so does fear not denied ("আর সব ঠিক আছে, খালি
# এই মানুষটারে ডরাই": all else is fine, only I fear this man), but not "ভয় পাইয়েন না".
PLEAS = frozenset(key_of(w) for w in (
    "help", "sahajjo", "সাহায্য", "shahajjo", "bachao", "বাঁচাও", "bachan", "বাঁচান", "find",
    "uddhar", "উদ্ধার",
))  # fmt: skip
FEARS = frozenset(key_of(w) for w in (
    "ডরাই", "dorai", "ডরাইতাছি", "ভয়", "bhoy", "afraid", "scared", "fear", "ভয়ে",
    # Round 67 (test68: "... I got it back only because he went to shower ... I'm hiding in the
    # laundry room"): hiding, said in 186 labelled dangers and 4 look-alikes.
    "hiding", "lukiye", "লুকিয়ে", "lukaia", "লুকাইয়া",
))  # fmt: skip


# Round 27: "My family thinks I am fine": a calm word someone else believes is not the writer's.
# Third persons only: "I think all is fine now" is the writer's own calm. Round 57: nor is one of
# yesterday, the calm before a death ("She told me yesterday she was happy", test55).
BELIEVING = frozenset(key_of(w) for w in (
    "thinks", "thought", "believes", "ভাবে", "bhabe", "vabe", "জানে", "jane",
))  # fmt: skip
YESTERDAY = frozenset(key_of(w) for w in ("yesterday", "gotokal", "গতকাল"))


def _not_the_writers_now(toks: list[Token], start: int) -> bool:
    """Is the calm word at `start` someone else's belief (a verb of believing just before it) or
    yesterday's ("yesterday" in its clause)?"""
    return any(t.key in BELIEVING for t in toks[max(0, start - 3) : start]) or any(
        t.key in YESTERDAY and t.clause == toks[start].clause for t in toks)


# Round 80: nor is a calm the writer doubts as it is said: "camp e ekhono oi lok ghurtese 😅 ami
# thik asi mone hoy" (I am fine, I think; test81, a beating told as over). A doubting word
# ("maybe", "hoyto": the cues' DOUBT, which also takes a joke back) or one of these phrases.
HEDGES = frozenset(tuple(key_of(w) for w in h.split())
                   for h in ("mone hoy", "মনে হয়", "i guess", "i think"))


def _hedged(toks: list[Token], end: int) -> bool:
    """Does a hedge ("mone hoy", "maybe", "I think") follow the calm word ending at `end`?"""
    keys = tuple(t.key for t in toks[end : end + 2])
    return bool(keys) and (keys[0] in DOUBT or keys in HEDGES)


# Round 28: the writer helping is no plea ("now i help other driver", "I want to help others").
HELPERS = frozenset(key_of(w) for w in ("i", "we", "to", "ami", "amra", "আমি", "আমরা"))
# Round 35: nor is thanks for help given ("apnader help er jonno dhonnobad", test30's 2019 story).
THANKS = frozenset(key_of(w) for w in (
    "thanks", "thank", "dhonnobad", "dhonnobaad", "ধন্যবাদ", "shukriya", "শুকরিয়া", "grateful",
))  # fmt: skip


def _thanked(toks: list[Token], i: int) -> bool:
    """Do thanks stand within three words of the plea at `i`?"""
    return any(t.key in THANKS for t in toks[max(0, i - 3) : i + 4])


def _reopens(toks: list[Token], start: int) -> bool:
    """A plea, or a fear no negator denies, from token `start` on."""
    return any((toks[i].key in PLEAS and not (i > 0 and toks[i - 1].key in HELPERS)
                and not _thanked(toks, i))
               or (toks[i].key in FEARS and not any(  # a negator of its own clause (round 51)
                   negates(toks, j, set()) for j in (*range(max(0, i - 2), i), *range(i + 1, i + 3))
                   if j < len(toks) and toks[j].clause == toks[i].clause))
               for i in range(start, len(toks)))


# Round 71: a danger that comes again is not over, whatever calm closes the message: "... মাথা
# দেয়ালে বাড়ি দিছে ... কাল আবার মারবে কইছে। যাই হোক মেহমানরা খুশি" (test72). Out of fold, two
# messages read as over had "again" before a danger word, both look-alikes already excused.
# Round 87: nor is a danger promised for "next time" ("foreman hit me with shovel ... he say next
# time he break my head. no problem just telling", test88); out of fold it changed no message.
AGAIN = frozenset(key_of(w) for w in ("abar", "আবার", "again", "abr", "abaro", "আবারো", "আবারও",
                                      "next"))


def _again(toks: list[Token], start: int) -> bool:
    """Does "again" stand in the three words before the danger word at `start`, in its clause?"""
    return any(t.key in AGAIN and t.clause == toks[start].clause
               for t in toks[max(0, start - 3) : start])


# "N years ago" is itself a calm cue (over).
_AGO = frozenset(key_of(w) for w in ("age", "ago", "আগে"))


def over(text: str, hits: list[Hit], toks: list[Token], *, resolved: bool = True,
         joy: bool = True, death: bool = False) -> bool:
    """Is the danger told as over? A calm sign after the last danger word, and a past year
    ("2019 e ... atke rakhsilo, pore uddhar korse. ekhon valo achi") or, when `resolved`, a sign
    that all is well now ("a CNG hit his rickshaw... doctor said nothing serious"). Round 9:
    none of the 2,370 labelled danger messages reads so; "at first all was fine, now they beat
    me" puts the calm sign first. When `death` (the reading is of a death), a death told of two
    years ago or more is over without a calm sign (`long_dead`)."""
    if death and long_dead(text, hits):
        return True
    calm = [h for h in hits if h.cue.category in (CALM, RESOLVED, JOY) and not h.negated
            and not _not_the_writers_now(toks, h.start) and not _hedged(toks, h.end)]
    if not calm:  # most messages: no look at the text
        return False
    if any(h.cue.category in DANGER and not h.negated and _again(toks, h.start) for h in hits):
        return False
    # A danger word inside a calm one (মৃত্যু in মৃত্যুবার্ষিকী, a death anniversary) is the calm one.
    danger = [h.end for h in hits if h.cue.category in DANGER and not h.negated
              and not any(c.start <= h.start and h.end <= c.end for c in calm)]
    # With no danger word (the model reads "was kept by the company"), the calm sign must close
    # the story: in its second half.
    last = max(danger, default=len(toks) // 2)
    closing = [c for c in calm if c.start >= last]
    if closing and _reopens(toks, max(c.end for c in closing)):
        return False
    return bool(closing) and (
        (resolved and any(c.cue.category == RESOLVED for c in closing))
        or (joy and any(c.cue.category == JOY for c in closing)) or when.past_year(text)
        # "N years ago" is itself a calm cue: another one must close the story with it.
        or (any(c.cue.parts[-1] not in _AGO for c in closing) and when.years_ago(text)))
