"""Webhook throughput and latency: signed SMS with distinct senders, the service against a bare
FastAPI app measured in the same run (issue 13). One command:

    .venv/bin/python bench/webhook_bench.py [--workers 1 2] [--seconds 10] [--connections 64]

Uses wrk (apt-get install wrk). With BENCH_DATABASE_URL and BENCH_REDIS_URL it runs on
PostgreSQL + Redis (as in production), else on a fresh SQLite file. Each service run starts from
an empty database and Redis (BENCH_DATABASE_URL's schema and BENCH_REDIS_URL's database are
WIPED: give the bench its own), so that every request is a new message from a new person, as
the issue asks, and no run replays message ids an earlier one stored (those would be answered
as redeliveries, a different path). Results go to stdout and to
bench/results/webhooks-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-" + "0" * 16  # invented
TEXTS = ["hello", "saudi jete koto taka lage", "how do I send money home safely?",
         "বিদেশ যেতে কী কী কাগজ লাগে?", "menu", "ami bidesh theke firechi, sahajjo chai"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def signed_forms(base: str, count: int, *, offset: int = 0, tag: str = "bench",
                 sender: str = "+88017") -> Iterator[tuple[str, str]]:
    """`count` distinct webhooks as (signature, urlencoded body): a new sender and message id
    each, signed over `base` as Twilio signs."""
    validator = RequestValidator(TOKEN)
    for n in range(offset, offset + count):
        form = {"MessageSid": f"SM{tag}{n:012d}", "AccountSid": "AC" + "0" * 32,
                "From": f"{sender}{n:08d}", "To": "+15005550006",
                "Body": TEXTS[n % len(TEXTS)], "NumMedia": "0"}
        yield validator.compute_signature(base + "/webhooks/twilio/sms", form), urlencode(form)


def requests_file(path: Path, base: str, count: int) -> None:
    """The webhooks wrk's script replays, one `signature<TAB>body` a line."""
    with path.open("w") as out:
        for signature, body in signed_forms(base, count):
            out.write(f"{signature}\t{body}\n")


def _sql(database_url: str, *statements: str) -> list[Any]:
    """Run statements on the bench's database (the service's own engine factory, so SQLite and
    PostgreSQL URLs work alike); the rows of the last one."""
    import asyncio

    from sqlalchemy import text

    from referral.db import make_engine

    async def run() -> list[Any]:
        engine = make_engine(database_url)
        try:
            async with engine.begin() as conn:
                rows: list[Any] = []
                for statement in statements:
                    result = await conn.execute(text(statement))
                    rows = list(result) if result.returns_rows else []
                return rows
        finally:
            await engine.dispose()

    return asyncio.run(run())


def fresh(database_url: str | None, redis_url: str | None) -> None:
    """Empty the bench's PostgreSQL schema and Redis database (never point these at real data)."""
    if database_url:
        _sql(database_url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def inbox_counts(database_url: str) -> dict[str, int]:
    """Inbound messages by status ("handled", "deferred", ...) in the bench's database."""
    return {status: n for status, n in
            _sql(database_url, "SELECT status, count(*) FROM inbox_messages GROUP BY 1")}


def handled_rate(database_url: str, seconds: float, limit: float = 180) -> dict[str, float]:
    """Messages fully handled per second: a turn deferred in a backlog was answered at once
    with an empty TwiML, and its work happens after; wrk's rate counts those answers, so the
    rate that matters waits for the backlog to drain (`every inbound message handled`)."""
    started = time.monotonic()
    while True:
        counts = inbox_counts(database_url)
        waiting = sum(n for status, n in counts.items() if status != "handled")
        if not waiting or time.monotonic() - started > limit:
            break
        time.sleep(0.5)
    drain = time.monotonic() - started
    handled = counts.get("handled", 0)
    return {"handled": handled, "unhandled": waiting, "drain_s": round(drain, 1),
            "handled_per_s": handled / (seconds + drain)}


def wait_healthy(port: int, path: str = "/healthz", timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"server on {port} did not become healthy")


def wrk(port: int, requests: Path, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
         str(ROOT / "bench" / "replay.lua"), f"http://127.0.0.1:{port}", "--", str(requests)],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {"rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "timeouts": int(timeouts.group(1)) if timeouts else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    bin_dir = Path(sys.executable).parent
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                                  "connections": args.connections, "seconds": args.seconds,
                                  "database": "postgresql" if os.environ.get("BENCH_DATABASE_URL")
                                  else "sqlite", "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        port = free_port()
        bare = subprocess.Popen([str(bin_dir / "uvicorn"), "bench.bare_app:app", "--port", str(port),
                                 "--log-level", "warning"], cwd=ROOT)
        try:
            wait_healthy(port, "/docs")
            path = var / "bare.txt"
            requests_file(path, f"http://127.0.0.1:{port}", 200_000)
            print("bare FastAPI ...", flush=True)
            results["runs"]["bare"] = wrk(port, path, args.seconds, args.connections)  # type: ignore[index]
        finally:
            bare.terminate()
            bare.wait()
        for workers in args.workers:
            port = free_port()
            env = {**os.environ, "VAR_DIR": str(var / f"w{workers}"), "APP_ENV": "development",
                   "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                   "SENDER_RATE_LIMIT": "1000000", "LOG_LEVEL": "WARNING"}
            env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or \
                f"sqlite:///{var / f'w{workers}' / 'bench.db'}"
            if os.environ.get("BENCH_REDIS_URL"):
                env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
            fresh(os.environ.get("BENCH_DATABASE_URL"), os.environ.get("BENCH_REDIS_URL"))
            subprocess.run([str(bin_dir / "prottasha"), "db", "upgrade"], env=env, check=True,
                           capture_output=True)
            subprocess.run([str(bin_dir / "prottasha"), "nlu", "train"], env=env, check=True,
                           capture_output=True)
            server = subprocess.Popen([str(bin_dir / "prottasha"), "serve", "--port", str(port),
                                       "--workers", str(workers)], env=env, cwd=ROOT,
                                      stderr=subprocess.DEVNULL)
            try:
                wait_healthy(port)
                path = var / f"service-{workers}.txt"
                requests_file(path, f"http://127.0.0.1:{port}", 200_000)
                print(f"service, {workers} worker(s) ...", flush=True)
                run = wrk(port, path, args.seconds, args.connections)
                run.update(handled_rate(env["DATABASE_URL"], args.seconds))
                results["runs"][f"service_{workers}"] = run  # type: ignore[index]
            finally:
                server.terminate()
                server.wait(timeout=60)
    bare_rps = results["runs"]["bare"]["rps"]  # type: ignore[index]
    print(f"\n{'run':<12}{'answers/s':>10}{'share of bare':>15}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'non-2xx':>9}{'handled/s':>11}{'share':>8}{'drain s':>9}")
    for name, r in results["runs"].items():  # type: ignore[attr-defined]
        handled = (f"{r['handled_per_s']:>11.0f}{r['handled_per_s'] / bare_rps:>8.1%}"
                   f"{r['drain_s']:>9.1f}" if "handled_per_s" in r else "")
        print(f"{name:<12}{r['rps']:>10.0f}{r['rps'] / bare_rps:>14.1%} {r['p50_ms']:>8.1f}"
              f"{r['p99_ms']:>9.1f}{r['non_2xx']:>9}{handled}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    (out / f"webhooks-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
