"""Nominations: refusals, commands and their rights, label guard, and the edge cases of a vote
that GitHub or people change underneath it."""

from __future__ import annotations

from pathlib import Path

from app.features.orgconfig import CONFIG_PATH
from app.features.votes import templates as t
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import running
from tests.nomination_world import (
    DAY,
    GOV,
    ORG,
    VETO_CONFIG,
    command,
    comments,
    issue,
    nominate,
    react,
    replies_to,
    seed,
    settled,
    stored,
    sweep,
    vote_comment,
)


async def test_nominee_who_is_not_a_github_user_member_or_named_gets_one_refusal_each(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await sandbox.add_team_member(ORG, "psrt", "heidi", sender="alice")  # invited, pending
        await settled(stack)
        cases = {
            "Nominee: @nobody-here": "@nobody-here is not a GitHub user",
            "Nominee: @bob": "@bob is already a member of `@python/psrt`",
            "Nominee: @heidi": "@heidi is already invited to `@python/psrt`",
            "Nominee: @python": "@python is not a person's account, so it cannot be nominated",
            "I nominate grace": "the issue names no nominee",
            "Nominee: @grace\nNominee: @heidi": "the issue names 2 nominees",
        }
        for body, reason in cases.items():
            number = await nominate(stack, body=body)
            [reply] = comments(sandbox, number, sandbox.bot_login)
            assert reply.body.startswith(t.REFUSED_MARKER) and reason in reply.body
            assert t.VOTE_OPEN not in issue(sandbox, number).labels
        # Labelling again does not repeat the refusal.
        await sandbox.remove_label(ORG, GOV, number, "alice", t.NOMINATION)
        await sandbox.add_labels(ORG, GOV, number, "alice", [t.NOMINATION])
        await settled(stack)
        assert len(comments(sandbox, number, sandbox.bot_login)) == 1


async def test_second_nomination_of_the_same_person_is_refused_while_one_is_open(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        first = await nominate(stack)
        second = await nominate(stack, by="bob", body="Nominee: @Grace")
        [reply] = comments(sandbox, second, sandbox.bot_login)
        assert f"@grace already has an open nomination in #{first}" in reply.body


async def test_issue_form_field_names_the_nominee(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        form = "### Nominee\n\n@heidi\n\n### Why this person\n\nFixed tarfile."
        number = await nominate(stack, body=form)
        assert (await stored(stack, installation_id, number)).nominee == "heidi"


async def test_cancel_by_the_nominator_closes_the_vote_and_others_are_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack, by="bob")
        await command(stack, number, "carol", "/vote cancel")
        [refusal] = replies_to(sandbox, number, "carol")
        assert "only the admins and the nominator (@bob) can cancel" in refusal
        assert (await stored(stack, installation_id, number)).state == "open"
        await command(stack, number, "bob", "/vote cancel")
        assert "## Vote cancelled" in vote_comment(sandbox, number).body
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.CANCELLED}
        assert issue(sandbox, number).state == "closed"
        [entry] = [
            e
            for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")
            if e.kind == "vote.cancelled"
        ]
        typed = [d.guid for d in sandbox.deliveries if b'"/vote cancel"' in d.body]
        assert entry.delivery_id == typed[-1]  # the delivery of bob's `/vote cancel` comment
        assert entry.detail["why"] == "Cancelled by @bob."


async def test_extend_by_an_admin_moves_the_deadline_and_others_are_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack, by="bob")
        before = (await stored(stack, installation_id, number)).deadline
        await command(stack, number, "bob", "/vote extend 3d")
        assert "only the admins can extend a vote" in replies_to(sandbox, number, "bob")[0]
        await command(stack, number, "alice", "/vote extend soon")
        assert "`soon` is not a duration" in replies_to(sandbox, number, "alice")[0]
        await command(stack, number, "alice", "/vote extend 3d")
        vote = await stored(stack, installation_id, number)
        assert vote.deadline == before + 3 * DAY
        assert t.when(vote.deadline_at) in vote_comment(sandbox, number).body
        await command(stack, number, "alice", "/vote frobnicate")
        assert "is not a vote command" in replies_to(sandbox, number, "alice")[-1]


