"""The organisations the app is installed on, for jobs that sweep every one of them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from app.context import Context
from app.github.client import GitHubAPI


@dataclass(frozen=True)
class Installation:
    """One active installation: its id, the account's login and its client."""

    id: int
    org: str
    gh: GitHubAPI


async def each_installation(ctx: Context) -> AsyncIterator[Installation]:
    """Every active (not suspended) installation, with its own GitHub client."""
    if ctx.github is None:
        return
    async for item in ctx.github.app_client().getiter("/app/installations"):
        account = item.get("account")
        if not account or item.get("suspended_at"):
            continue
        installation_id = int(item["id"])
        yield Installation(
            installation_id, account["login"], ctx.github.installation_client(installation_id)
        )
