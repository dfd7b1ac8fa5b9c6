"""Nominations end to end in the sandbox: opening, counting, closing, veto, admission."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.features.votes import refresh
from app.features.votes import templates as t
from app.github.teams import was_expected
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import running
from tests.nomination_world import (
    CONFIG,
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


async def test_pep_811_nomination_passes_at_two_thirds_waits_out_the_veto_and_onboards(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        opened = vote_comment(sandbox, number)
        assert "admit @grace to @python/psrt" in opened.body
        assert "👍 for, 👎 against or 👀 to abstain" in opened.body
        assert " UTC (in 7 days)" in opened.body
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.VOTE_OPEN}
        labels = sandbox.repo(ORG, GOV).labels
        assert (labels[t.VOTE_OPEN].color, labels[t.VETOED].color) == ("fbca04", "b60205")
        vote = await stored(stack, installation_id, number)
        assert sorted(vote.voters) == ["alice", "bob", "carol", "dave", "erin", "frank"]

        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="-1")
        react(sandbox, number, frank="eyes", mallory="-1")
        clock.advance(3 * DAY)
        await sweep(stack)
        result = vote_comment(sandbox, number).body
        assert result.startswith(t.vote_marker(number))
        assert "Vote passed; veto window open until" in result
        assert "| 👍 for | 4 | @alice, @bob, @carol, @dave |" in result
        assert "| 👎 against | 1 | @erin |" in result
        assert "| 👀 abstain | 1 | @frank |" in result
        assert "Non-binding (not voters of this vote): 👎 @mallory" in result
        assert "@python/steering-council may type `/veto`" in result
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.PASSED}
        assert "grace" not in sandbox.world.team(ORG, "psrt").invitations  # not yet

        clock.advance(7 * DAY)
        await sweep(stack)
        assert "grace" in sandbox.world.team(ORG, "psrt").invitations  # GitHub invites her
        assert await was_expected(stack.ctx, installation_id, "psrt", "grace", "added")
        assert issue(sandbox, number).state == "closed"
        [onboarding] = [
            i for i in sandbox.repo(ORG, GOV).issues.values() if t.ONBOARDING in i.labels
        ]
        assert "@grace" in onboarding.title and "- [ ] Enable two-factor" in (onboarding.body or "")
        assert "accept it to join the team" in (onboarding.body or "")
        kinds = [e.kind for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")]
        assert kinds == [
            "vote.opened",
            "vote.closed",
            "vote.veto_window_ended",
            "nomination.admitted",
        ]
        assert (await stored(stack, installation_id, number)).state == "passed"
        final = vote_comment(sandbox, number).body
        assert "## Vote passed: @grace is admitted" in final
        assert "No veto came from @python/steering-council by " in final
        assert "| 👍 for | 4 | @alice, @bob, @carol, @dave |" in final


async def test_nomination_by_a_non_member_is_refused_with_one_comment(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack, by="mallory")
        [reply] = comments(sandbox, number, sandbox.bot_login)
        assert "only members of `@python/psrt` can nominate, and @mallory is not one" in reply.body
        assert issue(sandbox, number).labels == [t.NOMINATION]
        assert await stack.ctx.store.fetchrow("SELECT * FROM votes") is None
        assert installation_id


async def test_vote_without_two_thirds_fails_at_the_deadline_and_closes_the_issue(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="-1", carol="-1")
        clock.advance(DAY)
        await sweep(stack)
        assert (await stored(stack, installation_id, number)).state == "open"
        clock.advance(6 * DAY + 60)
        await sweep(stack)
        body = vote_comment(sandbox, number).body
        assert "## Vote failed: @grace is not admitted" in body
        assert "Closed at its deadline" in body
        assert "| not voted | 3 | @dave, @erin, @frank |" in body
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.FAILED}
        assert issue(sandbox, number).state == "closed"
        assert "grace" not in sandbox.world.team(ORG, "psrt").invitations


async def test_vote_closes_early_once_the_remaining_voters_cannot_change_it(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    checklist = "onboarding:\n  checklist: [Read PEP 811, Say hello on discuss.python.org]\n"
    installation_id = seed(sandbox, CONFIG + checklist)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        clock.advance(3600)
        await sweep(stack)
        body = vote_comment(sandbox, number).body
        assert "Closed early on" in body and "could no longer change the result" in body
        assert "| not voted | 1 | @frank |" in body
        # No veto configured: admitted at once.
        assert (await stored(stack, installation_id, number)).state == "passed"
        assert "grace" in sandbox.world.team(ORG, "psrt").invitations
        assert issue(sandbox, number).state == "closed"
        [onboarding] = [
            i for i in sandbox.repo(ORG, GOV).issues.values() if t.ONBOARDING in i.labels
        ]
        items = [line for line in (onboarding.body or "").splitlines() if line.startswith("- [")]
        assert items == [
            "- [ ] Read PEP 811",
            "- [ ] Say hello on discuss.python.org",
            "- [ ] Add @grace to the team's mailing list",  # onboarding.venues, for the admins
            "- [ ] Add @grace to the team's chat",
        ]


async def test_veto_in_the_window_by_a_veto_team_member_stops_the_admission(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await sweep(stack)
        await command(stack, number, "alice", "/veto")  # a member, not on the council
        assert (
            "only members of `@python/steering-council` can veto"
            in replies_to(sandbox, number, "alice")[0]
        )
        await command(stack, number, "guido", "/veto")
        body = vote_comment(sandbox, number).body
        assert "## Vote vetoed: @grace is not admitted" in body and "Vetoed by @guido." in body
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.VETOED}
        assert issue(sandbox, number).state == "closed"
        clock.advance(8 * DAY)
        await sweep(stack)
        assert "grace" not in sandbox.world.team(ORG, "psrt").invitations
        assert (await stored(stack, installation_id, number)).state == "vetoed"


async def test_reactions_of_non_members_are_shown_non_binding_and_do_not_count(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", mallory="-1", heidi="+1", grace="+1")
        await command(stack, number, "mallory", "/vote status")
        body = vote_comment(sandbox, number).body
        assert "| 👍 for | 1 | @alice |" in body
        assert "| 👎 against | 0 | — |" in body
        assert "Non-binding (not voters of this vote): 👍 @grace, @heidi; 👎 @mallory" in body


async def test_double_reaction_from_one_voter_is_shown_invalid(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1 -1")
        await sweep(stack)
        body = vote_comment(sandbox, number).body
        assert "| invalid (more than one of 👍 👎 👀) | 1 | @bob |" in body
        assert "| 👍 for | 1 | @alice |" in body and "| 👎 against | 0 | — |" in body


async def test_sweep_and_command_closing_the_same_vote_at_once_act_only_once(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        vote = await stored(stack, installation_id, number)
        gh = stack.ctx.github.installation_client(installation_id)  # type: ignore[union-attr]
        await asyncio.gather(refresh(stack.ctx, gh, vote), refresh(stack.ctx, gh, vote))
        await settled(stack)
        kinds = [e.kind for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")]
        assert kinds == ["vote.opened", "vote.closed", "nomination.admitted"]
        assert sandbox.count("PUT", "/orgs/python/teams/psrt/memberships/grace") == 1


async def test_admission_that_fails_half_way_is_finished_by_the_next_sweep(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        sandbox.faults.add("PUT", r"/memberships/grace$", status=422)
        await sweep(stack, failing=True)
        assert (await stored(stack, installation_id, number)).state == "passed"
        assert "grace" not in sandbox.world.team(ORG, "psrt").invitations
        await sweep(stack)
        assert "grace" in sandbox.world.team(ORG, "psrt").invitations
        assert (await stored(stack, installation_id, number)).onboarding_issue is not None
        assert issue(sandbox, number).state == "closed"
