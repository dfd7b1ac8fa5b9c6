"""Real GitHub behaviours of the sandbox: auth, ETags, pagination, limits, faults, conflicts."""

from __future__ import annotations

import base64

import aiohttp
import cachetools
import jwt
import pytest
from gidgethub import BadRequest, GitHubBroken, RateLimitExceeded
from gidgethub.aiohttp import GitHubAPI

from app.platform.clock import Clock
from sandbox import Sandbox
from sandbox.core import AppIdentity
from sandbox.testing import app_jwt, installation_token, seed_psrt


async def client(sb: Sandbox, session: aiohttp.ClientSession, token: str) -> GitHubAPI:
    return GitHubAPI(
        session,
        "warden-test",
        oauth_token=token,
        base_url=sb.url,
        cache=cachetools.LRUCache(maxsize=100),
    )


async def test_unchanged_resources_answer_304_from_gidgethub_cache(sandbox: Sandbox) -> None:
    iid = seed_psrt(sandbox)
    token = await installation_token(sandbox, iid)
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        first = await gh.getitem("/repos/python/cpython")
        before = sandbox.rate_limit_remaining(iid)
        again = await gh.getitem("/repos/python/cpython")
    assert again == first
    assert [r.not_modified for r in sandbox.requests[-2:]] == [False, True]
    assert sandbox.rate_limit_remaining(iid) == before


