"""Fill a PostgreSQL database with invented people, conversations and tickets at volume, shaped
exactly as the service stores them (issue 13, the volume benchmark). One command:

    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/seed_volume.py \
        --contacts 1000000 --tickets 300000 --messages 5000000 [--reset]

Migrations and reference data are applied the way the service applies them
(`api.cli_db.database_session`); the rows then go in by binary COPY, in batches of contacts
with their addresses, messages, screenings, tickets and audit trails. Personal fields are
encrypted and hashed with `referral.crypto`, under the keys in `$VAR_DIR/keys` (default
var/volume, shared with bench/volume_bench.py and the server it starts). Everything is invented.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var" / "volume")
PASSWORD = "volume bench password (invented)"
ORGANIZERS_PER_CENTRE = 5
BATCH = 10_000  # contacts per round of COPYs
SPAN = timedelta(days=3 * 365)  # contacts arrive evenly over three years up to now
CHANNELS = (("sms", 40), ("whatsapp", 30), ("telegram", 20), ("messenger", 10))
OPERATORS = "3456789"  # +8801X…: Bangladeshi mobile operators
NEEDS = ("business", "skills", "job", "counselling", "medical", "legal", "loan")
COUNTRIES = ("Saudi Arabia", "Oman", "UAE", "Qatar", "Malaysia", "Kuwait", "Singapore", "Jordan")
INTENTS = (("greet", 0.93), ("reintegration_support", 0.71), ("safe_migration_cost", 0.64),
           ("remittance", 0.58), ("nlu_fallback", 0.22), ("menu", 0.99), ("register", 0.88))
TEXTS_IN = ("hello", "menu", "1", "2", "yes", "ami bidesh theke firechi, sahajjo chai",
            "I came back from Dubai and need work", "saudi jete koto taka lage",
            "বিদেশ যেতে কী কী কাগজ লাগে?", "আমি মালয়েশিয়া থেকে ফিরে এসেছি, কাজ দরকার",
            "how do I send money home safely?", "Cumilla", "32", "01712345678", "thank you")
TEXTS_OUT = ("Welcome to Prottasha. Reply 1 to register, 2 for safe migration, 3 for help.",
             "প্রত্যাশায় স্বাগতম। নিবন্ধনের জন্য ১ লিখুন।", "How old are you?",
             "Which district do you live in?", "আপনার কী ধরনের সাহায্য দরকার?",
             "Thank you, we registered you. Your reference is PR-7KQ2MX.",
             "A fee above the government rate is illegal. Ask BMET for the rate for your country.")
OPEN = (("referred", 5), ("in_progress", 7), ("contacted", 6), ("assigned", 10), ("new", 2))
# Cases close as they age: most of a month-old queue is still open, little of last year's.
CLOSED_BY_AGE = ((timedelta(days=30), 0.15), (timedelta(days=180), 0.6), (SPAN * 2, 0.97))
CLOSING = (("support_completed", 55), ("dropout", 15), ("not_reachable", 15), ("cancelled", 10),
           ("duplicate", 5))
REASONS = ({"id": "forced_return", "en": "Was sent back or escaped abuse",
            "bn": "ফেরত পাঠানো হয়েছে বা নির্যাতন থেকে পালিয়েছেন"},
           {"id": "no_income", "en": "Has no income now", "bn": "এখন কোনো আয় নেই"},
           {"id": "debt_1_to_5_lakh", "en": "Owes 1 to 5 lakh taka",
            "bn": "১ থেকে ৫ লাখ টাকা ঋণ"},
           {"id": "female", "en": "Woman returnee", "bn": "নারী প্রত্যাবাসী"})


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def phone_of(n: int) -> str:
    """A distinct, possible Bangladeshi mobile number for contact number `n` (invented)."""
    return f"+8801{OPERATORS[n % 7]}{(n // 7 * 37 + 1_234_567) % 10**8:08d}"


@dataclass
class World:
    """Reference data and staff that every batch draws from."""

    districts: list[tuple[str, str]]  # (district, centre)
    organizers: dict[str, list[int]]
    start: datetime
    counts: dict[str, int] = field(default_factory=dict)
    next_id: dict[str, int] = field(default_factory=dict)

    def ids(self, table: str, n: int) -> range:
        first = self.next_id.get(table, 1)
        self.next_id[table] = first + n
        return range(first, first + n)


@dataclass
class Rows:
    """One batch: the records for each table, in COPY column order."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


