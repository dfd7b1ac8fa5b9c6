"""POST /webhook under hostile input: compressed, malformed, deep, huge or oddly shaped bodies
and headers get a 4xx (or a failed delivery with its reason), never a 5xx, and never take
their neighbours down."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import zlib
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.feature import Feature, Wiring
from app.platform.settings import Settings
from app.server import RUNNING, create_app
from app.store import NewDelivery, Store
from tests.conftest import example_payload, sign, webhook_headers
from tests.e2e.test_webhook import Recorder, wait_for

Client = TestClient[Any, Any]


@pytest.fixture
async def served(settings_for: Callable[..., Settings]) -> AsyncIterator[tuple[Client, Recorder]]:
    recorder = Recorder()
    app = create_app(
        settings_for(),
        wiring=Wiring.of(Feature("test", router=recorder.router)),
        run_scheduler=False,
    )
    async with TestClient(TestServer(app)) as client:
        yield client, recorder


def store_of(client: Client) -> Store:
    ctx = client.app[RUNNING].ctx
    assert ctx is not None
    return ctx.store


def signed(body: bytes, **headers: str) -> dict[str, str]:
    return {**webhook_headers(body), **headers}


async def test_gzip_without_a_signature_is_refused_415_and_nothing_is_stored(
    served: Any,
) -> None:
    client, _ = served
    response = await client.post(
        "/webhook",
        data=b"\x1f\x8bgarbage",
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status == 415
    assert "Content-Encoding" in (await response.json())["message"]
    assert await store_of(client).count_deliveries() == {}


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "GZIP", "x-custom"])
async def test_a_signed_compressed_body_is_refused_415(served: Any, encoding: str) -> None:
    client, recorder = served
    body = gzip.compress(json.dumps(example_payload("issues.opened")).encode())
    response = await client.post(
        "/webhook", data=body, headers=signed(body, **{"Content-Encoding": encoding})
    )
    assert response.status == 415
    await asyncio.sleep(0.1)
    assert recorder.events == []
    assert await store_of(client).count_deliveries() == {}


async def test_a_burst_of_gzip_bombs_is_never_inflated(served: Any) -> None:
    """40 bodies of 25 KB that inflate to 25 MiB each: inflating them costs seconds of CPU;
    refusing them unread costs milliseconds (the server runs in this process)."""
    client, _ = served
    bomb = zlib.compress(b"\0" * (25 * 1024 * 1024), 9)
    headers = {"Content-Type": "application/json", "Content-Encoding": "deflate"}
    cpu = time.process_time()
    answers = await asyncio.gather(
        *(client.post("/webhook", data=bomb, headers=headers) for _ in range(40))
    )
    spent = time.process_time() - cpu
    assert [r.status for r in answers] == [415] * 40
    assert spent < 1.0, f"{spent:.2f}s of CPU for 40 refused bombs: they were inflated"
    assert (await client.get("/healthz")).status == 200


@pytest.mark.parametrize(
    ("case", "body"),
    [
        ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000),
        ("object nested 100,000 deep", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        ("a 5,000-digit integer", b'{"action": "opened", "n": ' + b"7" * 5000 + b"}"),
        ("invalid UTF-8", b'{"action": "\xff"}'),
        ("a JSON array", b"[1, 2]"),
        ("a JSON string", b'"x"'),
        ("JSON null", b"null"),
    ],
)
async def test_signed_bodies_python_cannot_hold_as_an_object_get_400(
    served: Any, case: str, body: bytes
) -> None:
    client, recorder = served
    response = await client.post("/webhook", data=body, headers=signed(body))
    assert response.status == 400, case
    await asyncio.sleep(0.1)
    assert recorder.events == []
    assert await store_of(client).count_deliveries() == {}


def opened_with(**fields: Any) -> bytes:
    payload = example_payload("issues.opened")
    payload.update(fields)
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"repository": [1]}, "repository is an array, not an object"),
        ({"repository": "x"}, "repository is a string, not an object"),
        ({"issue": None}, "issue is a null, not an object"),
        ({"sender": 5}, "sender is an integer, not an object"),
        ({"installation": {"id": 2**64}}, "installation.id is not a 64-bit integer"),
        ({"installation": {"id": "7"}}, "installation.id is not a 64-bit integer"),
    ],
)
async def test_a_signed_body_of_the_wrong_shape_is_failed_with_its_reason_unhandled(
    served: Any, fields: dict[str, Any], reason: str
) -> None:
    client, recorder = served
    body = opened_with(**fields)
    headers = signed(body, **{"X-GitHub-Delivery": "wrong-shape"})
    response = await client.post("/webhook", data=body, headers=headers)
    assert response.status == 202
    store = store_of(client)

    async def failed() -> bool:
        stored = await store.get_delivery("wrong-shape")
        return stored is not None and stored.status == "failed"

    async with asyncio.timeout(5):
        while not await failed():
            await asyncio.sleep(0.02)
    stored = await store.get_delivery("wrong-shape")
    assert stored is not None and reason in (stored.last_error or "")
    assert recorder.events == []


async def test_a_payload_missing_what_its_event_requires_is_failed(served: Any) -> None:
    client, recorder = served
    payload = example_payload("issues.opened")
    del payload["issue"]
    body = json.dumps(payload).encode()
    response = await client.post(
        "/webhook", data=body, headers=signed(body, **{"X-GitHub-Delivery": "no-issue"})
    )
    assert response.status == 202
    store = store_of(client)
    async with asyncio.timeout(5):
        while (d := await store.get_delivery("no-issue")) is None or d.status != "failed":
            await asyncio.sleep(0.02)
    assert "issue is missing" in (d.last_error or "")
    assert recorder.events == []


async def raw_post(client: Client, headers: Sequence[bytes], body: bytes) -> int:
    """POST with header bytes exactly as given (no client library cleans them up)."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    head = b"POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    head += b"".join(h + b"\r\n" for h in headers)
    writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    return int(status_line.split()[1])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (b"X-GitHub-Delivery", b"abc\xffdef"),
        (b"X-GitHub-Event", b"issues\xff"),
        (b"X-GitHub-Delivery", b"a" * 101),
        (b"X-GitHub-Event", b"i" * 65),
        (b"X-GitHub-Delivery", b"two words"),
        (b"X-GitHub-Event", b"Issues"),
    ],
)
async def test_a_malformed_delivery_or_event_header_gets_400_and_nothing_stored(
    served: Any, name: bytes, value: bytes
) -> None:
    """The signature does not cover these headers: a captured signed body is enough to try."""
    client, _ = served
    body = json.dumps(example_payload("issues.opened")).encode()
    headers = {b"X-GitHub-Delivery": b"ok-id", b"X-GitHub-Event": b"issues", name: value}
    lines = [
        b"Content-Type: application/json",
        b"X-Hub-Signature-256: " + sign(body).encode(),
        *(k + b": " + v for k, v in headers.items()),
    ]
    assert await raw_post(client, lines, body) == 400
    assert await store_of(client).count_deliveries() == {}
    good = [line for line in lines if not line.startswith(name)] + [name + b": fine"]
    if name == b"X-GitHub-Event":
        good[-1] = name + b": issues"
    assert await raw_post(client, good, body) == 202  # the same request, that header fixed


