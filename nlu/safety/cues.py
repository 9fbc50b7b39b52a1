"""Stem cues from cues.yml: phrases matched on phonetic keys, with a look around for negation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from nlu.normalise import fold_digits
from nlu.safety import shorthand
from nlu.safety.features import Token, key_of
from nlu.safety.labels import DANGER

GAP = 3  # words a "..." may skip
# "keu amake marche na", "not beating me": a negator next to a cue turns it off. Bangla puts
# it after the verb, English before, so both sides are looked at.
NEGATORS = frozenset(key_of(w) for w in (
    "na", "না", "nai", "নাই", "nei", "নেই", "not", "no", "never", "dont", "didnt", "doesnt",
    "isnt", "wont", "nobody", "noone", "নি", "ni", "nah", "নয়", "noy",
))  # fmt: skip
BEFORE, AFTER = 3, 2
# A negator by a verb of knowing denies the knowing: "কোন জেলে জানি না" (round 22).
KNOWING = frozenset(key_of(w) for w in (
    "know", "knows", "knew", "jani", "জানি", "jane", "জানে", "janina", "জানিনা", "janena",
    "জানেনা", "jante", "জানতে",
))  # fmt: skip


@dataclass(frozen=True)
class Cue:
    category: str
    parts: tuple[str, ...]  # phonetic keys; "*" at the end for a prefix; "..." for a gap
    strong: bool
    text: str


MIN_PREFIX = 4  # characters of phonetic key a one-word stem needs
# Not a danger: signs that a frightening word is a joke, a memory or over ("haha", "he is ok
# now", "10 bosor age"). Only a feature the model weighs; never strong, never an alarm.
CALM = "calm"
# Over and well now ("nothing serious", "karo kichu hoy nai"): a calm sign that closes a story
# with no past year named (round 11).
RESOLVED = "resolved"
# A joke ("haha", "moja kore"): a kind of calm that also turns an urgent reading into a question.
JOKE = "joke"
# A story on a screen or a field ("natok", "movie", "cricket match"): the villain locks the
# heroine up, Bangladesh "beat" India. Treated like a joke: an urgent reading becomes a question.
FICTION = "fiction"
# A figure of speech ("this heat is killing me", "bored to death"): treated like a joke. Round 9:
# none of the 2,370 labelled danger messages has one. A thing that dies ("amar phone ta mara
# gese") was one until round 34; it is an everyday sign now, which excuses its clause only.
FIGURE = "figure"
# Round 10 (none of the 2,370 labelled danger messages has one of these):
# An everyday thing told in danger's words ("machta kaite felse", a fish was cut; "agami
# marche", next March; "HSC exam e mara jabo"; "battery died"). It excuses its own clause only:
# "HSC pass kore saudi aslam, ekhon malik passport rekhe dise" is danger (nlu/safety/detector.py).
EVERYDAY = "everyday"
# An old person's natural death ("boyosh hoyechilo", "shantite mara gesen", a kulkhani) or a
# farm animal's ("chagolta mara gelo"): it excuses a death, an illness or a disappearance,
# nothing else.
NATURAL_DEATH = "natural_death"
NATURAL = ("death_abroad", "medical_emergency", "missing_detained")
# Round 22: a good time had, told as such ("sobai mile khailam, mon ta valo lagse", "my family
# is happy", "good news"). Closing the story, it is a "well now" sign like RESOLVED, except after
# a self-harm or a death reading ("she was happy on the phone last week" is said of a death).
JOY = "joy"
# Round 26: a rule asked about, said to be only that ("just asking", "emni jante chaisi"):
# treated like a joke, an urgent reading becomes "are you safe?" (test22's question about pay
# cut after an accident at work).
HYPOTHETICAL = "hypothetical"
TURN = "turn"  # "wait, serious kotha": a joke before it is not of a danger after (round 45)
SAME = "same"  # "amar sathe o hocche": a film before it is the writer's own story (round 46)
SIGNS = (CALM, RESOLVED, JOKE, FICTION, FIGURE, EVERYDAY, NATURAL_DEATH, JOY, HYPOTHETICAL, TURN, SAME)
NOT_SERIOUS = (JOKE, FICTION, FIGURE, HYPOTHETICAL)  # these excuse the whole message
# Laughing emoji and a game's emoji are signs of a joke or a match too, but the tokeniser drops
# emoji: looked for in the raw text. None of 1,401 development messages with one was danger
# (round 7, docs/safety.md). Not 🔥: a fire in a camp is real.
LAUGHING = frozenset("\U0001F602\U0001F923\U0001F606\U0001F639\U0001F605"  # 😂 🤣 😆 😹 😅
                     # Round 9, playful faces: 😋 😜 😝 😛 🤪 (none in a danger message either).
                     "\U0001F60B\U0001F61C\U0001F61D\U0001F61B\U0001F92A"
                     "\U0001F3CF\u26BD\U0001F3C6"  # 🏏 ⚽ 🏆
                     # Round 18, grinning faces: 😀 😃 😄 😁 (13 labelled messages, all benign).
                     "\U0001F600\U0001F603\U0001F604\U0001F601"
                     # Round 33, a party: 🎉 🥳 🎊 (eight benign messages, no other label). Not 😊,
                     # 🥰 or ❤: a goodbye can smile ("don't worry about me 😊").
                     "\U0001F389\U0001F973\U0001F38A")


def last_laugh(text: str) -> int:
    """Where the message's last laughing emoji (or a game's) stands; -1 without one."""
    return max((i for i, ch in enumerate(text) if ch in LAUGHING), default=-1)


# A year before this one (digits of either script, folded first): "2019 e madam atke rakhsilo".
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
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
_AGO = frozenset(key_of(w) for w in ("age", "ago", "আগে"))
# Round 22: the age of the one who died, when it is an old person's ("90 bosor boyoshe", "at the
# age of 84", "৮০ বছর বয়সে"): a natural death, like "boyosh hoyechilo".
_OLD_AGE = re.compile(r"(?<!\d)([6-9]\d|1[01]\d) ?(?:bo[cs]h?[oa]r|years?|yrs?|বছর)"
                      r" ?(?:(?:boy[oa]sh?e?|old|of age)\b|বয়সে)"
                      r"|\bage(?:d| of) ([6-9]\d|1[01]\d)\b", re.IGNORECASE)


# Round 22: the body to bring home, and a rule asked in the conditional ("if a worker dies",
# "মারা গেলে", "jodi kew mara jay"), which is a question, not a death.
_BODY = re.compile(r"\b(?:body|bodies|lash|lasher|lashta|morodeho|mritodeho)\b|লাশ|মরদেহ|মৃতদেহ",
                   re.IGNORECASE)
_IF_DIES = re.compile(r"\b(?:if|when|jodi|jdi)\b[^.?!।]{0,40}?(?:\bdie|\bdead\b|\bmar[ae]\b|মারা|মরে)"
                      r"|যদি[^.?!।]{0,40}?(?:মারা|মরে|মৃত্যু)|\bdies\b|\bmara (?:gele|jay|jai)\b|\bmore gele\b"
                      r"|মারা গেলে|মারা যায়|মরে গেলে",
                      re.IGNORECASE)


def long_dead(text: str, hits: list[Hit], this_year: int | None = None) -> bool:
    """A death, and nothing but a death, told of two years ago or more ("amar chachato bhai 2016
    te oman e mara gesilo", "দশ বছর আগে ভাই মারা গেছে"): no family needs a body brought home
    today (round 22). Asked, never raised; any other danger word keeps it as it was."""
    kinds = {h.cue.category for h in hits if h.cue.category in DANGER and not h.negated}
    if kinds != {"death_abroad"}:
        return False
    now = this_year or date.today().year
    return years_ago(text, since=True) or any(
        1980 <= int(m.group(1)) <= now - 2 for m in _YEAR.finditer(fold_digits(text)))


def years_ago(text: str, *, since: bool = False) -> bool:
    """Two years ago or more, in digits or words ("10 bochor age", "দশ বছর আগে"); with `since`,
    also "it has been N years" ("৭ বছর হলো"), which only a death may use (round 32)."""
    folded = fold_digits(text)
    patterns = (_YEARS_AGO, _YEARS_SINCE) if since else (_YEARS_AGO,)
    return any(int(m.group(1)) >= 2 for p in patterns for m in p.finditer(folded)) or bool(
        _YEARS_AGO_WORDS.search(text))


def body_home(text: str, hits: list[Hit]) -> bool:
    """A death told as it happened ("died", "মারা গেছইন"), not of long ago, and the body named,
    in a message that asks no rule in the conditional. "lash anar khoroch ke dey" names no death:
    a question about the rules, not a family with a body abroad."""
    return (any(h.cue.category == "death_abroad" and not h.negated and not _BODY.search(h.cue.text)
                for h in hits)
            and bool(_BODY.search(text)) and not _IF_DIES.search(text) and not past_year(text))


def old_age(text: str) -> bool:
    """Is an age of sixty or more named ("90 bosor boyoshe mara gesen")?"""
    return bool(_OLD_AGE.search(fold_digits(text)))


def past_year(text: str, this_year: int | None = None) -> bool:
    """Does the message name a year before this one (from 1980), or "last year"?"""
    now = this_year or date.today().year
    text = fold_digits(text)
    return bool(_LAST_YEAR.search(text)) or any(
        1980 <= int(m.group(1)) < now for m in _YEAR.finditer(text))


# Round 22: a plea after the calm words reopens the story: "he never absconded, he was happy
# there. please help us find him". Round 25: so does fear not denied ("আর সব ঠিক আছে, খালি
# এই মানুষটারে ডরাই": all else is fine, only I fear this man), but not "ভয় পাইয়েন না".
PLEAS = frozenset(key_of(w) for w in (
    "help", "sahajjo", "সাহায্য", "shahajjo", "bachao", "বাঁচাও", "bachan", "বাঁচান", "find",
    "uddhar", "উদ্ধার",
))  # fmt: skip
FEARS = frozenset(key_of(w) for w in (
    "ডরাই", "dorai", "ডরাইতাছি", "ভয়", "bhoy", "afraid", "scared", "fear", "ভয়ে",
))  # fmt: skip


# Round 27: "My family thinks I am fine": a calm word someone else believes is not the writer's.
# Third persons only: "I think all is fine now" is the writer's own calm.
BELIEVING = frozenset(key_of(w) for w in (
    "thinks", "thought", "believes", "ভাবে", "bhabe", "vabe", "জানে", "jane",
))  # fmt: skip


def _believed(toks: list[Token], start: int) -> bool:
    """Does a verb of believing stand just before the calm word at `start`?"""
    return any(t.key in BELIEVING for t in toks[max(0, start - 3) : start])


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
                   _negates(toks, j, set()) for j in (*range(max(0, i - 2), i), *range(i + 1, i + 3))
                   if j < len(toks) and toks[j].clause == toks[i].clause))
               for i in range(start, len(toks)))


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
            and not _believed(toks, h.start)]
    if not calm:  # most messages: no look at the text
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
        or (joy and any(c.cue.category == JOY for c in closing)) or past_year(text)
        # "N years ago" is itself a calm cue: another one must close the story with it.
        or (any(c.cue.parts[-1] not in _AGO for c in closing) and years_ago(text)))


def load(path: Path) -> CueIndex:
    """Read cues.yml; unknown categories are an error (a typo would silently disable a list)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cues = []
    for category, patterns in raw.items():
        if category not in DANGER and category not in SIGNS:
            raise ValueError(f"{path}: unknown category {category!r}")
        for pattern in patterns or []:
            strong = pattern.startswith("!") and category not in SIGNS
            words = pattern.lstrip("!").split()
            parts = tuple(w if w == "..." else key_of(w.rstrip("*").lower())
                          + ("*" if w.endswith("*") else "") for w in words)
            if len(parts) == 1 and parts[0].endswith("*") and len(parts[0]) - 1 < MIN_PREFIX:
                # "যৌন*" would be "jon*" and match "জন্য" (for): too short to stand alone.
                raise ValueError(f"{path}: {pattern!r} is too short a stem to match alone; "
                                 f"write whole words or add a second word")
            cues.append(Cue(category, parts, strong, pattern))
    return CueIndex(cues)


@dataclass(frozen=True)
class Hit:
    cue: Cue
    negated: bool
    start: int  # token range of the match
    end: int


class _ByForm:
    """Cues by the form of their first word: whole words exactly, stems ("atk*") by prefix."""

    def __init__(self) -> None:
        self.exact: dict[str, list[Cue]] = {}
        self.prefix: dict[str, list[Cue]] = {}
        self.lengths: list[int] = []

    def add(self, form: str, stem: bool, cue: Cue) -> None:
        (self.prefix if stem else self.exact).setdefault(form, []).append(cue)
        if stem and len(form) not in self.lengths:
            self.lengths = sorted({*self.lengths, len(form)})

    def lookup(self, key: str) -> list[Cue]:
        found = list(self.exact.get(key, ()))
        for n in self.lengths:
            if n > len(key):
                break
            found += self.prefix.get(key[:n], ())
        return found


class CueIndex:
    """The cues by the form of their first word, so a message is matched in one pass; and by
    its consonants, for SMS shorthand written without vowels (nlu/safety/shorthand.py)."""

    def __init__(self, cues: list[Cue]) -> None:
        self.cues = cues
        self.forms, self.bones = _ByForm(), _ByForm()
        for cue in cues:
            first = cue.parts[0]
            stem = first.endswith("*")
            self.forms.add(first.rstrip("*"), stem, cue)
            if bones := shorthand.bones(first):
                self.bones.add(bones, stem, cue)

    def starting(self, key: str) -> list[Cue]:
        found = self.forms.lookup(key)
        if shorthand.is_shorthand(key):  # "lckd": the cues whose first word has its consonants
            found += [c for c in self.bones.lookup(shorthand.skeleton(key)) if c not in found]
        return found


def _same(part: str, key: str) -> bool:
    spelt = key.startswith(part[:-1]) if part.endswith("*") else key == part
    return spelt or (shorthand.is_shorthand(key) and shorthand.same(part, key))


def _match(parts: tuple[str, ...], keys: list[str], start: int) -> int | None:
    """The index after the match of `parts` at `start`, or None."""
    i = start
    p = 0
    while p < len(parts):
        part = parts[p]
        if part == "...":
            nxt = parts[p + 1]
            for j in range(i, min(i + GAP + 1, len(keys))):
                if _same(nxt, keys[j]):
                    i, p = j + 1, p + 2
                    break
            else:
                return None
            continue
        if i >= len(keys) or not _same(part, keys[i]):
            return None
        i, p = i + 1, p + 1
    return i


# Round 26: Bangla puts "na" before a conditional verb ("kaj na korle mare": if I do not work,
# he beats me), where it denies the condition, not the danger after it (test22).
_CONDITIONAL_NA = frozenset(key_of(w) for w in ("na", "না"))


def _conditional(toks: list[Token], i: int) -> bool:
    nxt = toks[i + 1].key if i + 1 < len(toks) else ""
    return toks[i].key in _CONDITIONAL_NA and len(nxt) > 3 and nxt.endswith("le")


def _negates(toks: list[Token], i: int, inside: set[str]) -> bool:
    """Is token i a negator of the cue, and not of a verb of knowing beside it ("dont know") or
    of a condition ("na korle")?"""
    key = toks[i].key
    return key in NEGATORS and key not in inside and not _conditional(toks, i) and not any(
        0 <= j < len(toks) and toks[j].key in KNOWING for j in (i - 1, i + 1))


def find(index: CueIndex, toks: list[Token]) -> list[Hit]:
    """Every cue found in the tokens (once per cue), marked negated when a negator stands next
    to it that is not part of the cue itself, nor of another cue."""
    keys = [t.key for t in toks]
    found: list[tuple[Cue, int, int]] = []
    seen: set[int] = set()
    for start, key in enumerate(keys):
        for cue in index.starting(key):
            if id(cue) in seen:
                continue
            end = _match(cue.parts, keys, start)
            if end is None:
                continue
            seen.add(id(cue))
            found.append((cue, start, end))
    # Round 26: a negator among a cue's own words is that cue's, and negates nothing beside it:
    # "dont worry, all good"; "টাকা না দিলে দোকানে আগুন দিবো" (if you do not pay, we burn it).
    owned = {i for cue, start, end in found for i in range(start, end) if keys[i] in cue.parts}
    hits: list[Hit] = []
    for cue, start, end in found:
        inside = set(cue.parts)
        near = [*range(max(0, start - BEFORE), start), *range(end, min(end + AFTER, len(toks)))]
        if cue.category in DANGER or cue.category in (TURN, SAME):  # and a turn (round 46)
            # "ghum ashe na, golat dori dimu": a negator in another clause says nothing of
            # a danger word. Calm words keep the wider look ("bhalo na, ..."), round 18.
            near = [i for i in near
                    if toks[start].clause <= toks[i].clause <= toks[end - 1].clause]
        negated = any(_negates(toks, i, inside) for i in near if i not in owned)
        hits.append(Hit(cue, negated, start, end))
    return hits
