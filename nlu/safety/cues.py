"""Stem cues from cues.yml: phrases matched on phonetic keys, with a look around for negation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

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
_AND = key_of("and")
_BECAUSE = frozenset(key_of(w) for w in ("bole", "বলে", "karone", "কারণে", "jonno", "জন্য"))


def _anothers(keys: list[str], end: int, i: int) -> bool:
    """Is the negator at `i`, after a cue ending at `end`, another word's? English puts its "not"
    before its verb, so one after "and" is the next verb's ("he locked the car doors and didnt
    open", round 74, test75); and "X nai bole" is "because there is no X", the noun's ("police
    tule nise iqama nai bole", round 74, test74)."""
    return _AND in keys[end:i] or (i > end and i + 1 < len(keys) and keys[i + 1] in _BECAUSE)
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

    @property
    def jest(self) -> bool:
        """A joke named in so many words ("kidding", "just kidding", "moja"), not a laugh: it
        can be denied or doubted (DENIED_JOKE)."""
        return self.category == JOKE and any(p.rstrip("*") in DENIED_JOKE for p in self.parts)


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
# A joke denied in so many words is a joke taken back, like SAME: "not joking this time", "moja
# korchi na" (round 58). Not a laugh denied: "double ashche na, cousin ra hashte hashte".
DENIED_JOKE = frozenset(key_of(w) for w in ("joking", "kidding", "joke", "moja", "মজা", "tamasha",
                                            "ঠাট্টা", "thatta", "majak", "mazak", "মজাক"))
# A joke word doubted at once is a joke denied too: "kept the rope under my bed, just joking...
# maybe" (round 80, test81), "just kidding... na thak, maybe na" (round 89, test90: a doubt a
# "no, leave it" away). The only labelled messages with a doubt so near a joke word are these.
DOUBT = frozenset(key_of(w) for w in ("maybe", "mayb", "hoyto", "হয়তো", "hoito", "probably"))
DOUBT_AFTER = 4  # words after the joke word
# "X 😅 but Y": a "but" after a laugh turns from it to what the writer means (round 74, test75:
# "abba bolse 'tension nio na' 😅 but shei je jail e dhukse 2 mash holo"). Out of fold, the two
# messages read as danger with a laugh, then "but", then a danger word were both dangers.
BUT = frozenset(key_of(w) for w in ("but", "kintu", "কিন্তু"))
# Round 85: someone with power over the writer, an employer, a kafil, a supervisor, a broker
# (`masters`). Fresh authors hide trouble at work under a laugh ("lol boss ajke amar mathay helmet
# diye 3 bar marse 😂"); a joke about one's boss is told less often than one about a roommate,
# a wife or a film (docs/safety.md, round 85). Stems match the start of a word ("maliker").
MASTER_STEMS = tuple(key_of(w) for w in (
    "malik", "malek", "মালিক", "kafil", "kofil", "কফিল", "arbab", "আরবাব", "sponsor", "স্পন্সর",
    "supervisor", "সুপারভাইজার", "ম্যানেজার", "madam", "মেডাম", "ম্যাডাম", "dalal", "দালাল",
    "contractor", "foreman",
))  # fmt: skip
# Whole words: "manag*" would be "I can manage".
MASTER_WORDS = frozenset(key_of(w) for w in (
    "boss", "bosses", "বস", "owner", "agent", "এজেন্ট", "manager", "managers",
))  # fmt: skip


def masters(toks: list[Token]) -> bool:
    """Does the message name someone with power over the writer (MASTER_STEMS, MASTER_WORDS)?"""
    return any(t.key in MASTER_WORDS or t.key.startswith(MASTER_STEMS) for t in toks)