async def test_gidgethub_follows_link_pagination(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    number = await sandbox.open_issue("python", "psrt-governance", "bob", "Vote")
    comment = await sandbox.comment("python", "psrt-governance", number, "bob", "vote")
    for n in range(7):
        login = f"voter{n}"
        sandbox.add_user(login)
        sandbox.react("python", "psrt-governance", comment, login, "+1")
    url = f"/repos/python/psrt-governance/issues/comments/{comment}/reactions?per_page=3"
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        users = [r["user"]["login"] async for r in gh.getiter(url)]
    assert users == [f"voter{n}" for n in range(7)]
    assert sandbox.count("GET", "/repos/python/psrt-governance/issues/comments/") == 3


async def test_advisory_lists_page_with_cursors_as_github_does(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    sandbox.add_user("mallory")
    ghsas = [
        await sandbox.report_advisory("python", "cpython", "mallory", f"{n}") for n in range(5)
    ]
    url = "/orgs/python/security-advisories?per_page=2&direction=asc"
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        listed = [a["ghsa_id"] async for a in gh.getiter(url)]
        auth = {"Authorization": f"token {token}", "Accept": "application/vnd.github+json"}
        async with session.get(sandbox.url + url, headers=auth) as answer:
            link = answer.headers["Link"]
    assert sorted(listed) == sorted(ghsas)  # each once, over three pages
    pages = [r.query for r in sandbox.requests if r.path == "/orgs/python/security-advisories"]
    assert [("after" in q, "page" in q) for q in pages[:3]] == [
        (False, False),
        *[(True, False)] * 2,
    ]
    assert 'rel="next"' in link and "after=" in link
    assert 'rel="last"' not in link  # a cursor list cannot say where it ends


async def test_app_endpoints_need_a_valid_jwt(sandbox: Sandbox, clock: Clock) -> None:
    seed_psrt(sandbox)
    async with aiohttp.ClientSession() as session:

        async def status(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            async with session.get(f"{sandbox.url}/app", headers=headers) as answer:
                return answer.status

        assert await status(app_jwt(sandbox)) == 200
        assert await status(app_jwt(sandbox, lifetime=3600)) == 401
        assert await status(app_jwt(sandbox, iat_offset=300)) == 401
        assert await status("not.a.jwt") == 401
        old = app_jwt(sandbox)
        clock.advance(601)
        assert await status(old) == 401


async def test_app_jwt_must_be_rs256_by_the_app_key_and_expire_within_ten_minutes(
    sandbox: Sandbox,
) -> None:
    iid = seed_psrt(sandbox)
    now = int(sandbox.clock.time())
    claims = {"iat": now - 60, "exp": now + 540, "iss": str(sandbox.app_id)}
    other_key = AppIdentity.generate(sandbox.app_id, "impostor").private_key_pem
    async with aiohttp.ClientSession() as session:

        async def status(token: str, path: str = "/app") -> int:
            headers = {"Authorization": f"Bearer {token}"}
            async with session.get(f"{sandbox.url}{path}", headers=headers) as answer:
                return answer.status

        assert await status(jwt.encode(claims, sandbox.private_key_pem, "RS256")) == 200
        hmac_secret = "a shared secret of thirty-two bytes"
        assert await status(jwt.encode(claims, hmac_secret, "HS256")) == 401
        assert await status(jwt.encode(claims, other_key, "RS256")) == 401
        wrong_issuer = {**claims, "iss": "999"}
        assert await status(jwt.encode(wrong_issuer, sandbox.private_key_pem, "RS256")) == 401
        assert await status(app_jwt(sandbox, lifetime=600, iat_offset=0)) == 200
        assert await status(app_jwt(sandbox, lifetime=660, iat_offset=0)) == 401
        token = await installation_token(sandbox, iid)
        assert await status(token) == 401  # an installation token is not an app JWT
        assert await status(app_jwt(sandbox), "/repos/python/cpython") == 401  # nor the reverse


async def test_installation_token_expires_after_an_hour(sandbox: Sandbox, clock: Clock) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        await gh.getitem("/repos/python/psrt-governance")
        clock.advance(3601)
        with pytest.raises(BadRequest) as caught:
            await gh.getitem("/repos/python/psrt-governance")
    assert caught.value.status_code == 401
    assert sandbox.requests[-1].status == 401


async def test_private_repo_of_another_account_is_404(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    sandbox.add_org("other")
    sandbox.add_repo("other", "secret", private=True)
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        for path in ("/repos/other/secret", "/repos/other/secret/security-advisories"):
            with pytest.raises(BadRequest) as caught:
                await gh.getitem(path)
            assert caught.value.status_code == 404


async def test_stale_content_sha_is_a_409(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    path = "/repos/python/psrt-governance/contents/README.md"
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        sha = (await gh.getitem(path))["sha"]
        body = {"message": "edit", "content": base64.b64encode(b"v2\n").decode(), "sha": sha}
        await gh.put(path, data=body)
        with pytest.raises(BadRequest) as caught:
            await gh.put(path, data={**body, "content": base64.b64encode(b"v3\n").decode()})
    assert caught.value.status_code == 409
    assert sandbox.repo("python", "psrt-governance").tree()["README.md"] == "v2\n"


async def test_adding_a_non_member_to_a_team_makes_a_pending_invitation(
    sandbox: Sandbox,
) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        added = await gh.put("/orgs/python/teams/psrt/memberships/dave", data={"role": "member"})
        invited = [i["login"] async for i in gh.getiter("/orgs/python/teams/psrt/invitations")]
        members = [m["login"] async for m in gh.getiter("/orgs/python/teams/psrt/members?role=all")]
    assert added["state"] == "pending"
    assert invited == ["dave"] and "dave" not in members


async def test_secondary_limit_and_server_error_faults(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    sandbox.faults.secondary_limit(method="GET", path_regex="/repos/", retry_after=30)
    sandbox.faults.add(path_regex="/repos/", status=502, times=1)
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        with pytest.raises(BadRequest) as limited:
            await gh.getitem("/repos/python/cpython")
        with pytest.raises(GitHubBroken):
            await gh.getitem("/repos/python/cpython")
        assert (await gh.getitem("/repos/python/cpython"))["name"] == "cpython"
    assert limited.value.status_code == 403
    assert "secondary rate limit" in str(limited.value)
    assert [r.status for r in sandbox.requests[-3:]] == [403, 502, 200]


async def test_dropped_connection_and_latency_faults(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    # aiohttp retries an idempotent request once after a disconnect: drop both tries.
    sandbox.faults.drop(path_regex="/repos/python/cpython$", times=2)
    headers = {"Authorization": f"token {token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        with pytest.raises(aiohttp.ClientError):
            await session.get(f"{sandbox.url}/repos/python/cpython")
        sandbox.faults.latency(0.05, path_regex="/repos/python/cpython$")
        async with session.get(f"{sandbox.url}/repos/python/cpython") as answer:
            assert answer.status == 200
    assert [r.status for r in sandbox.requests[-3:]] == [0, 0, 200]


async def test_exhausted_rate_limit_is_a_403_with_headers(sandbox: Sandbox) -> None:
    iid = seed_psrt(sandbox)
    token = await installation_token(sandbox, iid)
    sandbox.set_rate_limit_remaining(iid, 1)
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        await gh.getitem("/repos/python/cpython")
        assert gh.rate_limit is not None and gh.rate_limit.remaining == 0
        with pytest.raises(RateLimitExceeded):
            await gh.getitem("/repos/python/psrt-governance")
    assert sandbox.requests[-1].status == 403


async def test_cve_request_on_a_private_repo_is_refused(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    private = await sandbox.report_advisory("python", "psrt-governance", "carol", "leak")
    public = await sandbox.report_advisory("python", "cpython", "carol", "escape")
    async with aiohttp.ClientSession() as session:
        gh = await client(sandbox, session, token)
        with pytest.raises(BadRequest) as caught:
            await gh.post(
                f"/repos/python/psrt-governance/security-advisories/{private}/cve", data={}
            )
        await gh.post(f"/repos/python/cpython/security-advisories/{public}/cve", data={})
        fork = await gh.post(f"/repos/python/cpython/security-advisories/{public}/forks", data={})
        advisory = await gh.getitem(f"/repos/python/cpython/security-advisories/{public}")
    assert caught.value.status_code == 422
    assert fork["private"] is True
    assert advisory["private_fork"]["full_name"] == fork["full_name"]
