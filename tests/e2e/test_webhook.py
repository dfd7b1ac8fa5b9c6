"""POST /webhook answers as SPEC section 4 says; only good deliveries reach a handler."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from gidgethub import routing, sansio

from app.feature import Feature, Wiring
from app.platform.settings import Secret, Settings
from app.server import RUNNING, create_app
from tests.conftest import example_payload, sign, webhook_headers


class Recorder:
    """A router whose one handler records each event it is given."""

    def __init__(self) -> None:
        self.events: list[sansio.Event] = []
        self.router = routing.Router()
        self.router.add(self.on_issue_opened, "issues", action="opened")

    async def on_issue_opened(self, event: sansio.Event, gh: Any, *args: Any, **kw: Any) -> None:
        self.events.append(event)


async def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.fixture
async def served(
    settings_for: Callable[..., Settings],
) -> AsyncIterator[tuple[TestClient[Any, Any], Recorder]]:
    recorder = Recorder()
    settings = settings_for(webhook_secret_fallback=Secret("the old secret"))
    app = create_app(
        settings,
        wiring=Wiring.of(Feature("test", router=recorder.router, jobs=[])),
        run_scheduler=False,
    )
    async with TestClient(TestServer(app)) as client:
        yield client, recorder


async def test_real_issue_opened_is_queued_and_dispatched_once(served: Any) -> None:
    client, recorder = served
    body = json.dumps(example_payload("issues.opened")).encode()
    headers = webhook_headers(body, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    first = await client.post("/webhook", data=body, headers=headers)
    assert first.status == 202
    await wait_for(lambda: len(recorder.events) == 1)
    again = await client.post("/webhook", data=body, headers=headers)
    assert again.status == 200
    await asyncio.sleep(0.3)
    assert len(recorder.events) == 1
    event = recorder.events[0]
    assert event.delivery_id == "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    assert event.data["issue"]["number"] == example_payload("issues.opened")["issue"]["number"]


async def test_delivery_is_stored_before_the_answer(served: Any) -> None:
    client, _ = served
    body = json.dumps(example_payload("issues.opened", installation_id=99)).encode()
    headers = webhook_headers(body, delivery="stored-first")
    assert (await client.post("/webhook", data=body, headers=headers)).status == 202
    ctx = client.app[RUNNING].ctx
    stored = await ctx.store.get_delivery("stored-first")
    assert stored is not None
    assert (stored.event, stored.action, stored.installation_id) == ("issues", "opened", 99)
    assert stored.body == body


async def test_fallback_secret_is_accepted_during_rotation(served: Any) -> None:
    client, recorder = served
    body = json.dumps(example_payload("issues.opened")).encode()
    response = await client.post(
        "/webhook", data=body, headers=webhook_headers(body, secret="the old secret")
    )
    assert response.status == 202
    await wait_for(lambda: len(recorder.events) == 1)


def _bad_requests() -> list[
    tuple[str, Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]], int]
]:
    def drop(name: str) -> Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]]:
        return lambda body, h: (body, {k: v for k, v in h.items() if k != name})

    def resign(new_body: bytes) -> Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]]:
        return lambda body, h: (new_body, {**h, "X-Hub-Signature-256": sign(new_body)})

    return [
        ("no signature", drop("X-Hub-Signature-256"), 401),
        ("wrong signature", lambda b, h: (b, {**h, "X-Hub-Signature-256": sign(b, "guess")}), 401),
        ("sha1 signature", lambda b, h: (b, {**h, "X-Hub-Signature-256": "sha1=abc"}), 401),
        ("tampered body", lambda b, h: (b + b" ", h), 401),
        ("missing event header", drop("X-GitHub-Event"), 400),
        ("missing delivery header", drop("X-GitHub-Delivery"), 400),
        ("body not json", resign(b"{not json"), 400),
        (
            "form content type",
            lambda b, h: (b, {**h, "Content-Type": "application/x-www-form-urlencoded"}),
            415,
        ),
    ]


@pytest.mark.parametrize(
    ("case", "mutate", "status"), _bad_requests(), ids=[c[0] for c in _bad_requests()]
)
async def test_bad_input_gets_its_status_and_reaches_no_handler(
    served: Any, case: str, mutate: Any, status: int
) -> None:
    client, recorder = served
    body = json.dumps(example_payload("issues.opened")).encode()
    bad_body, headers = mutate(body, webhook_headers(body))
    response = await client.post("/webhook", data=bad_body, headers=headers)
    assert response.status == status, case
    assert "message" in await response.json()
    await asyncio.sleep(0.2)
    assert recorder.events == []
    counts = await client.app[RUNNING].ctx.store.count_deliveries()
    assert counts == {}


async def test_a_26_mib_body_is_refused_without_being_stored(served: Any) -> None:
    client, _ = served
    body = b'{"pad": "' + b"x" * (26 * 1024 * 1024) + b'"}'
    response = await client.post("/webhook", data=body, headers=webhook_headers(body))
    assert response.status == 413
    assert await client.app[RUNNING].ctx.store.count_deliveries() == {}


async def test_a_chunked_body_over_the_limit_is_refused(served: Any) -> None:
    client, _ = served
    chunk = b"x" * (1024 * 1024)

    async def stream() -> AsyncIterator[bytes]:
        yield b'{"pad": "'
        for _ in range(26):
            yield chunk
        yield b'"}'

    headers = webhook_headers(b"", event="push")
    response = await client.post("/webhook", data=stream(), headers=headers)
    assert response.status == 413


async def test_ping_is_answered_200_and_not_queued(served: Any) -> None:
    client, _ = served
    body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    response = await client.post("/webhook", data=body, headers=webhook_headers(body, event="ping"))
    assert response.status == 200
    assert await client.app[RUNNING].ctx.store.count_deliveries() == {}


async def test_setup_mode_serves_no_webhook_route(tmp_path: Any) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}")
    app = create_app(settings, wiring=Wiring.of(Feature("test", router=routing.Router(), jobs=[])))
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/healthz")).status == 200
        assert (await client.get("/readyz")).status == 200
        setup = await client.get("/setup")
        assert setup.status == 200 and "Continue to GitHub" in await setup.text()
        body = b"{}"
        refused = await client.post("/webhook", data=body, headers=webhook_headers(body))
        assert refused.status == 404
        assert (await refused.json())["message"] == (
            "Warden is in setup mode: register the GitHub App at /setup first"
        )


async def test_metrics_count_deliveries_by_event_and_outcome(served: Any) -> None:
    client, recorder = served
    body = json.dumps(example_payload("issues.opened")).encode()
    await client.post("/webhook", data=body, headers=webhook_headers(body))
    await wait_for(lambda: len(recorder.events) == 1)
    await asyncio.sleep(0.1)
    text = await (await client.get("/metrics")).text()
    assert 'warden_deliveries_total{event="issues",outcome="done"} 1.0' in text
    assert "warden_queue_depth 0.0" in text


async def test_metrics_show_how_long_intake_takes_to_make_deliveries_durable(
    settings_for: Callable[..., Settings], database_url: str
) -> None:
    recorder = Recorder()
    app = create_app(
        settings_for(database_url=database_url),
        wiring=Wiring.of(Feature("test", router=recorder.router, jobs=[])),
        run_scheduler=False,
    )
    async with TestClient(TestServer(app)) as client:
        bodies = []
        for number in range(5):
            payload = example_payload("issues.opened")
            payload["issue"]["number"] = number
            bodies.append(json.dumps(payload).encode())
        answers = await asyncio.gather(
            *(client.post("/webhook", data=b, headers=webhook_headers(b)) for b in bodies)
        )
        assert [a.status for a in answers] == [202] * 5
        text = await (await client.get("/metrics")).text()
    samples = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line.startswith("warden_intake_")
    }
    groups = samples["warden_intake_commit_seconds_count"]
    assert 1 <= groups <= 5  # concurrent deliveries may share a commit
    assert samples["warden_intake_group_deliveries_count"] == groups
    assert samples["warden_intake_group_deliveries_sum"] == 5.0  # each delivery counted once
    assert 0 < samples["warden_intake_commit_seconds_sum"] < 5


async def test_readyz_fails_when_the_database_is_gone(served: Any) -> None:
    client, _ = served
    await client.app[RUNNING].ctx.store.close()
    assert (await client.get("/readyz")).status == 503


def test_web_application_is_built_without_side_effects(settings_for: Any) -> None:
    app = create_app(
        settings_for(), wiring=Wiring.of(Feature("test", router=routing.Router(), jobs=[]))
    )
    assert isinstance(app, web.Application)
    assert app[RUNNING].ctx is None  # nothing opened until the app starts