COLUMNS = {
    "contacts": ("id", "phone_hash", "phone", "created_at"),
    "contact_channels": ("channel", "user_hash", "contact_id", "opted_out", "opted_out_at",
                         "last_seen_at"),
    "inbox_messages": ("id", "channel", "provider_id", "user_hash", "text", "address", "language",
                       "intent", "confidence", "flow", "status", "received_at"),
    "outbox_messages": ("id", "channel", "user_hash", "address", "text", "buttons", "language",
                        "kind", "priority", "status", "in_reply_to", "provider_id", "attempts",
                        "created_at", "sent_at"),
    "consent_records": ("id", "contact_id", "version", "given", "channel", "language",
                        "created_at"),
    "screenings": ("id", "contact_id", "answers", "questionnaire_version", "rules_version",
                   "score", "decision", "reasons", "channel", "language", "created_at"),
    "tickets": ("id", "reference", "kind", "contact_id", "status", "priority", "centre_id",
                "assignee_id", "district", "gender", "needs", "channel", "language", "address",
                "phone", "phone_hash", "screening_id", "decision", "reasons", "rules_version",
                "closing_reason", "anonymised", "created_at", "updated_at", "assigned_at",
                "accepted_at", "first_contact_at", "escalated_at", "closed_at"),
    "ticket_events": ("id", "ticket_id", "actor_id", "actor", "kind", "data", "note",
                      "created_at"),
}
BIG_TABLES = tuple(COLUMNS)


