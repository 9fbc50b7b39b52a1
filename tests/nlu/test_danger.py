"""The danger detector on its own: stems and inflections rather than exact strings, negation,
look-alikes, long stories, and the thresholds it was trained to."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import pytest

from nlu import safety
from nlu.safety import cues, features, story, training, when
from nlu.safety import detector as detector_module
from nlu.safety.detector import Signals, decide
from nlu.safety.features import tokens
from nlu.safety.labels import DANGER, LABELS
from nlu.safety.model import Thresholds, danger_of, probabilities

# Read at collection, before any test runs `prottasha nlu train` (which rewrites a stale file).
COMMITTED = training.committed_thresholds(training.version(safety.DATA_DIR, safety.CUES))


@pytest.fixture(scope="module")
def detector(danger_detector: safety.DangerDetector) -> safety.DangerDetector:
    return danger_detector


@functools.cache
def _cues() -> cues.CueIndex:
    return cues.load(safety.CUES)


def _hits(message: str) -> list[cues.Hit]:
    return cues.find(_cues(), tokens(message))


def _said(message: str) -> set[str]:
    """The categories of the cues found in a message and not negated."""
    return {h.cue.category for h in _hits(message) if not h.negated}


def _over(message: str, **kw: bool) -> bool:
    toks = tokens(message)
    return story.over(message, cues.find(_cues(), toks), toks, **kw)


@pytest.mark.parametrize(("message", "category"), [
    ("আর বাঁচতে ইচ্ছা করে না", "self_harm"),
    ("ami ar bachte chai na", "self_harm"),
    ("my employer took my passport and won't give it back", "passport_forced_labour"),
    ("amar bhai ke atke rekheche dubai te", "confinement"),
    ("আমার বোনকে মালিক মারধর করে", "violence"),
    ("dalal amar chele ke libya te atke rekhe 5 lakh taka chaitese", "trafficking_ransom"),
    ("amar swami saudi te mara gese, lash kivabe anbo", "death_abroad"),
])
def test_danger_in_all_three_varieties(detector: safety.DangerDetector, message: str,
                                       category: str) -> None:
    check = detector.assess(message)
    assert check.level == "danger", check
    assert check.category == category


@pytest.mark.parametrize("message", [
    "2024 marche deshe ashchi", "dying to go to Dubai for work", "I'm dead tired after the shift",
    "bangladesh cricket team aj mair khaise", "traffic e atke gelam, pore kotha boli",
    "passport renew korte koto din lage", "keu amake marche na, shudhu janar jonno",
    # A migrant's farewell before the flight (round 11).
    "kal dubai jacchi, sobai mafi kore dio, doa koiro", "কাল সৌদি যাচ্ছি, সবাই মাফ করে দিও, দোয়া করো",
    "leaving for Qatar tomorrow morning, forgive me if I hurt anyone, pray for me",
    # An ID card's lanyard is a "golar dori" too, and "dori diye" is "with a string" (round 17).
    "অফিসের আইডি কার্ডের গলার দড়িটা হারাই গেছে, নতুন কই পাবো",
    "golar dori diye ID card ta jhulai rakhi duty te",
])
def test_look_alikes_raise_no_alarm(detector: safety.DangerDetector, message: str) -> None:
    assert detector.assess(message).level != "danger"


def test_danger_in_the_middle_of_a_long_story(detector: safety.DangerDetector) -> None:
    story = ("assalamualaikum bhai ami comilla theke bolchi. amar chele 2 bochor age saudi gese "
             "agency er maddhome. prothom 6 mash valo chilo. ekhon kafeel or passport niye nise "
             "ar 4 mash beton dey na, khabar o thik moto dey na. ami ki korbo bujhtesi na")
    check = detector.assess(story)
    assert check.level == "danger"


def test_cues_match_inflections_and_notice_negation() -> None:
    loaded = cues.load(safety.CUES)
    hits = cues.find(loaded, tokens("ওরা আমাকে আটকে রেখেছে"))
    assert any(h.cue.category == "confinement" and not h.negated for h in hits)
    hits = cues.find(loaded, tokens("amake atkaiya rakhse"))  # Chittagonian/Noakhali form
    assert any(h.cue.category == "confinement" for h in hits)
    negated = cues.find(loaded, tokens("keu amake marche na"))
    assert negated and all(h.negated for h in negated)


@pytest.mark.parametrize(("free", "denied", "category"), [
    # "I can't sleep, I'll put a rope to my neck": the "na" belongs to the sleep (round 18).
    ("ghum ashe na, golat dori dimu", "golat dori dimu na", "self_harm"),
    # Not knowing where negates no danger word (round 22).
    ("they took him, i dont know which jail", "police amake jail dey nai", "missing_detained"),
])
def test_a_negator_negates_only_the_danger_word_it_stands_by(free: str, denied: str,
                                                             category: str) -> None:
    assert any(h.cue.category == category and not h.negated for h in _hits(free))
    assert all(h.negated for h in _hits(denied) if h.cue.category == category)


@pytest.mark.parametrize(("shorthand", "category"), [
    ("lckd in rm. no key", "confinement"),  # test38's Feni electrician, round 40
    ("bro arrstd at wrk", "missing_detained"),
])
def test_sms_shorthand_without_vowels_meets_the_cues(shorthand: str, category: str) -> None:
    assert any(h.cue.category == category and not h.negated for h in _hits(shorthand))


def test_shorthand_too_short_to_tell_apart_meets_no_cue() -> None:
    # "kll" has the consonants of "kill", and of "kal" (tomorrow) and "kol": not read as kill.
    assert any(h.cue.text == "kill me" for h in _hits("they will kill me"))
    assert not any(h.cue.text == "kill me" for h in _hits("they will kll me"))
    # Words with their vowels are matched as spelt, never by consonants.
    assert not any(h.cue.category == "confinement" for h in _hits("lucky dog in rm"))


def test_an_unknown_category_in_the_cue_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cues.yml"
    path.write_text("self_harm_typo:\n  - suicide\n", encoding="utf-8")
    with pytest.raises(ValueError, match="self_harm_typo"):
        cues.load(path)


def test_thresholds_favour_recall(detector: safety.DangerDetector) -> None:
    t = detector.thresholds
    assert 0 < t.unsure <= t.danger < 1
    assert detector.info["training"]["examples"] > 1000


def test_the_committed_thresholds_are_this_code_and_datas(detector: safety.DangerDetector) -> None:
    # A new user's first run fits the model once with them (training.TUNED); a change to the code
    # or data is complete only with the thresholds tuned for it, and the same code and data tune
    # the same ones (a detector tuned afresh in this session agrees with the file).
    assert COMMITTED is not None, "run `prottasha nlu train`, commit nlu/safety/thresholds.yml"
    assert detector.thresholds == COMMITTED


def test_thresholds_are_taken_only_for_the_model_they_were_tuned_for(tmp_path: Path) -> None:
    path, tuned = tmp_path / "thresholds.yml", Thresholds(0.49, 0.39, 0.41, 0.39, 0.53)
    assert training.committed_thresholds("safety-1.0a-1b", path) is None
    training.commit_thresholds("safety-1.0a-1b", tuned, path)
    assert training.committed_thresholds("safety-1.0a-1b", path) == tuned
    assert training.committed_thresholds("safety-1.0a-2c", path) is None


def test_a_joke_is_asked_about_not_raised(detector: safety.DangerDetector) -> None:
    from nlu.safety.detector import Signals, decide

    strong = Signals(0.95, "violence", 0.0, 0.0, "violence", words=9)
    assert decide(strong, detector.thresholds).level == "danger"
    joking = Signals(0.95, "violence", 0.0, 0.0, "violence", words=9, joking=True)
    assert decide(joking, detector.thresholds).level == "unsure"  # asked: "are you safe?"
    said = detector.signals("boss bolse ar deri korle amare mere felbe hahaha moja kore bolse")
    assert said.joking
    assert detector.signals("boss amake mere felbe, ami ekhon lukiye achi").joking is False


def test_no_strong_cue_fires_on_ordinary_questions() -> None:
    # Folding both scripts to one key merges words: "jouno" (sexual) with "jonno" (for) and
    # জনশক্তি (manpower), ছ্যাঁকা (burn) with শাখা (branch). A strong cue alone makes an urgent
    # case, so none may fire on the thousands of ordinary questions the intent model learns from.
    loaded = cues.load(safety.CUES)
    fired = {(h.cue.text, text) for text, _ in training.ordinary()
             for h in cues.find(loaded, tokens(text)) if h.cue.strong and not h.negated}
    assert not fired, sorted(fired)[:10]


def test_the_development_sets_are_trained_on_and_the_sealed_one_never() -> None:
    # Round 37: every counted set by a fresh author is training data; the one waiting for its
    # count must exist (a renamed file would slip into training) and stay out.
    names = {p.name for p in training.authored_files()}
    assert training.SEALED and all((training.AUTHORED_DIR / n).is_file() for n in training.SEALED)
    assert not names & training.SEALED and len(names) >= 35
    examples = training.authored()
    assert {label for _, label, _ in examples} == set(LABELS)
    assert {source for _, _, source in examples} == names


@pytest.mark.parametrize("message", [
    "kal raate natok e dekhlam villain nayika ke ghore atke rakhse, ki je kanna",
    "the villain in that movie locked the girl in a basement and beat her",
    "ক্রিকেট খেলায় বাংলাদেশ আজ ভারতরে মাইরা দিছে, ক্যাম্পে সবাই খুশি",
    # Round 61 (test60): "the drama" is a play; "bole drama korche" (faking) is not.
    "on sunday we screen the drama for discussion, it has scenes of workers locked in and beaten",
])
def test_a_story_on_a_screen_or_a_field_is_not_an_urgent_case(detector: safety.DangerDetector,
                                                               message: str) -> None:
    assert detector.assess(message).level != "danger"


def test_being_called_a_fake_is_still_danger(detector: safety.DangerDetector) -> None:
    # "natok kori" / "drama korche" (she says I am faking it) is said of real danger: not a sign
    # of fiction.
    check = detector.assess("madam bole ami natok kori, 3 din dhore rokto bomi, doctor e nite "
                            "dey na")
    assert check.level == "danger"
    assert check.category == "medical_emergency"


def test_a_laughing_or_a_games_emoji_is_a_sign_of_a_joke(detector: safety.DangerDetector) -> None:
    # The tokeniser drops emoji, so they are looked for in the raw text (cues.LAUGHING).
    assert cues.last_laugh("bou bolse eid e na ashle mere felbe 😂") >= 0
    assert cues.last_laugh("aj ke khela dekhsi 🏏") >= 0 and cues.last_laugh("camp e agun 🔥") < 0
    assert detector.signals("boss bolse kalke late hole mere felbe 🤣").joking
    # Round 18: grinning faces, and dying of laughter in Chittagonian and Sylheti.
    assert cues.last_laugh("bro tomar dokan e hamla dibo 😁") >= 0 and cues.last_laugh("mere felbe 😄") >= 0
    assert detector.signals("শাশুড়ি কইয়ে চিলরে ধরি মারি ফেলাইবো, পোয়া হাসি মরি যার").joking
    # Round 33: a party (test28), but not a smile: a goodbye can smile.
    assert not detector.assess("MY DAUGHTER GOT GPA 5!!! i am shouting in the camp 🎉🎉").urgent
    assert cues.last_laugh("result out 🥳") >= 0 and cues.last_laugh("don't worry about me 😊") < 0



def test_a_laugh_before_self_harm_or_before_a_turn_is_another_subject(
        detector: safety.DangerDetector) -> None:
    # Round 48 (test46): the emoji ends the clause of the news, so its "nai" no longer negates
    # the blade, and a laugh before the blade does not make the blade a joke.
    message = ("haha life e ekta e bhalo news, ar beshi din nai 😂 blade ta hate nia boshe asi "
               "bathroom e, madam ghumaise")
    clause = {t.word: t.clause for t in features.tokens(message)}
    assert clause["nai"] < clause["blade"]
    assert detector.assess(message).urgent
    # A laugh after the words still makes them a joke, to be asked about.
    assert detector.signals("blade ta hate nia boshe asi bathroom e 😂").joking
    # Of another danger, a laugh is another subject only before a turn (test45).
    diet = "Malaysia diet plan: zero ringgit zero rice 😂"
    unpaid = "3 months unpaid, haven't eaten since yesterday morning"
    assert detector.signals(f"{diet} {unpaid}").joking
    assert not detector.signals(f"{diet} no seriously, {unpaid}").joking


def test_a_method_sought_is_asked_about_even_beside_a_joke(
        detector: safety.DangerDetector) -> None:
    # Round 50 (test48): "how many ... it takes" is a strong word now; beside a "lol" in its own
    # clause it had made the message a joke and let it pass unasked.
    message = ("lol so funny story i guess i've been googling how many paracetamol it takes. "
               "not for a project")
    assert detector.assess(message).level in ("unsure", "danger")
    assert detector.signals(message).strong == "self_harm"


def test_a_short_clause_without_a_danger_word_is_not_read_alone(
        detector: safety.DangerDetector) -> None:
    # "which rate better" alone reads as the model's prior (about half danger): a remittance
    # question was an urgent case when its clauses were read one by one (round 7).
    assert detector.assess("best way to send money home, bkash or bank? which rate better"
                           ).level != "danger"
    # ...while a clause with a danger word still carries a long message.
    check = detector.assess("ami dubai te achi, kaj valo na. malik amake protidin mardhor kore")
    assert check.level == "danger"


def test_a_long_story_without_a_danger_word_is_not_raised_by_one_window(
        detector: safety.DangerDetector) -> None:
    # The best of many windows with no danger word in them is high by chance alone: this
    # lonely worker's story reads about 0.2 whole and about 0.9 in one window, and that window
    # alone made it an urgent case until it counted only for a message leaning to danger
    # (round 16). Sadness gets the support page, not an alarm.
    story = ("I feel very alone in this city. The job is fine and the supervisor is kind but "
             "after duty I only sit in the room and look at the wall and think of my children")
    toks, spans = features.analyse(story)
    windows = [danger_of(probabilities(detector.model, features.extract(toks[s:e])))
               for s, e in spans if e - s < len(toks)]
    assert max(windows) >= detector.thresholds.danger  # what one window alone would say
    assert detector.signals(story).danger < detector.thresholds.unsure
    assert detector.assess(story).level == "distress"


def test_a_reading_of_self_harm_is_urgent_in_the_band_others_are_asked() -> None:
    from nlu.safety.detector import Signals, decide
    from nlu.safety.model import Thresholds

    t = Thresholds(0.6, 0.45, 0.1, harm=0.45)
    harm = Signals(0.5, "self_harm", 0.0, 0.0, None, words=9)
    other = Signals(0.5, "violence", 0.0, 0.0, None, words=9)
    assert decide(harm, t).level == "danger"
    assert decide(other, t).level == "unsure"
    assert decide(Signals(0.5, "self_harm", 0.0, 0.0, None, words=9, joking=True),
                  t).level == "unsure"
    assert decide(harm, Thresholds(0.6, 0.45, 0.1)).level == "unsure"  # no harm threshold


def test_a_self_harm_word_the_model_also_reads_as_self_harm_is_urgent() -> None:
    from nlu.safety.detector import Signals, decide
    from nlu.safety.model import Thresholds

    t = Thresholds(0.6, 0.52, 0.1, harm=0.52, bare=0.64)
    # "how many panadol is enough to not wake up": the word and the model agree.
    both = Signals(0.45, "self_harm", 0.0, 0.1, None, words=9, harm_cue=True)
    assert decide(both, t).level == "danger"
    # The word alone, or the model too unsure, is asked about, never let pass.
    assert decide(Signals(0.45, "violence", 0.0, 0.1, None, words=9, harm_cue=True),
                  t).level == "unsure"
    assert decide(Signals(0.2, "self_harm", 0.0, 0.1, None, words=9, harm_cue=True),
                  t).level == "unsure"
    # "Bangladesh er batting dekhe suicide kori 😂": a joke is no urgent case.
    assert decide(Signals(0.45, "self_harm", 0.0, 0.1, None, words=9, harm_cue=True,
                          joking=True), t).level != "danger"


def test_a_reading_with_no_danger_word_must_be_surer_to_be_urgent() -> None:
    from nlu.safety.detector import Signals, decide
    from nlu.safety.model import Thresholds

    t = Thresholds(0.54, 0.49, 0.1, harm=0.49, bare=0.58)
    # "my sister's wedding in march, how do I ask my kafeel for leave": no word of danger.
    assert decide(Signals(0.56, "passport_forced_labour", 0.0, 0.0, None, words=20),
                  t).level == "unsure"
    # The same reading behind a danger word, or sure enough without one, is urgent.
    assert decide(Signals(0.56, "passport_forced_labour", 0.0, 0.0, None, words=20, cued=True),
                  t).level == "danger"
    assert decide(Signals(0.6, "passport_forced_labour", 0.0, 0.0, None, words=20),
                  t).level == "danger"
    # A reading of self-harm still goes the self-harm way: a goodbye rarely names a danger.
    assert decide(Signals(0.56, "self_harm", 0.0, 0.0, None, words=20), t).level == "danger"


def test_the_detector_sees_a_danger_word_and_not_a_negated_one(
        detector: safety.DangerDetector) -> None:
    assert detector.signals("malik amake protidin mardhor kore").cued
    assert not detector.signals("my sister wedding in march, how i ask my kafeel for leave").cued
    assert not detector.signals("keu amake marche na, ami valo achi").cued


@pytest.mark.parametrize("message", [
    "আমি ঠিক করছি সুইসাইড করব, আর পারি না",  # the loanword in Bangla script
    "ami suiside korbo, ar kono rasta nai",
    # An inflection the stems once missed: it was read as distress (round 11).
    "hi. i keep thinking about ending my life since the company let me go, the thoughts are "
    "stronger every night",
    # The means at hand, which round 12's sealed set missed: a blade, kerosene and fire.
    "bathroom e boshe achi hate blade, ar sojjo hocche na",
    "ঘরে কেরোসিন রাখছি, আইজ রাইতে গায়ে আগুন দিমু",
    "i bought kerosene, tonight i will set myself on fire",
    # The rope at the neck in a Chattogram or Sylhet case ending (round 17).
    "মাঝে মাঝে রাইতে খালি গলাত দড়ি দিবার কথা মাথাত আসে",
    # A rope tied and kept ready (round 34): there was no word for it but at the neck or the fan.
    "সব শেষ, কেউ বুঝে না। রাতে দড়ি বেঁধে রাখছি, আর পারি না",
    # At the edge of a roof, looking down (round 42, test40): there was no word for it.
    "ছাদের কিনারে দাঁড়ায়া আছি অনেকক্ষণ, নিচে তাকাইলে শান্তি লাগে, আর ফিরতে মন চায় না",
    # Letters left for everyone (round 46, test44).
    "sobar jonno chithi likhe rekhe dilam balish er niche, amake ar khujo na keu",
    # Round 47 (test45): a word between, and the means bought.
    "honestly there is no reason left to live for me here",
    "dokan theke rat poison kinlam, aj rate sob shesh",
])
def test_self_harm_in_either_script_however_spelt_or_inflected(
        detector: safety.DangerDetector, message: str) -> None:
    check = detector.assess(message)
    assert check.level == "danger" and check.category == "self_harm", check


@pytest.mark.parametrize("message", [
    "amar phone ta mara gese, notun number theke dicchi",
    "this heat is killing me, 50 degree today in riyadh",
    "গরমে মইরা যাইতেছি ভাই, এসি নষ্ট",
    # Round 34: a battery dying, an engine (test29).
    "PHONE BATTERY DYING 2%. WILL CALL TONIGHT. TELL AMMA I AM FINE",
    "bus er engine mara gese highway te, mechanic ashtese",
    # Round 42: a motorbike, often called a "Honda" (test40).
    "amar honda ta kal rastay mara gelo, thela diye bari anlam",
    # Round 45: the same in Bangla script, and the cold (test43).
    "বাইকটা কাইল থেকে মইরা আছে, মেকানিক কাইল আসবো",
    "ekhane sheete mori jacchi, 4 degree, kombol pathao",
])
def test_a_figure_of_speech_about_a_thing_is_not_an_urgent_case(
        detector: safety.DangerDetector, message: str) -> None:
    said = detector.signals(message)
    assert said.not_now, said
    assert detector.assess(message).level != "danger"


@pytest.mark.parametrize("message", [
    # Next to each other only: they phoned to say a brother died.
    "phone kore bolse amar bhai saudi te mara gese, lash kivabe anbo",
    # Died of the heat: a death, not "dying of the heat".
    "jamai oman e gorome pore mara gese, lash kivabe anbo",
])
def test_a_death_told_near_those_words_is_still_a_death(detector: safety.DangerDetector,
                                                         message: str) -> None:
    assert not detector.signals(message).not_now
    assert detector.assess(message).level == "danger"


@pytest.mark.parametrize("message", [
    # Round 34: a dying battery excuses its own clause, not the danger told in the others, even
    # when no one clause carries it alone (test29).
    "we are in a boat nobody know where. who talk they beat. now they want more money from family. "
    "battery low",
    "My uncle's kafeel locked him and 4 others inside the camp, they aren't allowed out even for "
    "food. He sent a voice note before his phone died. Who do we call?",
])
def test_a_thing_that_dies_excuses_its_own_clause_only(detector: safety.DangerDetector,
                                                        message: str) -> None:
    assert any(h.cue.category == cues.EVERYDAY for h in _hits(message))
    assert detector.assess(message).urgent


@pytest.mark.parametrize(("message", "aftermath"), [
    # Round 41: what came of the chore, told in the next short clause (test38, test39).
    ("আজ দাঁত তুললাম, মুখ ভর্তি রক্ত", True),
    ("aj purano mobile ta ar bachano jabe na, mara gese", True),
    # A clause with its own subject and a danger of another kind is read on its own.
    ("dentist e gesilam, malik amake mere rokto ber kore dise", False),
    ("HSC pass kore saudi aslam, ekhon malik passport rekhe dise", False),
])
def test_a_short_clause_after_a_chore_may_tell_its_outcome(message: str, aftermath: bool) -> None:
    from nlu.safety.detector import DangerDetector

    _, spans = features.analyse(message)
    hits = _hits(message)
    assert any(h.cue.category == cues.EVERYDAY for h in hits)
    last = spans[-1]
    assert DangerDetector._aftermath(hits, *last) is aftermath


@pytest.mark.parametrize("message", [
    # Round 42: "all is well" first, then the danger told as a small matter (test38-40).
    "chinta koiro na amma ami thik achi, khali supervisor kal lohar rod diye pithe marse, uthte parchi na",
    "সব ভালো, শুধু পায়ের ঘাটায় পুঁজ হইছে, কালো হয়ে গেছে, তিন দিন জ্বর, কোম্পানি ডাক্তার দেখায় না",
    "I'm good, nothing to worry about, only the foreman grabbed me by my hair and banged my head "
    "against the wall, now I keep vomiting",
    # Round 43: a kick, a ransom told calmly (test41).
    "everything is fine here, only my supervisor kicked me in the back this morning and now I "
    "cannot bend",
    "আমরা ভালো আছি, শুধু দালাল কইছে ৩ লাখ টাকা না পাঠাইলে ভাইরে ছাড়বো না, আঙুল কাইটা পাঠাইবো",
])
def test_reassurance_first_does_not_hide_the_danger_after_it(
        detector: safety.DangerDetector, message: str) -> None:
    assert not detector.signals(message).over
    assert detector.assess(message).urgent


@pytest.mark.parametrize(("message", "category"), [
    # Round 43 (test41): no word for a capsized boat or for going under.
    ("amader nouka ulta gese majh samudre, mama pani te tolie gese ar uthe nai, ami ekhon tunisia "
     "r camp e, mami ke ki bolbo", "death_abroad"),
    # Round 46 (test44): numbness and a drooping face, "prob nothing".
    ("probably nothing, but my uncle cant feel his right leg since the morning and his face is "
     "drooping on one side, camp boss says rest", "medical_emergency"),
    # Round 48 (test46) and round 49 (test47): a way without pain, a letter left.
    ("what is the least painful way to go. asking for myself not a friend", "self_harm"),
    ("everyone smiles at me at the mosque but I have already written a letter for my wife. just "
     "want to know who looks after the kids after", "self_harm"),
    # Round 50 (test48): a bite gone black on a crossing.
    ("cousin on the jungle crossing got bitten by something on the leg, it's swollen black and "
     "he has a fever, the group wants to leave him behind", "medical_emergency"),
])
def test_a_danger_with_no_word_for_it_until_now_is_urgent(
        detector: safety.DangerDetector, message: str, category: str) -> None:
    check = detector.assess(message)
    assert check.urgent and check.category == category, check


def test_a_storm_at_home_that_hurt_nobody_is_not_an_urgent_case(
        detector: safety.DangerDetector) -> None:
    assert detector.assess("jhore amader ghorer chal ure gese, gach o pore gese, kintu keu "
                           "betha pay nai alhamdulillah").level != "danger"


def test_a_turn_of_subject_keeps_a_joke_off_the_danger_after_it(
        detector: safety.DangerDetector) -> None:
    # Round 45 (test43): the match is another subject once "serious kotha" turns to the brother.
    match = "kal brazil er match dekhsos? ki goal re"
    danger = "amar chhoto bhai ke oman e police dhore niye gese, 5 din kono khobor nai"
    assert detector.signals(f"{match} {danger}").joking
    turned = f"{match}. jai hok, serious kotha: {danger}"
    assert not detector.signals(turned).joking
    assert detector.assess(turned).urgent
    # Round 60 (test59): the one problem after the good news is the subject.
    news = "new site is ok, food is decent, we watched the match on a phone last night"
    beaten = "the supervisor kicked Jamal in the stomach yesterday and says i am next"
    assert detector.signals(f"{news}. {beaten}").joking
    assert not detector.signals(f"{news}. only problem is {beaten}").joking
    # A turn to an everyday thing is still nothing.
    assert detector.assess(f"{match}. btw amar phone ta mara gese").level != "danger"


def test_a_film_told_as_the_writers_own_story_is_not_a_joke(
        detector: safety.DangerDetector) -> None:
    # Round 46 (test44): the film is how she says it; "amar sathe ekdom" makes it hers.
    film = "ekta cinema dekhsilam, kafil rate kajer meyer ghore dhuke jor kore"
    assert detector.signals(film).joking
    own = f"{film}... amar sathe ekdom oi kaj ta kortese 2 mash dhore, ar parchi na"
    assert not detector.signals(own).joking
    assert detector.assess(own).urgent


def test_a_danger_told_as_over_is_asked_about_not_raised(detector: safety.DangerDetector) -> None:
    over = ("2019 e amake madam ek mash ghore atke rakhsilo, pore embassy theke uddhar korse. "
            "ekhon manikganj e valo achi")
    assert detector.signals(over).over
    assert detector.assess(over).level == "unsure"  # asked "are you safe?", never ignored
    # With no year, a calm sign that is not "well now" does not close it; nor does a calm sign
    # before the danger ("at first all was fine, now..."): danger.
    rescued = over.replace("2019 e ", "").replace("valo achi", "thaki")
    assert not detector.signals(rescued).over
    now = "2019 te saudi ashsi, prothom sob thik chilo. ekhon malik amake ghore atke rakhse"
    assert not detector.signals(now).over
    assert detector.assess(now).level == "danger"


@pytest.mark.parametrize("message", [
    "Dear sir, my father had a small accident last week, a CNG hit his rickshaw. He got four "
    "stitches and stayed one night in hospital. Now he is home, doctor said nothing serious",
    "gotokal site e amar bhai scaffold theke pore gechilo, hospital e nise, doctor bolse "
    "nothing serious",
    "amake madam ek mash ghore atke rakhsilo, pore embassy theke uddhar korse. ekhon valo achi",
    # Round 48 (test46): an arrest that ended in release.
    "Update: the guy from our camp who was arrested last month was released and is already "
    "back at work",
])
def test_a_danger_that_ends_well_now_is_asked_about_not_raised(
        detector: safety.DangerDetector, message: str) -> None:
    said = detector.signals(message)
    assert said.over, said
    assert not detector.assess(message).urgent
    # However sure the model is of the danger, a story told as over is asked "are you safe?",
    # never ignored (round 26: the first one now reads under the threshold, and is let be).
    assert decide(replace(said, danger=0.99), detector.thresholds).level == "unsure"


@pytest.mark.parametrize("message", [
    # "Well now" told first, then the danger: the story does not end well.
    "prothom mash e sob thik chilo, alhamdulillah. ekhon malik amake ghore atke rakhse",
    # A goodbye that says "don't worry, I am fine" is a goodbye: never excused for self-harm.
    "ar bachte chai na, ghumer oshud jomaisi. ami valo achi, amar jonno chinta koiro na",
])
def test_well_now_before_the_danger_or_after_a_goodbye_is_danger(
        detector: safety.DangerDetector, message: str) -> None:
    assert not detector.signals(message).over
    assert detector.assess(message).level == "danger"


@pytest.mark.parametrize(("text", "expected"), [
    ("2019 e", True), ("২০২২ সালে", True), ("in 1998", True), ("last year", True),
    ("গত বছর", True), ("goto bochor", True), ("this year", False),
    ("room 5021", False), ("01712345678", False), ("2 mash", False), ("3099", False),
])
def test_past_year(text: str, expected: bool) -> None:
    assert when.past_year(text, this_year=2026) is expected


def test_news_of_strangers_is_asked_about_not_raised(detector: safety.DangerDetector) -> None:
    news = "khobor e dekhlam kothao plane crash hoise, onek manush mara gese. allah reham korun"
    assert detector.signals(news).joking  # a story on a screen, like a film
    assert detector.assess(news).level != "danger"
    # The same death told as one's own is a death.
    own = "amar bhai saudi te plane crash e mara gese, lash kivabe anbo"
    assert detector.assess(own).level == "danger"


@pytest.mark.parametrize("message", [
    "kal qurbani dilam, goru jobai korte 3 jon lagse, mangsho bhag kore dilam",
    "HSC exam kal, physics e mara jabo 😭",
    "agami marche dubai jabo inshallah, visa ki ki lagbe",
    # Round 32: the joy after the dying (test27).
    "residence permit pailam 7 bochor por, mon chay mori jai khushite",
    # Round 33: on leave in March (test28).
    "মার্চে ছুটিতে দেশে আইতাছি আম্মারে কইও পিঠা বানাইয়া রাখতে",
])
def test_an_everyday_chore_or_date_is_not_an_urgent_case(detector: safety.DangerDetector,
                                                         message: str) -> None:
    assert detector.assess(message).level != "danger"


@pytest.mark.parametrize("message", [
    # The chore's clause is excused; the danger in the next clause is not.
    "HSC pass kore saudi aslam, ekhon malik passport rekhe dise, beton dey na 6 mash",
    "amar meye exam er kotha bole chuti chaisilo, madam tare mereche, ekhon ghore atke rakhse",
    # A food alone is no sign: the thing and what is done to it.
    "madam murgi katar boti diye amar hat kete dise, rokto thamche na",
    "tore jobai kore felbo bolse dalal, amar bhai ke atke rakhse libya te",
])
def test_an_everyday_sign_excuses_its_own_clause_only(detector: safety.DangerDetector,
                                                      message: str) -> None:
    said = detector.signals(message)
    assert not said.not_now, said
    assert detector.assess(message).level == "danger"


def test_an_old_persons_death_in_peace_is_asked_about_not_raised(
        detector: safety.DangerDetector) -> None:
    home = "আমার দাদি কাল রাতে বাড়িতে মারা গেছেন, বয়স হইছিল ৯৫, দোয়া করবেন"
    assert detector.signals(home).not_now
    assert detector.assess(home).level == "unsure"  # asked "are you safe?", never ignored
    # It excuses a death only: a beating told beside it is raised.
    beaten = ("dadi boyosh hoyechilo, shantite mara gesen. kintu saudi te amar bhai ke malik "
              "roj mare, khabar dey na")
    assert detector.assess(beaten).level == "danger"


def test_a_drowning_abroad_is_a_death_and_a_death_in_peace_is_asked_about(
        detector: safety.DangerDetector) -> None:
    drowned = detector.assess("my brother drowned at the port in Jeddah yesterday, how do we "
                              "bring his body home")
    assert drowned.level == "danger" and drowned.category == "death_abroad", drowned
    # "In peace", written as two words (round 12's sealed set): a grandfather's death at home.
    peace = "nana kal rate shanti te mara gesen, sobai doa koiren"
    said = detector.signals(peace)
    assert said.not_now
    assert not detector.assess(peace).urgent
    # However sure the model's reading of a death, it is asked about, never raised.
    assert decide(replace(said, danger=0.99), detector.thresholds).level == "unsure"


@pytest.mark.parametrize("message", ["TIRED OF LIVING. BYE", "ফোনটা আর খুলব না। মাকে দেখে রেখো"])
def test_a_short_goodbye_is_never_let_pass_unasked(detector: safety.DangerDetector,
                                                   message: str) -> None:
    check = detector.assess(message)
    assert check.level in ("unsure", "danger") and check.category == "self_harm", check


def test_a_faint_in_the_everyday_word_is_a_medical_emergency() -> None:
    # "behush" (Sylheti and colloquial: unconscious) beside "অজ্ঞান", which it already knew
    # (round 20, the sealed test16's miss).
    loaded = cues.load(safety.CUES)
    for message in ("amar zamai electric shock khaise, oukhon behush", "ভাই বেহুঁশ হই গেছে"):
        assert any(h.cue.category == "medical_emergency" and not h.negated
                   for h in cues.find(loaded, tokens(message))), message


@pytest.mark.parametrize("message", ["madam er biral ta mara gese, madam onek kanna korse",
                                     "our cat died yesterday, the kids are crying"])
def test_a_pets_death_is_not_an_urgent_case(detector: safety.DangerDetector,
                                             message: str) -> None:
    assert not detector.assess(message).urgent
    # A person's death beside it still is: the pet excuses nothing else.
    assert detector.assess("biral ta mara gese ar amar bhai ke madam mere feleche").urgent


# Round 22: the time and the outcome of a story.

def test_a_good_time_closing_the_story_tells_it_is_over() -> None:
    story = ("supervisor bolse aj kaj shesh na korle mere felbe, pore sobai mile biryani khailam, "
             "onek moja paisi")
    assert _over(story)
    # Not after a self-harm or a death reading: "she was happy on the phone last week".
    assert not _over(story, joy=False)
    # A plea after it reopens the story.
    assert not _over("police took him at night. he was happy there, onek moja korto. please help us find him")
    # Joy before the danger word closes nothing.
    assert not _over("eid e sobai khushi silo, kintu ekhon malik amake mere felbe bolse")


def test_a_cataract_is_no_sanitary_pad() -> None:
    # Round 36: "ছানি*" (cataract) keyed as "sani*" and excused a confinement that named
    # "sanitary pad"; the cue is "ছানি অপারেশন" now.
    assert not any(h.cue.category == cues.EVERYDAY
                   for h in _hits("we are locked 4 month, can't even buy medicine or sanitary pad"))


def test_thanks_for_help_given_reopen_nothing() -> None:
    # Round 35 (test30): "help" in thanks closes a story told as over; a plea still reopens it.
    story = "2020 e malik passport rekhe dise, pore embassy diye ferot paisi, ekhon valo asi"
    assert _over(story + ". apnader help er jonno dhonnobad")
    assert not _over(story + ". kintu abar nise, help koren")


@pytest.mark.parametrize(("message", "category"), [
    # Round 35 (test30): no word for machetes or hiding; a kept passport spelt as it is spoken.
    ("some guys came in our hostel with machetes, my cousin is hiding under the bed", "violence"),
    ("মোর পাসপোট কফিল রাখি দিছে, না করলে হুরুব মামলা দিবে", "passport_forced_labour"),
    # Round 36 (test31): a hotel "for training", a boy held in a house, a Rangpur chest pain.
    ("manager take training er nam e hotel e niye jay, mana korle visa batil", "sexual_violence"),
    ("my cousin is being held in a house in Libya, they want money tonight", "confinement"),
    ("মোর স্বামীর বুকত ব্যথা, এম্বুলেন্স কেমনে ডাকে", "medical_emergency"),
    # Round 37 (test32): last seen days ago, a number switched off; out of the factory and not
    # back ("ber hoise", a release, must not close the story).
    ("mama last seen on imo 2 weeks ago, his number switched off", "missing_detained"),
    ("bon duty theke ber hoise r fire nai, 3 din", "missing_detained"),
    # Round 38 (test33, test34): a knife; "did bad thing with me"; no trace of them.
    ("a man from the next camp stabbed my friend in the back", "violence"),
    ("supervisor room e dake, lock door kore, do bad thing with me", "sexual_violence"),
    ("ছেলেটা মালয়েশিয়া গেছে, দুই মাস কোনো খোঁজ নেই", "missing_detained"),
    # Round 59 (test58): a rope ("rashi", Sylheti) bought, the way to end it all; a passport with
    # the kafil or the company; a person bought and taken.
    ("ami ekta lomba rashi kine rakhsi, ar kaoke bolbo na", "self_harm"),
    ("sob shesh korar upay khujtesi bhai, ar pari na", "self_harm"),
    ("amar passport kafil er kache 8 mash, chuti o dey na", "passport_forced_labour"),
    ("পাসপোর্ট কোম্পানির কাছে, ছুটি চাইলে হুমকি দেয়", "passport_forced_labour"),
    ("dalal bole notun malik amake kine nise, taka na dile chharbe na", "trafficking_ransom"),
    # Round 60 (test59): the platform's edge; chest pain spelt as spoken; a kick in the stomach.
    ("every night i stand at the platform edge a bit longer", "self_harm"),
    ("abba kaj korte korte bukot betha uthse, ghamaitese", "medical_emergency"),
    ("the supervisor kicked Karim in the stomach for asking about overtime", "violence"),
    # Round 61 (test60): wages not given, not let out, a knife at the throat, pus, tablets bought.
    ("company 4 mash salary dey nai, khabar o nai", "no_wages_food"),
    ("hostel theke ber hote dichhe na 5 din, gate e pahara", "confinement"),
    ("he put a knife to my throat last night and said next time he will finish me", "violence"),
    ("ক্ষতটা থেকে পুঁজ বের হচ্ছে, জ্বর খুব", "medical_emergency"),
    ("ghumer tablet gula kine rakhsi, aj rate", "self_harm"),
])
def test_words_fresh_authors_used_are_cues(message: str, category: str) -> None:
    assert any(h.cue.category == category and not h.negated for h in _hits(message))


def test_years_ago_is_a_past_time_only_beside_another_calm_sign() -> None:
    assert _over("amar dadi mara gese 10 bochor age, aj tar mrittu barshiki te milad holo")
    assert not _over("contract shesh hoise 1 bochor age, ekhono passport dey na, jete dey na")


def test_a_death_long_ago_is_asked_about_and_a_death_today_is_raised(
        detector: safety.DangerDetector) -> None:
    old = detector.assess("my uncle passed away in Dubai in 2012. Is any compensation still pending?")
    assert not old.urgent
    assert not detector.assess("দশ বছর আগে চাচা সৌদিতে মারা গেছেন, এখন ভাতিজা বিদেশ যেতে চায়, খরচ কত").urgent
    assert detector.assess("my brother died in Riyadh this morning, company is not answering").urgent
    # Round 32: "it has been seven years" of a death; of anything else it is how long a danger
    # has gone on, and no excuse.
    assert story.long_dead("দাদি মারা গেছেন আজ ৭ বছর হলো", _hits("দাদি মারা গেছেন আজ ৭ বছর হলো"))
    assert not _over("2 bochor hoilo kono kaj pai nai, maramari korse, ekhon sob thik ase", resolved=False)


def test_an_old_age_named_is_a_natural_death(detector: safety.DangerDetector) -> None:
    assert when.old_age("৮৫ বছর বয়সে মারা গেছেন") and when.old_age("aged 72")
    assert not when.old_age("my 30 years old brother")
    assert not detector.assess("amader gramer chacha 88 bochor boyoshe mara gesen, sobai dua koiren").urgent
    # The age excuses a death only: an old father beaten is raised.
    assert detector.assess("amar 65 bochor boyosher baba ke police rastay pitaise, matha fete gese").urgent


def test_a_body_to_bring_home_after_a_death_is_urgent_even_asked_as_a_question(
        detector: safety.DangerDetector) -> None:
    check = detector.assess("A man from our para fell at the site in Doha and died. "
                            "Who pays for sending the body home?")
    assert check.urgent and check.category == "death_abroad"
    # The rule asked in general, with no death told, or in the conditional, is a question.
    for question in ("lash deshe anar khoroch ke dey, company na sorkar?",
                     "how is a body brought home if a worker dies abroad?",
                     "প্রবাসী মারা গেলে লাশ আনার খরচ কে দেয়?"):
        assert not detector.assess(question).urgent, question


@pytest.mark.parametrize("message", ["shash nite parchi na, buk e onek chap, keu hospital e niye jan",
                                     "শ্বাস নিতে পারতেছি না, ঠোঁট নীল হইয়া যাইতেছে",
                                     "my roommate cant breathe and his lips are turning blue"])
def test_not_breathing_is_a_medical_emergency(detector: safety.DangerDetector, message: str) -> None:
    check = detector.assess(message)
    assert check.urgent and check.category == "medical_emergency", check


@pytest.mark.parametrize("message", [
    "amar chagol ta mara gelo kal, kisu osukh chilo mone hoy",
    "the chickens in our farm are dying from the heat, we put more fans in the shed",
    "laptop ta mara gese, repair e dilam",
    "ajke camp e bakri jobai kore biryani hoise, kafil bonus dise, mon ta valo lagse",
    # Round 26: a smell, a lock-out, a check-up, a game.
    "durian er gondhe mori jaitesi bhai 🤢 roommate 3 ta aini rakhse ghore",
    "Locked myself out of my room again, madam laughed and gave me the spare key. Third time this month",
    "হাসপাতালে গেছিলাম চেকআপের জন্য, রক্ত পরীক্ষা করছে, রিপোর্ট ভালো।",
    "আজকা গেমে বার বার মরি যাই ভাই টিম এ কেউ হেলপ করে না",
    # Round 34: pests, a drama in Sylheti, coming in March (test29).
    "dorm e cockroach er otyachar, spray ar poison kinlam, juddho shuru",
    "নাটকো দেখাইলো দালালে পুয়ারে আটকাই রাখছে, বালা নাটক",
    "bhaiya bolse marche te ashbe, bari rong korabo",
    # Round 35: a CNG that died on the road, the sacrifice's blood washed, a child's exam (test30).
    "আইজ সিএনজি রাস্তাত মরি গেইয়ে, গ্যারেজত নিলাম",
    "কোরবানির পর রক্ত ধুইতে ধুইতে দুপুর, পরে গোস্ত ভাগ করলাম",
    "madam son say if i fail english my father will kill me, i help him study",
    # Round 36 (test31): a bathroom door stuck, a storm and a tin roof, an app that "died".
    "বাথরুমের দরজা আটকাইয়া গেছিল, মেডামের ছেলে খুলছে, সবাই হাসতেছে",
    "ঝড়ে হামার টিনের চাল উড়ি গেইছে, নতুন টিন লাগাইনু",
    "phone e virus, whatsapp o mara gese, kal dokan e dekhabo",
    # Round 37 (test32): hens that died in the night, blood taken for the medical, a tooth pulled.
    "আমাগো ২০টা মুরগি রাইতে মরি গেছে, বাকিগুলারে টিকা দিমু",
    "GAMCA medical e rokto nise, x-ray korse, report fit, flight next week",
    "দাঁত তুলছে আজ, একটু রক্ত পড়ছে, ডাক্তার বলছে স্বাভাবিক",
    # Round 38 (test33): a sickle at the harvest, the bleeding stopped; a feast eaten till one
    # "dies"; an escape room.
    "ধান কাটতে গিয়া কাস্তেতে হাত কাটছে, রক্ত থামি গেছে, চিন্তা করেন না",
    "বিয়ার খানা খাই খাই মরি যাইয়ুম আজকে",
    "escape room e 1 ghonta locked in chilam bondhura mile, 5 min baki thakte ber hoisi",
])
def test_an_animals_death_a_feast_or_a_machine_is_not_an_urgent_case(
        detector: safety.DangerDetector, message: str) -> None:
    assert not detector.assess(message).urgent


def test_a_solved_case_with_thanks_is_asked_about_and_mockery_is_no_joke(
        detector: safety.DangerDetector) -> None:
    # Round 23: "settled", "solved", thanks for the guidance close a story like "valo achi".
    assert _over("malik 4 mash beton dey nai, pore labour court e case korlam, ekhon sob settled. "
                 "thank you for guiding us")
    # Others laughing at a person is not a joke told by them (test19's distress message).
    assert not any(h.cue.category == cues.JOKE for h in _hits("3 bar fail korlam, bari te shobai hashe"))


def test_a_fox_that_took_the_hens_is_not_an_urgent_case(detector: safety.DangerDetector) -> None:
    assert not detector.assess("amar pala murgi gula shial e khai felse kal raat e 😭").urgent


def test_two_words_are_urgent_when_a_danger_word_the_model_and_the_intent_agree() -> None:
    from nlu.safety.detector import Signals, decide
    from nlu.safety.model import Thresholds

    t = Thresholds(0.55, 0.5, 0.2)
    short = Signals(0.9, "violence", 0.0, 0.0, None, words=2, cued=True)
    sure = {"intent": {"name": "emergency_abroad", "confidence": 0.99}}
    assert decide(short, t, sure).level == "danger"  # "বাঁচান, মারতেছে" (round 24)
    # Without the intent's agreement, or without a danger word ("passport" alone), it asks.
    assert decide(short, t, {"intent": {"name": "emergency_abroad", "confidence": 0.6}}).level == "unsure"
    assert decide(short, t, {"intent": {"name": "visa_documents", "confidence": 0.99}}).level == "unsure"
    bare = Signals(0.9, "passport_forced_labour", 0.0, 0.0, None, words=1)
    assert decide(bare, t, sure).level == "unsure"


def test_the_other_word_for_a_breath_and_a_phone_that_died(detector: safety.DangerDetector) -> None:
    assert detector.assess("নিঃশ্বাস নিতে পারতেছি না, বুকে ব্যথা, রুমে কেউ নাই").urgent
    assert not detector.assess("ফোনটা মরে গেছে, চার্জার নাই, তাই মেসেজ দিতে পারি নাই").urgent


def test_fear_after_the_calm_words_reopens_the_story_unless_denied() -> None:
    # Round 25 (test21): "all else is fine, only I fear this man".
    assert not _over("kal rat e supervisor rod diye matha te mereche. ar sob thik ache, shudhu oke dorai")
    assert _over("kal rat e supervisor rod diye matha te mereche. ekhon sob thik ache, bhoy paiyen na")
    assert _over("boss hit me once last month, but now all good my dear mother, dont be afraid")


def test_a_goodbye_that_promises_an_end_to_others_trouble_is_urgent(
        detector: safety.DangerDetector) -> None:
    assert detector.assess("GOODBYE BRO. THANKS FOR EVERYTHING. AFTER TONIGHT NO MORE PROBLEM FOR "
                           "ANYONE").urgent


@pytest.mark.parametrize(("message", "cue", "negated"), [
    # Round 26: an apostrophe split "don't" into "don" and "t", which no cue or negator knew.
    ("i don't want to live anymore", "dont want to live", False),
    ("I can’t go on like this", "cant go on", False),
    ("my boss doesn't beat me, he is kind", "beat*", True),
    # A negator inside a calm sign's own words is that sign's ("don't worry") and leaves the
    # next sign alone.
    ("don't worry, all good now", "all good", False),
])
def test_a_contraction_is_one_word_and_a_signs_own_negator_is_its_own(message: str, cue: str,
                                                                      negated: bool) -> None:
    assert [h.negated for h in _hits(message) if h.cue.text == cue] == [negated]


def test_a_threat_of_fire_and_an_unpaid_demand_are_danger(detector: safety.DangerDetector) -> None:
    # Round 26 (test21): extortion with arson, told of a shopkeeper.
    assert {"violence", "trafficking_ransom"} <= {h.cue.category for h in _hits(
        "they said if we dont pay by friday they will set fire to the shop")}
    assert detector.assess("they said if we dont pay by friday they will set fire to the shop").urgent
    # The "না" of "টাকা না দিলে" is that cue's own, and does not deny the fire beside it.
    assert not any(h.negated for h in _hits("কইছে টাকা না দিলে দোকানে আগুন দিবো"))
    # Lighting the stove is cooking, not a threat.
    assert not any(h.cue.category == "violence" for h in _hits("chulay agun dilam, bhat rannar jonno"))


def test_a_game_death_sign_leaves_a_real_death_on_the_crossing() -> None:
    # The present "mori" only: "game e giye mara gese" is a death on the Libya route.
    assert not any(h.cue.category == cues.FICTION for h in _hits("bhai game e giye mara gese libya te"))


def test_a_negated_condition_does_not_deny_the_danger_after_it() -> None:
    # Round 26 (test22): "kaj na korle mare", if I do not work he beats me.
    assert [h.negated for h in _hits("kaj na korle mare") if h.cue.category == "violence"] == [False]
    assert all(h.negated for h in _hits("keu amake mare na") if h.cue.category == "violence")


def test_a_rule_asked_just_to_know_is_asked_about_not_raised(detector: safety.DangerDetector) -> None:
    message = ("Can the company cut salary if I'm in hospital after an accident at work? Just "
               "asking, want to know the rules.")
    said = detector.signals(message)
    assert said.not_now
    assert decide(replace(said, danger=0.99), detector.thresholds).level == "unsure"


def test_a_calm_word_someone_else_believes_does_not_close_the_story() -> None:
    # Round 27 (test17): the family's belief is not the writer's calm.
    assert not _over("Sponsor took my passport and keeps my phone at night. My family thinks I am fine.")
    assert _over("Sponsor took my passport last year, but I got it back. Now I am fine.")


def test_a_story_five_years_back_that_is_all_over_is_asked_about_not_raised() -> None:
    # Round 28 (test23): "5 years back", "it is all over", "got my money".
    assert _over("5 years back in jeddah my kafeel beat me and took passport. it is all over, i came "
                 "home, case finished, got my money. now i help other driver")
    # Rat poison is no everyday sign: it is the means at hand in self-harm (test6, test14, test22).
    assert not any(h.cue.category == cues.EVERYDAY for h in _hits("I bought rat poison today"))


def test_a_family_that_wants_to_know_the_truth_is_not_asking_a_rule() -> None:
    # Round 29: "jante chai" is said of a son found dead; it is no hypothetical sign.
    assert not any(h.cue.category == cues.HYPOTHETICAL for h in _hits(
        "bhaiya ke room e mrito paowa gese saudi te. amra sotti ta jante chai ar lash ta dekhte chai"))
    assert any(h.cue.category == "missing_detained" for h in _hits(
        "MY FRIEND NOT COME BACK FROM WORK SINCE SUNDAY. PHONE OFF"))


def test_treat_and_treatment_are_not_a_threat() -> None:
    # Round 30 (test25): "threat*" folded to "treat*" and matched "treatment".
    for message in ("They treat her like family", "employer paid all treatment"):
        assert not any(h.cue.category == "violence" for h in _hits(message))
    assert any(h.cue.category == "violence" for h in _hits("the kafeel threatened to kill me"))


@pytest.mark.parametrize("message", [
    # Round 31 (test26): chest pain in Chittagonian (বিষ is pain there), and seizures.
    "আঁর বুকে বেজায় বিষ করের, বাম আতখান অবশ লাগের, গা দি ঘাম ছুইটতেছে। দোকানে একা।",
    "he is having seizures since morning and can't speak, getting worse every hour",
])
def test_chest_pain_numbness_and_seizures_are_medical_emergency_words(message: str) -> None:
    assert any(h.cue.category == "medical_emergency" and not h.negated for h in _hits(message))


def test_a_release_then_not_coming_back_is_not_a_story_told_as_over() -> None:
    assert not _over("amar bon 4 din dhore nikhoj, duty theke ber hoise r fire nai")


def test_a_laugh_before_the_words_of_self_harm_is_another_subject(
        detector: safety.DangerDetector) -> None:
    # Round 38 (test34): a game told, then a plan. A joke about dying is still a joke.
    story = "lol the ludo game was crazy last night. also i made up my mind, i will end my life tonight"
    assert detector.assess(story).urgent
    assert not detector.assess("ei heat e ami mori jabo haha").urgent


def test_a_weak_trafficking_reading_of_an_offer_the_classifier_calls_a_warning_is_asked() -> None:
    # Round 38: the warning page carries the numbers and CALL; a strong word or a surer reading
    # stays urgent whatever the classifier says.
    from nlu.safety.detector import Signals
    from nlu.safety.model import Thresholds
    t = Thresholds(0.49, 0.39, 0.3, 0.39, 0.53)
    warning = {"intent": {"name": "trafficking_warning", "confidence": 0.97}}
    weak = Signals(0.52, "trafficking_ransom", 0.0, 0.0, None, 12, cued=True)
    assert decide(weak, t, warning).level == "unsure"
    assert decide(weak, t, None).level == "danger"
    assert decide(replace(weak, danger=0.7), t, warning).level == "danger"
    assert decide(replace(weak, strong="trafficking_ransom"), t, warning).level == "danger"


def test_a_fear_after_the_calm_words_reopens_the_story() -> None:
    # Round 51 (test49): "kichu hoy nai" (nothing happened) is the victim's own word, but the fear
    # after it says otherwise; the "nai" of the calm clause does not deny the fear of the next.
    beaten = "hetere company r lok mairse, chokh fulai gese"
    assert _over(f"{beaten}. hete koy kichu hoy nai")
    assert not _over(f"{beaten}. hete koy kichu hoy nai, kintu bhoy paitese kal duty te jaite")
    assert _over(f"{beaten}. hete koy kichu hoy nai, bhoy nai")


def test_a_joke_taken_back_is_not_a_joke(detector: safety.DangerDetector) -> None:
    # Round 52 (test50): the "lol" is how a frightened son begins; "this isn't funny anymore" ends
    # it, as "amar sathe ekdom" ends a film (the category `same`).
    texted = ("lol abbu just texted 'if I die the insurance will clear the loan right?' and now he "
              "wont pick up. he's been weird for weeks")
    assert detector.signals(texted).joking
    assert not detector.signals(f"{texted}. ok this isn't funny anymore").joking


def test_a_laugh_at_one_word_of_self_harm_does_not_excuse_the_plan_after_it(
        detector: safety.DangerDetector) -> None:
    # Round 55 (test53): the "lol" makes light of the will; the rail line after it is a plan. A
    # laugh only after every word of self-harm made the message a joke to ask about, until round
    # 70: the will and the rail line are two facts, and two facts told laughing are no joke.
    will = "Came back with nothing. Wrote my will on the back of a BMET receipt lol."
    plan = "Tomorrow morning I'm going to the rail line past the station."
    assert detector.signals(will).joking
    assert not detector.signals(f"{will} {plan}").joking
    assert not detector.signals(f"{will} {plan} haha").joking
    assert detector.signals(f"{plan} haha").joking


def test_well_before_a_death_is_not_well_after_it(detector: safety.DangerDetector) -> None:
    # Round 55 (test53): "completely fine" closed a death as over; only "fine now" does.
    died = ("One of the girls from our hostel died in hospital this morning. They say food "
            "poisoning but she was completely fine yesterday.")
    assert not detector.signals(died).over
    assert detector.assess(died).urgent


def test_a_way_to_die_asked_in_banglish_is_a_word_of_self_harm(
        detector: safety.DangerDetector) -> None:
    # Round 56 (test54): "batha chara taratari morar upay ki" had no cue and read 0.14.
    asked = "batha chara taratari morar upay ki. moja na, sotti jante chai, ajke raater moddhe"
    assert detector.signals(asked).harm_cue
    assert detector.assess(asked).urgent


def test_a_novel_and_a_history_class_are_told_not_lived(detector: safety.DangerDetector) -> None:
    # Round 56 (test54): the deaths of 1971 in a history class read as a death abroad at 0.96.
    history = ("আজকে ইতিহাস ক্লাসে পুরাটা ১৯৭১ নিয়া, কত মানুষ মারা গেছে। ভারি লেকচার, কিন্তু "
               "জানা দরকার")
    assert detector.signals(history).joking
    assert not detector.assess(history).urgent


def test_calm_of_yesterday_does_not_close_a_death(detector: safety.DangerDetector) -> None:
    # Round 57 (test55): "happy" yesterday is the calm before the death, not after it; "happy"
    # today still closes a story (round 22).
    died = ("Madam says my cousin in the next building 'jumped' this morning. She told me "
            "yesterday she was happy her contract ends in 2 months. Police took her body.")
    assert not detector.signals(died).over
    assert detector.assess(died).urgent


def test_insulin_is_a_word_of_a_medical_emergency(detector: safety.DangerDetector) -> None:
    # Round 57 (test55): the exam before it excused the whole story of a hypoglycaemic roommate.
    roommate = ("My roommate has type 1 diabetes, she skipped meals before the exam but still "
                "took her insulin. Now she's shaking, sweating and can't answer properly.")
    assert detector.assess(roommate).urgent


def test_a_cue_said_again_without_its_negator_counts(detector: safety.DangerDetector) -> None:
    # Round 57: a cue is reported once, and it was its first occurrence: a danger denied, then
    # told ("keu marche na bollam, kintu ajke abar marche"), read as denied. Six development
    # messages name the body or the ambulance twice, the first time under a negator.
    told = "keu amake marche na bollam, kintu ajke abar marche"
    hits = [h for h in cues.find(detector.cues, features.tokens(told))
            if h.cue.category == "violence"]
    assert hits and not any(h.negated for h in hits)
    denied = "keu amake marche na"
    assert all(h.negated for h in cues.find(detector.cues, features.tokens(denied))
               if h.cue.category == "violence")


def test_a_rule_asked_in_the_formal_register_is_no_death(detector: safety.DangerDetector) -> None:
    # Round 58 (test56): "মৃত্যুবরণ করিলে" (if ... dies, in the formal register) is a rule asked.
    asked = ("বিদেশে কোনো শ্রমিক মৃত্যুবরণ করিলে মরদেহ দেশে আনিবার খরচ কে বহন করে, অনুগ্রহ "
             "করিয়া জানাইবেন।")
    assert not detector.signals(asked).body
    assert not detector.assess(asked).urgent


@pytest.mark.parametrize(("joke", "taken_back", "urgent"), [
    # Round 55: the emoji and the word signs are one rule (DangerDetector.signals `excuses`), so
    # "this isn't funny anymore" after a 😂 ends the joke as it ends a "lol".
    # (One fact: two told laughing are no joke at all, round 70.)
    ("😂 madam amake room e atke rakhse 3 din", "this isn't funny anymore", True),
    # Round 56 (test54): every labelled message that says "seriously" is a danger.
    ("lol at least if I jump off the 14th floor the company finally has to pay someone, family "
     "gets compensation 😂", "seriously been checking which side has no net", False),
    # Round 57 (test55): the coffin joke, "na shotti koitasi" (no, I mean it), tablets bought.
    ("haha desh o free ticket e jaimu, baksho r bhitre 😂😂",
     "na shotti koitasi, tablet kini rakhsi, duibar gunsi. bhai re koiyo na", True),
    # Round 58 (test56): a joke denied in so many words; a laugh denied ("hashte hashte" beside a
    # "na" of its own clause) is no such thing (cues.DENIED_JOKE).
    ("lol don't worry I'll be 'fine' 🙂 the bleach bottle from the salon store is right here, at "
     "least madam will stop shouting after I drink it.", "not joking this time.", True),
    # Round 60 (test59): "no but fr" (for real) after the laugh.
    ("lol the metro tracks are looking kinda comfy tonight 😂",
     "no but fr i have stood at the platform edge every night this week", True),
])
def test_a_joke_taken_back_in_other_words(detector: safety.DangerDetector, joke: str,
                                          taken_back: str, urgent: bool) -> None:
    assert detector.signals(joke).joking
    told = f"{joke} {taken_back}"
    assert not detector.signals(told).joking
    if urgent:
        assert detector.assess(told).urgent


def test_a_jest_in_bangla_is_a_joke_and_a_goodbye_is_not() -> None:
    # Round 59 (test58): "ঠাট্টা করে বলে" (says it in jest); the word's key is that of "tata"
    # (bye-bye), so the cue is the word and its verb.
    assert any(h.cue.category == cues.JOKE
               for h in _hits("চাচা ঠাট্টা করে বলে মালিক ওনারে মাইরা ফালাইব, এত ভাত খায়"))
    assert not any(h.cue.category == cues.JOKE for h in _hits("ok tata, ar dekha hobe na"))
    assert not any(h.cue.category == cues.JOKE for h in _hits("টাটা, আর দেখা হবে না"))


def test_the_identity_card_of_bahrain_is_no_first_aid_class(
        detector: safety.DangerDetector) -> None:
    # Round 59 (test58): "CPR" alone was a first-aid lesson (everyday); in Bahrain it is the
    # identity card, and a forced transfer that named it was asked about, not raised.
    told = "passport malik er kache, CPR renew kore na, na gele police e dhoraiya dibe"
    assert not detector.signals(told).joking
    assert any(h.cue.category == cues.EVERYDAY
               for h in _hits("kal college e CPR training, putul er buke chap dite hobe"))


def test_a_sure_reading_overrules_a_laugh_but_not_a_death_in_peace(
        detector: safety.DangerDetector) -> None:
    # Round 62 (test61, test62): dangers told under "bro 😂" that the model reads as surely as
    # any; every one was only asked. A reading from JOKE_CEILING up is urgent beside a laugh,
    # a joke or a film, and only there.
    laughed = detector.signals("bro amader ekhon free hotel 😂 10 din dhore gudam e tala mere "
                               "rakhse")
    assert laughed.joking and laughed.light, laughed
    t = detector.thresholds
    assert decide(replace(laughed, danger=detector_module.JOKE_CEILING), t).level == "danger"
    assert decide(replace(laughed, danger=0.9), t).level == "unsure"
    # A death in peace, a chore, a question "just asking" excuse any reading (round 22).
    for calm in ("nana kal rate shanti te mara gesen, sobai doa koiren",
                 "Can the company cut salary if I'm in hospital after an accident at work? Just "
                 "asking, want to know the rules."):
        said = detector.signals(calm)
        assert said.not_now and not said.light, said
        assert decide(replace(said, danger=0.99), t).level == "unsure"
    # A laugh beside a death in peace leaves it a death in peace, however sure the reading.
    said = detector.signals("nana kal rate shanti te mara gesen, boyosh 90 hoisilo 😅 sobai doa koiren")
    assert said.joking and not said.light, said
    assert decide(replace(said, danger=0.99), t).level == "unsure"


def test_a_laugh_is_never_denied_and_no_seriously_in_bangla_turns() -> None:
    # Round 63 (test63): "... kal theke r kaj korte hobe na lol. na seriously apa r bhallage na":
    # the "na" before "lol" ends the verb before it; "na seriously" takes the joke back.
    laughs = [h for h in _hits("kal theke r kaj korte hobe na lol") if h.cue.category == cues.JOKE]
    assert [h.negated for h in laughs] == [False]
    assert any(h.cue.category == cues.TURN and not h.negated for h in _hits("lol. na seriously apa"))
    # A joke itself can still be denied in words ("not joking this time", round 58).
    assert all(h.negated for h in _hits("not joking") if h.cue.category == cues.JOKE)


def test_old_age_said_of_a_dismissed_worker_is_no_death_in_peace(
        detector: safety.DangerDetector) -> None:
    # Round 63 (test63, Barishal): "the boss said you are old now, not needed" is no natural
    # death; the rat poison "brought" to one's room is a plan, the kitchen's is not.
    message = ("মালিক কইছে বয়স হইছে, আর কাম নাই, বেতনও দেয় নাই। খালি হাতে দ্যাশে যামু "
               "ক্যামনে। ইন্দুর মারার ওষুধ আনছি, আইজ রাইতেই সব শ্যাষ করমু")
    assert not detector.signals(message).not_now
    assert detector.assess(message).urgent
    assert any(h.cue.category == "self_harm" for h in _hits("রুমে ইন্দুর মারার ওষুধ আনছি"))
    assert not any(h.cue.category == "self_harm" for h in _hits("রান্নাঘরে ইন্দুর মারার ওষুধ দিছি"))


def test_no_joke_takes_a_laugh_back_and_a_death_at_home_is_no_death_abroad(
        detector: safety.DangerDetector) -> None:
    # Round 64 (test64): "... lol. no joke i wrote a letter for amma": its "no" denied the letter.
    hits = _hits("its a favour lol. no joke i wrote a letter for my wife already")
    assert any(h.cue.category == cues.TURN for h in hits)
    assert [h.negated for h in hits if h.cue.category == "self_harm"] == [False]
    # A grandmother's death at home, grieved by a worker abroad, is asked about, never raised
    # with the death-abroad page and an urgent case.
    grief = "amar nani mara gese deshe, chuti pai nai, jaite parlam na. khali kanna ase"
    assert detector.signals(grief).not_now
    assert not detector.assess(grief).urgent
    abroad = _hits("bideshe mara gele lash ante koto lage")
    assert not any(h.cue.category == cues.NATURAL_DEATH for h in abroad)


def test_a_body_rule_needs_a_reading_and_a_burden_denied_is_a_goodbye(
        detector: safety.DangerDetector) -> None:
    # Round 65 (test66): a rule asked about "the body of a migrant worker who died", read 0.00,
    # was made urgent by the body rule alone; a death told of someone still is, in the ask band.
    said = detector.signals("amar chachato bhai kal riyadh e mara gese, lash kivabe deshe anbo")
    assert said.body, said
    t = detector.thresholds
    assert decide(replace(said, danger=t.unsure), t).level == "danger"
    assert decide(replace(said, danger=0.05), t).level != "danger"
    # "ar karo bojha thakmu na": the "na" is the goodbye's own, not a denial of it.
    burden = [h for h in _hits("kal theika ar karo bojha thakmu na") if h.cue.category == "self_harm"]
    assert burden and not any(h.negated for h in burden)
    # "just asking" is not denied by a "not" in the sentence before it.
    assert [h.negated for h in _hits("2 person die. they not Bangladeshi right? just asking")
            if h.cue.category == cues.HYPOTHETICAL] == [False]


def test_hiding_keeps_a_story_open() -> None:
    # Round 67 (test68): "I got it back ... I'm hiding in the laundry room": a phone got back is
    # no rescue while the person hides.
    message = ("My boss's brother keeps touching me when madam is out. Today he took my phone, I got it "
               "back only when he went to pray. He said later I must be 'nice' to him. I'm hiding in "
               "the store room")
    toks = tokens(message)
    assert not story.over(message, cues.find(_cues(), toks), toks)


def test_a_young_age_guessed_is_no_old_age_and_a_monkey_hides_a_laugh() -> None:
    # Round 68 (test69, Chittagonian): a roommate dead in his sleep, "বয়স হইব ত্রিশ" (he would
    # be about thirty), was excused as a death in peace.
    young = _hits("রুমমেট ঘুমের মধ্যে মরি গেইয়্যে, বয়স হইব ত্রিশ")
    assert not any(h.cue.category == cues.NATURAL_DEATH for h in young)
    for aged in ("দাদি মারা গেছেন, বয়স হইছিল ৯৫", "nana boyosh hoyechilo, shanti te gesen",
                 "dadu moirre gelo, boyos hoilo nobboi"):
        assert any(h.cue.category == cues.NATURAL_DEATH for h in _hits(aged)), aged
    # 🙈 is said in jest only (nine labelled messages, all look-alikes).
    assert cues.last_laugh("অংকে ফেল, আব্বা আইজ আমারে জবাই করবো 🙈") >= 0


def test_a_joke_word_after_the_danger_takes_it_back_whatever_the_reading(
        detector: safety.DangerDetector) -> None:
    # Round 69 (test70): the "na" that ends one sentence denies nothing in the next, and a joke
    # word said after the last danger word takes it back even above JOKE_CEILING (a laugh alone
    # does not: test_a_sure_reading_overrules_a_laugh_but_not_a_death_in_peace).
    said = ("ei gorom e ami shesh, golay dori dite ichcha kore 😂 AC chara ei room e thaka jay na. "
            "kidding, ajke AC thik korte asbe")
    assert [h.negated for h in _hits(said) if h.cue.category == cues.JOKE] == [False]
    signals = detector.signals(said)
    assert signals.excused and not signals.light, signals
    assert decide(replace(signals, danger=0.999), detector.thresholds).level != "danger"
    # Said before the danger it is no taking back, and denied it is the joke taken back.
    for told in ("kidding na, golay dori dite ichcha kore, ar parchi na",
                 "golay dori dimu aj rate. not kidding this time"):
        assert not detector.signals(told).excused, told


def test_a_danger_told_laughing_as_two_facts_is_no_joke(detector: safety.DangerDetector) -> None:
    # Round 70 (test71): trouble made light of tells several facts, each in a clause of its own;
    # a joke has one hyperbole, and a film or the news beside a laugh still excuses.
    boat = ("haha amra ekhon boat e 80 jon 😅 engine nosto, 2 din dhore sagore bhashi, pani shesh. "
            "dalal er phone bondho. ei last charge e msg dilam")
    assert not detector.signals(boat).joking
    assert detector.signals("ei gorom e ami shesh, golay dori dite ichcha kore 😂").joking
    # And "kidding" after every fact takes them all back (round 69), two facts or not.
    assert detector.signals(f"{boat} 😂 kidding, amra ekhon port e, sobai thik ache").joking
    film = ("drama ta te villain nayika re atke rakhe, ki rag uthse 😂 shesh e police dhorse, "
            "tarpor mair dise")
    assert detector.signals(film).joking
    # A thing that dies is no fact: the battery's clause does not count, in Bangla script too.
    kids = ("বাচ্চারা আমারে ভিডিও কলে দুই ঘণ্টা আটকাইয়া রাখছিল, ফোন রাখতেই দেয় না 😂 শেষে "
            "ব্যাটারি মইরা গেল।")
    assert any(h.cue.category == cues.EVERYDAY and not h.negated for h in _hits(kids))
    assert detector.signals(kids).joking


def test_a_danger_that_comes_again_is_not_over() -> None:
    # Round 71 (test72): a housemaid's story of a good party, her head beaten against a wall in
    # the middle and a beating promised for tomorrow, closed with "the guests were happy".
    beaten = ("রাতে থালা ধোয়ার সময় একটা গ্লাস ভাইঙ্গা গেছে, তখন মেডামের বড় পোলা আমার চুল ধইরা মাথা "
              "দেয়ালে বাড়ি দিছে, কপাল ফাইটা গেছে।")
    assert _over(f"{beaten} যাই হোক মেহমানরা খুশি।")
    assert not _over(f"{beaten} কাল আবার মারবে কইছে। যাই হোক মেহমানরা খুশি।")
    # "Again" in another clause says nothing of the danger word.
    assert _over("boss marse amake 2019 e. abar dekha holo ajke, ekhon valo achi alhamdulillah")


def test_test72s_words() -> None:
    # Round 71: "chai na" written as one word; wages that are not; a passport with madam; a
    # forehead split; a phone that "died" in dialect is a thing, not a death.
    assert "self_harm" in _said("ami to ar bachte chaina")
    assert "no_wages_food" in _said("3 mash beton nai")
    assert "passport_forced_labour" in _said("my passport is with madam since 2 years")
    assert "violence" in _said("কপাল ফাইটা গেছে")
    assert cues.EVERYDAY in _said("আমার ফোনটা মইরা গেছে, চার্জ নেয় না")


def test_just_asking_excuses_only_a_message_that_asks(detector: safety.DangerDetector) -> None:
    # Round 72 (test73): "just asking" after her own trouble told, with no question, was let pass.
    told = ("Owner not paid me for 4 months. I eat only bread and tap water from the salon. not "
            "complaining, just asking if that is ok")
    assert not detector.signals(told).not_now
    assert detector.assess(told).urgent
    asked = ("Can the company cut salary if I'm in hospital after an accident at work? Just asking, "
             "want to know the rules.")
    assert detector.signals(asked).not_now


def test_test73s_words() -> None:
    # Round 72: not to wake up again; a knife drawn and a throat cut "and thrown away" (not a
    # chicken's); "majak na", not a joke, takes a laugh back.
    assert "self_harm" in _said("kal hoile ar uthum na")
    assert "violence" in _said("ফোরম্যান ছুরি বার কইরা কইছে গলা কাইটা মরুভূমিত ফালায়া দিবি")
    assert "violence" not in _said("murgir gola katte giye churi ta venge gelo")
    assert "confinement" in _said("Madam husband lock me inside the villa after work")
    jokes = [h for h in _hits("ar uthum na 😂😂 majak na") if h.cue.category == cues.JOKE]
    assert jokes and all(h.negated for h in jokes)


def test_test74s_words() -> None:
    # Round 73: choked and pushed into a wall; cannot go out; taken by the police; a threat to
    # throw a sailor overboard, a second fact beside the hammer thrown (two facts told laughing).
    assert "violence" in _said("he pushed me into the wall and choked me for a few seconds")
    assert "violence" in _said("he says next time he'll throw me overboard")
    assert "confinement" in _said("camp er gate e tala, 2 mash keu bair hoite pare na")
    assert "missing_detained" in _said("amar rumer 3 jon ke kal police tule nise")
    assert "missing_detained" not in _said("coach tule nise, ekhon boshe hashtese")


def test_a_laugh_turned_from_by_but_excuses_nothing_after_it(detector: safety.DangerDetector) -> None:
    # Round 74 (test75): a father's quoted calm and a laugh, then "but" and his jailing.
    told = ("abba bolse 'tension nio na' 😅 but shei je jail e dhukse 2 mash holo, court e kobe "
            "tulbe ke jane. kono lawyer o nai")
    assert not detector.signals(told).joking
    # Without the "but" the laugh still makes light of it; and a film's villain after "but" is
    # still a film.
    assert detector.signals(told.replace(" but", ",")).joking
    assert detector.signals("haha 😂 but natok e villain ta nayika ke atke rakhse").joking


def test_a_negator_of_the_next_verb_or_of_a_noun_denies_no_danger_word() -> None:
    # Round 74: English puts its "not" before its verb ("... and didnt open", test75), and a
    # "nai bole" is the noun's before it, "because there is no iqama" (test74).
    assert "confinement" in _said("today he locked the car doors and didnt open for long time")
    assert "missing_detained" in _said("amar rumer 3 jon ke kal police tule nise iqama nai bole")
    assert "missing_detained" not in _said("police tule nise na, shudhu jiggesh korse")
    assert "violence" not in _said("he did not beat me")


def test_test75s_words() -> None:
    # Round 74: a driver who grabs her (not a Grab car); a room locked from outside in Banglish;
    # a father "is gone"; a salary not got for months.
    assert "sexual_violence" in _said("madam's driver always tries to grab me when i go to the car")
    assert "sexual_violence" not in _said("left my passport in a grab car in KL")
    assert "confinement" in _said("amar room ta ekdom jail, bairer theke lock")
    assert "death_abroad" in _said("abu is gone, riyadh hospital called")
    assert "death_abroad" not in _said("all the money is gone")
    assert "no_wages_food" in _said("my father has not got his salary for 5 months")


def test_test76s_words() -> None:
    # Round 75: a man forced into her room, the door bolted (not a key lost, nor children at
    # hide-and-seek); one meal in two days, a salary of zero.
    assert "sexual_violence" in _said("sheikh er pola room e dhuke porse dorja atkaise")
    assert "sexual_violence" not in _said("chabi haraisi room e dhukte parchi na")
    assert "no_wages_food" in _said("one meal in 2 days. salary 5 months zero")
    assert "no_wages_food" in _said("৩ দিন ধইরা একবেলা খাই")


def test_test77s_words(detector: safety.DangerDetector) -> None:
    # Round 76: a plan told in English ("already decided ... finishing it", a love told in the
    # past) and a jump in Banglish; a word of self-harm in a clause after the laugh is not made
    # light of by it. A player's name is a match.
    plan = ("haha dont worry about me sis, ive already decided, tonight im finishing it. just tell "
            "ammu i loved her ok")
    assert "self_harm" in _said(plan)
    assert not detector.signals(plan).joking
    assert "self_harm" in _said("mone hoy ekta jump dile shanti")
    assert cues.FICTION in _said("Messi murdered that defence last night")


def test_test78s_words() -> None:
    # Round 77: locked in "with us inside"; "days without food" (not the news of a war).
    assert "confinement" in _said("the boss locked the container with us inside again")
    assert "no_wages_food" in _said("it's only been 2 days without food, we're used to it")
    assert "no_wages_food" not in _said("News from Sudan, people stuck without food for weeks")


def test_test79s_words() -> None:
    # Round 78: the signs of heat stroke; hungry, said of several; the heat as a figure in
    # Chittagonian Banglish, not a word of self-harm.
    assert "medical_emergency" in _said("now he's confused and talking nonsense and stopped sweating")
    assert "no_wages_food" in _said("we r hungry. 2 days. pls")
    said = _said("gorom e mori jaiyum ar ki, dubai t aij 48 degree")
    assert cues.FIGURE in said


def test_test80s_words() -> None:
    # Round 79: a ledge high up, and a jump told as a maybe; not a window ledge with a cup on it.
    assert "self_harm" in _said("i am sitting on the 14th floor ledge of the building site")
    assert "self_harm" not in _said("put the cup on the window ledge")


def test_a_joke_doubted_at_once_is_taken_back(detector: safety.DangerDetector) -> None:
    # Round 80 (test81): "just joking... maybe" is no joke; "just joking" alone still is.
    told = ("haha dont worry about me 😂😂 i already wrote letter for my mother and kept the rope "
            "under my bed, just joking... maybe")
    assert not detector.signals(told).joking
    assert detector.signals(told.removesuffix("... maybe")).joking


def test_a_calm_word_hedged_does_not_close_the_story() -> None:
    # Round 80 (test81): "ami thik asi mone hoy" (I am fine, I think) after a beating that goes on.
    told = ("supervisor ajke amader 3 jon ke rod diye pitaise, ekjon er matha fete gese. camp e "
            "ekhono oi lok ghurtese. ami thik asi")
    assert _over(told)
    assert not _over(told + " mone hoy")
    assert "medical_emergency" in _said("SECURITY GUARD BEAT 2 BOYS, ONE NOT MOVING")


def test_test82s_words(detector: safety.DangerDetector) -> None:
    # Round 81: a hand cut, a lockup, eating once a day; a jewellery sold is no person sold; the
    # writer agreeing with the fear after a laugh tells their own story.
    assert "self_harm" in _said("proti raate mone hoy haat ta kete feli")
    assert "missing_detained" in _said("amare police dhorse, ekhon lockup e")
    assert "no_wages_food" in _said("3 din e ekbar khai")
    assert cues.EVERYDAY in _said("ammu er gohna bikri kore dichilam")
    razor = "lol my roommate hide my razor again 🤣 he thinks I'll do it. maybe he is right bro"
    assert "self_harm" in _said(razor)
    assert not detector.signals(razor).joking
    assert detector.signals(razor.removesuffix(". maybe he is right bro")).joking


def test_test83s_words() -> None:
    # Round 82: a fall; a door barred and the threat that keeps it quiet; a passport "with the
    # boss"; a passport snatched in the dialect and a boat nobody is let off.
    assert "medical_emergency" in _said("lol fell from the scaffolding, leg looks the wrong way")
    assert "violence" in _said("i pushed chair against my door. he said if i tell anyone")
    assert "passport_forced_labour" in _said("passport is 'safe with the boss' they say")
    said = _said("পাসপোর্ট কাইড়া নিয়া মাছ ধরার নৌকায় তুলছে, তীরে নামতে দেয় না")
    assert {"passport_forced_labour", "confinement"} <= said


def test_test84s_words(detector: safety.DangerDetector) -> None:
    # Round 83: a belt, poison bought, "no more expenses for me"; a life "like this" is no
    # word of self-harm in its own clause, but a plan in the next one still is.
    assert "violence" in _said("my boss gave me a free 'massage' again today with his belt")
    assert "self_harm" in _said("kalke theke ar amar khoroch lagbe na. poison kine rakhsi room e")
    money = "I have 90 dirham for the month. Tired of living like this, it never gets better."
    assert detector.signals(money).joking
    assert not detector.signals("i am tired of living like this, i will end it tonight").joking


def test_test85s_words(detector: safety.DangerDetector) -> None:
    # Round 84: pills got, a knife promised next time, clothes pulled, a wound black and smelly;
    # a thrown pan, told laughing, is urgent.
    assert "self_harm" in _said("just know i finally did it, got the pills from the clinic")
    assert "sexual_violence" in _said("today he locked the store room and pulled my clothes")
    assert "medical_emergency" in _said("now it's black and smelly and I have 40 fever")
    pan = ("haha my boss threw a hot pan at me again today 😂 burn on my whole arm, he says next "
           "time it'll be the knife. normal day in Dubai lol")
    assert "violence" in _said(pan)
    assert detector.assess(pan).level == "danger"


def test_self_harm_in_two_clauses_is_no_rule_asked(detector: safety.DangerDetector) -> None:
    # Round 84: test84 and test85, two authors, asked whether insurance pays for a suicide and
    # said why in the next clause. One clause of it is still a question about the rules.
    rule = "Does the insurance from BMET still pay the family if the death is suicide?"
    assert detector.signals(rule).question >= 0.5
    assert detector.assess(rule).level != "danger"
    plan = rule + " Asking because I've decided and I just want them to get something."
    assert detector.signals(plan).question == 0.0
    assert detector.assess(plan).level == "danger"


def test_test86s_words() -> None:
    # Round 85: "if I die" in the writer's own words, no way out seen, an arm broken.
    assert "self_harm" in _said("ami mori gele companyr taka ki amar gorot fabo?")
    assert "self_harm" in _said("loan shodh korte na parle eta chara r rasta dekhi na")
    assert "violence" in _said("boss er lathi. amar hat ta mone hoy bhangse")
    # A rule is asked of someone else: no word of the writer's own death.
    assert "self_harm" not in _said("bidesh e keu mara gele family koto taka pay?")


def test_many_days_is_no_sale() -> None:
    # Round 85: "বেচি" (sold) and "beshi" (many, more) share one key; only the sale's verb forms
    # are a word of trafficking, and a weak one.
    assert "trafficking_ransom" not in _said("ami beshi din dhore ekhane kaj kori, valo lage")
    assert "trafficking_ransom" not in _said("Eid ar beshi din nai, bazar korte hobe")
    assert "trafficking_ransom" in _said("দালাল বেচি দিসে অন্য লোকরে। টাকা চায়। বাচান")
    assert all(not h.cue.strong for h in _hits("হেতেরে বেচি দিমু") if h.cue.category != "self_harm")


def test_a_laugh_beside_a_boss_excuses_less() -> None:
    # Round 85: a laugh excuses a reading below JOKE_CEILING; beside someone with power over
    # the writer, below MASTER_CEILING only.
    boss = Signals(0.93, "violence", 0.0, 0.0, None, words=20, joking=True, light=True,
                   master=True)
    roommate = Signals(0.93, "violence", 0.0, 0.0, None, words=20, joking=True, light=True)
    assert not boss.excused and roommate.excused
    assert replace(boss, danger=0.85).excused
    # A film or another excuse than a laugh is not overruled by any reading.
    assert replace(boss, light=False, danger=0.99).excused
    assert cues.masters(features.tokens("lol boss ajke amar mathay helmet diye marse"))
    assert cues.masters(features.tokens("মালিকের লোক আইসা মারছে 😂"))
    assert not cues.masters(features.tokens("my roommate keeps threatening to kill me 😂"))
    assert cues.masters(features.tokens("my manager's brother keeps trying to get into my room"))
    assert not cues.masters(features.tokens("its fine i can manage lol"))


def test_test87s_words() -> None:
    # Round 86: a crash planned "and finish it", nobody to see me any more, lips turning blue
    # with words between; a phone that died in Chittagonian is a thing.
    assert "self_harm" in _said("i think just drive the truck into the barrier and finish it")
    assert "self_harm" in _said("kal theke ar keu amake dekhbe na, promise")
    assert "medical_emergency" in _said("ekhon thot ta nil nil lagtese")
    assert "medical_emergency" in _said("lips going blue colour since morning")
    assert cues.EVERYDAY in _said("আঁর ফোন মরি গেইয়ে, চার্জ নাই")


def test_test88s_words() -> None:
    # Round 87: rat poison kept at home, things not needed any more, teeth gone and a head to be
    # broken, days without eating, a scam compound; a heart that "died" after a match is a mood.
    assert "self_harm" in _said("ঘরে ইঁদুর মারার ওষুধ আছে, কয়েকদিন ধরে ওটার দিকেই তাকিয়ে থাকি")
    assert "self_harm" not in _said("দোকানে ইঁদুর মারার বিষ দিছি, কাইলকা তিনটা মরছে")
    assert "self_harm" in _said("jacket ta tomar jonno rakhsi. ar lagbe na amar")
    assert "violence" in _said("3 teeth gone. he say next time he break my head")
    assert "no_wages_food" in _said("haven't eaten proper in 4 days haha")
    assert "no_wages_food" not in _said("Fasting, haven't eaten since 4am, two hours to iftar")
    assert "trafficking_ransom" in _said("turns out its a scam compound")
    assert cues.EVERYDAY in _said("Bangladesh khela haraise abar, amar mon moira gese")


def test_a_danger_promised_for_next_time_is_not_over() -> None:
    # Round 87 (test88): "no problem" closes a beating as over, not a threat for next time.
    told = "foreman hit me with shovel yesterday, 3 teeth gone but I still working. no problem"
    assert _over(told)
    assert not _over("foreman hit me with shovel yesterday. he say next time he break my head. "
                     "no problem")


def test_test89s_words() -> None:
    # Round 88: the tablets all taken, no more a problem for anybody, a rope bought, a blow
    # understated and an eye that will not open.
    said = _said("from tomorrow i wont be a problem for anybody. already took all the tablets")
    assert "self_harm" in said
    assert "self_harm" in _said("kaler por ar tension thakbe na. rope kine rakhsi already")
    assert "violence" in _said("he hits a bit when angry, cant open left eye")


def test_test90s_words() -> None:
    # Round 89: a fall from dizziness; "missing" alone is weak (homesick people miss home),
    # strong only when a person is lost. Round 91 took back "sorry for everything" and vomiting.
    assert "medical_emergency" in _said("ajke garom e site e mathai ghuri porsi")
    assert "medical_emergency" in _said("আইজ মাথা ঘুরাইয়া পইড়া গেছিলাম")
    strong = {h.cue.category for h in _hits("Missing home a lot, missing my kids every night")
              if h.cue.strong and not h.negated}
    assert not strong
    for lost in ("my son is missing, no news for 3 weeks", "husband missing since 12 days",
                 "son missing in Oman", "my brother has been missing for 3 weeks"):
        assert any(h.cue.strong and h.cue.category == "missing_detained" for h in _hits(lost))


def test_a_joke_named_in_two_words_can_be_doubted(detector: safety.DangerDetector) -> None:
    # Round 89 (test90): "just kidding" is a joke word like "kidding", and a doubt a few words
    # after it ("na thak, maybe na") takes the joke back; "just kidding" alone still excuses.
    told = ("hahaha apu amar life e ekhon ar kisu baki nai, eibar building er chad theke urbo "
            "🤣 just kidding... na thak, maybe na")
    assert not detector.signals(told).joking
    assert all(h.negated for h in _hits(told) if h.cue.jest)
    assert not any(h.negated for h in _hits(told.removesuffix("... na thak, maybe na"))
                   if h.cue.jest)


def test_test91s_words() -> None:
    # Round 90: "I will not live any more", a jump into a river, a breath hard to take in
    # Banglish; a boy who jumps into a pond to swim is no danger word's business but a weak one.
    assert "self_harm" in _said("আমি ঠিক করছি আর বাঁচব না")
    assert "self_harm" in _said("dorm er pichone ekta nodi ase, raat e giye jhap dibo")
    assert "medical_emergency" in _said("pajor e betha, shash nite koshto hoy")
    assert all(not h.cue.strong for h in _hits("নাতিটা পুকুরো ঝাঁপ দিছে, সাঁতার শিখতাছে"))


def test_a_rule_asked_and_a_death_told_in_one_message() -> None:
    # Round 90 (test91): a conditional asks a rule in its own clause; a death told in another
    # clause, with the body named, is a family's death all the same.
    def body(text: str) -> bool:
        toks = tokens(text)
        return story.body_home(text, cues.find(_cues(), toks), toks)

    assert body("kono lok bidesh e mara gele lash ante koto din lage? amar chachato vai iraq e "
                "gari accident e mara gese aj fojore")
    assert not body("kono lok bidesh e mara gele lash ante koto din lage?")
    assert not body("If a worker died abroad, who pays to bring the body home?")


def test_words_said_in_everyday_life_are_no_danger_words() -> None:
    # Round 91: every labelled message with these is a danger, but people say them every day
    # (an apology, a child sick in a car, a fast, a farewell letter, a bottle of bleach); as
    # words they made the model read such messages as urgent.
    for everyday in ("sorry for everything I said yesterday", "baccha ta gari te bomi korse",
                     "roja rakhsi, pet e kichu nai", "wrote a goodbye letter to my team",
                     "bleach er bottle ta shesh, notun kinte hobe"):
        assert not {c for c in _said(everyday) if c in DANGER}, everyday


def test_everyday_probes_are_not_urgent(detector: safety.DangerDetector) -> None:
    # Round 91: probes written for the round in the words of recent dangers.
    for everyday in ("Sorry for everything bro, the party got too loud, we will clean tomorrow",
                     "amar bhatija plane e bomi korse, ekhon thik ache",
                     "fasting since morning, nothing in my stomach, waiting for iftar",
                     "bleach er bottle ta shesh, notun kinte hobe"):
        assert detector.assess(everyday).level != "danger", everyday