# A laugh is never denied: the "na" before it ends the verb before it ("kaj korte hobe na lol",
# round 63, test63), and nobody writes "not haha".
LAUGHS = frozenset(key_of(w) for w in ("haha", "hehe", "হাহা", "lol", "lmao", "হে", "he"))
# Laughing emoji and a game's emoji are signs of a joke or a match too, but the tokeniser drops
# emoji: looked for in the raw text. None of 1,401 development messages with one was danger
# (round 7, docs/safety.md). Not 🔥: a fire in a camp is real.
LAUGHING = frozenset("\U0001F602\U0001F923\U0001F606\U0001F639\U0001F605"  # 😂 🤣 😆 😹 😅
                     # Round 9, playful faces: 😋 😜 😝 😛 🤪 (none in a danger message either).
                     "\U0001F60B\U0001F61C\U0001F61D\U0001F61B\U0001F92A"
                     "\U0001F648"  # 🙈, round 68 (test69): nine labelled messages, all look-alikes
                     "\U0001F3CF\u26BD\U0001F3C6"  # 🏏 ⚽ 🏆
                     # Round 18, grinning faces: 😀 😃 😄 😁 (13 labelled messages, all benign).
                     "\U0001F600\U0001F603\U0001F604\U0001F601"
                     # Round 33, a party: 🎉 🥳 🎊 (eight benign messages, no other label). Not 😊,
                     # 🥰 or ❤: a goodbye can smile ("don't worry about me 😊").
                     "\U0001F389\U0001F973\U0001F38A")


def last_laugh(text: str) -> int:
    """Where the message's last laughing emoji (or a game's) stands; -1 without one."""
    return max((i for i, ch in enumerate(text) if ch in LAUGHING), default=-1)


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


def negates(toks: list[Token], i: int, inside: set[str]) -> bool:
    """Is token i a negator of the cue, and not of a verb of knowing beside it ("dont know") or
    of a condition ("na korle")?"""
    key = toks[i].key
    return key in NEGATORS and key not in inside and not _conditional(toks, i) and not any(
        0 <= j < len(toks) and toks[j].key in KNOWING for j in (i - 1, i + 1))


def find(index: CueIndex, toks: list[Token]) -> list[Hit]:
    """Every cue found in the tokens, marked negated when a negator stands next to it that is
    not part of the cue itself, nor of another cue. Once per cue: where it is said without a
    negator if it is anywhere ("he said he won't beat me again. today he beat me"), else first."""
    keys = [t.key for t in toks]
    found: list[tuple[Cue, int, int]] = []
    for start, key in enumerate(keys):
        for cue in index.starting(key):
            end = _match(cue.parts, keys, start)
            if end is not None:
                found.append((cue, start, end))
    # Round 26: a negator among a cue's own words is that cue's, and negates nothing beside it:
    # "dont worry, all good"; "টাকা না দিলে দোকানে আগুন দিবো" (if you do not pay, we burn it).
    owned = {i for cue, start, end in found for i in range(start, end) if keys[i] in cue.parts}
    hits: list[Hit] = []
    for cue, start, end in found:
        inside = set(cue.parts)
        near = [*range(max(0, start - BEFORE), start), *range(end, min(end + AFTER, len(toks)))]
        # And a turn (round 46) and "just asking", whose "not" is another sentence's ("they not
        # Bangladeshi right? just asking": round 65, test65), and a joke word ("... thaka jay na.
        # kidding": round 69, test70), and a chore's ("ফোন রাখতেই দেয় না 😂 শেষে ব্যাটারি মইরা গেল":
        # round 70).
        if cue.category in DANGER or cue.category in (TURN, SAME, HYPOTHETICAL, JOKE, EVERYDAY):
            # "ghum ashe na, golat dori dimu": a negator in another clause says nothing of
            # a danger word. Calm words keep the wider look ("bhalo na, ..."), round 18.
            near = [i for i in near
                    if toks[start].clause <= toks[i].clause <= toks[end - 1].clause]
        near = [i for i in near if i < start or not _anothers(keys, end, i)]
        negated = any(negates(toks, i, inside) for i in near if i not in owned) and not (
            cue.category == JOKE and cue.parts[0].rstrip("*") in LAUGHS)
        if cue.jest:
            negated = negated or any(k in DOUBT for k in keys[end:end + DOUBT_AFTER])
        hits.append(Hit(cue, negated, start, end))
    chosen: dict[int, Hit] = {}
    for hit in hits:  # in order of position
        if id(hit.cue) not in chosen or (chosen[id(hit.cue)].negated and not hit.negated):
            chosen[id(hit.cue)] = hit
    return sorted(chosen.values(), key=lambda h: h.start)
