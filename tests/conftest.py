"""Shared fixtures: both storage backends, settings, signed webhook requests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from app.platform.settings import Secret, Settings
from app.store import Store, open_store

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("WARDEN_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
SECRET = "It's a Secret to Everybody"
BACKENDS = ["sqlite", "postgresql"]


def postgres_required() -> bool:
    return bool(os.environ.get("WARDEN_REQUIRE_POSTGRES") or os.environ.get("CI"))


async def _postgres_answers() -> bool:
    try:
        conn = await asyncpg.connect(PG_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _drop_schema(schema: str) -> None:
    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL with a fresh schema, dropped afterwards."""
    if not _run(_postgres_answers()):
        if postgres_required():
            pytest.fail(f"PostgreSQL is required here and does not answer at {PG_URL}")
        pytest.skip(f"PostgreSQL does not answer at {PG_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{PG_URL}?schema={schema}"
    _run(_drop_schema(schema))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every storage test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warden.sqlite3'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    s = open_store(database_url)
    await s.open()
    yield s
    await s.close()


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        base: dict[str, Any] = {
            "app_id": "1",
            "private_key": Secret(
                "-----BEGIN RSA PRIVATE KEY-----\nfake\n-----END RSA PRIVATE KEY-----"
            ),
            "webhook_secret": Secret(SECRET),
            "database_url": f"sqlite:///{tmp_path / 'warden.sqlite3'}",
            "tick_seconds": 3600.0,
        }
        base.update(overrides)
        return Settings(**base)

    return make


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_headers(
    body: bytes, event: str = "issues", delivery: str | None = None, secret: str = SECRET
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(body, secret),
        "User-Agent": "GitHub-Hookshot/test",
    }


def example_payload(name: str, installation_id: int = 42) -> dict[str, Any]:
    """A real payload from @octokit/webhooks-examples, as an App installation receives it."""
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text())
    data["installation"] = {
        "id": installation_id,
        "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=",
    }
    return data


pytest_plugins = ["pytester", "tests.sandbox_fixtures", "tests.harness"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print where the artefacts tests kept are (the status page screenshots)."""
    from tests import artefacts

    for path in artefacts.KEPT:
        terminalreporter.write_line(f"test artefact: {path}")