class Generator:
    """Invented rows, batch by batch; one seeded random source makes runs repeatable."""

    def __init__(self, world: World, *, contacts: int, tickets: int, messages: int) -> None:
        from referral import crypto
        from referral.contacts import phone_hash
        from referral.tickets import new_reference

        self.crypto, self.phone_hash, self.new_reference = crypto, phone_hash, new_reference
        self.world, self.rng = world, random.Random(13)
        self.total = contacts
        chosen = self.rng.sample(range(1, contacts + 1), min(tickets, contacts))
        self.has_ticket = bytearray(contacts + 1)
        for n in chosen:
            self.has_ticket[n] = 1
        # Per contact: inbound messages (each answered once), ticket holders four times as many.
        inbound = messages / 2
        self.mean_other = inbound / (4 * len(chosen) + (contacts - len(chosen)))
        self.references: set[str] = set()

    def _count(self, mean: float) -> int:
        """About `mean` on average, at least one."""
        n = int(mean) + (self.rng.random() < mean - int(mean))
        if n >= 3:
            n += self.rng.randint(-1, 1)
        return max(1, n)

    def batch(self, first: int, last: int) -> Rows:
        rows = Rows()
        for n in range(first, last + 1):
            self._person(rows, n)
        return rows

    def _person(self, rows: Rows, n: int) -> None:
        rng, enc, w = self.rng, self.crypto.encrypt, self.world
        at = w.start + SPAN * (n / self.total) + timedelta(seconds=rng.randint(0, 3600))
        channel = pick(rng, CHANNELS)
        phone = phone_of(n)
        on_phone = channel in ("sms", "whatsapp")
        user_id = {"sms": phone, "whatsapp": "whatsapp:" + phone,
                   "telegram": str(500_000_000 + n), "messenger": str(2_400_000_000_000_000 + n)
                   }[channel]
        rows.add("contacts", (n, self.phone_hash(phone) if on_phone else None,
                              enc(phone) if on_phone else None, at))
        addresses = [(channel, user_id)]
        if channel == "sms" and rng.random() < 0.25:  # the same person also on WhatsApp
            addresses.append(("whatsapp", "whatsapp:" + phone))
        language = "bn" if rng.random() < 0.7 else "en"
        ticketed = bool(self.has_ticket[n])
        count = self._count(self.mean_other * (4 if ticketed else 1))
        last_seen = at
        for index, (chan, uid) in enumerate(addresses):
            user_hash = self.crypto.lookup_hash(uid.strip())
            address = enc(uid)  # the outbox keeps where each reply went, encrypted
            share = count if len(addresses) == 1 else (count + 1) // 2 if index == 0 else count // 2
            for k in range(share):
                received = at + timedelta(minutes=3 * k + 10 * index, seconds=rng.randint(0, 90))
                inbox_id = w.ids("inbox_messages", 1)[0]
                intent, confidence = rng.choice(INTENTS)
                rows.add("inbox_messages", (
                    inbox_id, chan, self.crypto.inbox_key(chan, f"SM{inbox_id:032x}"), user_hash,
                    enc(rng.choice(TEXTS_IN)), None, language, intent,
                    round(confidence - rng.random() * 0.1, 3), "register" if ticketed and k > 1
                    else None, "handled", received))
                sent = received + timedelta(milliseconds=rng.randint(300, 2500))
                rows.add("outbox_messages", (
                    w.ids("outbox_messages", 1)[0], chan, user_hash, address,
                    enc(rng.choice(TEXTS_OUT)), "[]", language, "reply", 0,
                    rng.choice(("sent", "delivered", "delivered", "read")), inbox_id,
                    f"SM{rng.getrandbits(128):032x}" if chan in ("sms", "whatsapp") else None,
                    1, sent, sent))
                last_seen = max(last_seen, received)
            rows.add("contact_channels", (chan, user_hash, n, False, None, last_seen))
        if ticketed:
            self._ticket(rows, n, at + timedelta(minutes=3 * count), channel, user_id, phone,
                         language)

    def _ticket(self, rows: Rows, contact: int, at: datetime, channel: str, user_id: str,
                phone: str, language: str) -> None:
        rng, enc, w = self.rng, self.crypto.encrypt, self.world
        kind = pick(rng, (("registration", 85), ("handoff", 10), ("urgent", 5)))
        district: str | None
        centre: str | None
        district, centre = rng.choice(w.districts)
        if kind == "urgent" and rng.random() < 0.2:
            district, centre = None, None  # still on the on-call queue
        gender = pick(rng, (("male", 70), ("female", 28), ("other", 2)))
        needs = sorted(rng.sample(NEEDS, rng.randint(1, 3)))
        reasons = rng.sample(REASONS, rng.randint(1, 3)) if kind == "registration" else []
        screening_id = None
        if kind == "registration":
            screening_id = w.ids("screenings", 1)[0]
            answers = {"returned": "yes", "country": rng.choice(COUNTRIES),
                       "return_date": f"{at.year - rng.randint(0, 1)}-{rng.randint(1, 12):02d}",
                       "age": rng.randint(19, 58), "gender": gender, "district": district,
                       "return_reason": rng.choice(("contract_ended", "deported", "illness")),
                       "income": rng.choice(("none", "irregular", "regular")),
                       "debt": rng.choice(("none", "under_1_lakh", "1_to_5_lakh")),
                       "health_problem": rng.choice(("yes", "no")),
                       "distress": rng.choice(("often", "sometimes", "rarely")),
                       "dependants": rng.randint(0, 8), "needs": needs, "phone": phone}
            rows.add("consent_records", (w.ids("consent_records", 1)[0], contact, "consent-1",
                                         True, channel, language, at))
            rows.add("screenings", (screening_id, contact, enc(json.dumps(answers,
                                                                         ensure_ascii=False)),
                                    "q-1", "default-1", rng.randint(3, 14), "eligible",
                                    json.dumps(reasons, ensure_ascii=False), channel, language,
                                    at))
        ticket_id = w.ids("tickets", 1)[0]
        # A case with no centre yet waits on the on-call queue, unassigned.
        age = datetime.now(UTC) - at
        closed_share = next(share for limit, share in CLOSED_BY_AGE if age <= limit)
        status = "closed" if rng.random() < closed_share else pick(rng, OPEN)
        if centre is None:
            status = "new"
        priority = "urgent" if kind == "urgent" else pick(rng, (("high", 15), ("normal", 85)))
        events: list[tuple[datetime, int | None, str, str, dict[str, Any]]] = [
            (at, None, "person", "created", {"priority": priority, "ticket_kind": kind})]
        assignee = assigned = accepted = contacted = closed = reason = None
        if status != "new" and centre is not None:
            assignee = rng.choice(w.organizers[centre])
            assigned = at + timedelta(seconds=1)
            events.append((assigned, None, "system", "assigned", {"assignee": assignee}))
            if status != "assigned":
                accepted = assigned + timedelta(hours=rng.uniform(0.2, 30))
                contacted = accepted + timedelta(hours=rng.uniform(0.1, 48))
                events.append((accepted, assignee, "staff", "accepted", {}))
                events.append((contacted, assignee, "staff", "status",
                               {"before": "assigned", "after": "contacted", "reason": None}))
            if status in ("in_progress", "referred", "closed"):
                assert contacted is not None
                closed = contacted + timedelta(days=rng.uniform(1, 90))
                reason = pick(rng, CLOSING) if status == "closed" else None
                events.append((closed, assignee, "staff", "status",
                               {"before": "contacted", "after": status, "reason": reason}))
                if status != "closed":
                    closed = None
        now = datetime.now(UTC)  # the latest cases have not lived their whole course yet
        # What the service's escalation sweep has done to cases nobody accepted in time.
        allowed = timedelta(hours=1 if priority == "urgent" else 24)
        escalated = (assigned or at) + allowed if status in ("new", "assigned") else None
        escalated = escalated if escalated and escalated < now else None
        accepted, contacted, closed = (min(t, now) if t else None
                                       for t in (accepted, contacted, closed))
        events = [(min(e[0], now), *e[1:]) for e in events]
        note = enc("Called twice, will try again on Friday.") if rng.random() < 0.1 else None
        if note is not None and assignee is not None:
            events.append((events[-1][0] + timedelta(minutes=5), assignee, "staff", "note", {}))
        updated = events[-1][0]
        reference = self.new_reference()
        while reference in self.references:
            reference = self.new_reference()
        self.references.add(reference)
        rows.add("tickets", (
            ticket_id, reference, kind, contact, status, priority, centre, assignee, district,
            gender, json.dumps(needs), channel, language, enc(user_id), enc(phone),
            self.phone_hash(phone), screening_id, "eligible" if screening_id else None,
            json.dumps(reasons, ensure_ascii=False), "default-1" if screening_id else None,
            reason, False, at, updated, assigned, accepted, contacted, escalated, closed))
        for when, actor_id, actor, event, data in events:
            rows.add("ticket_events", (w.ids("ticket_events", 1)[0], ticket_id, actor_id, actor,
                                       event, json.dumps(data),
                                       note if event == "note" else None, when))


