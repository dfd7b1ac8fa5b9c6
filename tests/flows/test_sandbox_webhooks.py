"""Webhooks the sandbox sends: signed, schema-valid, recorded, redeliverable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from sandbox import Sandbox
from sandbox.schema_util import load_webhook_schemas
from sandbox.testing import app_jwt, installation_token, seed_psrt


class Receiver:
    """A stand-in for Warden's webhook endpoint."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 202

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        return web.Response(status=self.status)


@pytest.fixture
async def receiver(sandbox: Sandbox) -> AsyncIterator[Receiver]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/webhook", target.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sandbox.webhook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    yield target
    await runner.cleanup()


async def test_every_supported_event_is_sent_signed_and_schema_valid(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sb = sandbox
    seed_psrt(sb)
    sb.world.installations.clear()
    sb.install("python", notify=True)
    number = await sb.open_issue("python", "psrt-governance", "bob", "Nominate", "x", ["vote"])
    await sb.edit_issue("python", "psrt-governance", number, "bob", title="Nominate dave")
    await sb.remove_label("python", "psrt-governance", number, "bob", "vote")
    comment = await sb.comment("python", "psrt-governance", number, "bob", "+1")
    await sb.edit_comment("python", "psrt-governance", comment, "bob", "+1 indeed")
    await sb.delete_comment("python", "psrt-governance", comment, "bob")
    await sb.edit_issue("python", "psrt-governance", number, "alice", state="closed")
    await sb.edit_issue("python", "psrt-governance", number, "alice", state="open")
    assert await sb.add_team_member("python", "psrt", "carol", sender="alice") == "pending"
    await sb.add_org_member("python", "carol")
    await sb.remove_team_member("python", "psrt", "carol", sender="alice")
    await sb.remove_org_member("python", "carol", sender="alice")
    await sb.edit_team("python", "psrt", "alice", description="Security response")
    fix = await sb.open_pull_request(
        "python", "cpython", "dave", "Fix", "fix", files={"Lib/tarfile.py": "# fixed\n"}
    )
    await sb.push("python", "cpython", "fix", {"Lib/new.py": "x = 1\n"}, "dave")
    await sb.merge_pull_request("python", "cpython", fix, "alice")
    docs = await sb.open_pull_request(
        "python", "cpython", "dave", "Docs", "docs", files={"Doc/x.rst": "x\n"}
    )
    await sb.edit_issue("python", "cpython", docs, "dave", state="closed")
    await sb.edit_issue("python", "cpython", docs, "dave", state="open")
    ghsa = await sb.report_advisory("python", "cpython", "carol", "tarfile escape")
    await sb.publish_advisory("python", "cpython", ghsa, sender="alice")
    await sb.delete_team("python", "psrt", sender="alice")
    sent = {(d.event, d.action) for d in sb.deliveries}
    assert sent == {
        ("installation", "created"),
        ("issues", "opened"),
        ("issues", "labeled"),
        ("issues", "edited"),
        ("issues", "unlabeled"),
        ("issues", "closed"),
        ("issues", "reopened"),
        ("issue_comment", "created"),
        ("issue_comment", "edited"),
        ("issue_comment", "deleted"),
        ("organization", "member_invited"),
        ("organization", "member_added"),
        ("membership", "added"),
        ("membership", "removed"),
        ("organization", "member_removed"),
        ("team", "edited"),
        ("team", "deleted"),
        ("pull_request", "opened"),
        ("push", None),
        ("pull_request", "synchronize"),
        ("pull_request", "closed"),
        ("pull_request", "reopened"),
        ("repository_advisory", "reported"),
        ("repository_advisory", "published"),
    }
    schemas = load_webhook_schemas()
    for headers, body in receiver.received:
        payload = json.loads(body)
        assert schemas.errors(headers["X-GitHub-Event"], payload.get("action"), payload) == []
        digest = hmac.new(sb.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Hub-Signature-256"] == f"sha256={digest}"
        assert headers["X-GitHub-Hook-Installation-Target-ID"] == str(sb.app_id)
    assert len(receiver.received) == len(sb.deliveries)
    pulls = [d.payload["pull_request"] for d in sb.deliveries if d.event == "pull_request"]
    assert [(p["number"], p["merged"]) for p in pulls if p["state"] == "closed"] == [
        (fix, True),
        (docs, False),
    ]
    main = sb.repo("python", "cpython").tree("main")
    assert (main["Lib/tarfile.py"], main["Lib/new.py"]) == ("# fixed\n", "x = 1\n")


async def test_a_payload_that_breaks_the_webhook_schema_is_recorded(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    """Every payload is checked as it is sent (the ``sandbox`` fixture then fails the test):
    here a sandbox bug renders an issue number as a string."""
    seed_psrt(sandbox)
    repo = sandbox.repo("python", "psrt-governance")
    sandbox.core.emit("issues", "opened", sender="bob", repo=repo, issue={"number": "one"})
    await sandbox.settle()
    assert sandbox.payload_problems
    assert all(p.startswith("issues.opened: issue") for p in sandbox.payload_problems)
    sandbox.payload_problems.clear()


async def test_changes_made_through_the_api_are_sent_by_the_bot(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
        await session.post(
            f"{sandbox.url}/repos/python/psrt-governance/issues", json={"title": "Onboarding"}
        )
        put = await session.put(
            f"{sandbox.url}/repos/python/psrt-governance/contents/docs/x.md",
            json={"message": "add", "content": base64.b64encode(b"hi").decode()},
        )
        assert put.status == 201
    await sandbox.settle()
    events = [d.payload for d in sandbox.deliveries]
    assert [e["sender"]["login"] for e in events] == ["warden[bot]"] * 2
    assert events[0]["sender"]["type"] == "Bot"
    assert events[1]["commits"][0]["added"] == ["docs/x.md"]


async def test_reactions_and_advisory_edits_send_nothing(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    seed_psrt(sandbox)
    number = await sandbox.open_issue("python", "psrt-governance", "bob", "Vote")
    comment = await sandbox.comment("python", "psrt-governance", number, "bob", "vote here")
    ghsa = await sandbox.report_advisory("python", "cpython", "carol", "bug")
    before = len(sandbox.deliveries)
    sandbox.react("python", "psrt-governance", comment, "alice", "+1")
    sandbox.edit_advisory("python", "cpython", ghsa, title="[ACCEPT] bug", state="draft")
    await sandbox.settle()
    assert len(sandbox.deliveries) == before


async def test_failed_delivery_is_recorded_and_redelivered_through_the_api(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    seed_psrt(sandbox)
    url, sandbox.webhook_url = sandbox.webhook_url, None
    await sandbox.open_issue("python", "psrt-governance", "bob", "While Warden is down")
    failed = sandbox.deliveries[-1]
    assert (failed.status_code, receiver.received) == (0, [])
    sandbox.webhook_url = url
    headers = {"Authorization": f"Bearer {app_jwt(sandbox)}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        listed = await (await session.get(f"{sandbox.url}/app/hook/deliveries")).json()
        assert listed[0]["guid"] == failed.guid and listed[0]["status_code"] == 0
        attempt = await session.post(
            f"{sandbox.url}/app/hook/deliveries/{listed[0]['id']}/attempts"
        )
        assert attempt.status == 202
        await sandbox.settle()
        again = await (await session.get(f"{sandbox.url}/app/hook/deliveries")).json()
    assert again[0]["redelivery"] is True and again[0]["guid"] == failed.guid
    assert again[0]["status_code"] == 202
    assert receiver.received[0][0]["X-GitHub-Delivery"] == failed.guid


async def test_deliveries_list_uses_cursor_pagination(sandbox: Sandbox, receiver: Receiver) -> None:
    seed_psrt(sandbox)
    for n in range(5):
        await sandbox.open_issue("python", "psrt-governance", "bob", f"Issue {n}")
    headers = {"Authorization": f"Bearer {app_jwt(sandbox)}"}
    seen: list[int] = []
    url: str | None = f"{sandbox.url}/app/hook/deliveries?per_page=2"
    async with aiohttp.ClientSession(headers=headers) as session:
        while url:
            async with session.get(url) as answer:
                seen += [d["id"] for d in await answer.json()]
                url = answer.links.get("next", {}).get("url")  # type: ignore[assignment]
                url = str(url) if url else None
    assert seen == sorted((d.id for d in sandbox.deliveries), reverse=True)
