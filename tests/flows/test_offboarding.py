"""Offboarding end to end in the sandbox: `/resign`, the inactivity review, removal votes,
warn-then-remove, and the refusals (rights are read from the API, not the payload)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import _replay
from app.features.advisories.report_reads import print_report
from app.features.offboarding import templates as t
from app.features.votes import templates as vt
from app.github import labels
from app.platform.clock import Clock
from sandbox import Sandbox
from tests import roster_world as rw
from tests.harness import running
from tests.nomination_world import stored
from tests.offboarding_world import (
    DAY,
    GOV,
    ORG,
    config,
    credit_coordinator,
    inactivity,
    issues_labelled,
    removal_vote_on,
    review_issue,
    seed,
    team,
    tracking_issue_with_comment_by,
)


def bot_replies(sb: Sandbox, number: int, to: str) -> list[str]:
    issue = sb.world.issue(sb.repo(ORG, GOV), number)
    found = [sb.world.comments[c] for c in issue.comments]
    return [c.body for c in found if c.user == sb.bot_login and c.body.startswith(f"@{to}:")]


async def test_a_member_who_resigns_leaves_the_team_and_moves_to_the_emeritus_list_with_notes(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await rw.install(stack)
        number = await sandbox.open_issue(ORG, GOV, "carol", "Stepping down", "Thanks all.")
        await sandbox.comment(ORG, GOV, number, "carol", "/resign")
        await rw.settled(stack)

        assert "carol" not in team(sandbox)
        assert "carol" not in rw.logins_in(rw.file_text(sandbox, rw.PUBLIC))
        emeritus = rw.file_text(sandbox, rw.EMERITUS).splitlines()
        assert "Carol Chen,carol,Release Manager" in emeritus  # her notes kept, no date
        [offboarding] = issues_labelled(sandbox, t.OFFBOARDING)
        assert offboarding.title == "Offboarding @carol"
        assert "- [ ] Remove @carol from the team's mailing list" in offboarding.body
        [reply] = bot_replies(sandbox, number, "carol")
        assert f"you have left @{ORG}/psrt" in reply and f"#{offboarding.number}" in reply
        kinds = [e.kind for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")]
        assert {"member.removed", "member.resigned"} <= set(kinds)
        assert installation_id

        [typed] = [
            d
            for d in sandbox.deliveries
            if d.event == "issue_comment" and "/resign" in d.payload["comment"]["body"]
        ]
        assert await _replay(stack.ctx, typed.guid) == 0  # the replay changes nothing
        assert len(bot_replies(sandbox, number, "carol")) == 1
        again = [e.kind for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")]
        assert again == kinds
        assert len(issues_labelled(sandbox, t.OFFBOARDING)) == 1


async def test_resign_and_removal_are_refused_to_those_without_the_right(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await rw.install(stack)
        before = team(sandbox)
        number = await sandbox.open_issue(ORG, GOV, "alice", "Anything", "...")
        # mallory is an org member (her comments say so) but not on the team.
        await sandbox.comment(ORG, GOV, number, "mallory", "/resign")
        # bob is on the team but not on the steering council, the removal voters.
        await sandbox.comment(ORG, GOV, number, "bob", "/removal @dave not active")
        await rw.settled(stack)

        [refused] = bot_replies(sandbox, number, "mallory")
        assert "only members of `@python/psrt` can resign; nothing was done." in refused
        [denied] = bot_replies(sandbox, number, "bob")
        assert "only members of `@python/steering-council` can ask for a removal vote" in denied
        assert team(sandbox) == before
        assert issues_labelled(sandbox, labels.REMOVAL) == []
        assert issues_labelled(sandbox, t.OFFBOARDING) == []


async def test_review_lists_the_inactive_leaves_out_the_active_and_marks_the_exempt(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await rw.install(stack)
        credit_coordinator(sandbox, "erin", days_ago=40)
        credit_coordinator(sandbox, "bob", days_ago=400)  # before the window: not counted
        await tracking_issue_with_comment_by(stack, "frank")
        await inactivity(stack)

        issue = review_issue(sandbox)
        body = issue.body
        assert issue.title.startswith("Inactivity review of @python/psrt")
        assert "| @dave | none found | — | proposed for removal |" in body
        assert "| @bob | 2025-" in body and "(before this window)" in body
        assert "| @carol | none found | — | exempt (member of `release-managers`), not " in body
        assert "@erin" not in body and "@frank" not in body  # active within the window
        assert "@python/steering-council: " in body and "`/removal @login`" in body
        await inactivity(stack)  # not due again until the next review date
        assert len(issues_labelled(sandbox, t.INACTIVITY)) == 1


async def test_removal_vote_passed_by_the_steering_council_removes_the_member(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await rw.install(stack)
        await inactivity(stack)
        report = review_issue(sandbox).number
        await sandbox.comment(ORG, GOV, report, "guido", "/removal @dave no activity in a year")
        await rw.settled(stack)
        [removal] = issues_labelled(sandbox, labels.REMOVAL)
        assert (
            f"the removal vote on @dave is open in #{removal.number}"
            in bot_replies(sandbox, report, "guido")[0]
        )
        vote = await stored(stack, installation_id, removal.number)
        assert (vote.kind, sorted(vote.voters)) == ("removal", ["guido"])
        [typed] = [
            d
            for d in sandbox.deliveries
            if d.event == "issue_comment" and "/removal" in d.payload["comment"]["body"]
        ]
        assert await _replay(stack.ctx, typed.guid) == 0  # no second issue, vote or reply
        assert len(issues_labelled(sandbox, labels.REMOVAL)) == 1
        assert len(bot_replies(sandbox, report, "guido")) == 1
        comment = sandbox.world.comments[vote.comment_id or 0]
        assert "## Vote: remove @dave from @python/psrt" in comment.body
        sandbox.react(ORG, GOV, comment.id, "guido", "+1")
        clock.advance(7 * DAY)
        assert await stack.scheduler.run_job("votes")
        await rw.settled(stack)

        assert "Vote passed: @dave is removed from the team" in comment.body
        assert vt.PASSED in sandbox.world.issue(sandbox.repo(ORG, GOV), removal.number).labels
        assert "dave" not in team(sandbox)
        assert "Dave Diaz,dave," in rw.file_text(sandbox, rw.EMERITUS).splitlines()
        assert [i.title for i in issues_labelled(sandbox, t.OFFBOARDING)] == ["Offboarding @dave"]


async def test_warn_then_remove_keeps_who_replies_in_time_and_removes_who_does_not(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(sandbox, config(action="remove"))
    async with running(sandbox, clock, tmp_path) as stack:
        await rw.install(stack)
        await tracking_issue_with_comment_by(stack, "alice", "grace", "bob", "erin", "frank")
        await inactivity(stack)
        report = review_issue(sandbox)
        assert "@dave, @heidi: nothing of yours counted as activity" in report.body
        clock.advance(3 * DAY)
        await sandbox.comment(ORG, GOV, report.number, "dave", "Still here, busy term.")
        await rw.settled(stack)
        clock.advance(10 * DAY)
        await inactivity(stack)
        assert {"dave", "heidi"} <= team(sandbox)  # the grace period is not over yet

        clock.advance(1 * DAY)
        await inactivity(stack)
        assert "heidi" not in team(sandbox)
        assert "dave" in team(sandbox)
        assert report.state == "closed"
        closing = sandbox.world.comments[report.comments[-1]].body
        assert "Removed from the team: @heidi." in closing and "staying: @dave." in closing
        assert "Heidi Hall,heidi," in rw.file_text(sandbox, rw.EMERITUS).splitlines()
        settled_entries = [
            e for e in await stack.ctx.store.audit_entries() if e.kind == "inactivity.settled"
        ]
        assert [e.detail["removed"] for e in settled_entries] == [["heidi"]]

        assert await print_report(stack.ctx, None, ORG, "text") == 0
        report = capsys.readouterr().out
        assert "members left: 1 (heidi)" in report
        assert "inactivity reviews: 1 (3 inactive, 2 proposed for removal, 1 removed " in report


async def test_a_removal_vote_on_a_member_the_inactivity_review_removes_ends_as_cancelled(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config(action="remove"))
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await rw.install(stack)
        await tracking_issue_with_comment_by(stack, "alice", "grace", "bob", "erin", "frank")
        await inactivity(stack)
        report = review_issue(sandbox)
        await sandbox.comment(ORG, GOV, report.number, "dave", "Still here.")
        clock.advance(10 * DAY)
        await sandbox.comment(ORG, GOV, report.number, "guido", "/removal @heidi")
        await rw.settled(stack)
        [removal] = issues_labelled(sandbox, labels.REMOVAL)
        clock.advance(4 * DAY)  # the grace period (14 days) ends; the vote has 3 days to go
        assert await stack.scheduler.run_job("votes")
        await inactivity(stack)

        assert "heidi" not in team(sandbox)
        vote = await stored(stack, installation_id, removal.number)
        assert vote.state == "cancelled"
        body = sandbox.world.comments[vote.comment_id or 0].body
        assert "Cancelled: @heidi is no longer a member of @python/psrt" in body


async def test_removal_without_a_member_to_remove_is_answered_and_opens_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await rw.install(stack)
        number = await sandbox.open_issue(ORG, GOV, "guido", "Removals", "...")
        for line in ("/removal", "/removal @mallory inactive", "/removal not-a-login!"):
            await sandbox.comment(ORG, GOV, number, "guido", line)
        await rw.settled(stack)

        replies = bot_replies(sandbox, number, "guido")
        assert replies == [
            "@guido: name one member, as in `/removal @login reason`; nothing was done.",
            "@guido: @mallory is not a member of `@python/psrt`; nothing was done.",
            "@guido: name one member, as in `/removal @login reason`; nothing was done.",
        ]
        assert issues_labelled(sandbox, labels.REMOVAL) == []


async def test_the_removal_label_taken_off_a_removal_vote_by_a_non_admin_is_put_back(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await rw.install(stack)
        removal = await removal_vote_on(sandbox, stack, "dave")
        await sandbox.remove_label(ORG, GOV, removal.number, "bob", labels.REMOVAL)
        await sandbox.add_labels(ORG, GOV, removal.number, "bob", [labels.NOMINATION])
        await rw.settled(stack)

        assert labels.REMOVAL in removal.labels and labels.NOMINATION not in removal.labels
        said = [sandbox.world.comments[c].body for c in removal.comments]
        assert sum("warden/removal` was put back" in body for body in said) == 1
        assert sum("warden/nomination` was removed again" in body for body in said) == 1


async def test_a_member_who_resigns_during_their_removal_vote_ends_it_as_cancelled(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await rw.install(stack)
        removal = await removal_vote_on(sandbox, stack, "dave")
        await sandbox.comment(ORG, GOV, removal.number, "dave", "/resign")
        await rw.settled(stack)

        vote = await stored(stack, installation_id, removal.number)
        assert vote.state == "cancelled"
        assert "dave" not in team(sandbox)
        body = sandbox.world.comments[vote.comment_id or 0].body
        assert "Cancelled: @dave resigned from the team during the vote" in body
        assert removal.state == "closed"


async def test_a_member_removed_by_hand_during_their_removal_vote_ends_it_as_cancelled(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await rw.install(stack)
        removal = await removal_vote_on(sandbox, stack, "dave")
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await rw.settled(stack)

        vote = await stored(stack, installation_id, removal.number)
        assert vote.state == "cancelled"
        body = sandbox.world.comments[vote.comment_id or 0].body
        assert "Cancelled: @dave is no longer a member of @python/psrt" in body
        assert removal.state == "closed"
        assert "Dave Diaz,dave," in rw.file_text(sandbox, rw.EMERITUS).splitlines()


async def test_a_removal_vote_stays_open_when_its_member_is_back_before_the_webhook_runs(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    # Removed and added back at once: the removal's delivery finds @dave a member again (it
    # asks GitHub, not the payload), so the vote about him goes on.
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await rw.install(stack)
        removal = await removal_vote_on(sandbox, stack, "dave")
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await sandbox.add_team_member(ORG, "psrt", "dave", sender="alice")
        await rw.settled(stack)

        vote = await stored(stack, installation_id, removal.number)
        assert vote.state == "open"
        assert removal.state == "open"


@pytest.mark.parametrize(
    ("cadence", "removed_within_the_hour"), [("1h", True), ("1d", False)], ids=["hourly", "daily"]
)
async def test_schedule_inactivity_sets_how_soon_a_grace_period_that_ended_is_acted_on(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, cadence: str, removed_within_the_hour: bool
) -> None:
    seed(sandbox, config(action="remove", extra=f"schedule: {{inactivity: {cadence}}}\n"))
    async with running(sandbox, clock, tmp_path) as stack:
        await rw.install(stack)
        await tracking_issue_with_comment_by(stack, "alice", "grace", "bob", "erin", "frank")
        await inactivity(stack)  # `tick inactivity` opens the review; the 14-day grace starts
        assert "@dave, @heidi: nothing of yours counted" in review_issue(sandbox).body
        await stack.scheduler.run_due()
        clock.advance(14 * DAY - 600)
        await stack.scheduler.run_due()  # the organisation looked at, grace not over
        await rw.settled(stack)
        assert "heidi" in team(sandbox)

        clock.advance(3600 + 600)  # grace over; the hourly job runs again
        assert "inactivity" in await stack.scheduler.run_due()
        await rw.settled(stack)
        assert ("heidi" not in team(sandbox)) is removed_within_the_hour
        clock.advance(DAY)
        await stack.scheduler.run_due()
        await rw.settled(stack)
        assert "heidi" not in team(sandbox)