async def prepare(url: str, reset: bool) -> None:
    """An empty schema on --reset; then migrations and reference data, as the service does."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("VAR_DIR", str(VAR_DIR))
    if reset:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()
    from api.cli_db import database_session
    from referral import staff
    from referral.casework import Centre, Ticket

    async with database_session() as session:
        from sqlalchemy import func, select

        if await session.scalar(select(func.count()).select_from(Ticket)):
            raise SystemExit("the database already has tickets: pass --reset to start anew")
        from argon2 import PasswordHasher

        hashed = PasswordHasher().hash(PASSWORD)  # one hash for all: argon2 is slow on purpose
        centres = (await session.scalars(select(Centre).order_by(Centre.id))).all()
        people: list[tuple[str, str, str | None]] = [("Volume admin (invented)", "admin", None)]
        for centre in centres:
            people.append((f"Volume manager, {centre.name_en} (invented)", "manager", centre.id))
            people += [(f"Volume organizer {k}, {centre.name_en} (invented)", "organizer",
                        centre.id) for k in range(1, ORGANIZERS_PER_CENTRE + 1)]
        for name, role, centre_id in people:
            user, _token = await staff.create_user(session, name=name, role=role,
                                                   centre=centre_id, language="en")
            user.password_hash = hashed
        await session.commit()


async def world(conn: asyncpg.Connection) -> World:
    districts = [(r["name"], r["centre_id"]) for r in
                 await conn.fetch("SELECT name, centre_id FROM districts ORDER BY name")]
    organizers: dict[str, list[int]] = {}
    for r in await conn.fetch("SELECT id, centre_id FROM staff_users WHERE role = 'organizer' "
                              "ORDER BY id"):
        organizers.setdefault(r["centre_id"], []).append(r["id"])
    return World(districts, organizers, datetime.now(UTC) - SPAN - timedelta(days=1))


async def secondary_indexes(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """(name, definition) of the big tables' indexes that no constraint owns."""
    rows = await conn.fetch(
        "SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS ddl FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relname = ANY($1::text[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)", list(BIG_TABLES))
    return [(r["name"], r["ddl"]) for r in rows]


