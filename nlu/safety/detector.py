"""Is this person in danger? Three signals, combined for recall: the detector's own model (over
the whole message and each clause, because long stories carry the danger in one sentence), stem
cues with negation, and the intent classifier's reading as a second opinion."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from nlu.linear import LinearModel
from nlu.safety import cues as cue_lib
from nlu.safety import features, story, when
from nlu.safety.labels import DANGER, DANGER_INTENTS
from nlu.safety.model import Thresholds, cue_features, danger_of, probabilities

Level = Literal["danger", "unsure", "distress", "none"]
SHORT = 2  # words: a message this short needs a strong danger cue to be urgent
HARM_WORD = 0.3  # a self-harm word the model reads as self-harm is urgent from this danger up
LEAN = 0.4  # a window without a danger word counts from this danger of the whole message up
SECOND_OPINION = 0.6  # intent confidence at which the classifier's danger reading makes us ask
# The intents, and the confidence, with which the classifier's reading makes a short message with
# a danger word urgent (round 24): emergency_abroad counts here, as agreement, not alone.
AGREE = frozenset({*DANGER_INTENTS, "emergency_abroad"})
AGREE_AT = 0.9
# A trafficking reading this weak, with no strong word, against the classifier's confident
# reading of a warning (an offer or a plan: "দালাল বলছে নৌকায় করে লিবিয়া হয়ে ইতালি নিয়ে যাবে") is
# not urgent: its page carries the numbers and CALL (round 38).
WARNING_AT = 0.9
WEAK_TRAFFICKING = 0.6
# A reading this sure is urgent even beside a laugh, a joke or a film ("bhai ami ekhon VIP guest
# 😂 3 din dhore gudam ghore tala", round 62): fresh authors hide real trouble under "bro 😂", and
# out of fold the model reads their dangers this high far more often than look-alikes told with
# a laugh. Not a death in peace, a chore, a figure of speech or a question "just asking": those
# excuse any reading (docs/safety.md, round 62).
JOKE_CEILING = 0.98
# And from this reading up when the message names someone with power over the writer (a boss,
# a kafil, a supervisor, a dalal: cues.masters): out of fold, of the messages a laugh excused
# from 0.90 to 0.98 with such a person named, 17 were dangers and 3 look-alikes, where with
# anyone 0.90 had been 19 dangers to 27 look-alikes (round 85).
MASTER_CEILING = 0.90
LIGHT = (cue_lib.JOKE, cue_lib.FICTION)


@dataclass(frozen=True)
class Signals:
    """What the detector saw, before thresholds: kept for tuning and for the audit trail."""

    danger: float  # probability mass of the danger categories, best clause or whole message
    category: str | None  # the most likely danger category
    distress: float
    question: float
    strong: str | None  # category of a strong cue that is not negated
    words: int = 0
    # A sign of a joke, a story, a thing, an everyday chore or an old man's natural death
    # ("haha", "natok", "phone ta mara gese", "machta kaita", "boyosh hoyechilo"), not negated
    # and reaching the danger (nlu/safety/cues.py).
    joking: bool = False
    over: bool = False  # told as over: a past year, and a calm sign after the danger (round 9)
    harm_cue: bool = False  # a self-harm cue, weak or strong, not negated (round 10)
    cued: bool = False  # a danger cue, weak or strong, not negated, anywhere (round 12)
    # A death and the body to bring home, told of someone, not asked of a rule (round 22).
    body: bool = False
    light: bool = False  # the only sign is a laugh, a joke or a film: JOKE_CEILING may overrule it
    master: bool = False  # someone with power over the writer is named: MASTER_CEILING instead

    @property
    def excused(self) -> bool:
        """A sign that still excuses the danger: a laugh only below JOKE_CEILING (MASTER_CEILING
        beside a boss)."""
        ceiling = MASTER_CEILING if self.master else JOKE_CEILING
        return self.joking and not (self.light and self.danger >= ceiling)

    @property
    def not_now(self) -> bool:
        """Said in jest, of a story, of a thing, or of the past: asked about, never urgent."""
        return self.excused or self.over

    @property
    def why_not_now(self) -> tuple[str, ...]:
        """The reason an Assessment carries for it."""
        return ("joke",) if self.excused else ("over",) if self.over else ()


@dataclass(frozen=True)
class Assessment:
    level: Level
    category: str | None  # a danger category, or "distress"
    score: float
    reasons: tuple[str, ...] = ()

    @property
    def urgent(self) -> bool:
        return self.level == "danger"

    @property
    def not_now(self) -> bool:
        """Read as a joke, a story, a thing or the past: the person is asked "Are you safe?",
        never handed a page that takes a danger or a death as theirs."""
        return "joke" in self.reasons or "over" in self.reasons


NONE = Assessment("none", None, 0.0)
# The clause after an everyday chore that may tell its outcome: so many words at most, and
# only of these dangers (DangerDetector._aftermath).
AFTERMATH = 4
AFTERMATH_OF = ("medical_emergency", "death_abroad")


class DangerDetector:
    """Pure computation, a fraction of a millisecond per message: safe to run on every one."""

    def __init__(self, model: LinearModel, cues: cue_lib.CueIndex, thresholds: Thresholds,
                 info: dict[str, Any] | None = None) -> None:
        self.model = model
        self.cues = cues
        self.thresholds = thresholds
        self.info = info or {}

    @classmethod
    def from_state(cls, state: dict[str, Any], cues_path: Path) -> DangerDetector:
        """Rebuild from a trained artifact (nlu.safety.training.train)."""
        return cls(LinearModel.from_dict(state["model"]), cue_lib.load(cues_path),
                   Thresholds(**state["thresholds"]),
                   {k: state.get(k) for k in ("code_version", "data_hash", "training")})

    def signals(self, text: str) -> Signals:
        toks, spans = features.analyse(text)
        if not toks:
            return Signals(0.0, None, 0.0, 0.0, None)
        hits = cue_lib.find(self.cues, toks)
        whole = probabilities(self.model, features.extract(toks, cue_features(hits)))
        best = whole
        leaning = danger_of(whole) >= LEAN
        if whole.get("question", 0.0) < 0.5:
            for start, end in spans:
                if end - start == len(toks):
                    continue
                inside = [h for h in hits if h.start >= start and h.end <= end]
                if not any(h.cue.category in DANGER and not h.negated for h in inside) and (
                        end - start < features.WINDOW or not leaning):
                    # A short clause with no danger word reads as the model's prior: "which
                    # rate better" alone was 0.56 danger in a remittance question (round 7). A
                    # long story is many windows, and the best of many readings with no danger
                    # word in them is high by chance alone ("I feel so lonely here. Work is ok
                    # and boss is fine but..." read 0.03 whole, 0.84 in one window): such a window
                    # counts only when the whole message already leans to danger (round 16).
                    continue
                probs = probabilities(self.model, features.extract(toks[start:end],
                                                                   cue_features(inside)))
                if danger_of(probs) > danger_of(best):
                    best = probs
        category = max(DANGER, key=lambda c: best.get(c, 0.0))
        strong = next((h.cue.category for h in hits if h.cue.strong and not h.negated), None)
        signs = {h.cue.category for h in hits if not h.negated}  # danger cues and signs
        said = [h for h in hits if h.cue.category in DANGER and not h.negated]  # danger words
        # A laugh or a game in a clause before a word of self-harm is another subject: "haha
        # the carrom final was fun. also bro i decided... going to end my life" (round 38,
        # test34); it may make light of a first word, not of the plan told after it ("Wrote my
        # will ... lol. Tomorrow morning I'm going to the rail line", round 55, test53). Said of
        # the other dangers, a film or the news comes first ("movie ta dekhsen? villain ta ..."),
        # so there the sign still excuses the whole message.
        # A turn of subject between them says so of any danger: "kal match dekhsos? ki goal ...
        # wait, serious kotha. bhaiya ke police dhore niye gese" (round 45, test43).
        harm = [toks[h.start].clause for h in hits if h.cue.category == "self_harm" and not h.negated]
        turns = [h.end for h in hits if h.cue.category == cue_lib.TURN and not h.negated]
        after = [h.start for h in said if any(t <= h.start for t in turns)]
        # And a film told as the writer's own, a joke taken back: "... amar sathe ekdom oitai
        # hocche" (round 46), "ok this isn't funny anymore" (round 52), and a joke denied, "not
        # joking this time" after a "lol" (round 58, test56).
        same = [h.start for h in hits if (h.cue.category == cue_lib.SAME and not h.negated)
                or (h.negated and h.cue.jest)]

        def excuses(end: int) -> bool:
            """Whether a sign ending before token `end` still makes the message not serious."""
            clause = toks[end - 1].clause if end else -1
            return (not (harm and clause < max(harm))
                    and not any(end <= t <= d for t in turns for d in after)
                    and not any(end <= s for s in same))

        # A laughing emoji is a sign too, placed by the tokens before it: "haha ... ar beshi din
        # nai 😂 blade ta hate nia boshe asi" (round 48, test46), "zero rice 😂 no seriously, 3
        # months unpaid" (test45). Only the last one: an earlier one is answered by what follows.
        laugh = cue_lib.last_laugh(text)
        last = max((h.start for h in said), default=-1)  # the last danger word
        buts = [i for i, t in enumerate(toks) if t.key in cue_lib.BUT]

        def laughs_off(end: int) -> bool:
            """A laugh ending before token `end` that no "but" turns from (cue_lib.BUT)."""
            return excuses(end) and not any(end <= b <= last for b in buts)

        laughed = (laugh >= 0 and laughs_off(len(features.analyse(text[:laugh])[0]))) or any(
            not h.negated and ((h.cue.category == cue_lib.JOKE and laughs_off(h.end))
                               or (h.cue.category == cue_lib.FICTION and excuses(h.end)))
            for h in hits)
        # A joke word said after the last danger word takes it back in so many words, whatever
        # the reading: "golay dori dite ichcha kore 😂 ... kidding, ajke AC thik korte asbe"
        # (round 69, test70). A laugh alone is no such word (JOKE_CEILING).
        taken_back = any(h.cue.category == cue_lib.JOKE and not h.negated and h.start > last
                         and h.cue.jest and excuses(h.end)
                         for h in hits)
        # A danger told laughing as two facts or more, each in a clause of its own, is trouble
        # made light of, not a joke: "haha amra ekhon boat e 80 jon 😅 engine nosto ... pani
        # shesh. dalal er phone bondho" (round 70, test71). A joke has one hyperbole; a film or
        # the news tells many (a laugh beside them still excuses), and "kidding" after them all
        # takes them back. A thing that dies is no fact.
        chores = {toks[h.start].clause for h in hits if h.cue.category == cue_lib.EVERYDAY
                  and not h.negated}
        facts = {toks[h.start].clause for h in said} - chores
        laughed = laughed and (len(facts) < 2 or cue_lib.FICTION in signs or taken_back)
        # Any other excusing sign, which no reading overrules (Signals.excused). "Just asking"
        # only of a message that asks: "Owner not paid me for 4 months ... not complaining, just
        # asking if that is ok" tells her own trouble (round 72, test73; out of fold, no message
        # excused so without a question mark or a question reading was read as a danger).
        asks = "?" in text or whole.get("question", 0.0) >= 0.5
        other_excuse = any(h.cue.category in cue_lib.NOT_SERIOUS and h.cue.category not in LIGHT
                           and (asks or h.cue.category != cue_lib.HYPOTHETICAL)
                           and not h.negated and excuses(h.end) for h in hits)
        if not other_excuse and (cue_lib.NATURAL_DEATH in signs or when.old_age(text)):
            # A death in peace, not a beating beside it: every danger word in the message, if
            # any, is of a death, an illness or a disappearance, whatever the model's reading
            # ("amar chagol ta mara gelo" was read as self-harm: round 22). With no danger word
            # at all, the model's own reading must be of those too: "মালিক কইলো বয়স হইছে, আর লাগবে
            # না ... আইজ রাইতেই সব শ্যাষ করমু" is an old worker dismissed (round 63, test63).
            dangers = signs.intersection(DANGER)
            other_excuse = dangers <= set(cue_lib.NATURAL) and bool(dangers or category in cue_lib.NATURAL)
        if not other_excuse and cue_lib.EVERYDAY in signs:
            other_excuse = self._rest(toks, spans, hits) < self.thresholds.danger
        # Self-harm said in two clauses is the writer's plan, however much the message reads as a
        # rule asked: "does the insurance still pay my family if the death is suicide? Asking
        # because I've decided" (round 84: two fresh authors in a row; out of fold, the only
        # message read as a question with self-harm words in two clauses).
        question = whole.get("question", 0.0) if len(set(harm)) < 2 else 0.0
        return Signals(danger_of(best), category, whole.get("distress", 0.0),
                       question, strong, len(toks), laughed or other_excuse,
                       story.over(text, hits, toks, resolved=category != "self_harm",
                                    joy=category not in ("self_harm", "death_abroad"),
                                    death=category == "death_abroad"),
                       "self_harm" in signs, not signs.isdisjoint(DANGER),
                       story.body_home(text, hits, toks), laughed and not (other_excuse or taken_back),
                       cue_lib.masters(toks))

    @staticmethod
    def _aftermath(hits: list[cue_lib.Hit], start: int, end: int) -> bool:
        """A short clause right after the chore's, whose only danger words are weak words of
        blood or death, tells what came of the chore: "দাঁত তুলছে আইজ, মুখ দিয়া রক্ত পড়ের" (a
        tooth pulled today, blood from the mouth), "mobile ta ar bachano jabe na, mara gese"
        (round 41: two fresh authors in a row). A clause with a subject of its own is mostly
        longer, and a strong word is never an aftermath."""
        inside = [h for h in hits if h.start >= start and h.end <= end and not h.negated
                  and h.cue.category in DANGER]
        return (end - start <= AFTERMATH and bool(inside)
                and all(not h.cue.strong and h.cue.category in AFTERMATH_OF for h in inside))

    def _rest(self, toks: list[features.Token], spans: list[tuple[int, int]],
              hits: list[cue_lib.Hit]) -> float:
        """The danger of the clauses without an everyday sign: the fish that was cut excuses
        its own clause, not "ekhon malik passport rekhe dise" after it."""
        signs = [h for h in hits if h.cue.category == cue_lib.EVERYDAY and not h.negated]
        rest = 0.0
        kept: set[int] = set()  # the tokens of every clause without a sign
        signed = [any(h.start < end and start < h.end for h in signs) for start, end in spans]
        for n, (start, end) in enumerate(spans):
            if signed[n] or (n and signed[n - 1] and spans[n - 1][1] == start
                             and self._aftermath(hits, start, end)):
                continue
            kept.update(range(start, end))
            inside = [h for h in hits if h.start >= start and h.end <= end]
            if not any(h.cue.category in DANGER and not h.negated for h in inside):
                # A danger word of its own, or the clause is still about the chore ("ammare
                # bolo pitha banaiya rakhte", keep the cakes, read as confinement: round 10).
                continue
            probs = probabilities(self.model, features.extract(toks[start:end],
                                                               cue_features(inside)))
            rest = max(rest, danger_of(probs))
        if rest:
            # And the rest read together: a danger told over several clauses ("i am in a boat
            # not know where... anyone who talk they beat... they want more money from family.
            # battery low") is more than its one clause with a danger word (round 34).
            inside = [h for h in hits if kept.issuperset(range(h.start, h.end))]
            probs = probabilities(self.model, features.extract([toks[i] for i in sorted(kept)],
                                                               cue_features(inside)))
            rest = max(rest, danger_of(probs))
        return rest

    def assess(self, text: str, parse: dict[str, Any] | None = None) -> Assessment:
        """The level of danger in one message; `parse` is the intent classifier's reading."""
        return decide(self.signals(text), self.thresholds, parse)


