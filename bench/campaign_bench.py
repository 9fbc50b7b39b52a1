"""A campaign to 100,000 contacts (issue 12): how long planning and queuing take, the memory of
queuing, the drain rate against the SMS cap, and the API's latency while it drains. One command:

    BENCH_DATABASE_URL=postgresql://…/prottasha_bench BENCH_REDIS_URL=redis://…/14 \
        .venv/bin/python bench/campaign_bench.py [--contacts 100000] [--reuse] [--seconds 30]

1. Seeds `--contacts` invented people reachable by SMS (phones +8801…, made up; languages bn,
   en and Banglish, districts from the reference data), by binary COPY as bench/seed_volume.py
   does, under the keys in $VAR_DIR (default var/campaign). `--reuse` keeps an earlier seed.
2. Creates a draft campaign to everyone on SMS and, in a child process (so its peak resident
   set is the queuing's own), times `sending.plan` (the dry run) and `sending.start` (one
   outbox row and one campaign_recipients row per contact).
3. Serves the real app (`prottasha serve`, one process, Redis configured so it does not drain
   the outbox itself), a stand-in for Twilio's REST API (a separate process that records the
   time each message reaches it and answers like Messages.json), and drains with real
   `prottasha worker` processes pointed at the stand-in (`TWILIO_API_BASE`), for `--seconds`
   at each of: cap 100/s with 1 worker, cap 500/s with 1 worker, cap 500/s with 2 workers.
   The caps are Redis's sliding windows, shared between the workers.
4. Meanwhile, and before (idle, the campaign started but no worker), times GET /healthz,
   GET /api/v1/campaigns/{id} and GET /api/v1/tickets one after another.

Quiet hours are off for the bench campaign: the time of day would otherwise hold every message
until 08:00 in Dhaka. Results go to stdout and bench/results/campaign-<date>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's code, not whichever the venv installed

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from rich.progress import (  # noqa: E402
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

VAR_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var" / "campaign")
BATCH = 10_000
OPERATORS = "3456789"  # +8801X…: Bangladeshi mobile operators
LANGUAGES = (("bn", 55), ("en", 25), ("banglish", 20))
ACCOUNT_SID = "AC" + "0" * 32  # invented
AUTH_TOKEN = "campaign-bench-token-" + "0" * 11  # invented
FROM = "+15005550006"  # Twilio's magic test number
NAME = "Bench: safe migration awareness (invented)"
MESSAGES = {
    "bn": "বিদেশে কাজের আগে বিএমইটি-তে নিবন্ধন করুন। দালালকে সরকারি হারের বেশি টাকা দেবেন না।",
    "en": "Register with BMET before you go abroad to work. Never pay an agent more than the "
          "government rate.",
    "banglish": "Bidesh jawar age BMET-e nibondhon korun. Dalal ke sorkari rater beshi taka "
                "diben na."}
ADMIN = "Campaign bench admin (invented)"
SCENARIOS = ((100, 1), (500, 1), (500, 2))  # (SMS cap a second, worker processes)
PATHS = ("/healthz", "/api/v1/campaigns/{id}", "/api/v1/tickets?limit=20")


def phone_of(n: int) -> str:
    """A distinct, possible Bangladeshi mobile number for contact `n` (invented)."""
    return f"+8801{OPERATORS[n % 7]}{(n // 7 * 37 + 7_654_321) % 10**8:08d}"


def app_command(*args: str) -> list[str]:
    """`prottasha …` from this checkout (the venv's console script may import another one)."""
    return [sys.executable, "-c", "from api.cli import main; main()", *args]


def env_for(url: str, redis_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "VAR_DIR": str(VAR_DIR),
            "APP_ENV": "development", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), **extra}


# -- 1. seeding ---------------------------------------------------------------------------------

