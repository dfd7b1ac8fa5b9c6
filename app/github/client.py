"""The one GitHub client: app JWT, cached installation tokens, ETag caches, retries, rate limits."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import aiohttp
import cachetools
import jwt
from gidgethub import BadRequest, GitHubBroken, HTTPException, RateLimitExceeded
from gidgethub import aiohttp as gh_aiohttp

from app.platform.clock import Clock
from app.platform.errors import TransientError
from app.platform.metrics import Metrics

log = logging.getLogger(__name__)

USER_AGENT = "warden-security-bot"
TOKEN_REFRESH_MARGIN = 300.0  # refresh tokens 5 minutes before GitHub expires them
ETAG_CACHE_SIZE = 2048
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "PATCH"})


def retry_after_of(exc: BaseException, now: float) -> float | None:
    """Seconds to wait before retrying after ``exc``; None when it is not transient."""
    if isinstance(exc, TransientError):
        return exc.retry_after if exc.retry_after is not None else 0.0
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ClientError):
        return 0.0
    if isinstance(exc, GitHubBroken):
        return _header_wait(exc.headers, now) or 0.0
    if isinstance(exc, HTTPException) and _is_rate_limited(exc):
        return _header_wait(exc.headers, now) or 60.0
    return None


def describe_error(exc: BaseException) -> str:
    """One line for logs and ``warden deliveries``: what failed, with GitHub's status."""
    if isinstance(exc, HTTPException):
        return f"GitHub answered {int(exc.status_code)}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _is_rate_limited(exc: HTTPException) -> bool:
    if exc.status_code == 429 or isinstance(exc, RateLimitExceeded):
        return True
    if exc.status_code != 403:
        return False
    headers = {k.lower(): v for k, v in exc.headers.items()}
    text = str(exc).lower()
    return (
        "retry-after" in headers
        or "rate limit" in text
        or headers.get("x-ratelimit-remaining") == "0"
    )


def _header_wait(headers: Mapping[str, str], now: float) -> float | None:
    lower = {k.lower(): v for k, v in headers.items()}
    if "retry-after" in lower:
        try:
            return max(0.0, float(lower["retry-after"]))
        except ValueError:
            return None
    if lower.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in lower:
        try:
            return max(0.0, float(lower["x-ratelimit-reset"]) - now)
        except ValueError:
            return None
    return None


class TokenCache:
    """Installation tokens, one refresh in flight per installation."""

    def __init__(self, fetch: Callable[[int], Awaitable[tuple[str, float]]], clock: Clock) -> None:
        self._fetch = fetch
        self._clock = clock
        self._tokens: dict[int, tuple[str, float]] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def get(self, installation_id: int) -> str:
        cached = self._tokens.get(installation_id)
        if cached and cached[1] - self._clock.time() > TOKEN_REFRESH_MARGIN:
            return cached[0]
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(installation_id)
            if cached and cached[1] - self._clock.time() > TOKEN_REFRESH_MARGIN:
                return cached[0]
            token, expires_at = await self._fetch(installation_id)
            self._tokens[installation_id] = (token, expires_at)
            return token

    def invalidate(self, installation_id: int) -> None:
        self._tokens.pop(installation_id, None)


