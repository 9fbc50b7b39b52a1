"""The words people send that work without the NLU, whatever it guesses: the same in every state
and on every channel. Bangla replies name the Bangla word first (docs/glossary.md); STOP and
START are in bot/optout.py."""

from __future__ import annotations

# Asking for a person must not depend on the NLU: "CALL" is what our pages tell people.
CALL_WORDS = frozenset({"call", "কল", "kol", "call me", "কল করুন", "ফোন করুন", "phone me"})
MENU_WORDS = frozenset({"menu", "মেনু", "main menu", "options", "0"})
MORE_WORDS = frozenset({"more", "আরও", "aro", "আরো"})
REG_WORDS = frozenset({"reg", "register", "নিবন্ধন", "রেজিস্টার", "nibondhon", "registration"})
DELETE_WORDS = frozenset({"delete", "erase", "delete my data", "মুছে ফেলুন", "মুছে দিন", "মুছুন",
                          "muche felun", "muche fela", "muche din"})
STATUS_WORDS = frozenset({"status", "অবস্থা", "স্ট্যাটাস", "obostha"})
YES_WORDS = frozenset({"yes", "y", "ok", "ha", "haa", "hya", "ji", "হ্যাঁ", "হ্যা", "জি", "1", "১"})
# Sent back because a reply asked for it: such a word says nothing of how the person writes.
ALL_WORDS = CALL_WORDS | MENU_WORDS | MORE_WORDS | REG_WORDS | DELETE_WORDS | STATUS_WORDS | \
    YES_WORDS
