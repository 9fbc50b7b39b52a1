"""Any number of processes may start at once on a fresh database (`prottasha serve --workers
N`, or `docker compose up --scale api=N`): migrations and reference data are loaded once, and
nobody dies of a duplicate key."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from api.settings import ROOT
from referral.casework import Centre, StaffUser
from referral.db import make_engine, make_sessionmaker
from referral.oncall import OnCallShift

PROCESSES = 4
START = """
import asyncio
from api.settings import Settings
from api.services import prepare_database
asyncio.run(prepare_database(Settings()))
"""


def test_processes_starting_together_on_a_fresh_database(database_url: str, tmp_path: Path,
                                                         data_key: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "development",
           "VAR_DIR": str(tmp_path), "SECRET_KEY": "s" * 40, "DATA_KEY": data_key}
    env.pop("REDIS_URL", None)
    started = [subprocess.Popen([sys.executable, "-c", START], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for _ in range(PROCESSES)]
    results = [(p.wait(timeout=120), p.stdout.read().decode() if p.stdout else "")
               for p in started]
    assert [code for code, _ in results] == [0] * PROCESSES, results
    centres = yaml.safe_load((ROOT / "content" / "reference" / "centres.yml").read_text())
    # The invented demo staff and the on-call shift exist once, not once per process.
    assert asyncio.run(_counts(database_url)) == (len(centres), len(centres), 1)


async def _counts(database_url: str) -> tuple[int, ...]:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as s:
            return tuple([int(await s.scalar(select(func.count()).select_from(table)) or 0)
                          for table in (Centre, StaffUser, OnCallShift)])
    finally:
        await engine.dispose()


@pytest.mark.parametrize("workers", ["0", "x"])
def test_serve_refuses_a_senseless_worker_count(workers: str) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    result = CliRunner().invoke(app, ["serve", "--workers", workers])
    assert result.exit_code == 2 and "workers" in result.output


def test_every_worker_of_serve_logs_in_json(tmp_path: Path, data_key: str, nlu_dir: Path,
                                            nlu_model: object) -> None:
    """`serve --workers N` spawns its processes: each must set up logging itself, or the
    service runs silent (no request lines, no warnings as JSON) exactly when it is busiest."""
    import json
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
           "VAR_DIR": str(tmp_path), "NLU_ARTIFACT_DIR": str(nlu_dir), "SECRET_KEY": "s" * 40,
           "DATA_KEY": data_key, "LOG_LEVEL": "INFO"}
    env.pop("REDIS_URL", None)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([str(Path(sys.executable).parent / "prottasha"), "serve",
                               "--port", str(port), "--workers", "2"],
                              env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?who=x", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "did not start"
                time.sleep(0.5)
        for _ in range(5):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?who=x", timeout=2)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    lines = [json.loads(line) for line in (tmp_path / "serve.log").read_text().splitlines()
             if line.startswith("{")]
    requests = [e for e in lines if e.get("event") == "request"]
    assert len(requests) >= 6, lines[-5:]
    assert all(e["path"] == "/healthz" and "who=" not in json.dumps(e) for e in requests)
