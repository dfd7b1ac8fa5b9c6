"""POST /webhook fuzzed: generated headers, encodings, sizes and signed shapes never get a 5xx,
unsigned input stores nothing, no bad input reaches a handler, and a good delivery sent after
them all is processed.

``WARDEN_FUZZ_EXAMPLES`` sets the number of generated requests (the suite's default keeps it
fast; the issue's acceptance run used 10,000)."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import os
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp.test_utils import TestServer
from gidgethub import routing, sansio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.feature import Feature, Wiring
from app.platform.settings import Settings
from app.server import RUNNING, create_app
from app.store import Store
from tests.conftest import SECRET, example_payload, sign

EXAMPLES = int(os.environ.get("WARDEN_FUZZ_EXAMPLES", "400"))
T = TypeVar("T")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
NOT_AN_OBJECT = st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.lists(JSON)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=120)
REQUIRED = ("issue", "repository", "sender")


@dataclass(frozen=True)
class Request:
    body: bytes
    headers: list[tuple[str, bytes]]
    signed: bool  # carries a valid signature of exactly this body
    good: bool  # GitHub could have sent it: it must reach the handler

    def __repr__(self) -> str:
        return f"Request({self.body[:200]!r} ({len(self.body)} bytes), {self.headers})"


def opened(number: int) -> dict[str, Any]:
    payload = example_payload("issues.opened")
    payload["issue"]["number"] = number
    return payload


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A body, and whether it is a good ``issues.opened`` payload."""
    kind = draw(st.sampled_from(["good", "shape", "json", "bytes", "deep", "bigint", "big"]))
    payload = opened(draw(st.integers(1, 10**6)))
    if kind == "good":
        return json.dumps(payload).encode(), True
    if kind == "shape":  # one property a handler relies on, missing or of the wrong type
        name = draw(st.sampled_from([*REQUIRED, "installation", "organization"]))
        if draw(st.booleans()) and name in REQUIRED:
            del payload[name]
        elif name == "installation" and draw(st.booleans()):
            payload[name] = {"id": draw(st.integers(2**63, 2**70) | st.text() | st.floats())}
        else:
            payload[name] = draw(NOT_AN_OBJECT.filter(lambda v: v is not None or name != "issue"))
            if payload[name] is None:
                payload[name] = [None]
        return json.dumps(payload).encode(), False
    if kind == "json":
        return json.dumps(draw(JSON)).encode(), False
    if kind == "bytes":
        return draw(st.binary(max_size=300)), False
    if kind == "deep":
        depth = draw(st.integers(900, 200_000))
        return b"[" * depth + b"]" * depth, False
    if kind == "bigint":
        return b'{"action": "opened", "n": ' + b"9" * draw(st.integers(4000, 20_000)) + b"}", False
    pad = "x" * draw(st.integers(100_000, 2_000_000))  # a big body of the wrong shape
    return json.dumps({"action": "opened", "pad": pad}).encode(), False


def often(usual: st.SearchStrategy[T], odd: st.SearchStrategy[T] | None = None) -> Any:
    """Mostly ``usual``, sometimes ``odd``, sometimes any text: most requests get far enough
    to test what comes after each check."""
    wild = HEADER_TEXT if odd is None else odd | HEADER_TEXT
    return st.integers(0, 9).flatmap(lambda n: usual if n < 7 else wild)