class PoisonedInserts:
    """The store refuses any transaction holding the delivery ``poison`` (as a disk or a
    constraint might refuse one row), slowly enough that concurrent requests share a
    group commit. Patched where each backend writes a group: SQLite's writer thread runs
    ``_insert``; PostgreSQL's group writer awaits ``insert_deliveries``."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shared_batches = 0
        if store.dialect == "sqlite":
            insert = store._insert  # type: ignore[attr-defined]

            def on_thread(deliveries: Sequence[NewDelivery]) -> list[bool]:
                time.sleep(0.05)
                self.refuse_poison(deliveries)
                return list(insert(deliveries))

            monkeypatch.setattr(store, "_insert", on_thread)
        else:
            insert_async = store.insert_deliveries

            async def on_loop(deliveries: Sequence[NewDelivery]) -> list[bool]:
                await asyncio.sleep(0.05)
                self.refuse_poison(deliveries)
                return await insert_async(deliveries)

            monkeypatch.setattr(store, "insert_deliveries", on_loop)

    def refuse_poison(self, deliveries: Sequence[NewDelivery]) -> None:
        if any(d.id == "poison" for d in deliveries):
            self.shared_batches += len(deliveries) > 1
            raise OverflowError("Python int too large to convert to SQLite INTEGER")


@pytest.fixture
async def served_on(
    settings_for: Callable[..., Settings], database_url: str
) -> AsyncIterator[tuple[Client, Recorder]]:
    """``served``, once on SQLite and once on PostgreSQL."""
    recorder = Recorder()
    app = create_app(
        settings_for(database_url=database_url),
        wiring=Wiring.of(Feature("test", router=recorder.router)),
        run_scheduler=False,
    )
    async with TestClient(TestServer(app)) as client:
        yield client, recorder


async def test_one_row_the_database_refuses_does_not_fail_its_batch_neighbours(
    served_on: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, recorder = served_on
    store = store_of(client)
    poisoned = PoisonedInserts(store, monkeypatch)

    async def send(delivery: str, number: int) -> int:
        payload = example_payload("issues.opened")
        payload["issue"]["number"] = number
        body = json.dumps(payload).encode()
        headers = signed(body, **{"X-GitHub-Delivery": delivery})
        return (await client.post("/webhook", data=body, headers=headers)).status

    ids = [f"good-{n}" for n in range(60)]
    ids.insert(30, "poison")
    answers = dict(
        zip(ids, await asyncio.gather(*(send(d, n) for n, d in enumerate(ids))), strict=True)
    )
    assert poisoned.shared_batches >= 1, "the poison never shared a batch: nothing was tested"
    assert answers.pop("poison") == 503
    assert set(answers.values()) == {202}
    assert set(ids) - {"poison"} <= {d.id for d in await store.list_deliveries(limit=100)}
    await wait_for(lambda: len(recorder.events) == 60)


async def test_event_names_app_yml_does_not_subscribe_to_are_counted_as_other(
    served: Any,
) -> None:
    client, _ = served
    body = json.dumps({"zen": "Keep it logically awesome."}).encode()
    headers = {**webhook_headers(body, event="x" * 60), "X-GitHub-Delivery": "odd-event"}
    assert (await client.post("/webhook", data=body, headers=headers)).status == 202
    counted = 'warden_deliveries_total{event="other",outcome="done"} 1.0'
    async with asyncio.timeout(5):
        while counted not in (text := await (await client.get("/metrics")).text()):
            await asyncio.sleep(0.02)
    assert "x" * 60 not in text


async def test_readyz_is_503_when_the_database_reads_but_cannot_write(
    served: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = served
    assert (await client.get("/readyz")).status == 200
    store = store_of(client)

    async def disk_full(sql: str, *args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "execute", disk_full)
    assert await store.ping()  # reads still work: a read alone would say ready
    response = await client.get("/readyz")
    assert response.status == 503
    assert (await response.json())["status"] == "database cannot take a write"
