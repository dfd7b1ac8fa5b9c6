"""One organisation as a handler or a job reaches it: its installation, client and config.

Every feature function that acts on an organisation takes one of these instead of the
loose ``(ctx, gh, installation_id, org, config)`` it once passed around.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from app.context import Context
from app.github.client import GitHubAPI
from app.store import AuditEntry
from config import WardenConfig


@dataclass(frozen=True)
class Installation:
    """An organisation Warden is installed on, before its config is known."""

    ctx: Context
    gh: GitHubAPI
    id: int
    login: str

    async def audit(self, kind: str, subject: str, **detail: object) -> None:
        """Append to the audit log, with the delivery that caused it (none for a job)."""
        entry = AuditEntry(
            at=self.ctx.clock.time(),
            kind=kind,
            subject=subject,
            detail=dict(detail),
            installation_id=self.id,
            delivery_id=self.ctx.delivery_id,
        )
        await self.ctx.store.append_audit(entry)

    def configured(self, config: WardenConfig) -> Org:
        """This installation with the config in force."""
        return Org(self.ctx, self.gh, self.id, self.login, config)

    @classmethod
    def of_event(cls, ctx: Context, gh: GitHubAPI, data: dict[str, Any]) -> Installation:
        """The installation a webhook payload came through, and the organisation it is about."""
        installation = data["installation"]
        owner = (
            data.get("organization")
            or (data.get("repository") or {}).get("owner")
            or installation["account"]
        )
        return cls(ctx, gh, int(installation["id"]), str(owner["login"]))


@dataclass(frozen=True)
class Org(Installation):
    """An organisation with its valid config in force: what features act on."""

    config: WardenConfig


async def each_installation(ctx: Context) -> AsyncIterator[Installation]:
    """Every active (not suspended) installation, with its own GitHub client."""
    if ctx.github is None:
        return
    async for item in ctx.github.app_client().getiter("/app/installations"):
        account = item.get("account")
        if not account or item.get("suspended_at"):
            continue
        installation_id = int(item["id"])
        gh = ctx.github.installation_client(installation_id)
        yield Installation(ctx, gh, installation_id, account["login"])
