"""Helpers for tests and demos driving a ``Sandbox``: app JWTs, tokens, a seed world."""

from __future__ import annotations

import aiohttp
import jwt

from sandbox.server import Sandbox


def app_jwt(sb: Sandbox, lifetime: int = 540, iat_offset: int = -60) -> str:
    """An app JWT as Warden makes one (``iat`` 60 s in the past), on the sandbox's clock."""
    now = int(sb.clock.time())
    claims = {"iat": now + iat_offset, "exp": now + lifetime, "iss": str(sb.app_id)}
    return jwt.encode(claims, sb.private_key_pem, algorithm="RS256")


async def installation_token(sb: Sandbox, installation_id: int) -> str:
    """Mint an installation token through the REST API, as Warden does."""
    headers = {"Authorization": f"Bearer {app_jwt(sb)}", "Accept": "application/vnd.github+json"}
    async with aiohttp.ClientSession() as session:
        url = f"{sb.url}/app/installations/{installation_id}/access_tokens"
        async with session.post(url, headers=headers) as answer:
            assert answer.status == 201, await answer.text()
            token: str = (await answer.json())["token"]
            return token


def seed_psrt(sb: Sandbox) -> int:
    """A small PSRT-like world: org ``python``, team ``psrt``, a private governance repo and
    a public ``cpython``; returns the installation id."""
    for login in ("alice", "bob", "carol", "dave"):
        sb.add_user(login)
    sb.add_org("python", admins=["alice"])
    sb.add_team("python", "psrt", members=["bob"], maintainers=["alice"])
    sb.add_repo("python", "psrt-governance", private=True, files={"README.md": "PSRT\n"})
    sb.add_repo("python", "cpython", files={"Lib/tarfile.py": "# tarfile\n"})
    return sb.install("python")
