"""The GitHub App manifest built from ``app.yml``, and where GitHub registers it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import yaml

from app.platform.errors import SettingsError

SOURCE_ROOT = Path(__file__).resolve().parents[3]
#: GitHub's rule for organisation and user logins.
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
MAX_NAME = 34  # GitHub App names are at most 34 characters


def find_manifest_file() -> Path:
    """``app.yml`` in the working directory (the image puts it there), else in the source
    tree."""
    for candidate in (Path.cwd() / "app.yml", SOURCE_ROOT / "app.yml"):
        if candidate.is_file():
            return candidate
    raise SettingsError(
        f"app.yml was not found in {Path.cwd()} or {SOURCE_ROOT}: copy Warden's app.yml there."
    )


def build_manifest(source: Path, public_url: str, name: str) -> dict[str, Any]:
    """The manifest GitHub receives: ``app.yml`` with the hook and redirect URLs pointing
    at this server and the name the admin chose."""
    loaded: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    base = public_url.rstrip("/")
    loaded["name"] = name
    loaded["hook_attributes"] = {**loaded.get("hook_attributes", {}), "url": f"{base}/webhook"}
    loaded["redirect_url"] = f"{base}/setup/callback"
    loaded["setup_url"] = f"{base}/setup"
    return loaded


def registration_url(web_url: str, org: str | None, state: str) -> str:
    """Where the browser posts the manifest: an organisation's new-app page, or the
    personal account's."""
    base = web_url.rstrip("/")
    path = f"/organizations/{quote(org)}/settings/apps/new" if org else "/settings/apps/new"
    return f"{base}{path}?{urlencode({'state': state})}"


def check_form(org: str, account: str, name: str) -> str | None:
    """What is wrong with the setup form, in one sentence; ``None`` when it is usable."""
    if account == "org" and not LOGIN.match(org):
        return "Enter the organisation's login, as in github.com/LOGIN (letters, digits, -)."
    if not name.strip():
        return "Enter a name for the app (it must be unique on GitHub)."
    if len(name) > MAX_NAME:
        return f"The app's name must be at most {MAX_NAME} characters."
    return None