@st.composite
def requests(draw: st.DrawFn) -> Request:
    body, good = draw(bodies())
    if draw(st.integers(0, 19)) == 0:
        body, good = gzip.compress(body), False
    encoding = draw(often(st.just(None), st.sampled_from(["identity", "gzip", "deflate", "br"])))
    content_type = draw(often(st.just("application/json"), st.just("text/plain")))
    event = draw(often(st.just("issues"), st.sampled_from(["ping", "push", "team", "other"])))
    delivery = draw(often(st.just(str(uuid.uuid4()))))
    signature = draw(
        often(st.just("valid"), st.sampled_from(["other secret", "sha1", "missing", "garbage"]))
    )
    headers = [("Content-Type", content_type), ("X-GitHub-Event", event)]
    headers += [("X-GitHub-Delivery", delivery)]
    if encoding is not None:
        headers.append(("Content-Encoding", encoding))
    forged = {"valid": sign(body), "other secret": sign(body, "guess"), "sha1": "sha1=00"}
    if signature in forged:
        headers.append(("X-Hub-Signature-256", forged[signature]))
    elif signature == "garbage":
        headers.append(("X-Hub-Signature-256", draw(HEADER_TEXT)))
    uncompressed = encoding is None or encoding.strip().lower() in ("", "identity")
    good = good and signature == "valid" and uncompressed
    good = good and content_type == "application/json" and event == "issues"
    good = good and delivery.isascii() and delivery.isprintable() and " " not in delivery
    encoded = [(k, v.encode("latin-1")) for k, v in headers]
    return Request(body, encoded, signature == "valid", good and 0 < len(delivery) <= 100)


class Background:
    """Warden served from an event loop on its own thread, so hypothesis drives it in sync."""

    def __init__(self, app_settings: Settings) -> None:
        self.seen: list[sansio.Event] = []
        router = routing.Router()
        router.add(self._handle, "issues", action="opened")
        wiring = Wiring.of(Feature("fuzz", router=router))
        app = create_app(app_settings, wiring=wiring, run_scheduler=False)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = TestServer(app)

    async def _handle(self, event: sansio.Event, *args: Any, **kw: Any) -> None:
        self.seen.append(event)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    @property
    def store(self) -> Store:
        ctx = self.server.app[RUNNING].ctx
        assert ctx is not None
        return ctx.store

    def post(self, request: Request) -> int:
        """The answer's status; 0 when the server answered and closed the connection before
        the whole body was sent (aiohttp's own 400 for a header it cannot parse)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.putrequest("POST", "/webhook", skip_accept_encoding=True)
            for name, value in request.headers:
                conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(request.body)))
            try:
                conn.endheaders(request.body)
            except (BrokenPipeError, ConnectionResetError):
                return 0
            return conn.getresponse().status
        finally:
            conn.close()

    def stored(self) -> int:
        return sum(self.run(self.store.count_deliveries()).values())


@contextmanager
def serving(app_settings: Settings) -> Iterator[Background]:
    served = Background(app_settings)
    served.thread.start()
    served.run(served.server.start_server())
    try:
        yield served
    finally:
        served.run(served.server.close())
        served.loop.call_soon_threadsafe(served.loop.stop)
        served.thread.join(10)


def test_fuzzed_webhook_requests_never_get_a_5xx_and_never_reach_a_handler_unless_good(
    settings_for: Callable[..., Settings],
) -> None:
    with serving(settings_for()) as served:
        good_ids: set[str] = set()
        answers: dict[int, int] = {}

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(requests())
        def one(request: Request) -> None:
            before = served.stored()
            status = served.post(request)
            answers[status] = answers.get(status, 0) + 1
            assert status < 500, request.headers
            if not request.signed:
                assert status in (0, 400, 401, 413, 415), request.headers
                assert served.stored() == before
            if request.good:
                good_ids.add(dict(request.headers)["X-GitHub-Delivery"].decode())
            assert {e.delivery_id for e in served.seen} <= good_ids

        one()
        print(f"\n{EXAMPLES} fuzzed requests; answers: {dict(sorted(answers.items()))}")
        final = json.dumps(opened(7)).encode()
        headers = [("Content-Type", b"application/json"), ("X-GitHub-Event", b"issues")]
        headers += [("X-GitHub-Delivery", b"after-the-fuzz")]
        headers += [("X-Hub-Signature-256", sign(final, SECRET).encode())]
        assert served.post(Request(final, headers, True, True)) == 202
        served.run(_until_seen(served, "after-the-fuzz"))
        assert {e.delivery_id for e in served.seen} <= good_ids | {"after-the-fuzz"}


async def _until_seen(served: Background, delivery_id: str) -> None:
    async with asyncio.timeout(30):
        while delivery_id not in {e.delivery_id for e in served.seen}:
            await asyncio.sleep(0.02)
