"""Whether an issue or comment is Warden's own: told by its author, never by its marker alone.

Anyone who can write an issue or a comment can copy one of Warden's hidden markers
(``<!-- warden:... -->``) into it; only Warden's bot account can be its author."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from gidgethub.abc import GitHubAPI


async def warden_login(gh: GitHubAPI) -> str:
    """The login Warden acts as (``<app slug>[bot]``), known to Warden's own client."""
    login_of = getattr(gh, "bot_login", None)
    if login_of is None:
        raise TypeError("Warden's own GitHub client is needed to tell Warden's own writing")
    return str(await login_of())


def written_by(item: dict[str, Any], login: str) -> bool:
    """Whether ``item`` (an issue or a comment as GitHub lists it) was written by ``login``."""
    author = (item.get("user") or {}).get("login") or ""
    return bool(author) and str(author).lower() == login.lower()


async def is_warden(gh: GitHubAPI, sender: dict[str, Any]) -> bool:
    """Whether the sender of an event is Warden itself (its own writes come back as events)."""
    return sender.get("type") == "Bot" and written_by({"user": sender}, await warden_login(gh))


async def own_items(
    gh: GitHubAPI, url: str, variables: dict[str, Any] | None = None
) -> AsyncIterator[dict[str, Any]]:
    """The issues or comments listed at ``url`` that Warden itself wrote, in GitHub's order."""
    warden = await warden_login(gh)
    async for item in gh.getiter(url, variables or {}):
        if written_by(item, warden):
            yield item
