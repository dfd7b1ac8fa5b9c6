"""POST /webhook: verify, store, answer. Nothing else happens on the request path."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence

from aiohttp import web

from app.intake.envelope import Envelope, read_envelope
from app.intake.inbox import Intake
from app.intake.signature import Signatures
from app.store import NewDelivery

log = logging.getLogger(__name__)

MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
CHUNK = 256 * 1024
# Headers the signature does not cover: checked before anything is stored.
DELIVERY_ID = re.compile(r"[\x21-\x7e]{1,100}")
EVENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
#: The server never inflates a body (see ``create_app``): GitHub does not compress webhooks,
#: and a compressed body is refused before a byte of it is read.
IDENTITY = ("", "identity")
QUEUED = b'{"message": "queued"}'


async def _read_limited(request: web.Request) -> bytes | None:
    """The body, or None as soon as it grows past the limit (it is never read whole).
    A body of announced length (GitHub's always are) is read in one call; a short one
    is read as far as it goes."""
    if request.content_length is not None:  # already checked to be within the limit
        try:
            return await request.content.readexactly(request.content_length)
        except asyncio.IncompleteReadError as short:
            return short.partial
    parts: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(CHUNK):
        size += len(chunk)
        if size > MAX_BODY:
            return None
        parts.append(chunk)
    return b"".join(parts)


def _refuse_before_reading(request: web.Request) -> web.Response | None:
    """The answers the headers alone decide, given before any of the body is read."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _reply(413, "payload larger than 25 MiB")
    if request.headers.get("Content-Encoding", "").strip().lower() not in IDENTITY:
        return _reply(415, "send webhooks uncompressed (no Content-Encoding)")
    if request.content_type != "application/json":
        return _reply(415, "send webhooks as application/json")
    return None


def describe_store_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _reply(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)


def _queued() -> web.Response:
    """The answer to nearly every request, its body encoded once."""
    return web.Response(body=QUEUED, status=202, content_type="application/json")


class WebhookView:
    """The webhook route, bound to the secrets, the intake and the clock."""

    def __init__(self, secrets: Sequence[str], intake: Intake, now: Callable[[], float]) -> None:
        self.signatures = Signatures(secrets)
        self.intake = intake
        self.now = now

    async def __call__(self, request: web.Request) -> web.Response:
        refused = _refuse_before_reading(request)
        if refused is not None:
            return refused
        body = await _read_limited(request)
        if body is None:
            return _reply(413, "payload larger than 25 MiB")
        signature = request.headers.get("X-Hub-Signature-256", "")
        if not self.signatures.valid(body, signature):
            return _reply(401, "missing or invalid X-Hub-Signature-256")
        event = request.headers.get("X-GitHub-Event", "")
        delivery_id = request.headers.get("X-GitHub-Delivery", "")
        if not EVENT_NAME.fullmatch(event) or not DELIVERY_ID.fullmatch(delivery_id):
            return _reply(400, "missing or malformed X-GitHub-Event or X-GitHub-Delivery header")
        envelope = read_envelope(event, body)
        if envelope is None:
            return _reply(400, "body is not a JSON object")
        if event == "ping":
            return _reply(200, "pong")
        return await self._store(event, delivery_id, envelope, body)

    async def _store(
        self, event: str, delivery_id: str, envelope: Envelope, body: bytes
    ) -> web.Response:
        delivery = NewDelivery(
            id=delivery_id,
            event=event,
            action=envelope.action,
            installation_id=envelope.installation_id,
            ordering_key=envelope.ordering_key,
            body=body,
            received_at=self.now(),
        )
        try:
            new = await self.intake.submit(delivery)
        except Exception as exc:
            log.error("could not store delivery %s: %s", delivery_id, describe_store_error(exc))
            return _reply(503, "storage unavailable; GitHub's delivery will be retried")
        if not new:
            return _reply(200, "delivery already received")
        return _queued()
