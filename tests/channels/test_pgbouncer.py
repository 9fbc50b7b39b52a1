"""PostgreSQL behind PgBouncer in transaction mode (docs/operations.md): a real PgBouncer between
the service and the test database, two server connections shared by every client, so that each
transaction may land on a different server connection than the last."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.app import create_app
from api.settings import Settings
from referral.db import behind_transaction_pooler, make_engine, make_sessionmaker
from tests.channels.conftest import AUTH_TOKEN, channel_settings, post_twilio, sms
from tests.channels.dbutil import InboxMessage, count
from tests.conftest import REQUIRE, _reset_postgres, postgres_url

pytestmark = pytest.mark.postgres
PATH = "/webhooks/twilio/sms"


def _pgbouncer() -> str | None:
    return shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.path.exists(p)), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def bouncer() -> Iterator[str]:
    """A PgBouncer in transaction mode in front of TEST_DATABASE_URL's (emptied) database; its
    URL, with no options."""
    url, binary = postgres_url(), _pgbouncer()
    if not url or not binary:
        missing = "PostgreSQL" if not url else "PgBouncer (apt-get install pgbouncer)"
        if REQUIRE:
            pytest.fail(f"{missing} is required in CI (REQUIRE_TEST_SERVICES=1)")
        pytest.skip(f"{missing} not available")
    assert url is not None and binary is not None
    _reset_postgres(url)
    server = make_url(url)
    port = _free_port()
    # PgBouncer refuses to run as root; run as root, it is told to drop to `nobody`, who must be
    # able to read its configuration.
    workdir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    workdir.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    password = f" password={server.password}" if server.password else ""
    ini = workdir / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"{server.database} = host={server.host or '127.0.0.1'} port={server.port or 5432} "
        f"dbname={server.database} user={server.username}{password}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = any\npool_mode = transaction\ndefault_pool_size = 2\n"
        "max_client_conn = 200\nignore_startup_parameters = extra_float_digits\n")
    ini.chmod(0o644)
    command = [binary, str(ini)]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "nobody"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("PgBouncer did not start: " +
                                         (process.stderr.read() if process.stderr else b"")
                                         .decode(errors="replace")[-500:]) from None
                time.sleep(0.05)
        yield f"postgresql://{server.username}@127.0.0.1:{port}/{server.database}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


async def _busy(url: str, clients: int = 100) -> list[str]:
    """Many sessions at once, each a few different statements in one transaction; the errors."""
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    errors: list[str] = []

    async def one(i: int) -> None:
        try:
            async with maker() as session:
                for _ in range(4):
                    await session.execute(text(f"SELECT {random.randint(0, 5)} + :i"), {"i": i})
                await session.commit()
        except Exception as exc:  # what a person's message would meet
            errors.append(str(exc).splitlines()[0])

    await asyncio.gather(*(one(i) for i in range(clients)))
    await engine.dispose()
    return errors


def test_the_default_engine_breaks_behind_a_transaction_pooler(bouncer: str) -> None:
    # Not a test of ours but of the setting: without it, asyncpg's named, cached statements
    # meet other clients' on shared server connections. If this stops failing, the pooler in
    # this test is not pooling by transaction and the test below proves nothing.
    assert not behind_transaction_pooler(bouncer)
    errors = asyncio.run(_busy(bouncer))
    assert errors and any("prepared statement" in e for e in errors), errors[:3]


def test_the_pooler_setting_makes_every_statement_safe(bouncer: str) -> None:
    url = bouncer + "?prepared_statement_cache_size=0"
    assert behind_transaction_pooler(url)
    assert asyncio.run(_busy(url)) == []


def test_a_burst_of_sms_through_pgbouncer_is_all_answered(
        bouncer: str, tmp_path: Path, data_key: str, nlu_model: Any) -> None:
    # The whole service, start-up migrations included, through two shared server connections.
    settings: Settings = channel_settings(
        tmp_path, bouncer + "?prepared_statement_cache_size=0", data_key,
        twilio_account_sid="AC" + "0" * 32, twilio_auth_token=AUTH_TOKEN,
        twilio_from_number="+15005550006")
    senders = [f"+88017{n:08d}" for n in random.sample(range(10**8), 40)]
    with TestClient(create_app(settings, nlu=nlu_model)) as client:
        def send(i: int) -> Any:
            return post_twilio(client, PATH, sms(["hi", "bidesh jete koto taka lage",
                                                  "রেমিট্যান্স কিভাবে পাঠাবো"][i % 3],
                                                 f"SM{i:032d}", senders[i]))

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(send, range(len(senders))))
        assert [a.status_code for a in answers] == [200] * len(senders)
        assert all("<Message" in a.text for a in answers), [a.text[:80] for a in answers]
        assert count(client, InboxMessage) == len(senders)