class GitHubAPI(gh_aiohttp.GitHubAPI):
    """gidgethub's client with Warden's auth, metrics, retries and rate-limit handling."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        auth: Callable[[], Awaitable[str]],
        on_unauthorised: Callable[[], None],
        metrics: Metrics,
        clock: Clock,
        installation_id: int | None = None,
        max_inline_wait: float = 10.0,
        max_attempts: int = 4,
        bot_login: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        cache: cachetools.LRUCache[Any, Any] = cachetools.LRUCache(ETAG_CACHE_SIZE)
        super().__init__(session, USER_AGENT, cache=cache, base_url=base_url)
        #: This installation's ETag cache (gidgethub keys it by URL alone).
        self.etags = cache
        self._auth = auth
        self._on_unauthorised = on_unauthorised
        self._metrics = metrics
        self._clock = clock
        self.installation_id = installation_id
        self.max_inline_wait = max_inline_wait
        self.max_attempts = max_attempts
        self._bot_login = bot_login

    async def bot_login(self) -> str:
        """Warden's own account (``<app slug>[bot]``): how it tells its issues and comments
        from ones that copy its hidden markers."""
        if self._bot_login is None:
            raise RuntimeError("this client does not know which app it acts for")
        return await self._bot_login()

    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        authorization = await self._auth()  # empty: an endpoint that takes no credentials
        request_headers = {**headers, "authorization": authorization} if authorization else headers
        for attempt in range(1, self.max_attempts + 1):
            try:
                status, response_headers, data = await super()._request(
                    method, url, request_headers, body
                )
            except (TimeoutError, aiohttp.ClientError):
                self._metrics.github_requests.labels(status="0").inc()
                # A POST that got no answer may have been applied: leave the
                # retry to the delivery, whose handler is level-triggered.
                if method not in IDEMPOTENT or attempt == self.max_attempts:
                    raise
                await self.sleep(_backoff(attempt))
                continue
            self._metrics.github_requests.labels(status=str(status)).inc()
            self._note_rate_limit(response_headers)
            return status, response_headers, data
        raise AssertionError("unreachable")

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is not None and self.installation_id is not None:
            self._metrics.rate_limit_remaining.labels(installation=str(self.installation_id)).set(
                float(remaining)
            )

    async def manage_rate_limit(self, *, method: str, url: str) -> None:
        limit = self.rate_limit
        if limit is None or limit.remaining > 0:
            return
        wait = limit.reset_datetime.timestamp() - self._clock.time()
        if wait > 0:
            raise TransientError("GitHub's rate limit is used up until it resets", wait)

    async def handle_rate_limit_error(
        self, *, method: str, url: str, exception: HTTPException, attempt: int
    ) -> bool:
        if exception.status_code == 401 and attempt == 1:
            self._on_unauthorised()  # a revoked or expired token: mint a new one once
            return True
        wait = retry_after_of(exception, self._clock.time())
        if wait is None or attempt >= self.max_attempts:
            return False
        if isinstance(exception, GitHubBroken) and method not in IDEMPOTENT:
            return False
        wait = max(wait, _backoff(attempt))
        if wait > self.max_inline_wait:
            return False  # too long to hold a worker: the delivery is rescheduled
        log.info("GitHub answered %s; retrying in %.1fs", exception.status_code, wait)
        await self.sleep(wait)
        return True


def _backoff(attempt: int) -> float:
    """Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, ..."""
    return float(min(30.0, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2))


class GitHubApp:
    """Makes clients: one per installation (its own ETag cache and token), one for the app."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        app_id: str,
        private_key: str,
        base_url: str,
        metrics: Metrics,
        clock: Clock,
        max_inline_wait: float = 10.0,
    ) -> None:
        self._session = session
        self.app_id = app_id
        self._private_key = private_key
        self.base_url = base_url
        self._metrics = metrics
        self._clock = clock
        self.max_inline_wait = max_inline_wait
        self.tokens = TokenCache(self._fetch_token, clock)
        self._clients: dict[int, GitHubAPI] = {}
        self._app_client: GitHubAPI | None = None
        self._bot_login: str | None = None
        self.token_requests = 0

    def __repr__(self) -> str:
        return f"GitHubApp(app_id={self.app_id!r}, base_url={self.base_url!r})"

    def jwt(self) -> str:
        """An RS256 app JWT: issued 60 s in the past, valid 9 minutes."""
        now = int(self._clock.time())
        payload = {"iat": now - 60, "exp": now + 540, "iss": self.app_id}
        return jwt.encode(payload, self._private_key, algorithm="RS256")

    async def _app_auth(self) -> str:
        return f"Bearer {self.jwt()}"

    async def bot_login(self) -> str:
        """The login Warden acts as (``<app slug>[bot]``), asked of GitHub once."""
        if self._bot_login is None:
            app = await self.app_client().getitem("/app")
            self._bot_login = f"{app['slug']}[bot]"
        return self._bot_login

    def app_client(self) -> GitHubAPI:
        """A client authenticated as the app itself (``/app/...`` endpoints)."""
        if self._app_client is None:
            self._app_client = self._client(self._app_auth, lambda: None, None)
        return self._app_client

    def installation_client(self, installation_id: int) -> GitHubAPI:
        """The client for one installation, reused so its ETag cache pays off."""
        client = self._clients.get(installation_id)
        if client is None:

            async def auth() -> str:
                return f"token {await self.tokens.get(installation_id)}"

            client = self._client(
                auth, lambda: self.tokens.invalidate(installation_id), installation_id
            )
            self._clients[installation_id] = client
        return client

    def _client(
        self,
        auth: Callable[[], Awaitable[str]],
        on_unauthorised: Callable[[], None],
        installation_id: int | None,
    ) -> GitHubAPI:
        return GitHubAPI(
            self._session,
            base_url=self.base_url,
            auth=auth,
            on_unauthorised=on_unauthorised,
            metrics=self._metrics,
            clock=self._clock,
            installation_id=installation_id,
            max_inline_wait=self.max_inline_wait,
            bot_login=self.bot_login,
        )

    async def _fetch_token(self, installation_id: int) -> tuple[str, float]:
        self.token_requests += 1
        data = await self.app_client().post(
            "/app/installations/{installation_id}/access_tokens",
            {"installation_id": installation_id},
            data={},
        )
        expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
        return data["token"], expires.timestamp()


__all__ = ["BadRequest", "GitHubAPI", "GitHubApp", "TokenCache", "describe_error", "retry_after_of"]
