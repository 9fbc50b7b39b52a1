"""CPU a signed SMS webhook costs the service, in one process (issue 13): the guide for cutting
the hot path, repeatable where wrk's throughput on a shared 2-core machine is not. One command:

    BENCH_DATABASE_URL=postgresql://… BENCH_REDIS_URL=redis://… \\
        .venv/bin/python bench/webhook_cpu.py [--messages 500] [--profile out.prof]

The real app (`api.app.create_app`, lifespan included) is called through httpx's in-process
ASGI transport with distinct, validly signed webhooks from new senders, one at a time; the same
requests to the bare FastAPI app (bench/bare_app.py) give the cost of the client and the
framework's form parsing, which is subtracted. The database and Redis database are WIPED, as in
bench/webhook_bench.py. Prints milliseconds of process CPU a message (user + system).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.webhook_bench import TOKEN, fresh, signed_forms  # noqa: E402

BASE = "http://bench.invalid"  # the URL the signature is computed over


def forms(count: int, offset: int) -> list[tuple[str, str]]:
    return list(signed_forms(BASE, count, offset=offset, tag="cpu", sender="+88018"))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def per_message(app: object, requests: list[tuple[str, str]],
                      profile: cProfile.Profile | None = None) -> float:
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        async def post(signature: str, body: str) -> None:
            response = await client.post(
                "/webhooks/twilio/sms", content=body,
                headers={"X-Twilio-Signature": signature,
                         "Content-Type": "application/x-www-form-urlencoded"})
            if response.status_code != 200:
                raise SystemExit(f"{response.status_code}: {response.text[:200]}")

        for signature, body in requests[:20]:  # warm up: first-use caches, the pool
            await post(signature, body)
        started = cpu()
        if profile:
            profile.enable()
        for signature, body in requests[20:]:
            await post(signature, body)
        if profile:
            profile.disable()
        return (cpu() - started) * 1000 / (len(requests) - 20)


async def run(args: argparse.Namespace) -> None:
    from bench.bare_app import app as bare

    bare_ms = await per_message(bare, forms(args.messages + 20, 0))
    from api.app import create_app

    app = create_app()
    profile = cProfile.Profile() if args.profile else None
    async with app.router.lifespan_context(app):
        service_ms = await per_message(app, forms(args.messages + 20, 10_000_000), profile)
    if profile:
        profile.dump_stats(args.profile)
    print(f"bare app {bare_ms:.2f} ms, service {service_ms:.2f} ms, "
          f"service minus bare {service_ms - bare_ms:.2f} ms of CPU a message "
          f"({args.messages} messages)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--profile", help="write a cProfile of the service's messages here")
    args = parser.parse_args()
    database, redis_url = os.environ.get("BENCH_DATABASE_URL"), os.environ.get("BENCH_REDIS_URL")
    if not database or not redis_url:
        raise SystemExit("set BENCH_DATABASE_URL and BENCH_REDIS_URL (both are wiped)")
    var = tempfile.mkdtemp(prefix="webhook-cpu-")
    os.environ.update({"VAR_DIR": var, "APP_ENV": "development", "TWILIO_AUTH_TOKEN": TOKEN,
                       "PUBLIC_BASE_URL": BASE, "SENDER_RATE_LIMIT": "1000000",
                       "LOG_LEVEL": "WARNING", "DATABASE_URL": database, "REDIS_URL": redis_url})
    fresh(database, redis_url)
    bin_dir = Path(sys.executable).parent
    for command in (["db", "upgrade"], ["nlu", "train"]):
        subprocess.run([str(bin_dir / "prottasha"), *command], check=True, capture_output=True)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