def batches(total: int) -> Iterator[tuple[int, int]]:
    for first in range(1, total + 1, BATCH):
        yield first, min(total, first + BATCH - 1)


async def load(url: str, contacts: int, tickets: int, messages: int) -> dict[str, int]:
    from referral import crypto

    assert crypto._fernet is not None  # installed by database_session
    conn = await asyncpg.connect(url)
    counts: dict[str, int] = {}
    try:
        # As pg_restore does: indexes built once at the end, foreign-key triggers off while
        # loading rows the generator keeps consistent, no wait for each COPY's WAL flush.
        await conn.execute("SET session_replication_role = replica; SET synchronous_commit = off;"
                           " SET maintenance_work_mem = '512MB'")
        indexes = await secondary_indexes(conn)
        for name, _ddl in indexes:
            await conn.execute(f'DROP INDEX "{name}"')
        gen = Generator(await world(conn), contacts=contacts, tickets=tickets, messages=messages)
        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rows]:,} rows"), TimeElapsedColumn()]
        with Progress(*columns) as progress:
            task = progress.add_task("contacts", total=contacts, rows=0)
            for first, last in batches(contacts):
                rows = gen.batch(first, last)
                for table in BIG_TABLES:
                    records = rows.tables.get(table, [])
                    if records:
                        await conn.copy_records_to_table(table, records=records,
                                                         columns=COLUMNS[table])
                        counts[table] = counts.get(table, 0) + len(records)
                progress.update(task, completed=last, rows=sum(counts.values()))
            task = progress.add_task("indexes", total=len(indexes), rows=0)
            for _name, ddl in indexes:
                await conn.execute(ddl)
                progress.advance(task)
        for table in BIG_TABLES:
            if "id" in COLUMNS[table]:
                await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT coalesce(max(id), 1) FROM {table}))")
        await conn.execute("SET session_replication_role = origin")
        await conn.execute("VACUUM ANALYZE")  # what autovacuum would have done by now
    finally:
        await conn.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=300_000)
    parser.add_argument("--messages", type=int, default=5_000_000,
                        help="inbox and outbox together (each message answered once)")
    parser.add_argument("--reset", action="store_true", help="drop everything in the database first")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith(("postgresql://", "postgres://")):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database (postgresql://…)")
    started = time.monotonic()
    asyncio.run(prepare(url, args.reset))
    counts = asyncio.run(load(url, args.contacts, args.tickets, args.messages))
    elapsed = time.monotonic() - started
    for table, n in counts.items():
        print(f"{table:<18}{n:>12,}")
    print(f"seeded in {elapsed:.0f} s ({elapsed / 60:.1f} min)")


if __name__ == "__main__":
    main()
