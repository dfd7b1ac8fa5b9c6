"""The yearly figures of `report` as pure rules: every publication of the year counted once,
the median never above the 90th percentile, other years and organisations left out."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.features.advisories.report import DAY, MemberChange, ReportRow, as_text, figures

START = datetime(2025, 1, 1, tzinfo=UTC).timestamp()

rows = st.lists(
    st.builds(
        lambda org, repo, reported, took, state: ReportRow(
            org,
            repo,
            START + reported * DAY,
            state,
            None if state == "draft" else START + (reported + took) * DAY,
            90 * DAY,
            START + (reported + took) * DAY if state == "published" else None,
        ),
        st.sampled_from(["python", "acme"]),
        st.sampled_from(["cpython", "pip"]),
        st.floats(-200, 400),
        st.floats(0, 300),
        st.sampled_from(["published", "closed", "draft"]),
    ),
    max_size=30,
)


@given(rows)
def test_each_publication_of_the_year_counts_once_and_the_median_is_below_p90(
    found: list[ReportRow],
) -> None:
    f = figures(2025, None, found, [])
    published = [
        r
        for r in found
        if r.state == "published" and datetime.fromtimestamp(r.published_at or 0, UTC).year == 2025
    ]
    assert f.published == len(published) == sum(r.published for r in f.repos)
    if published:
        assert f.median_days is not None and f.p90_days is not None
        assert f.median_days <= f.p90_days
    else:
        assert f.median_days is None and "median -" in as_text(f)
    one = figures(2025, "acme", found, [])
    assert all(r.repo.startswith("acme/") for r in one.repos)


def test_members_of_other_years_and_organisations_are_left_out() -> None:
    changes = [
        MemberChange("python", "fiona", "nomination", START + DAY),
        MemberChange("python", "gus", "nomination", START - DAY),
        MemberChange("acme", "hal", "removal", START + DAY),
    ]
    f = figures(2025, "python", [], changes)
    assert (f.joined, f.left) == (("fiona",), ())
