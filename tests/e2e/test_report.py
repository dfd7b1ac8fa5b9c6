"""`python -m app report` on a seeded year: advisories per repository, time from report to
publication (median, 90th percentile), overdue reports, credits by type, members in and
out; in text, JSON and CSV, compared with golden files."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.features.advisories import publications, records
from app.features.advisories.publications import Publication
from app.features.advisories.records import Record
from app.store import open_store
from tests.e2e.test_cli import warden
from tests.unit.test_orgconfig_templates import assert_golden

DAY = 86400.0


def at(month: int, day: int, year: int = 2025) -> float:
    return datetime(year, month, day, tzinfo=UTC).timestamp()


# (org, repo, ghsa, reported, state, finished, credits)
ADVISORIES = [
    (
        "python",
        "cpython",
        "GHSA-aaaa",
        at(1, 10),
        "published",
        at(2, 9),
        (("m", "reporter"), ("bob", "coordinator"), ("fiona", "remediation_developer")),
    ),
    (
        "python",
        "cpython",
        "GHSA-bbbb",
        at(3, 1),
        "published",
        at(7, 15),
        (("n", "reporter"), ("bob", "coordinator")),
    ),
    ("python", "cpython", "GHSA-cccc", at(6, 1), "closed", at(6, 20), ()),
    (
        "python",
        "pip",
        "GHSA-dddd",
        at(9, 1),
        "published",
        at(9, 11),
        (
            ("o", "finder"),
            ("carol", "coordinator"),
            ("fiona", "remediation_developer"),
            ("erin", "remediation_reviewer"),
        ),
    ),
    ("python", "pip", "GHSA-eeee", at(11, 20), "draft", None, ()),
    (
        "python",
        "cpython",
        "GHSA-ffff",
        at(12, 1, 2024),
        "published",
        at(1, 20),
        (("p", "reporter"),),
    ),
    ("acme", "widget", "GHSA-gggg", at(4, 1), "published", at(4, 30), (("q", "reporter"),)),
]


async def seed(url: str) -> None:
    store = open_store(url)
    await store.open()
    try:
        for n, (org, repo, ghsa, reported, state, finished, credits) in enumerate(ADVISORIES):
            iid = 1 if org == "python" else 2
            await records.save(
                store, Record(iid, org, repo, ghsa, reported, state, finished_at=finished)
            )
            if state == "published" and finished is not None:
                pub = Publication(
                    iid, ghsa, org, repo, reported, finished, f"CVE-2025-{n}", "high", credits
                )
                await publications.save(store, pub)
        for n, (kind, nominee, closed) in enumerate(
            [
                ("nomination", "fiona", at(5, 2)),
                ("nomination", "gus", at(10, 2)),
                ("removal", "dave", at(8, 1)),
                ("nomination", "hal", at(3, 3, 2024)),
            ]
        ):
            await store.execute(
                "INSERT INTO votes (installation_id, org, repo, issue_number, kind, nominee, "
                "nominator, team, rule, voters, opened_at, deadline, state, closed_at) "
                "VALUES (1, 'python', 'psrt-governance', ?, ?, ?, 'alice', 'psrt', '{}', '', "
                "?, ?, 'passed', ?)",
                n + 1,
                kind,
                nominee,
                closed - 7 * DAY,
                closed,
                closed,
            )
    finally:
        await store.close()


@pytest.mark.parametrize(("form", "suffix"), [("text", "txt"), ("json", "json"), ("csv", "csv")])
def test_report_of_a_seeded_year_matches_golden(tmp_path: Path, form: str, suffix: str) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite3"
    asyncio.run(seed(url))
    result = warden(
        "report", "--year", "2025", "--format", form, env={"DATABASE_URL": url}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert_golden(f"report-2025.{suffix}", result.stdout)


def test_report_of_one_organisation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite3"
    asyncio.run(seed(url))
    result = warden(
        "report", "--year", "2025", "--org", "acme", env={"DATABASE_URL": url}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "acme/widget" in result.stdout and "python/" not in result.stdout
    assert "members joined: 0" in result.stdout
