"""Which variety a message is in: Bangla script (bn), English (en) or romanised Bangla."""

from __future__ import annotations

from nlu.linear import LinearModel
from nlu.normalise import TOKEN_RE

# Used only when no trained model is at hand: frequent Banglish function words and verbs that
# are not English words, and frequent English words that are not Banglish.
_BANGLISH_WORDS = (
    "ami amar amake apni apnar tumi tomar ki kivabe kibhabe kemne kmne koto kto kothay kothai "
    "ache ase asay ase nai nei na hobe hoise hoyeche korbo korte koren koro kori jabo jete "
    "jaite jawa jai lage lagbe taka takka tk bhai vai apu vaia bolen bolo den dao dite nite "
    "pabo chai chacchi ekhon keno kno ar er theke te diye jonno shob sob onek valo bhalo "
    "dhonnobad dhonyobad salam assalamualaikum ji jee haa ha hmm thik accha acha bujhlam "
    "bidesh bideshe deshe dalal sorkari khoroch kisu kichu"
)
_ENGLISH_WORDS = (
    "the a an is are was were what how where when why who which do does did can could "
    "would should i my me you your it this that to of in for on with from and or not please "
    "want need help money send cost much many go going work job get got have has about any "
    "yes no thanks thank hello hi bye stop"
)
_BANGLISH = frozenset(_BANGLISH_WORDS.split())
BENGALI_SHARE = 3  # Bengali letters x this >= Latin letters: the message is bn
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


def script_counts(text: str) -> tuple[int, int]:
    """Bengali-block letters and ASCII letters in the text."""
    bengali = latin = 0
    for ch in text:
        if "\u0980" <= ch <= "\u09ff":
            bengali += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    return bengali, latin


class LanguageId:
    """Bengali script first (a quarter of the letters is enough); for Latin text, Banglish vs
    English."""

    def __init__(self, model: LinearModel | None = None) -> None:
        self.model = model

    def detect(self, norm_text: str, grams: list[str] | None = None) -> str:
        """Language of normalised text; `grams` are its features if already extracted."""
        bengali, latin = script_counts(norm_text)
        # Mixed messages ("ami visa processing complete korsi কিন্তু BMET card পাইনি") are bn
        # as soon as a quarter of the letters are Bengali: whoever types Bengali script reads
        # it, while English words (visa, BMET, agency) fill Bangla sentences. Ties include "no
        # letters at all" (digits, emoji, other scripts): Bangla is the safer guess there.
        if bengali * BENGALI_SHARE >= latin:
            return "bn"
        if self.model is not None and grams is not None:
            scores = self.model.scores(grams)
            if scores is not None:
                return self.model.classes[int(scores.argmax())]
        return _by_wordlist(norm_text)


def word_votes(norm_text: str) -> tuple[int, int]:
    """(Banglish words, English words) of the word lists in a normalised Latin-letter text."""
    words = TOKEN_RE.findall(norm_text)
    return sum(w in _BANGLISH for w in words), sum(w in _ENGLISH for w in words)


def _by_wordlist(norm_text: str) -> str:
    banglish, english = word_votes(norm_text)
    return "banglish" if banglish > english else "en"
