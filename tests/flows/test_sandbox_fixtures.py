"""The ``sandbox`` fixture fails a test that leaves a contract violation or a webhook payload
outside the official schema, even when the test itself asserts nothing about them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

INNER = """
import aiohttp

from sandbox.testing import installation_token, seed_psrt


async def test_warden_calls_a_path_github_does_not_have(sandbox):
    token = await installation_token(sandbox, seed_psrt(sandbox))
    headers = {"Authorization": f"token {token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(sandbox.url + "/repos/python/cpython/advisories") as answer:
            assert answer.status == 404


async def test_warden_sends_a_wrong_credit_type(sandbox):
    token = await installation_token(sandbox, seed_psrt(sandbox))
    ghsa = await sandbox.report_advisory("python", "cpython", "carol", "tarfile escape")
    body = {"credits": [{"login": "carol", "type": "finder_of_bugs"}]}
    headers = {"Authorization": f"token {token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        url = f"{sandbox.url}/repos/python/cpython/security-advisories/{ghsa}"
        async with session.patch(url, json=body) as answer:
            assert answer.status == 422


async def test_the_sandbox_sends_a_payload_outside_the_schema(sandbox):
    seed_psrt(sandbox)
    repo = sandbox.repo("python", "psrt-governance")
    sandbox.core.emit("issues", "opened", sender="bob", repo=repo, issue={"number": "one"})


async def test_a_clean_test_passes(sandbox):
    seed_psrt(sandbox)
    await sandbox.open_issue("python", "psrt-governance", "bob", "Hello")
"""


def test_leftover_violations_and_payload_problems_fail_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makeconftest('pytest_plugins = ["tests.sandbox_fixtures"]\n')
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=3)
    out = result.stdout.str()
    assert "GET /repos/python/cpython/advisories: GitHub has no such endpoint" in out
    assert "finder_of_bugs" in out
    assert "issues.opened: issue" in out
