"""Issue 4's acceptance: every informational topic, asked as a new user would type it, in
English and in Bangla, answered in that language over the web chat and over SMS (TwiML within
the segment budget). The questions are written here, not taken from the NLU's data."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from bot.sms import cost
from tests.channels.conftest import post_twilio, sms

QUESTIONS = {
    "safe_migration_steps": ("I want to work abroad, what should I do first to go safely?",
                             "বিদেশে কাজে যেতে চাই, নিরাপদে যেতে কী কী করতে হবে?"),
    "recruiting_agency_check": ("How can I know if a recruiting agency has a real licence?",
                                "রিক্রুটিং এজেন্সির লাইসেন্স আসল কিনা কিভাবে বুঝব?"),
    "migration_cost": ("How much money does it cost to go to Saudi Arabia for work?",
                       "সৌদি আরব যেতে কত টাকা খরচ হয়?"),
    "bmet_registration": ("How do I get the BMET smart card and emigration clearance?",
                          "বিএমইটি স্মার্ট কার্ড কিভাবে পাবো?"),
    "visa_documents": ("How can I check that my visa is genuine?",
                       "আমার ভিসা আসল কিনা কিভাবে যাচাই করব?"),
    "pre_departure_training": ("Where do I do the pre-departure training before I leave?",
                               "বিদেশ যাওয়ার আগের প্রশিক্ষণ কোথায় হয়?"),
    "trafficking_warning": ("A dalal says he can send me to Italy by boat through Libya",
                            "দালাল বলছে নৌকায় করে লিবিয়া হয়ে ইতালি নিয়ে যাবে"),
    "emergency_abroad": ("My employer took my passport and does not pay my salary",
                         "মালিক আমার পাসপোর্ট রেখে দিয়েছে আর বেতন দিচ্ছে না"),
    "hotline_contacts": ("What is the helpline number for migrants?",
                         "প্রবাসীদের হেল্পলাইন নম্বর কত?"),
    "remittance_channels": ("How do I send money home safely?",
                            "দেশে টাকা পাঠানোর নিরাপদ উপায় কী?"),
    "remittance_incentive": ("Is there a government incentive for sending remittance?",
                             "রেমিট্যান্সে সরকারি প্রণোদনা কত পাওয়া যায়?"),
    "hundi_risk": ("Is it safe to send money by hundi?",
                   "হুন্ডিতে টাকা পাঠানো কি নিরাপদ?"),
    "savings_investment": ("Where should I save or invest the money I earn abroad?",
                           "বিদেশে আয় করা টাকা কোথায় সঞ্চয় করব?"),
    "loan_info": ("Can I get a loan to go abroad?", "বিদেশ যাওয়ার জন্য ঋণ পাওয়া যাবে?"),
    "reintegration_support": ("I came back from abroad, is there any help for me?",
                              "বিদেশ থেকে ফিরে এসেছি, কোনো সাহায্য পাওয়া যাবে?"),
    "eligibility_question": ("Who is eligible for reintegration support?",
                             "কারা পুনরেকত্রীকরণ সহায়তা পাওয়ার যোগ্য?"),
    "service_center_location": ("Where is your office in Sylhet?",
                                "সিলেটে আপনাদের অফিস কোথায়?"),
    "psychosocial_support": ("I feel very sad and stressed since I came back",
                             "ফিরে আসার পর থেকে মন খুব খারাপ, খুব দুশ্চিন্তা হয়"),
    "skills_training": ("I want training to get a job here at home",
                        "দেশে কাজ পেতে প্রশিক্ষণ নিতে চাই"),
    "business_support": ("I want help to start a small shop",
                         "একটা ছোট দোকান দিতে সাহায্য চাই"),
    # The topics of issue 15, asked in a third way too (Banglish), with the fact each answer
    # must carry.
    "stranded_abroad": ("My iqama is finished and I have no papers, how can I come home?",
                        "আকামার মেয়াদ শেষ, কাগজপত্র কিছু নাই, দেশে ফেরার উপায় কী?"),
    "complaint_agency": ("The agency took my money and did not send me, where can I complain?",
                         "এজেন্সি টাকা নিয়ে আর বিদেশ পাঠায়নি, কোথায় অভিযোগ দিব?"),
    "women_migration": ("Can a woman go abroad as a housemaid, what are the rules for women?",
                        "মেয়েরা কি বাসার কাজের জন্য বিদেশ যেতে পারে? মেয়েদের জন্য নিয়ম কী?"),
    "welfare_board": ("How do I become a member of the wage earners welfare board?",
                      "প্রবাসী কল্যাণ বোর্ডের সদস্য হতে কী করতে হয়?"),
    "destination_info": ("Is Malaysia taking workers from Bangladesh now?",
                         "মালয়েশিয়া কি এখন বাংলাদেশ থেকে লোক নিচ্ছে?"),
}
BANGLISH_AND_FACTS = {
    "stranded_abroad": ("amar iqama sesh kagoj nai deshe firte chai ki korbo",
                        "out-pass", "আউটপাস"),
    "complaint_agency": ("dalal taka niye palaise, kothay obhijog korbo bolen",
                         "BMET", "বিএমইটি"),
    "women_migration": ("meyera ki bideshe griho kormi hisebe jete pare", "women", "নারী"),
    "welfare_board": ("kallyan board er sodosso hobo kivabe", "Welfare Board", "কল্যাণ বোর্ড"),
    "destination_info": ("oman e ki ekhon lok nicche bhai", "2025", "২০২৫"),
}


def bangla(text: str) -> bool:
    return any("\u0980" <= c <= "\u09ff" for c in text)


def first_line(client: TestClient, topic: str, lang: str, plain: bool) -> str:
    lib = client.app.state.services.resources.library  # type: ignore[attr-defined]
    t = lib.topic(topic, lang)
    if topic == "service_center_location":  # answered with the centre for the district
        return "Sylhet" if lang == "en" else "সিলেট"
    # Up to the CALL offer, which depends on who is there to call (nobody in this test).
    text = lib.fill(t.sms_pages[0] if plain else t.messenger, lang, call_offer="\0")
    return text.split("\0")[0].split("\n")[0][:30]


@pytest.mark.parametrize("topic", sorted(QUESTIONS))
def test_each_topic_over_web_chat_and_sms(client: TestClient, topic: str) -> None:
    for lang, question in zip(("en", "bn"), QUESTIONS[topic], strict=True):
        web = client.post("/webchat/messages",
                          json={"user_id": f"web-{topic}-{lang}", "text": question}).json()
        text = web["messages"][0]["text"]
        assert first_line(client, topic, lang, plain=False) in text, (topic, lang, text)
        assert bangla(text) == (lang == "bn")
        phone = f"+88017{abs(hash((topic, lang))) % 10**8:08d}"
        response = post_twilio(client, "/webhooks/twilio/sms", sms(question, f"SM{topic}{lang}",
                                                                    phone))
        bodies = re.findall(r"<Message>(.*?)</Message>", response.text, re.S)
        assert bodies, (topic, lang, response.text)
        assert first_line(client, topic, lang, plain=True) in _unescape(bodies[0])
        assert all(cost(_unescape(b)).parts <= 3 for b in bodies)  # the inline budget


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&quot;", '"').replace("&#x27;", "'")




@pytest.mark.parametrize("topic", sorted(BANGLISH_AND_FACTS))
def test_new_topics_carry_their_key_facts_in_all_three_varieties(client: TestClient,
                                                                  topic: str) -> None:
    banglish, fact_en, fact_bn = BANGLISH_AND_FACTS[topic]
    en, bn = QUESTIONS[topic]
    # Banglish on a messenger is answered in Bangla script.
    for lang, question, fact in (("en", en, fact_en), ("bn", bn, fact_bn),
                                 ("bn", banglish, fact_bn)):
        web = client.post("/webchat/messages", json={
            "user_id": f"web-new-{topic}-{abs(hash(question))}", "text": question}).json()
        text = "\n".join(m["text"] for m in web["messages"])
        assert first_line(client, topic, lang, plain=False) in text, (topic, question, text)
        assert fact in text, (topic, question, fact)
