"""Votes in the database, on SQLite and PostgreSQL: the snapshot survives, states move on."""

from __future__ import annotations

from app.nominations import records
from app.store import Store
from tests.test_nominations_rules import sample_vote


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