async def seed(url: str, contacts: int, reuse: bool) -> dict[str, Any]:
    """Invented SMS contacts by COPY; skipped with `reuse` when enough are there."""
    os.environ.update(DATABASE_URL=url, VAR_DIR=str(VAR_DIR))
    conn = await asyncpg.connect(url)
    try:
        have = 0
        if reuse and await conn.fetchval("SELECT to_regclass('contact_channels')"):
            have = await conn.fetchval("SELECT count(*) FROM contact_channels "
                                       "WHERE channel = 'sms' AND address IS NOT NULL")
        if reuse and have >= contacts:
            return {"reused": True, "contacts": have, "seconds": 0.0}
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
    from api.cli_db import database_session
    from referral import crypto
    from referral.contacts import phone_hash

    async with database_session():  # migrations, keys and reference data, as the service has
        pass
    started = time.perf_counter()
    conn = await asyncpg.connect(url)
    rng = random.Random(12)
    try:
        districts = [r["name"] for r in await conn.fetch("SELECT name FROM districts")]
        await conn.execute("SET synchronous_commit = off")
        now = datetime.now(UTC)
        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:,.0f}/s"), TimeElapsedColumn(),
                   TimeRemainingColumn()]
        with Progress(*columns) as bar:
            task = bar.add_task("seeding contacts", total=contacts, rate=0)
            for first in range(1, contacts + 1, BATCH):
                last = min(contacts, first + BATCH - 1)
                people, channels = [], []
                for n in range(first, last + 1):
                    phone = phone_of(n)
                    language = rng.choices([x[0] for x in LANGUAGES],
                                           [x[1] for x in LANGUAGES])[0]
                    district = rng.choice(districts) if rng.random() < 0.85 else None
                    at = now - timedelta(days=rng.uniform(1, 700))
                    people.append((n, phone_hash(phone), crypto.encrypt(phone), at, language,
                                   district))
                    channels.append(("sms", crypto.lookup_hash(phone), n, False, None,
                                     at + timedelta(days=rng.uniform(0, 1)),
                                     crypto.encrypt(phone)))
                await conn.copy_records_to_table(
                    "contacts", records=people,
                    columns=("id", "phone_hash", "phone", "created_at", "language", "district"))
                await conn.copy_records_to_table(
                    "contact_channels", records=channels,
                    columns=("channel", "user_hash", "contact_id", "opted_out", "opted_out_at",
                             "last_seen_at", "address"))
                bar.update(task, completed=last,
                           rate=last / (time.perf_counter() - started))
        await conn.execute("SELECT setval(pg_get_serial_sequence('contacts', 'id'), $1)",
                           contacts)
        await conn.execute("VACUUM ANALYZE contacts")
        await conn.execute("VACUUM ANALYZE contact_channels")
    finally:
        await conn.close()
    return {"reused": False, "contacts": contacts,
            "seconds": round(time.perf_counter() - started, 1)}


async def prepare_campaign(url: str) -> tuple[int, str]:
    """A fresh draft to everyone on SMS (earlier bench campaigns and their rows removed) and an
    admin's API token."""
    os.environ.update(DATABASE_URL=url, VAR_DIR=str(VAR_DIR))
    from sqlalchemy import delete, select

    from api.cli_db import database_session
    from referral import staff
    from referral.campaigns import drafts
    from referral.campaigns.models import Campaign, CampaignRecipient
    from referral.casework import StaffUser
    from referral.models import OutboxMessage

    async with database_session() as db:
        await db.execute(delete(OutboxMessage).where(OutboxMessage.campaign_id.is_not(None)))
        await db.execute(delete(CampaignRecipient))
        await db.execute(delete(Campaign))
        admin = await db.scalar(select(StaffUser).where(StaffUser.name == ADMIN))
        if admin is None:
            admin, token = await staff.create_user(db, name=ADMIN, role="admin", language="en")
        else:
            token = await staff.issue_token(db, admin)
        campaign = await drafts.create(db, None, name=NAME, segment={"channels": ["sms"]},
                                       messages=MESSAGES, quiet_hours=False)
        await db.commit()
        campaign_id = campaign.id
    return campaign_id, token


# -- 2. planning and queuing, in a child process ------------------------------------------------

def proc_status(pid: int | str, field: str) -> float:
    """A memory figure of /proc/<pid>/status, in MB."""
    found = re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(found.group(1)) / 1024 if found else 0.0


def reset_peak() -> None:
    """This process's peak resident set (VmHWM) starts again from its current one."""
    Path("/proc/self/clear_refs").write_text("5")


