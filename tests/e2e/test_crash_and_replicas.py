"""Nothing is lost: a SIGKILLed server finishes every delivery; two replicas never share one."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from app.store import open_store
from tests.conftest import SECRET, example_payload, webhook_headers

ROOT = Path(__file__).parents[2]
FAKE_PEM = "-----BEGIN RSA PRIVATE KEY-----\\nunused\\n-----END RSA PRIVATE KEY-----"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ProbeServer:
    """One ``tests.servers.probe`` subprocess."""

    def __init__(self, tmp: Path, database_url: str, delay: float, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")},
            "PYTHONPATH": str(ROOT),
            "GITHUB_APP_ID": "1",
            "GITHUB_PRIVATE_KEY": FAKE_PEM,
            "GITHUB_WEBHOOK_SECRET": SECRET,
            "GITHUB_API_URL": "http://127.0.0.1:9",  # never called
            "DATABASE_URL": database_url,
            "PORT": str(self.port),
            "WARDEN_TICK_SECONDS": "0.2",
            "WARDEN_WORKERS": "4",
            "PROBE_SINK": str(tmp / "effects.log"),
            "PROBE_JOBS": str(tmp / "jobs.log"),
            "PROBE_DELAY": str(delay),
        }
        self.log = open(tmp / f"{name}.log", "ab")  # noqa: SIM115
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.servers.probe"],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("probe server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def servers() -> Iterator[list[ProbeServer]]:
    started: list[ProbeServer] = []
    yield started
    for server in started:
        server.stop()


async def send(session: aiohttp.ClientSession, url: str, n: int) -> int:
    payload = example_payload("issues.opened")
    payload["issue"]["number"] = n  # each delivery about its own issue: they run concurrently
    body = json.dumps(payload).encode()
    headers = webhook_headers(body, delivery=f"delivery-{n:04d}")
    async with session.post(url + "/webhook", data=body, headers=headers) as response:
        return response.status


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


async def wait_until_done(database_url: str, total: int, seconds: float) -> dict[str, int]:
    store = open_store(database_url)
    await store.open()
    try:
        deadline = time.monotonic() + seconds
        while True:
            counts = await store.count_deliveries()
            if counts.get("done", 0) == total or time.monotonic() > deadline:
                return counts
            await asyncio.sleep(0.1)
    finally:
        await store.close()


async def test_sigkill_midway_loses_nothing(tmp_path: Path, servers: list[ProbeServer]) -> None:
    database_url = f"sqlite:///{tmp_path / 'warden.sqlite3'}"
    server = ProbeServer(tmp_path, database_url, delay=0.05, name="first")
    servers.append(server)
    server.start()
    async with aiohttp.ClientSession() as session:
        statuses = await asyncio.gather(*(send(session, server.url, n) for n in range(200)))
    assert statuses == [202] * 200  # each one durably stored before this answer
    effects = tmp_path / "effects.log"
    while len(lines(effects)) < 60:
        await asyncio.sleep(0.01)
    server.kill()
    done_before = len(set(lines(effects)))
    assert done_before < 200, "the kill came too late to prove anything"

    restarted = ProbeServer(tmp_path, database_url, delay=0.05, name="second")
    servers.append(restarted)
    restarted.start()
    counts = await wait_until_done(database_url, 200, 60)
    assert counts == {"done": 200}
    invocations = Counter(lines(effects))
    assert set(invocations) == {f"delivery-{n:04d}" for n in range(200)}
    # At least once: only deliveries in flight at the kill (one per worker) may run twice.
    rerun = [d for d, count in invocations.items() if count > 1]
    assert len(rerun) <= 4 and all(invocations[d] == 2 for d in rerun)


async def test_two_replicas_share_postgres_without_double_processing(
    tmp_path: Path, servers: list[ProbeServer], pg_schema_url: str
) -> None:
    pair = [ProbeServer(tmp_path, pg_schema_url, delay=0.005, name=f"replica{i}") for i in (1, 2)]
    servers.extend(pair)
    for server in pair:
        server.start()
    async with aiohttp.ClientSession() as session:
        statuses = await asyncio.gather(*(send(session, pair[n % 2].url, n) for n in range(500)))
    assert statuses == [202] * 500
    counts = await wait_until_done(pg_schema_url, 500, 90)
    assert counts == {"done": 500}
    invocations = Counter(lines(tmp_path / "effects.log"))
    assert len(invocations) == 500 and set(invocations.values()) == {1}
    await asyncio.sleep(1.0)
    job_runners = set(lines(tmp_path / "jobs.log"))
    pids = {str(s.proc.pid) for s in pair if s.proc}
    assert len(job_runners) == 1 and job_runners <= pids
