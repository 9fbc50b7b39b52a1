"""What staff get from a database at volume (issue 13): the organizer's queue, a ticket page,
search by phone, a 300,000-row CSV export and the ticket creation rate. One command, after
bench/seed_volume.py:

    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/volume_bench.py [--requests 200]

It serves the real app (`prottasha serve`, one process) on the seeded database, with the
seeder's keys ($VAR_DIR, default var/volume), logs in as the seeded staff through the login form
and with API tokens, and times requests one after another over HTTP. The export's memory is
the serving process's resident set, sampled while the file streams. Ticket creation goes
through `referral.tickets.create`, one committed transaction per ticket, and the tickets it
made are deleted afterwards. Results go to stdout and to bench/results/volume-<date>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var" / "volume")
PASSWORD = "volume bench password (invented)"  # bench/seed_volume.py's
TARGETS = {"queue_p95_ms": 30.0, "ticket_page_p95_ms": 50.0, "phone_search_p95_ms": 10.0,
           "export_rss_growth_mb": 50.0, "tickets_per_s": 500.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert found
    return int(found.group(1)) / 1024


def summary(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100)
    return {"n": len(times), "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(cuts[94] * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


def timed(client: httpx.Client, paths: list[str], headers: dict[str, str] | None = None,
          warmup: int = 10) -> dict[str, float]:
    """Each path requested once, in turn, after a few unmeasured ones."""
    for path in paths[:warmup]:
        client.get(path, headers=headers).raise_for_status()
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
    return summary(times)


async def setup(url: str, requests: int) -> dict[str, Any]:
    """Tokens for the busiest centre's staff, and tickets and phones of that centre to ask for."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("VAR_DIR", str(VAR_DIR))
    from sqlalchemy import func, select

    from api.cli_db import database_session
    from referral import staff
    from referral.casework import StaffUser, Ticket

    async with database_session() as db:
        centre = await db.scalar(select(Ticket.centre_id).where(Ticket.centre_id.is_not(None))
                                 .group_by(Ticket.centre_id).order_by(func.count().desc()).limit(1))
        busiest = await db.scalar(select(Ticket.assignee_id).where(Ticket.centre_id == centre)
                                  .group_by(Ticket.assignee_id).order_by(func.count().desc())
                                  .limit(1))
        organizer = await db.get(StaffUser, busiest)
        manager = await db.scalar(select(StaffUser).where(StaffUser.role == "manager",
                                                          StaffUser.centre_id == centre))
        admin = await db.scalar(select(StaffUser).where(StaffUser.role == "admin"))
        assert organizer and manager and admin, "seed the database first (bench/seed_volume.py)"
        tokens = {who.role: await staff.issue_token(db, who) for who in (organizer, manager, admin)}
        sample = (await db.execute(select(Ticket.id, Ticket.phone).where(Ticket.centre_id == centre)
                                   .order_by(func.random()).limit(requests))).all()
        counts = {"tickets": await db.scalar(select(func.count()).select_from(Ticket)),
                  "centre_tickets": await db.scalar(select(func.count()).where(
                      Ticket.centre_id == centre)),
                  "organizer_tickets": await db.scalar(select(func.count()).where(
                      Ticket.assignee_id == organizer.id))}
        await db.commit()
    return {"centre": centre, "organizer": organizer.name, "tokens": tokens, "counts": counts,
            "ticket_ids": [r.id for r in sample], "phones": [r.phone for r in sample if r.phone]}


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(VAR_DIR), "APP_ENV": "development",
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "LOG_LEVEL": "WARNING"}
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    server = subprocess.Popen([str(Path(sys.executable).parent / "prottasha"), "serve", "--port",
                               str(port)], env=env, cwd=ROOT)
    deadline = time.monotonic() + 600  # the first start trains the NLU
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).raise_for_status()
            return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not start")


