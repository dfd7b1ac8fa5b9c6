"""The REST front door: faults, contract, auth, rate limits, handlers, ETags, recording."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from sandbox import (  # noqa: F401  (the modules register their routes)
    manifests,
    routes_app,
    routes_issues,
    routes_orgs,
    routes_repos,
)
from sandbox.auth import Caller, authenticate
from sandbox.contract import Contract, Operation
from sandbox.core import Core
from sandbox.errors import GitHubError, NotFound, Unprocessable
from sandbox.limits import Faults, RateLimits
from sandbox.recorder import Recorder, RequestRecord, Violation, safe_headers
from sandbox.routing import JWT_ROUTES, OPEN_ROUTES, ROUTES, Ctx, Reply

NO_BODY = object()


@dataclass
class Answer:
    """What the gateway decided, before it becomes an aiohttp response."""

    reply: Reply
    caller: Caller | None = None
    operation: Operation | None = None
    not_modified: bool = False
    limited: bool = False


#: Where a request stands among the requests and webhooks, in the order they began.
SEQ = web.RequestKey("seq", int)


class Gateway:
    """Turns each HTTP request into a checked handler call, the way GitHub's edge would."""

    def __init__(self, core: Core, contract: Contract, base_url: str) -> None:
        self.core = core
        self.contract = contract
        self.base_url = base_url
        self.limits = RateLimits(core.clock)
        self.faults = Faults()
        self.recorder = Recorder()
        self.violations: list[Violation] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler for every REST path."""
        request[SEQ] = next(self.core.sequence)  # the order it began in
        raw = await request.read()
        query = dict(request.query)
        drop_after = False
        for fault in self.faults.take(request.method, request.path):
            if fault.kind == "drop_after":
                drop_after = True
            elif fault.kind == "latency":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "drop":
                self._record(request, query, raw, Answer(Reply(0)))
                if request.transport:
                    request.transport.close()
                raise asyncio.CancelledError()
            else:
                return self._finish(request, query, raw, Answer(self._fault_reply(fault)))
        answer = self._answer(request, query, raw)
        if drop_after:
            self._record(request, query, raw, Answer(Reply(0)))
            if request.transport:
                request.transport.close()
            raise asyncio.CancelledError()
        return self._finish(request, query, raw, answer)

    def _fault_reply(self, fault: Any) -> Reply:
        body = {
            "message": fault.message or "Server Error",
            "documentation_url": "https://docs.github.com/rest",
        }
        headers = {"retry-after": str(fault.retry_after)} if fault.retry_after is not None else {}
        if fault.status >= 500:
            body = {"message": "Server Error"} if fault.message is None else body
        return Reply(fault.status, body, headers)

    def _answer(self, request: web.Request, query: dict[str, str], raw: bytes) -> Answer:
        method, path = request.method, request.path
        # Match the path as sent: a label named `warden/passed` arrives as `warden%2Fpassed`.
        matched = self.contract.match(method, request.raw_path.split("?", 1)[0])
        if matched is None:
            return Answer(self._unknown(method, path))
        op, params = matched[0], {k: unquote(v) for k, v in matched[1].items()}
        answer = Answer(Reply(), operation=op)
        try:
            if op.key in OPEN_ROUTES:
                answer.caller = Caller(None)  # counted against the app's own limit
            else:
                answer.caller = authenticate(
                    self.core, request.headers.get("Authorization"), op.key in JWT_ROUTES
                )
            answer.limited = self._exhausted(answer.caller)
            if answer.limited:
                raise GitHubError(403, f"API rate limit exceeded for {self._name(answer.caller)}.")
            body = self._json(raw)
            verdict = self.contract.check(op, params, query, body)
            self.violations.extend(Violation(method, path, p) for p in verdict.problems)
            if verdict.status == 404:
                raise NotFound()
            if verdict.status:
                raise Unprocessable("Invalid request.\n\n" + "\n".join(verdict.problems))
            ctx = Ctx(self.core, answer.caller, params, query, body, self.base_url, path)
            answer.reply = ROUTES[op.key](ctx)
        except GitHubError as error:
            answer.reply = Reply(error.status, error.body())
        return answer

    def _unknown(self, method: str, path: str) -> Reply:
        if self.contract.github_has(method, path):
            problem = "GitHub has this endpoint but the sandbox does not implement it"
            self.violations.append(Violation(method, path, problem))
            return Reply(501, {"message": f"Sandbox: not implemented: {method} {path}"})
        self.violations.append(Violation(method, path, "GitHub has no such endpoint"))
        return Reply(404, NotFound().body())

    def _exhausted(self, caller: Caller) -> bool:
        return self.limits.bucket(self._bucket_key(caller)).remaining == 0

    @staticmethod
    def _name(caller: Caller) -> str:
        return "the app" if caller.is_app else f"installation ID {caller.installation_id}"

    @staticmethod
    def _bucket_key(caller: Caller) -> str:
        return "app" if caller.is_app else f"installation:{caller.installation_id}"

    @staticmethod
    def _json(raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise GitHubError(400, "Problems parsing JSON") from None

    def _finish(
        self, request: web.Request, query: dict[str, str], raw: bytes, answer: Answer
    ) -> web.Response:
        reply = answer.reply
        text = json.dumps(reply.body) if reply.body is not None else ""
        headers = {
            "x-github-request-id": uuid.uuid4().hex[:20].upper(),
            "x-github-api-version-selected": "2022-11-28",
            **reply.headers,
        }
        status = reply.status
        if request.method == "GET" and status == 200:
            etag = 'W/"' + hashlib.sha256(text.encode()).hexdigest()[:40] + '"'
            headers["ETag"] = etag
            if etag in request.headers.get("If-None-Match", ""):
                answer.not_modified, status, text = True, 304, ""
        if answer.caller is not None:
            key = self._bucket_key(answer.caller)
            if not answer.not_modified and not answer.limited:
                self.limits.bucket(key).used += 1
            headers.update(self.limits.headers(key))
        self._record(request, query, raw, answer, status)
        content_type = "application/json" if text else None
        return web.Response(
            status=status,
            text=text or None,
            headers=headers,
            content_type=content_type,
            charset="utf-8" if text else None,
        )

    def _record(
        self,
        request: web.Request,
        query: dict[str, str],
        raw: bytes,
        answer: Answer,
        status: int | None = None,
    ) -> None:
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            body = raw.decode(errors="replace")
        self.recorder.add(
            RequestRecord(
                method=request.method,
                path=request.path,
                query=query,
                status=answer.reply.status if status is None else status,
                headers=safe_headers(request.headers),
                json=body,
                installation_id=answer.caller.installation_id if answer.caller else None,
                not_modified=answer.not_modified,
                operation=answer.operation.key if answer.operation else None,
                seq=request.get(SEQ, 0),
            )
        )
