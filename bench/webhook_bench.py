"""Webhook throughput and latency: signed SMS with distinct senders, the service against a bare
FastAPI app measured in the same run (issue 13). One command:

    .venv/bin/python bench/webhook_bench.py [--workers 1 2] [--seconds 10] [--connections 64]

Uses wrk (apt-get install wrk). With BENCH_DATABASE_URL and BENCH_REDIS_URL it runs on
PostgreSQL + Redis (as in production), else on a fresh SQLite file. Results go to stdout and to
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
from datetime import UTC, datetime
from pathlib import Path
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


def requests_file(path: Path, base: str, count: int) -> None:
    """`count` distinct webhooks: a new sender and message id each, signed as Twilio signs."""
    validator = RequestValidator(TOKEN)
    with path.open("w") as out:
        for n in range(count):
            form = {"MessageSid": f"SMbench{n:012d}", "AccountSid": "AC" + "0" * 32,
                    "From": f"+88017{n:08d}", "To": "+15005550006",
                    "Body": TEXTS[n % len(TEXTS)], "NumMedia": "0"}
            signature = validator.compute_signature(base + "/webhooks/twilio/sms", form)
            out.write(f"{signature}\t{urlencode(form)}\n")


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
                results["runs"][f"service_{workers}"] = wrk(  # type: ignore[index]
                    port, path, args.seconds, args.connections)
            finally:
                server.terminate()
                server.wait(timeout=60)
    bare_rps = results["runs"]["bare"]["rps"]  # type: ignore[index]
    print(f"\n{'run':<12}{'msg/s':>10}{'share of bare':>15}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'non-2xx':>9}")
    for name, r in results["runs"].items():  # type: ignore[attr-defined]
        print(f"{name:<12}{r['rps']:>10.0f}{r['rps'] / bare_rps:>14.1%} {r['p50_ms']:>8.1f}"
              f"{r['p99_ms']:>9.1f}{r['non_2xx']:>9}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    (out / f"webhooks-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