async def test_vote_command_without_a_vote_is_refused_in_governance_and_prose_elsewhere(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await sandbox.open_issue(ORG, GOV, "alice", "Just a question")
        await command(stack, number, "alice", "/vote status")
        [reply] = replies_to(sandbox, number, "alice")
        assert "works only on a nomination or removal issue with a vote" in reply
        sandbox.add_repo(ORG, "cpython")
        public = await sandbox.open_issue(ORG, "cpython", "mallory", "Crash")
        await sandbox.comment(ORG, "cpython", public, "mallory", "/vote cancel")
        await settled(stack)
        thread = issue(sandbox, public, "cpython").comments
        assert [sandbox.world.comments[c].user for c in thread] == ["mallory"]  # prose there


async def test_state_label_changed_by_a_member_is_put_back_with_a_comment(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await sandbox.add_labels(ORG, GOV, number, "bob", [t.PASSED])
        await sandbox.remove_label(ORG, GOV, number, "bob", t.VOTE_OPEN)
        await settled(stack)
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.VOTE_OPEN}
        notes = [c.body for c in comments(sandbox, number, sandbox.bot_login)]
        assert sum(t.LABEL_MARKER in n for n in notes) == 2
        # An admin may change them.
        await sandbox.add_labels(ORG, GOV, number, "alice", ["warden/roster-alert"])
        await settled(stack)
        assert "warden/roster-alert" in issue(sandbox, number).labels


async def test_deleted_vote_comment_is_posted_again_and_the_issue_says_so(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        old = vote_comment(sandbox, number).id
        await sandbox.delete_comment(ORG, GOV, old, "bob")
        await settled(stack)
        new = vote_comment(sandbox, number)
        assert new.id != old and f"The vote comment ({old}) was deleted" in new.body
        assert (await stored(stack, installation_id, number)).comment_id == new.id
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await sweep(stack)
        assert (await stored(stack, installation_id, number)).state == "passed"


async def test_nominee_added_to_the_team_by_hand_during_the_vote_cancels_it(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack, body="Nominee: @mallory")
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="alice")
        await settled(stack)
        vote = await stored(stack, installation_id, number)
        assert vote.state == "cancelled"
        assert (
            "became a member of @python/psrt during the vote" in vote_comment(sandbox, number).body
        )
        assert issue(sandbox, number).state == "closed"


async def test_voter_who_leaves_the_team_keeps_a_binding_vote_and_one_who_joins_gets_none(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, frank="-1")
        await sandbox.remove_team_member(ORG, "psrt", "frank", sender="alice")
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="alice")  # joins: no vote
        await settled(stack)
        react(sandbox, number, mallory="+1")
        await sweep(stack)
        body = vote_comment(sandbox, number).body
        assert "| 👎 against | 1 | @frank |" in body and "| 👍 for | 0 | — |" in body
        assert "Non-binding (not voters of this vote): 👍 @mallory" in body


async def test_issue_closed_by_hand_cancels_the_vote(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await sandbox.edit_issue(ORG, GOV, number, "carol", state="closed")
        await settled(stack)
        assert (await stored(stack, installation_id, number)).state == "cancelled"
        assert (
            "@carol closed the issue while the vote was open" in vote_comment(sandbox, number).body
        )
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.CANCELLED}


async def test_issue_closed_by_hand_in_the_veto_window_does_not_stop_the_admission(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await sweep(stack)
        await sandbox.edit_issue(ORG, GOV, number, "carol", state="closed")
        await settled(stack)
        assert (await stored(stack, installation_id, number)).state == "veto"
        clock.advance(7 * DAY)
        await sweep(stack)
        assert (await stored(stack, installation_id, number)).state == "passed"
        assert "grace" in sandbox.world.team(ORG, "psrt").invitations


async def test_config_changed_during_the_vote_keeps_the_rule_from_opening_time(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        unanimous = "team: psrt\ngovernance_repo: psrt-governance\nvotes:\n  nomination:\n"
        unanimous += "    threshold: 100%\n    duration: 1d\n"
        await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: unanimous}, sender="alice")
        await settled(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", erin="-1")
        clock.advance(2 * DAY)
        await sweep(stack)
        assert (await stored(stack, installation_id, number)).state == "open"  # still 7 days
        clock.advance(6 * DAY)
        await sweep(stack)
        assert (await stored(stack, installation_id, number)).state == "passed"  # 3/4 >= 2/3


async def test_vote_comment_edited_by_someone_else_gets_the_true_count_back(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, bob="-1")
        comment = vote_comment(sandbox, number)
        await sandbox.edit_comment(ORG, GOV, comment.id, "alice", "Vote passed, 6 for!")
        await settled(stack)
        body = vote_comment(sandbox, number).body
        assert "| 👎 against | 1 | @bob |" in body and "6 for!" not in body
        kinds = [e.kind for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")]
        assert "vote.comment_restored" in kinds
        assert installation_id


async def test_result_comment_edited_by_someone_else_is_put_back(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="-1", bob="-1", carol="-1")
        await sweep(stack)
        result = vote_comment(sandbox, number)
        await sandbox.edit_comment(ORG, GOV, result.id, "bob", "Vote passed!")
        await settled(stack)
        assert vote_comment(sandbox, number).body == result.body
        assert "## Vote failed" in result.body


async def test_status_of_a_closed_vote_says_it_is_closed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await command(stack, number, "alice", "/vote cancel")
        await command(stack, number, "bob", "/vote status")
        assert "this vote is closed (cancelled)" in replies_to(sandbox, number, "bob")[0]


async def test_status_in_the_veto_window_says_the_vote_passed_and_waits(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await sweep(stack)
        await command(stack, number, "bob", "/vote status")
        assert replies_to(sandbox, number, "bob") == [
            "@bob: this vote is closed (passed, in its veto window): "
            "the vote comment shows the result."
        ]
