"""The org config end to end in the sandbox: loading, the last valid rule, the error issue,
the pull-request check run and the reply in orgs without a config."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from app.features.orgconfig import CONFIG_PATH, current_config, reload_config
from app.features.orgconfig import templates as t
from app.platform.clock import Clock
from config import ConfigError, load_config
from sandbox import Sandbox
from sandbox.testing import seed_psrt
from tests.harness import Stack, running

GOOD = "team: psrt\ngovernance_repo: psrt-governance\n"
GOOD_LONGER_VOTES = GOOD + "votes:\n  nomination:\n    duration: 10d\n"
BAD = GOOD + "votes:\n  nomination:\n    threshold: two thirds\n"
BAD_SAME_ERRORS = BAD + "# a comment changes the file, not its problems\n"
BAD_OTHER = "team: nosuch\ngovernance_repo: cpython\n"
ORG, REPO = "python", ".github"


def seed(sb: Sandbox, config: str | None = GOOD) -> int:
    """The PSRT world; with `config`, a `.github` repo holding it."""
    installation_id = seed_psrt(sb)
    if config is not None:
        sb.add_repo(ORG, REPO, files={CONFIG_PATH: config, "README.md": "org profile\n"})
    return installation_id


async def settled(stack: Stack) -> None:
    """Wait until Warden processed every delivery, and check that none failed."""
    await stack.idle()
    counts = await stack.ctx.store.count_deliveries()
    assert counts.get("failed", 0) == 0, await stack.ctx.store.list_deliveries("failed")


async def push_config(stack: Stack, text: str, branch: str = "main") -> str:
    sha = await stack.sb.push(ORG, REPO, branch, {CONFIG_PATH: text}, sender="alice")
    await settled(stack)
    return sha


async def in_force(stack: Stack, installation_id: int) -> Any:
    return await current_config(stack.installation(installation_id, ORG))


def error_issues(sb: Sandbox) -> list[Any]:
    repo = sb.repo(ORG, REPO)
    return [i for i in repo.issues.values() if t.ERROR_LABEL in i.labels]


def problems_of(text: str) -> list[Any]:
    try:
        load_config(text)
    except ConfigError as exc:
        return exc.issues
    raise AssertionError("the text is valid")


async def test_installation_loads_the_config_and_stores_it(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    for login in ("alice", "bob"):
        sandbox.add_user(login)
    sandbox.add_org(ORG, admins=["alice"])
    sandbox.add_team(ORG, "psrt", members=["bob"], maintainers=["alice"])
    sandbox.add_repo(ORG, "psrt-governance", private=True)
    sandbox.add_repo(ORG, REPO, files={CONFIG_PATH: GOOD})
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = sandbox.install(ORG, notify=True)
        await settled(stack)
        row = await stack.ctx.store.fetchrow("SELECT * FROM org_configs")
        assert row is not None
        assert (row["installation_id"], row["org"], row["status"]) == (
            installation_id,
            ORG,
            "valid",
        )
        assert row["text"] == GOOD
        assert (await in_force(stack, installation_id)).team == "psrt"
        assert sandbox.count("GET", f"/repos/{ORG}/{REPO}/contents/{CONFIG_PATH}") == 1
        assert error_issues(sandbox) == []


async def test_broken_config_at_installation_opens_the_error_issue_at_once(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    sandbox.add_user("alice")
    sandbox.add_org(ORG, admins=["alice"])
    sandbox.add_repo(ORG, "cpython")
    sandbox.add_repo(ORG, REPO, files={CONFIG_PATH: BAD_OTHER})
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = sandbox.install(ORG, notify=True)
        await settled(stack)
        [issue] = error_issues(sandbox)
        assert issue.title == t.ERROR_TITLE and issue.state == "open"
        assert "`team`" in (issue.body or "") and "`governance_repo`" in (issue.body or "")
        assert "is public" in (issue.body or "")
        assert await in_force(stack, installation_id) is None


async def test_bad_push_keeps_the_last_valid_config_also_after_a_restart(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, GOOD)
    async with running(sandbox, clock, tmp_path) as stack:
        await push_config(stack, GOOD_LONGER_VOTES)
        assert (await in_force(stack, installation_id)).votes.nomination.duration == timedelta(
            days=10
        )
        await push_config(stack, BAD)
        config = await in_force(stack, installation_id)
        assert config.votes.nomination.duration == timedelta(days=10)
    async with running(sandbox, clock, tmp_path) as restarted:
        sandbox.reset_recording()
        config = await in_force(restarted, installation_id)
        assert config.votes.nomination.duration == timedelta(days=10)
        assert sandbox.count(path_prefix=f"/repos/{ORG}/{REPO}/contents") == 0  # from the database
        row = await restarted.ctx.store.fetchrow("SELECT status, text FROM org_configs")
        assert row == {"status": "invalid", "text": GOOD_LONGER_VOTES}


async def test_error_issue_is_opened_once_updated_kept_and_closed_when_fixed(
    sandbox: Sandbox, stack: Stack
) -> None:
    seed(sandbox, GOOD)
    sha = await push_config(stack, BAD)
    [issue] = error_issues(sandbox)
    url = f"https://github.com/{ORG}/{REPO}/blob/{sha}/{CONFIG_PATH}"
    assert issue.body == t.error_issue_body(problems_of(BAD), url)
    assert "[line 5](" in issue.body and "`votes.nomination.threshold`" in issue.body
    issue_path = f"/repos/{ORG}/{REPO}/issues/{issue.number}"

    await push_config(stack, BAD_SAME_ERRORS)
    assert sandbox.count("PATCH", issue_path) == 0  # same problems: not touched
    assert sandbox.count("POST", f"/repos/{ORG}/{REPO}/issues") == 1

    await push_config(stack, BAD_OTHER)
    assert sandbox.count("PATCH", issue_path) == 1
    assert "is public" in (issue.body or "") and "threshold" not in (issue.body or "")

    await push_config(stack, GOOD)
    assert issue.state == "closed"
    [comment_id] = issue.comments
    assert t.FIXED_MARKER in sandbox.world.comments[comment_id].body
    assert len(error_issues(sandbox)) == 1
    assert sandbox.repo(ORG, REPO).labels[t.ERROR_LABEL].name == t.ERROR_LABEL


async def test_push_to_another_branch_or_other_files_does_not_reload(
    sandbox: Sandbox, stack: Stack
) -> None:
    seed(sandbox, GOOD)
    await push_config(stack, BAD, branch="try-things")
    await stack.sb.push(ORG, REPO, "main", {"README.md": "changed\n"}, sender="alice")
    await settled(stack)
    assert sandbox.count(path_prefix=f"/repos/{ORG}/{REPO}/contents") == 0
    assert error_issues(sandbox) == []


async def test_second_load_of_an_unchanged_file_is_answered_304(
    sandbox: Sandbox, stack: Stack
) -> None:
    installation_id = seed(sandbox, GOOD)
    first = await reload_config(stack.installation(installation_id, ORG))
    second = await reload_config(stack.installation(installation_id, ORG))
    assert first.status == second.status == "valid"
    contents = sandbox.gateway.recorder.select("GET", f"/repos/{ORG}/{REPO}/contents")
    assert [r.status for r in contents] == [200, 304]
    assert contents[1].query == {"ref": "main"}


async def test_pull_request_with_a_valid_change_gets_a_success_check_listing_the_change(
    sandbox: Sandbox, stack: Stack
) -> None:
    installation_id = seed(sandbox, GOOD)
    number = await sandbox.open_pull_request(
        ORG, REPO, "alice", "Longer votes", "longer", files={CONFIG_PATH: GOOD_LONGER_VOTES}
    )
    await settled(stack)
    [run] = sandbox.repo(ORG, REPO).check_runs.values()
    assert (run.name, run.conclusion) == ("Warden config", "success")
    assert run.head_sha == sandbox.repo(ORG, REPO).pulls[number].head_sha
    assert run.output["title"] == "Valid: 1 setting would change"
    assert "- `votes.nomination.duration`: 7d → 10d" in str(run.output["summary"])
    assert (await in_force(stack, installation_id)).votes.nomination.duration == timedelta(days=7)


async def test_pull_request_with_a_broken_config_gets_a_failure_check_with_annotations(
    sandbox: Sandbox, stack: Stack
) -> None:
    seed(sandbox, GOOD)
    await sandbox.open_pull_request(ORG, REPO, "alice", "Oops", "oops", files={CONFIG_PATH: BAD})
    await settled(stack)
    [run] = sandbox.repo(ORG, REPO).check_runs.values()
    assert (run.conclusion, run.output["title"]) == ("failure", "Invalid: 1 problem")
    assert "`votes.nomination.threshold`" in str(run.output["summary"])
    [created] = sandbox.gateway.recorder.select("POST", f"/repos/{ORG}/{REPO}/check-runs")
    [note] = created.json["output"]["annotations"]
    assert (note["path"], note["start_line"], note["title"]) == (
        CONFIG_PATH,
        5,
        "votes.nomination.threshold",
    )
    assert error_issues(sandbox) == []  # a pull request is never applied or reported


async def test_pull_request_not_touching_the_config_gets_no_check(
    sandbox: Sandbox, stack: Stack
) -> None:
    seed(sandbox, GOOD)
    await sandbox.open_pull_request(ORG, REPO, "alice", "Docs", "docs", files={"README.md": "x\n"})
    await settled(stack)
    assert sandbox.repo(ORG, REPO).check_runs == {}


async def test_command_in_an_org_without_config_gets_one_reply(
    sandbox: Sandbox, stack: Stack
) -> None:
    seed(sandbox, None)
    sandbox.add_user("helper-bot", type="Bot")
    number = await sandbox.open_issue(ORG, "psrt-governance", "bob", "Nominate carol")
    await sandbox.comment(ORG, "psrt-governance", number, "bob", "Hello\n/vote status")
    await sandbox.comment(ORG, "psrt-governance", number, "alice", "/roster")
    await sandbox.comment(ORG, "psrt-governance", number, "helper-bot", "/vote status")
    await sandbox.comment(ORG, "psrt-governance", number, "bob", "no command here /vote")
    await settled(stack)
    issue = sandbox.world.issue(sandbox.repo(ORG, "psrt-governance"), number)
    replies = [
        sandbox.world.comments[c]
        for c in issue.comments
        if t.NOT_SET_UP_MARKER in (sandbox.world.comments[c].body or "")
    ]
    assert len(replies) == 1
    assert replies[0].user == sandbox.bot_login
    assert "`.github/warden.yml`" in replies[0].body
    assert sandbox.count("POST", f"/repos/{ORG}/psrt-governance/issues/{number}/comments") == 1


async def test_hourly_sweep_reloads_a_config_whose_push_was_missed(
    sandbox: Sandbox, stack: Stack
) -> None:
    seed(sandbox, GOOD)
    assert await stack.scheduler.run_job("reload-configs")
    assert error_issues(sandbox) == []
    listening, sandbox.webhook_url = sandbox.webhook_url, None  # Warden is down
    await sandbox.push(ORG, REPO, "main", {CONFIG_PATH: BAD}, sender="alice")
    sandbox.webhook_url = listening
    assert error_issues(sandbox) == []
    assert await stack.scheduler.run_job("reload-configs")
    [issue] = error_issues(sandbox)
    assert "`votes.nomination.threshold`" in (issue.body or "")