async def plan_and_start(url: str, campaign_id: int) -> dict[str, Any]:
    os.environ.update(DATABASE_URL=url, VAR_DIR=str(VAR_DIR))
    from api.cli_db import database_session
    from bot.campaigns import Composer
    from bot.i18n import Catalogs
    from referral.campaigns import drafts, sending

    result: dict[str, Any] = {}
    async with database_session() as db:
        campaign = await drafts.get(db, None, campaign_id)
        compose = Composer(campaign.messages, Catalogs())
        plans, cpus = [], []
        for _ in range(2):  # the first also warms the database's cache
            started, cpu = time.perf_counter(), time.process_time()
            plan = await sending.plan(db, campaign, compose)
            plans.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        result["plan_seconds"] = [round(s, 2) for s in plans]
        result["plan_cpu_seconds_python"] = [round(s, 2) for s in cpus]
        result["plan"] = {"recipients": plan.recipients, "sms_segments": plan.sms_segments,
                          "by_language": dict(plan.by_language)}
        await db.commit()
        reset_peak()
        before = proc_status("self", "VmRSS")
        cpu = time.process_time()
        columns = [TextColumn("queuing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns) as bar:
            task = bar.add_task("queuing", total=plan.recipients)
            started = time.perf_counter()
            done = await sending.start(db, campaign, compose,
                                       progress=lambda n: bar.advance(task, n))
            elapsed = time.perf_counter() - started
        result["start"] = {"seconds": round(elapsed, 2), "rows_per_s": round(done.recipients /
                                                                             elapsed),
                           "cpu_seconds_python": round(time.process_time() - cpu, 2),
                           "queued": done.recipients, "rss_before_mb": round(before, 1),
                           "rss_peak_mb": round(proc_status("self", "VmHWM"), 1)}
        result["start"]["rss_growth_mb"] = round(result["start"]["rss_peak_mb"] - before, 1)
    return result


# -- 3. the Twilio stand-in ---------------------------------------------------------------------

def standin(port: int) -> None:
    """Answers POST …/Messages.json like Twilio (201 and a SID) and records when each came and
    to whom; GET /calls hands the records over and forgets them. asyncio, keep-alive."""
    calls: list[tuple[float, str]] = []
    counter = iter(range(1, 10**9))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        from urllib.parse import parse_qs
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                at = time.time()
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    if line.lower().startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                payload: dict[str, Any]
                if method == "POST" and path.endswith("/Messages.json"):
                    to = parse_qs(body.decode()).get("To", [""])[0]
                    calls.append((at, to))
                    status, payload = "201 Created", {"sid": f"SM{next(counter):032d}",
                                                      "status": "queued", "to": to}
                elif path == "/calls":
                    status, payload = "200 OK", {"calls": list(calls)}
                    calls.clear()
                else:
                    status, payload = "404 Not Found", {"code": 20404, "status": 404}
                data = json.dumps(payload).encode()
                writer.write(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                             f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# -- measuring ----------------------------------------------------------------------------------

def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        try:
            if stat.read_text().strip() == "postgres":
                out.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return out


def summary(times: list[float]) -> dict[str, float]:
    if len(times) < 2:
        return {"n": len(times)}
    cuts = statistics.quantiles(times, n=100)
    return {"n": len(times), "p50_ms": round(statistics.median(times) * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


class Prober:
    """Requests the API's paths in turn, one at a time, until stopped."""

    def __init__(self, base: str, token: str, campaign_id: int) -> None:
        self.client = httpx.Client(base_url=base, timeout=30,
                                   headers={"Authorization": f"Bearer {token}"})
        self.paths = [p.format(id=campaign_id) for p in PATHS]
        self.stop = threading.Event()
        self.times: dict[str, list[float]] = {}
        self.errors = 0

    def run(self, count: int | None = None) -> dict[str, dict[str, float]]:
        self.times = {p: [] for p in PATHS}
        self.stop.clear()
        done = 0
        while not self.stop.is_set() and (count is None or done < count):
            for template, path in zip(PATHS, self.paths, strict=True):
                started = time.perf_counter()
                response = self.client.get(path)
                self.times[template].append(time.perf_counter() - started)
                if response.status_code != 200:
                    self.errors += 1
            done += 1
        return {p: summary(t) for p, t in self.times.items()}

    def background(self) -> threading.Thread:
        thread = threading.Thread(target=self.run)
        thread.start()
        return thread


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most sends in any sliding `window` seconds."""
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def wait_healthy(port: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit(f"nothing healthy on port {port}")


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def outbox_counts(url: str, campaign_id: int) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT status, count(*) AS n FROM outbox_messages "
                                "WHERE campaign_id = $1 GROUP BY status", campaign_id)
    finally:
        await conn.close()
    return {r["status"]: r["n"] for r in rows}


def drain(url: str, redis_url: str, standin_url: str, cap: int, workers: int, seconds: float,
          prober: Prober, client: httpx.Client) -> dict[str, Any]:
    """Worker processes at `cap` for `seconds` from the first send, the API probed meanwhile."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # a fresh sliding window (db of the bench only)
    client.get("/calls")
    env = env_for(url, redis_url, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                  TWILIO_FROM_NUMBER=FROM, TWILIO_API_BASE=standin_url,
                  RATE_CAP_SMS=str(cap), PUBLIC_BASE_URL="http://127.0.0.1:9")
    procs = [subprocess.Popen(app_command("worker"), env=env, cwd=ROOT) for _ in range(workers)]
    calls: list[tuple[float, str]] = []
    try:
        deadline = time.monotonic() + 120
        while not calls and time.monotonic() < deadline:  # the workers have started
            time.sleep(0.05)
            calls += [tuple(c) for c in client.get("/calls").json()["calls"]]
        if not calls:
            raise SystemExit("the workers sent nothing")
        pg = postgres_pids()
        cpu_before = {"workers": cpu_seconds([p.pid for p in procs]), "postgres": cpu_seconds(pg)}
        thread = prober.background()
        first = calls[0][0]
        time.sleep(max(0.0, first + seconds - time.time()))
        prober.stop.set()
        cpu = {"workers": cpu_seconds([p.pid for p in procs]) - cpu_before["workers"],
               "postgres": cpu_seconds(pg) - cpu_before["postgres"]}
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
    thread.join()
    calls += [tuple(c) for c in client.get("/calls").json()["calls"]]
    times = sorted(t for t, _ in calls)
    first = times[0]
    measured = [t for t in times if t < first + seconds]
    steady = [t for t in measured if t >= first + 2]  # past the workers' start
    busiest = max_in_window(times)
    api = {p: summary(t) for p, t in prober.times.items()}
    result = {"cap_per_s": cap, "workers": workers, "seconds": seconds, "sent": len(measured),
              "load_average_1min_after": os.getloadavg()[0],
              "rate_per_s": round(len(measured) / seconds, 1),
              "steady_rate_per_s": round(len(steady) / (seconds - 2), 1),
              "share_of_cap": round(len(measured) / seconds / cap, 3),
              "max_in_any_1s_window": busiest, "cap_respected": busiest <= cap,
              "sent_after_stop": len(times) - len(measured),
              "cpu_ms_per_message": {k: round(v * 1000 / max(1, len(measured)), 2)
                                     for k, v in cpu.items()},
              "cpu_share_of_one_core": {k: round(v / seconds, 2) for k, v in cpu.items()},
              "api": api, "recipients": [to for _, to in calls]}
    return result


# -- the run ------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier seed if big enough")
    parser.add_argument("--seconds", type=float, default=30.0, help="of draining per scenario")
    parser.add_argument("--idle-rounds", type=int, default=150)
    parser.add_argument("--phase", choices=["standin", "start"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    if args.phase == "standin":
        standin(args.port)
        return
    if not url.startswith(("postgresql://", "postgres://")) or not redis_url:
        raise SystemExit("set BENCH_DATABASE_URL (PostgreSQL) and BENCH_REDIS_URL")
    if args.phase == "start":
        args.out.write_text(json.dumps(asyncio.run(plan_and_start(url, args.campaign))))
        return

    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                                       / 2**30),
                    "load_average_at_start": os.getloadavg()}}
    results["seed"] = asyncio.run(seed(url, args.contacts, args.reuse))
    print("seed", results["seed"], flush=True)
    campaign_id, token = asyncio.run(prepare_campaign(url))

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "start.json"
        subprocess.run([sys.executable, __file__, "--phase", "start", "--campaign",
                        str(campaign_id), "--out", str(out)], check=True, cwd=ROOT)
        results.update(json.loads(out.read_text()))
    print("plan", results["plan_seconds"], "s, Python CPU", results["plan_cpu_seconds_python"],
          "s", results["plan"], flush=True)
    print("start", results["start"], flush=True)

    port, standin_port = free_port(), free_port()
    stand = subprocess.Popen([sys.executable, __file__, "--phase", "standin", "--port",
                              str(standin_port)], cwd=ROOT)
    server = subprocess.Popen(app_command("serve", "--port", str(port)), cwd=ROOT,
                              env=env_for(url, redis_url,
                                          PUBLIC_BASE_URL=f"http://127.0.0.1:{port}"))
    recipients: Counter[str] = Counter()
    try:
        wait_healthy(port)
        standin_url = f"http://127.0.0.1:{standin_port}"
        prober = Prober(f"http://127.0.0.1:{port}", token, campaign_id)
        prober.run(10)  # warm up
        results["api_idle"] = prober.run(args.idle_rounds)
        print("API idle", results["api_idle"], flush=True)
        with httpx.Client(base_url=standin_url, timeout=30) as client:
            for cap, workers in SCENARIOS:
                key = f"cap{cap}_workers{workers}"
                print(f"draining: cap {cap}/s, {workers} worker(s), {args.seconds:.0f} s ...",
                      flush=True)
                run = drain(url, redis_url, standin_url, cap, workers, args.seconds, prober,
                            client)
                recipients.update(run.pop("recipients"))
                results[key] = run
                print(key, {k: v for k, v in run.items() if k != "api"}, flush=True)
                print("  API meanwhile", run["api"], flush=True)
        results["api_idle_after"] = prober.run(args.idle_rounds)
        results["api_errors"] = prober.errors
    finally:
        server.terminate()
        stand.terminate()
        server.wait(timeout=60)
        stand.wait(timeout=10)
    counts = asyncio.run(outbox_counts(url, campaign_id))
    twice = sum(1 for n in recipients.values() if n > 1)
    results["outbox"] = counts
    results["sent_to"] = {"messages": sum(recipients.values()), "people": len(recipients),
                          "sent_twice": twice,
                          "db_sent_equals_received": counts.get("sent", 0) ==
                          sum(recipients.values())}
    report(results)


def report(r: dict[str, Any]) -> None:
    print(f"\nplanning (dry run) of {r['plan']['recipients']:,}: "
          f"{' / '.join(f'{s:.1f}' for s in r['plan_seconds'])} s (Python CPU "
          f"{' / '.join(f'{s:.1f}' for s in r['plan_cpu_seconds_python'])} s)")
    s = r["start"]
    print(f"queuing: {s['seconds']:.1f} s ({s['rows_per_s']:,} rows/s, Python CPU "
          f"{s['cpu_seconds_python']:.1f} s), peak RSS growth {s['rss_growth_mb']:.0f} MB")
    print(f"\n{'run':<20}{'sent/s':>8}{'of cap':>8}{'max 1s':>8}{'worker ms':>10}{'pg ms':>7}"
          f"  {'campaign p50/p99':>17}{'healthz p50/p99':>17}")
    idle = r["api_idle"]

    def lat(api: dict[str, Any], path: str) -> str:
        return f"{api[path].get('p50_ms', '-')}/{api[path].get('p99_ms', '-')}"

    print(f"{'idle':<20}{'':>8}{'':>8}{'':>8}{'':>10}{'':>7}  "
          f"{lat(idle, PATHS[1]):>17}{lat(idle, PATHS[0]):>17}")
    for cap, workers in SCENARIOS:
        run = r[f"cap{cap}_workers{workers}"]
        print(f"{f'cap {cap}, {workers} worker(s)':<20}{run['rate_per_s']:>8}"
              f"{run['share_of_cap']:>8.0%}{run['max_in_any_1s_window']:>8}"
              f"{run['cpu_ms_per_message']['workers']:>10}"
              f"{run['cpu_ms_per_message']['postgres']:>7}  "
              f"{lat(run['api'], PATHS[1]):>17}{lat(run['api'], PATHS[0]):>17}")
    print(f"\nsent {r['sent_to']['messages']:,} messages to {r['sent_to']['people']:,} people, "
          f"{r['sent_to']['sent_twice']} twice; outbox {r['outbox']}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    (out / f"campaign-{stamp}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