def decide(s: Signals, t: Thresholds, parse: dict[str, Any] | None = None) -> Assessment:
    """Thresholds and second opinions over the signals."""
    intent = (parse or {}).get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    second = name in DANGER_INTENTS and confidence >= SECOND_OPINION
    if s.danger >= t.danger and s.words <= SHORT and not s.strong:
        if s.cued and not s.not_now and name in AGREE and confidence >= AGREE_AT:
            # "বাঁচান, মারতেছে" (save me, beating): a danger word, the model and the intent
            # classifier all read danger in two words. Round 24: it was asked, and the intent's
            # page gave the numbers with no ticket (test20).
            return Assessment("danger", s.category, s.danger, ("model", "intent"))
        # "passport" or "2024 marche" alone: one or two words without a clear sign of danger
        # are not enough for an urgent case, whatever the model thinks of them. Ask.
        return Assessment("unsure", s.category, s.danger, ("model",))
    if s.danger >= t.danger and s.not_now:
        # "boss will beat me if I am late again hahaha": said as a joke, and most such messages
        # are; a person who laughs off real danger is asked "are you safe?", and "no" is danger.
        # Likewise a phone that "died", news of strangers, and a danger told as long over.
        return Assessment("unsure", s.strong or s.category, s.danger, ("model", *s.why_not_now))
    if s.body and not s.not_now and s.danger >= t.unsure:
        # "A worker from our village fell and died. Who pays for sending the body?" A death
        # and its body, told of a person: a family that needs the death page and a person now,
        # however much it reads like a question (round 22: the last kind of death the
        # development sets missed; a rule asked "if a worker dies" is not one). Not when the
        # model reads no danger at all: "the process to bring home the body of a migrant worker
        # who died ... Asking for an awareness session" (round 65, test66, read 0.00).
        return Assessment("danger", "death_abroad", s.danger, ("cue", "body"))
    if (s.category == "trafficking_ransom" and t.danger <= s.danger < WEAK_TRAFFICKING
            and not s.strong and name == "trafficking_warning" and confidence >= WARNING_AT):
        # Trained on the fresh authors' crossings (people held, drowned), the model reads a
        # dalal's offer of the same route as a crossing under way. Left out by author, 22
        # authors' dangers never met this rule (docs/safety.md, round 38).
        return Assessment("unsure", s.category, s.danger, ("model", "warning"))
    # Not one word of danger in the message, weak or strong: the model's reading alone
    # ("wedding in march, the kafeel gave leave", "Goodbye Riyadh!") must be surer than one a
    # danger word stands behind before it makes an urgent case; below `bare` it asks, and a
    # reading of self-harm still goes the self-harm way below (round 12).
    bare = not s.cued and t.bare is not None and s.danger < t.bare
    if s.danger >= t.danger and not bare:
        # A strong cue too is said, so that the questionnaire never doubts this reading.
        cue = ("cue",) if s.strong and s.question < 0.5 else ()
        return Assessment("danger", s.category, s.danger, ("model", *cue))
    if (t.harm is not None and s.danger >= t.harm and s.category == "self_harm"
            and s.question < 0.5 and s.words > SHORT and not s.not_now):
        # A reading of self-harm in the band where others are asked "Are you safe?": a person
        # who may end their life gets the safe-messaging page and a person, not a yes/no
        # question (round 7: self-harm was the category most often only asked).
        cue = ("cue",) if s.strong else ()
        return Assessment("danger", s.category, s.danger, ("model", "self_harm", *cue))
    if s.strong and s.question < 0.5:
        if (s.danger < t.unsure and s.words > SHORT) or s.not_now:
            # The model reads the whole message as ordinary ("the traffic here is torture"):
            # a strong word used as a figure of speech. Asked, never ignored.
            return Assessment("unsure", s.strong, s.danger, ("cue", *s.why_not_now))
        return Assessment("danger", s.strong, s.danger, ("cue",))
    if s.danger >= t.unsure:
        return Assessment("unsure", s.category, s.danger, ("model",))
    if s.harm_cue and s.question < 0.5 and not s.not_now:
        if s.category == "self_harm" and s.danger >= HARM_WORD:
            # A word of self-harm that the model, too, reads as self-harm, below its own band:
            # two signals agree ("how many panadol is enough to not wake up", read 0.45). The
            # person gets the safe-messaging page and a person, not a yes/no question (round 13:
            # three of the five self-harm misses on the development sets, one look-alike more).
            return Assessment("danger", "self_harm", s.danger, ("cue", "self_harm"))
        # "TIRED OF LIVING. BYE": too short for the model to be sure, but a goodbye or a plan in
        # so many words is never let pass unasked (round 10, the round-9 sealed set).
        return Assessment("unsure", "self_harm", s.danger, ("cue",))
    if second and s.question < 0.5:
        # The intent classifier alone: it keeps the detector's reason for doubt, so that "my
        # phone battery died" (death_abroad at 0.66 to the classifier) is asked about, never
        # answered with condolences (bot/flows/safety.ask).
        category = DANGER_INTENTS[str(name)] or s.category
        return Assessment("unsure", category, s.danger, ("intent", *s.why_not_now))
    if s.distress >= t.distress:
        return Assessment("distress", "distress", s.distress, ("model",))
    return Assessment("none", None, s.danger)
