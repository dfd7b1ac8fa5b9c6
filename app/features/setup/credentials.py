"""The manifest code exchanged for the new app's credentials, and those written to ``.env``."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp

from app.github.client import GitHubAPI
from app.platform.clock import Clock
from app.platform.metrics import Metrics
from app.platform.settings import Secret, Settings

#: The .env keys the manifest flow owns; other lines of the file are kept as they are.
KEYS = ("GITHUB_APP_ID", "GITHUB_PRIVATE_KEY", "GITHUB_WEBHOOK_SECRET")


@dataclass(frozen=True)
class NewApp:
    """What GitHub returns once for a registered manifest (secrets hidden in ``repr``)."""

    id: str
    slug: str
    html_url: str
    owner: str
    private_key: Secret
    webhook_secret: Secret

    @property
    def install_url(self) -> str:
        """The page where an admin installs the app on an organisation."""
        return f"{self.html_url.rstrip('/')}/installations/new"

    def settings(self, current: Settings) -> Settings:
        """The process settings with this app's credentials."""
        return replace(
            current,
            app_id=self.id,
            private_key=self.private_key,
            webhook_secret=self.webhook_secret,
        )


async def _no_credentials() -> str:
    return ""


async def exchange_code(
    session: aiohttp.ClientSession, api_url: str, code: str, metrics: Metrics, clock: Clock
) -> NewApp:
    """``POST /app-manifests/{code}/conversions``: a code works once, within an hour."""
    gh = GitHubAPI(
        session,
        base_url=api_url,
        auth=_no_credentials,
        on_unauthorised=lambda: None,
        metrics=metrics,
        clock=clock,
    )
    data = await gh.post("/app-manifests/{code}/conversions", {"code": code}, data={})
    owner = data.get("owner") or {}
    return NewApp(
        id=str(data["id"]),
        slug=str(data["slug"]),
        html_url=str(data["html_url"]),
        owner=str(owner.get("login", "")),
        private_key=Secret(str(data["pem"])),
        webhook_secret=Secret(str(data["webhook_secret"])),
    )


def env_lines(existing: str, new: NewApp) -> str:
    """``existing`` .env text with the app's three keys set (replaced where present)."""
    pem = new.private_key.reveal().replace("\n", "\\n")
    values = {
        "GITHUB_APP_ID": new.id,
        "GITHUB_PRIVATE_KEY": f'"{pem}"',
        "GITHUB_WEBHOOK_SECRET": new.webhook_secret.reveal(),
    }
    kept = [
        line
        for line in existing.splitlines()
        if line.strip().removeprefix("export ").split("=", 1)[0].strip() not in KEYS
    ]
    header = [] if kept else ["# Written by Warden's setup page (the GitHub App manifest flow)."]
    return "\n".join([*header, *kept, *(f"{k}={v}" for k, v in values.items())]) + "\n"


def write_env(path: Path, new: NewApp) -> Path:
    """Write the credentials to ``path`` readable by its owner only (mode 0600), atomically;
    return where, as an absolute path."""
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, env_lines(existing, new).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    return path.resolve()
