"""Mutation testing on demand (issue 17; not in CI): break one rule at a time in a copy of the
tree and check that the tests of that rule notice.

    .venv/bin/python -m tests.mutate              # every mutant (about 15 minutes)
    .venv/bin/python -m tests.mutate can_see_any  # one, by name

Each mutant is a deliberate break of a promise (who sees a case, who is eligible, what erasure
removes, that STOP stops, that a forged request is refused, that a redelivery acts once), not
a random operator swap: a survivor then means a promise nobody checks. The copy lives in a
temporary directory, so the working tree is never touched. docs/testing.md lists the last run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


TICKETS = ("tests/referral/test_tickets.py", "tests/api/test_tickets_api.py",
           "tests/api/test_dashboard_security.py")
MUTANTS = (
    Mutant("can_see_any_centre", "referral/tickets.py",
           "return ticket.centre_id == user.centre_id", "return True", TICKETS),
    Mutant("on_call_queue_for_all", "referral/tickets.py",
           'return user.role == "manager"', "return True", TICKETS),
    Mutant("admins_see_phones", "referral/tickets.py",
           'return user.role in ("organizer", "manager")',
           'return user.role in ("organizer", "manager", "admin")', TICKETS),
    Mutant("eligible_at_strict", "referral/eligibility.py",
           "if score >= self.eligible_at:", "if score > self.eligible_at:",
           ("tests/referral/test_eligibility.py",)),
    Mutant("lte_as_lt", "referral/eligibility.py",
           '"lte": lambda a, b: a is not None and a <= b',
           '"lte": lambda a, b: a is not None and a < b',
           ("tests/referral/test_eligibility.py",)),
    Mutant("erasure_keeps_notes", "referral/erasure.py",
           ".values(note=None))", ".values())",
           ("tests/referral/test_tickets.py", "tests/channels/test_erasure_raw.py")),
    Mutant("erasure_keeps_outbox", "referral/erasure.py",
           "delete(OutboxMessage).where(OutboxMessage.user_hash.in_(hashes))",
           "delete(OutboxMessage).where(OutboxMessage.user_hash.in_([]))",
           ("tests/referral/test_tickets.py", "tests/channels/test_erasure_raw.py")),
    Mutant("stop_is_not_stop", "bot/optout.py",
           'return "stop"', "return None",
           ("tests/bot/test_dialogue.py",)),
    Mutant("staff_reply_ignores_opt_out", "bot/alerts.py",
           "if ticket.address and await contacts.opted_out(",
           "if False and await contacts.opted_out(",
           ("tests/api/test_dashboard.py", "tests/channels/test_registration_e2e.py")),
    Mutant("twilio_unsigned", "api/channels/twilio/webhook.py",
           "if not validator.validate(", "if False and not validator.validate(",
           ("tests/channels/test_twilio.py",)),
    Mutant("telegram_no_secret", "api/channels/telegram/webhook.py",
           "if not hmac.compare_digest(given.encode()",
           "if False and not hmac.compare_digest(given.encode()",
           ("tests/channels/test_telegram.py",)),
    Mutant("messenger_unsigned", "api/channels/messenger/webhook.py",
           'if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", "").encode(),',
           'if False and not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", '
           '"").encode(),', ("tests/channels/test_messenger.py",)),
    Mutant("take_over_handled_messages", "bot/service.py",
           '                       InboxMessage.status == "received",\n'
           "                       InboxMessage.received_at < now - self.abandoned)\n"
           "                .values(received_at=now)",
           "                       InboxMessage.received_at < now - self.abandoned)\n"
           "                .values(received_at=now)",
           ("tests/channels/test_twilio.py",)),
    Mutant("answer_again_forever", "api/channels/twilio/webhook.py",
           "if replies and await services.limiter.first(", "if replies or await services.limiter.first(",
           ("tests/channels/test_twilio.py",)),
    Mutant("staff_buttons_any_centre", "bot/staffdesk.py",
           "        ticket = await tickets.get_visible(session, int(ticket_id), user)\n",
           "        ticket = await session.get(tickets.Ticket, int(ticket_id))\n",
           ("tests/channels/test_registration_e2e.py", "tests/channels/test_telegram.py")),
    Mutant("staff_update_twice", "bot/staffdesk.py",
           "if provider_id is not None and not await self._first_delivery(user, provider_id):",
           "if False:", ("tests/channels/test_telegram.py",)),
)


def run(mutant: Mutant, timeout: float = 900) -> tuple[str, float]:
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        copy = Path(tmp) / "tree"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"))
        target = copy / mutant.path
        source = target.read_text(encoding="utf-8")
        if source.count(mutant.old) != 1:
            return "stale (the code it breaks has changed: update tests/mutate.py)", 0.0
        target.write_text(source.replace(mutant.old, mutant.new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
        started = time.monotonic()
        try:
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                 *mutant.tests], cwd=copy, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "killed (timeout)", time.monotonic() - started
        took = time.monotonic() - started
        if result.returncode == 0:
            return "SURVIVED", took
        if result.returncode == 1:
            return "killed", took
        tail = result.stdout.decode(errors="replace").strip().splitlines()[-1:]
        return f"error {result.returncode}: {' '.join(tail)}", took


def main(names: list[str]) -> int:
    chosen = [m for m in MUTANTS if not names or m.name in names]
    survivors = 0
    for mutant in chosen:
        verdict, took = run(mutant)
        survivors += verdict == "SURVIVED"
        print(f"{mutant.name:32} {verdict:10} {took:6.0f} s  {mutant.path}", flush=True)
    print(f"{len(chosen)} mutants, {survivors} survived")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
