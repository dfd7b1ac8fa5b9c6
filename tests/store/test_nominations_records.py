"""Votes in the database, on SQLite and PostgreSQL: the snapshot survives, states move on."""

from __future__ import annotations

from app.features.votes import records
from app.store import Store
from tests.unit.test_nominations_rules import sample_vote


async def test_vote_keeps_its_rule_and_voter_snapshot_through_the_database(store: Store) -> None:
    vote = sample_vote()
    assert await records.insert(store, vote)
    found = await records.find(store, 1, "psrt-governance", 12)
    assert found == vote


async def test_an_issue_has_at_most_one_vote(store: Store) -> None:
    assert await records.insert(store, sample_vote())
    assert not await records.insert(store, sample_vote(nominee="heidi"))
    assert (await records.find(store, 1, "psrt-governance", 12)).nominee == "grace"  # type: ignore[union-attr]


async def test_live_votes_and_nominee_lookups_follow_the_state(store: Store) -> None:
    await records.insert(store, sample_vote())
    await records.insert(store, sample_vote(issue_number=13, nominee="Heidi"))
    await records.insert(store, sample_vote(issue_number=14, nominee="ivan"))
    heidi = await records.find(store, 1, "psrt-governance", 13)
    assert heidi is not None
    assert await records.update(store, heidi, heidi.but(state="veto", veto_until=5.0, tally="abc"))
    ivan = await records.find(store, 1, "psrt-governance", 14)
    assert ivan is not None
    assert await records.update(store, ivan, ivan.but(state="failed", closed_at=3.0))
    live = await records.live_votes(store)
    assert [(v.issue_number, v.state) for v in live] == [(12, "open"), (13, "veto")]
    assert live[1].veto_until == 5.0 and live[1].tally == "abc"
    assert [v.issue_number for v in await records.live_for_nominee(store, 1, "HEIDI")] == [13]
    assert await records.live_for_nominee(store, 1, "ivan") == []
    assert await records.live_for_nominee(store, 2, "grace") == []


async def test_of_two_writers_closing_one_vote_only_the_first_wins(store: Store) -> None:
    vote = sample_vote()
    await records.insert(store, vote)
    assert await records.update(store, vote, vote.but(state="failed", outcome="failed"))
    assert not await records.update(store, vote, vote.but(state="cancelled"))
    found = await records.find(store, 1, "psrt-governance", 12)
    assert found is not None and (found.state, found.outcome) == ("failed", "failed")


async def test_a_stale_copy_never_writes_back_over_newer_values(store: Store) -> None:
    vote = sample_vote()
    await records.insert(store, vote)
    extended = vote.but(deadline=vote.deadline + 86400)
    assert await records.update(store, vote, extended)
    # A count that read the vote before the extension records its tally: that column only.
    assert await records.update(store, vote, vote.but(tally="abc"))
    # A second stale writer of the same column loses.
    assert not await records.update(store, vote, vote.but(tally="xyz"))
    found = await records.find(store, 1, "psrt-governance", 12)
    assert found is not None and (found.deadline, found.tally) == (extended.deadline, "abc")


async def test_a_closed_vote_that_still_owes_its_effects_is_live_until_they_are_done(
    store: Store,
) -> None:
    vote = sample_vote()
    await records.insert(store, vote)
    owing = vote.but(state="failed", result="## Vote failed", pending='{"audit": "x"}')
    assert await records.update(store, vote, owing)
    assert [v.pending for v in await records.live_votes(store)] == ['{"audit": "x"}']
    assert await records.update(store, owing, owing.but(pending=None))
    assert await records.live_votes(store) == []
    found = await records.find(store, 1, "psrt-governance", 12)
    assert found is not None and found.result == "## Vote failed"


async def test_a_close_decided_on_an_old_deadline_loses_to_an_extension(store: Store) -> None:
    vote = sample_vote()
    await records.insert(store, vote)
    assert await records.update(store, vote, vote.but(deadline=vote.deadline + 86400))
    closed = vote.but(state="failed", outcome="failed")
    assert not await records.update(store, vote, closed, also=("deadline",))
    found = await records.find(store, 1, "psrt-governance", 12)
    assert found is not None and found.state == "open"
