"""A small bilingual concept lexicon: the same idea in English, Banglish and Bangla.

Transliteration lets Bangla and Banglish examples share evidence; English words have no such
bridge. Mapping a few hundred domain words of all three varieties to shared concept
features lets an English example teach the Bangla model and the other way round.
A form ending in "*" matches as a prefix ("patha*" covers pathabo, pathate, পাঠাবো).
"""

from __future__ import annotations

from functools import lru_cache

from nlu.translit import fold, is_bengali, romanise_word

CONCEPTS: dict[str, str] = {
    "money": "money taka tk takka poisa cash টাকা টাকার টাকায় পয়সা",
    "send": "send* sent transfer* patha* pathai* পাঠা* পাঠাই* transfar*",
    "home": "home family bari barite desh deshe বাড়ি বাড়িতে দেশে দেশ poribar* পরিবার*",
    "how": "how kivabe kibhabe kemne kmne kibabe kivabe কিভাবে কীভাবে কেমনে",
    "howmuch": "koto kto কত price cost* fee fees charge* khoroch* খরচ* dam দাম expense* "
               "rate",
    "abroad": "abroad foreign overseas bidesh* বিদেশ* probash* প্রবাস* expatriate*",
    "go": "go going jete jabo jaite jawa যেতে যাবো যাওয়া যাব migrate* migration",
    "legal": "legal* legally safe* safely boidh* বৈধ* niyom* নিয়ম* nirapod* নিরাপদ* proper*",
    "training": "training trained course* proshikkhon* প্রশিক্ষণ* ট্রেনিং* trening* "
                "skill* দক্ষতা* dokkhota* shikh* শিখ* learn*",
    "predeparture": "briefing orientation ttc টিটিসি pre-departure predeparture before flight "
                    "age আগে",
    "loan": "loan* লোন* rin ঋণ* credit borrow*",
    "save": "save saving* sanchay* সঞ্চয়* jom* জমা* dps fdr deposit*",
    "invest": "invest* biniyog* বিনিয়োগ* bond* বন্ড* sanchayapatra* সঞ্চয়পত্র* profit*",
    "business": "business* byabsa* babsa* bebsa* ব্যবসা* dokan* দোকান* shop* entrepreneur* "
                "stall* grocery mudi* মুদি* expand* tailor* sewing",
    "livestock": "cow* goru* গরু* goat* chagol* ছাগল* poultry murgi* মুরগি* farm* khamar* "
                 "খামার* fish* mach* মাছ*",
    "office": "office* অফিস* centre* center* kendro* কেন্দ্র* সেন্টার*",
    "where": "where kothay kothai কোথায় কোথা* address* thikana* ঠিকানা* location* nearest",
    "register": "register* registration* regi* nibondhon* নিবন্ধন* রেজিস্ট্রেশন* enrol* "
                "signup sign-up reg",
    "eligible": "eligible* eligibility qualify* qualif* joggo* যোগ্য* shorto* শর্ত* "
                "condition* requirement* criteria",
    "status": "update* status khobor* খবর* obostha* অবস্থা* progress case* কেস* application* "
              "abedon* আবেদন*",
    "call": "call* phone* ফোন* কল* contact* jogajog* যোগাযোগ*",
    "person": "person human staff officer someone manush* মানুষ* lok লোক agent* কর্মকর্তা* "
              "karmakarta*",
    "number": "number* nombor* nambar* নম্বর* নাম্বার* helpline* hotline* হেল্পলাইন* "
              "হটলাইন* 999 16135",
    "abuse": "beat* maar* mar* মার* মারধর* torture* nirjaton* নির্যাতন* abuse* hit* "
             "assault* rape* harass*",
    "wages": "salary* wage* beton* বেতন* paid unpaid payment* mojuri* মজুরি*",
    "passport": "passport* pasport* পাসপোর্ট*",
    "detained": "jail* জেল* police* পুলিশ* detain* arrest* ator* আটক* locked lock* bondi* "
                "বন্দি* camp*",
    "danger": "danger* bipod* বিপদ* help emergency* jorur* জরুরি* urgent* rescue* uddhar* "
              "উদ্ধার*",
    "sad": "sad* stress* depress* tension* টেনশন* kosto* কষ্ট* mon মন dukkho* দুঃখ* "
           "ghum* ঘুম* sleep* counsel* kanna* কান্না* cry* lonely* ekla* একা* worry* "
           "chinta* চিন্তা* mental* manoshik* মানসিক* nightmare* trauma* feel* worr* "
           "terrible anxi* afraid fear* scared bhoy ভয়* hopeless* oshanti* অশান্তি* upset* "
           "osthir* অস্থির* frustrat*",
    "broker": "dalal* দালাল* broker* middleman* agent* traffick* pachar* পাচার* boat* "
              "nouka* নৌকা* sea* sagor* সাগর* libya* লিবিয়া* italy* ইতালি* illegal* "
              "obidh* অবৈধ* package*",
    "stop": "stop* bondho* bondo* বন্ধ* unsubscribe* cancel* off",
    "message": "message* msg* sms* মেসেজ* ম্যাসেজ* text*",
    "thanks": "thanks thank* thx tnx ty dhonnobad* dhonyobad* ধন্যবাদ* shukriya* "
              "শুকরিয়া* thank-you",
    "bye": "bye* goodbye biday* বিদায়* hafez হাফেজ khoda খোদা later gotta cya tata night "
           "ratri* রাত্রি* signing",
    "greet": "hi hello hey salam* সালাম* assalam* আসসালামু* adab* আদাব* নমস্কার* "
             "namaskar* good-morning",
    "yes": "yes yeah yep ha haa hmm ji jee জি হ্যাঁ হা হুম ok okay okk thik ঠিক accha* "
           "আচ্ছা* sure right correct absolutely definitely* course fine alright agree* "
           "oboshoi* অবশ্যই* hu হুঁ",
    "no": "no nope na nah না না-না lagbe-na nai নাই noy নয় never wrong incorrect thak থাক "
          "dont don't",
    "language": "language bhasha* ভাষা* bangla* বাংলা* english* ইংরেজি* ingreji* "
                "ingraji* inglish*",
    "menu": "menu* মেনু* option* অপশন* help সাহায্য* sahajjo* list* talika* তালিকা* "
            "service* সেবা* seba* back start shuru* শুরু* topic* feature*",
    "returned": "back return* fire* ফিরে* firechi* ferot* ফেরত* firlam* ফিরলাম* "
                "returnee* came deport*",
    "job": "job* work* kaj* কাজ* chakri* চাকরি* employ* employer* malik* মালিক* kafil* "
           "কফিল* unemploy* bekar* বেকার*",
    "hundi": "hundi* হুন্ডি* hawala* হাওলা* হাওয়ালা* informal* unofficial*",
    "incentive": "incentive* bonus* প্রণোদনা* pronodona* pronodona* extra percent* "
                 "shotangsho* শতাংশ*",
    "bank": "bank* ব্যাংক* bkash* বিকাশ* nagad* নগদ* rocket* mfs wallet* account* "
            "একাউন্ট* acc*",
    "agency": "agency* এজেন্সি* agenci* recruit* licen* লাইসেন্স* rl আরএল*",
    "visa": "visa* ভিসা* contract* চুক্তি* chukti* document* কাগজ* kagoj* papers paper* "
            "dolil* দলিল* certificate* সার্টিফিকেট*",
    "bmet": "bmet বিএমইটি bmeter smart-card smartcard clearance* chharpotro* ছাড়পত্র* "
            "probashi app ami-probashi",
    "reintegration": "reintegration* punorbashon* পুনর্বাসন* punorekikoron* support* "
                     "sohayota* সহায়তা* sahajjo* assistance help",
}


def _keys(form: str) -> str:
    if is_bengali(form):
        return fold(romanise_word(form))
    return fold(form.lower())


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    prefix: dict[str, str] = {}
    for concept, forms in CONCEPTS.items():
        for form in forms.split():
            form = form.replace("-", " ")
            # Prefixes shorter than four letters ("mar*") would catch unrelated words.
            if form.endswith("*") and len(_keys(form[:-1])) >= 4:
                prefix.setdefault(_keys(form[:-1]), concept)
            else:
                exact.setdefault(" ".join(_keys(w) for w in form.rstrip("*").split()), concept)
    return exact, prefix


@lru_cache(maxsize=65536)
def concepts_of(key: str) -> tuple[str, ...]:
    """Concepts a token's phonetic key stands for (exact forms, then prefixes of 4+ letters)."""
    exact, prefix = _tables()
    found = []
    if key in exact:
        found.append(exact[key])
    for n in range(min(len(key), 12), 3, -1):
        hit = prefix.get(key[:n])
        if hit is not None:
            found.append(hit)
            break
    return tuple(dict.fromkeys(found))


def pair_concept(key: str) -> str | None:
    """The concept of a two-word form ("mon kharap" is not in the table; "lagbe na" is)."""
    return _tables()[0].get(key)
