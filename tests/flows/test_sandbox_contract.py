"""The sandbox refuses and records requests that break GitHub's REST contract."""

from __future__ import annotations

from typing import Any

import aiohttp

from sandbox import Sandbox
from sandbox.testing import installation_token, seed_psrt


async def call(
    sb: Sandbox, token: str, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"token {token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, sb.url + path, json=body, headers=headers) as answer,
    ):
        text = await answer.text()
        return answer.status, (await answer.json()) if text else None


async def reported(sb: Sandbox) -> tuple[str, str]:
    iid = seed_psrt(sb)
    ghsa = await sb.report_advisory("python", "cpython", "carol", "tarfile escape")
    return await installation_token(sb, iid), ghsa


async def test_wrong_credit_type_is_a_violation_answered_422(sandbox: Sandbox) -> None:
    token, ghsa = await reported(sandbox)
    status, body = await call(
        sandbox,
        token,
        "PATCH",
        f"/repos/python/cpython/security-advisories/{ghsa}",
        {"credits": [{"login": "carol", "type": "finder_of_bugs"}]},
    )
    assert status == 422
    assert "finder_of_bugs" in body["message"]
    assert [v.problem for v in sandbox.violations if "finder_of_bugs" in v.problem]
    sandbox.violations.clear()


async def test_unknown_field_on_strict_schema_is_answered_422(sandbox: Sandbox) -> None:
    token, ghsa = await reported(sandbox)
    status, _ = await call(
        sandbox, token, "PATCH", f"/repos/python/cpython/security-advisories/{ghsa}", {"titel": "x"}
    )
    assert status == 422
    assert len(sandbox.violations) == 1
    sandbox.violations.clear()


async def test_unknown_field_on_lenient_schema_is_recorded_but_served(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    status, _ = await call(
        sandbox,
        token,
        "POST",
        "/repos/python/psrt-governance/issues",
        {"title": "t", "lables": ["x"]},
    )
    assert status == 201
    assert ["lables" in v.problem for v in sandbox.violations] == [True]
    sandbox.violations.clear()


async def test_path_github_does_not_have_is_404_and_a_violation(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    status, _ = await call(sandbox, token, "GET", "/repos/python/cpython/advisories")
    assert status == 404
    assert sandbox.violations[0].problem == "GitHub has no such endpoint"
    sandbox.violations.clear()


async def test_wrong_method_enum_type_and_missing_field_are_caught(sandbox: Sandbox) -> None:
    token = await installation_token(sandbox, seed_psrt(sandbox))
    issue = await sandbox.open_issue("python", "psrt-governance", "bob", "Nominate dave")
    ghsa = await sandbox.report_advisory("python", "cpython", "carol", "tarfile escape")
    advisory = f"/repos/python/cpython/security-advisories/{ghsa}"
    cases = [
        ("PATCH", advisory, {"state": "accepted"}, 422),  # not an advisory state
        ("POST", "/repos/python/psrt-governance/issues", {"body": "no title"}, 422),
        ("POST", "/users/bob", None, 404),
        (
            "POST",
            f"/repos/python/psrt-governance/issues/{issue}/reactions",
            {"content": "thumbsup"},
            422,
        ),
        ("PUT", "/orgs/python/teams/psrt/memberships/dave", {"role": "owner"}, 422),
        ("POST", f"/repos/python/psrt-governance/issues/{issue}/comments", {"body": 5}, 422),
        ("GET", "/repos/python/psrt-governance/issues?state=opened", None, 422),
    ]
    for method, path, body, expected in cases:
        before = len(sandbox.violations)
        status, _ = await call(sandbox, token, method, path, body)
        assert status == expected, (method, path)
        assert len(sandbox.violations) > before, (method, path)  # each one recorded
    sandbox.violations.clear()


async def test_every_implemented_route_is_in_the_trimmed_description() -> None:
    from sandbox.contract import load_contract
    from sandbox.routing import ROUTES
    from sandbox.spec_tools import OPERATIONS

    keys = {op.key for op in load_contract().operations}
    assert set(ROUTES) == keys == set(OPERATIONS)