def log_in(client: httpx.Client, name: str) -> None:
    def csrf(html: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert found, "no CSRF field"
        return found.group(1)

    page = client.get("/dashboard/login")
    response = client.post("/dashboard/login", data={"who": name, "password": PASSWORD,
                                                     "csrf": csrf(page.text), "next": ""})
    assert response.status_code == 303, response.text


def export(client: httpx.Client, pid: int, token: str, path: str) -> dict[str, float]:
    """Stream one export to the end; rows, seconds and the server's resident set growth."""
    before = rss_mb(pid)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started, rows, size = time.perf_counter(), 0, 0
    try:
        with client.stream("GET", path, headers={"Authorization": f"Bearer {token}"},
                           timeout=1800) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                rows += chunk.count(b"\n")
                size += len(chunk)
    finally:
        done.set()
        sampler.join()
    return {"rows": rows - 1, "seconds": round(time.perf_counter() - started, 1),
            "mb": round(size / 2**20, 1), "rss_before_mb": round(before, 1),
            "rss_growth_mb": round(peak[0] - before, 1)}


async def creation_rate(url: str, count: int, concurrency: int) -> dict[str, float]:
    """Tickets a second through `referral.tickets.create`, one transaction each, then removed."""
    from sqlalchemy import delete, func, select
    from sqlalchemy.exc import IntegrityError

    from referral import tickets
    from referral.casework import Centre, Ticket, TicketEvent
    from referral.contacts import phone_hash
    from referral.db import make_engine, make_sessionmaker

    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    async with maker() as db:
        centres = list(await db.scalars(select(Centre.id)))
    numbers = iter(range(count))

    collisions = 0

    async def worker() -> None:
        nonlocal collisions
        for n in numbers:
            phone = f"+8801999{n:06d}"  # invented
            while True:
                async with maker() as db:
                    try:
                        await tickets.create(
                            db, reference=tickets.new_reference(), kind="registration",
                            priority="normal", centre_id=centres[n % len(centres)],
                            district=None, gender="female", needs=["job"], channel="sms",
                            language="bn", address=phone, phone=phone,
                            phone_hash=phone_hash(phone), reasons=[])
                        await db.commit()
                    except IntegrityError:  # a reference already taken (see docs)
                        collisions += 1
                        continue
                break

    async with maker() as db:
        seeded = await db.scalar(select(func.max(Ticket.id))) or 0
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:  # the database stays as seeded
        async with maker() as db:
            await db.execute(delete(TicketEvent).where(TicketEvent.ticket_id > seeded))
            await db.execute(delete(Ticket).where(Ticket.id > seeded))
            await db.commit()
        await engine.dispose()
    return {"tickets": count, "concurrency": concurrency, "seconds": round(elapsed, 2),
            "tickets_per_s": round(count / elapsed), "reference_collisions": collisions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per measured page")
    parser.add_argument("--create", type=int, default=2000, help="tickets to create")
    parser.add_argument("--skip", nargs="*", default=[], choices=["pages", "export", "create"])
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        raise SystemExit("set BENCH_DATABASE_URL to the seeded database")
    plan = asyncio.run(setup(url, args.requests))
    centre, rng = plan["centre"], random.Random(4)
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                               "centre": centre, "counts": plan["counts"]}
    print(f"centre {centre}: {plan['counts']}", flush=True)
    if "create" not in args.skip:
        for concurrency in (1, 8):
            key = f"create_c{concurrency}"
            results[key] = asyncio.run(creation_rate(url, args.create, concurrency))
            print(key, results[key], flush=True)
    port = free_port()
    server = serve(url, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60,
                          follow_redirects=False) as client:
            if "pages" not in args.skip:
                pages(client, plan, args.requests, results, rng)
            if "export" not in args.skip:
                tokens = plan["tokens"]
                for who, path in (("admin", "/api/v1/exports/tickets.csv"),
                                  ("manager", "/api/v1/exports/tickets.csv")):
                    export(client, server.pid, tokens[who], path + "?status=new")  # warm up
                    results[f"export_{who}"] = export(client, server.pid, tokens[who], path)
                    print(f"export_{who}", results[f"export_{who}"], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
    report(results)


def pages(client: httpx.Client, plan: dict[str, Any], n: int, results: dict[str, Any],
          rng: random.Random) -> None:
    organizer = {"Authorization": f"Bearer {plan['tokens']['organizer']}"}
    log_in(client, plan["organizer"])
    ids, phones = plan["ticket_ids"], plan["phones"]
    runs: dict[str, Callable[[], dict[str, float]]] = {
        "queue_mine": lambda: timed(client, ["/dashboard?tab=mine"] * n),
        "queue_centre": lambda: timed(client, ["/dashboard?tab=centre"] * n),
        "queue_centre_page_5": lambda: timed(client, ["/dashboard?tab=centre&page=5"] * n),
        "queue_rest_centre": lambda: timed(client, [f"/api/v1/tickets?centre={plan['centre']}"] * n,
                                           organizer),
        "ticket_page": lambda: timed(client, [f"/dashboard/tickets/{i}" for i in ids]),
        "phone_search": lambda: timed(client, [f"/api/v1/tickets?phone=%2B{p[1:]}"
                                               for p in rng.sample(phones, len(phones))], organizer),
    }
    for name, run in runs.items():
        results[name] = run()
        print(name, results[name], flush=True)


def report(results: dict[str, Any]) -> None:
    figures = {
        "queue_p95_ms": max((results[k]["p95_ms"] for k in results if k.startswith("queue")),
                            default=None),
        "ticket_page_p95_ms": results.get("ticket_page", {}).get("p95_ms"),
        "phone_search_p95_ms": results.get("phone_search", {}).get("p95_ms"),
        "export_rss_growth_mb": max((results[k]["rss_growth_mb"] for k in results
                                     if k.startswith("export")), default=None),
        "tickets_per_s": results.get("create_c8", {}).get("tickets_per_s")}
    print(f"\n{'figure':<24}{'measured':>10}{'target':>10}  ")
    for key, value in figures.items():
        if value is None:
            continue
        ok = value >= TARGETS[key] if key == "tickets_per_s" else value <= TARGETS[key]
        print(f"{key:<24}{value:>10}{TARGETS[key]:>10}  {'ok' if ok else 'MISSED'}")
    results["figures"] = figures
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    (out / f"volume-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
