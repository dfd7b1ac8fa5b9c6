"""What a REST handler receives (``Ctx``) and returns (``Reply``), and the route table."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sandbox.auth import Caller
from sandbox.core import Core
from sandbox.errors import Forbidden, NotFound
from sandbox.state import Org, Repo

MAX_PER_PAGE = 100


@dataclass
class Reply:
    """A handler's answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Ctx:
    """One authenticated, validated request."""

    core: Core
    caller: Caller
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    base_url: str
    path: str

    @property
    def actor(self) -> str:
        """The account Warden acts as: the app's bot user."""
        return self.core.app.bot_login

    @property
    def account(self) -> str | None:
        """The account the calling installation is on."""
        if self.caller.installation_id is None:
            return None
        return self.core.world.installations[self.caller.installation_id].account

    def owns(self, login: str) -> bool:
        """Whether the calling installation is on account ``login``."""
        return self.account is not None and self.account.lower() == login.lower()

    def repo(self, write: bool = False, installed: bool = False) -> Repo:
        """The repository of the path. Outside the installation a private repo is 404,
        a public one readable, writes 403 (advisories, ``installed=True``: 404)."""
        repo = self.core.world.repo(self.params["owner"], self.params["repo"])
        if self.owns(repo.owner):
            return repo
        if repo.private or installed:
            raise NotFound()
        if write:
            raise Forbidden()
        return repo

    def org(self, installed: bool = True) -> Org:
        """The organisation of the path (404 outside the installation unless public data)."""
        org = self.core.world.org(self.params["org"])
        if installed and not self.owns(org.login):
            raise NotFound()
        return org

    def paginate(self, items: list[Any]) -> Reply:
        """One page of ``items`` with GitHub's ``Link`` header (``page`` / ``per_page``)."""
        per_page = min(int(self.query.get("per_page", 30)), MAX_PER_PAGE) or 30
        page = max(int(self.query.get("page", 1)), 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        for rel, number in (("prev", page - 1), ("next", page + 1), ("last", last), ("first", 1)):
            if (rel in ("prev", "first") and page > 1) or (rel in ("next", "last") and page < last):
                links.append(f'<{self.page_url(page=number, per_page=per_page)}>; rel="{rel}"')
        return Reply(200, chunk, {"Link": ", ".join(links)} if links else {})

    def paginate_cursor(self, items: list[Any], names: list[str]) -> Reply:
        """One page of ``items`` as GitHub's cursor lists answer (the security advisories):
        ``before``/``after`` cursors, a ``Link`` with ``next`` and ``prev`` only, no ``page``.
        ``names[i]`` identifies ``items[i]`` (the cursor is opaque to clients)."""
        per_page = min(int(self.query.get("per_page", 30)), MAX_PER_PAGE) or 30
        cursors = [base64.urlsafe_b64encode(f"cursor:{n}".encode()).decode() for n in names]
        start, after, before = 0, self.query.get("after"), self.query.get("before")
        if after is not None:
            start = cursors.index(after) + 1 if after in cursors else len(items)
        elif before is not None:
            start = max((cursors.index(before) if before in cursors else 0) - per_page, 0)
        end = min(start + per_page, len(items))
        if before is not None and before in cursors:
            end = cursors.index(before)
        query = {k: v for k, v in self.query.items() if k not in ("after", "before")}
        links = []
        if end < len(items):
            url = f"{self.base_url}{self.path}?{urlencode({**query, 'after': cursors[end - 1]})}"
            links.append(f'<{url}>; rel="next"')
        if start > 0:
            url = f"{self.base_url}{self.path}?{urlencode({**query, 'before': cursors[start]})}"
            links.append(f'<{url}>; rel="prev"')
        return Reply(200, items[start:end], {"Link": ", ".join(links)} if links else {})

    def page_url(self, **changes: Any) -> str:
        """This request's URL with some query parameters changed."""
        query = {**self.query, **{k: str(v) for k, v in changes.items()}}
        return f"{self.base_url}{self.path}?{urlencode(query)}"


Handler = Callable[[Ctx], Reply]
ROUTES: dict[str, Handler] = {}
JWT_ROUTES: set[str] = set()
#: Routes GitHub answers without credentials (the manifest code exchange).
OPEN_ROUTES: set[str] = set()


def route(key: str, jwt: bool = False, open_: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler for ``METHOD /template`` (a key of the REST description)."""

    def register(handler: Handler) -> Handler:
        ROUTES[key] = handler
        if jwt:
            JWT_ROUTES.add(key)
        if open_:
            OPEN_ROUTES.add(key)
        return handler

    return register
