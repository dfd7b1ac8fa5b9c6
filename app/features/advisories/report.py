"""The yearly figures of ``python -m app report`` (pure, no I/O): advisories per repository,
time from report to publication, overdue reports, credits by type, members in and out."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

DAY = 86400.0


@dataclass(frozen=True)
class ReportRow:
    """One advisory as Warden recorded it."""

    org: str
    repo: str
    reported_at: float
    state: str  # triage, draft, published, closed, gone
    finished_at: float | None
    deadline: float  # seconds from report to deadline (the org's advisories.deadline)
    published_at: float | None = None
    credits: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MemberChange:
    """A passed nomination (joined) or removal (left) vote."""

    org: str
    login: str
    kind: str  # nomination, removal
    at: float


@dataclass(frozen=True)
class Review:
    """One inactivity review: how many members it found inactive, proposed, then removed."""

    org: str
    at: float
    inactive: int
    proposed: int
    removed: int = 0


@dataclass(frozen=True)
class RepoCount:
    repo: str  # org/name
    reported: int
    published: int
    closed: int


@dataclass(frozen=True)
class Figures:
    """One year's figures."""

    year: int
    org: str | None
    repos: tuple[RepoCount, ...]
    published: int
    median_days: float | None
    p90_days: float | None
    overdue: int
    credits: tuple[tuple[str, int], ...]
    joined: tuple[str, ...]
    left: tuple[str, ...]
    reviews: int = 0
    inactive: int = 0
    proposed: int = 0
    removed_inactive: int = 0


def year_of(timestamp: float) -> int:
    return datetime.fromtimestamp(timestamp, UTC).year


def figures(
    year: int,
    org: str | None,
    rows: Sequence[ReportRow],
    changes: Sequence[MemberChange],
    reviews: Sequence[Review] = (),
) -> Figures:
    """``year``'s figures: reports by when they came in, publications by when they went out;
    a report is overdue when it finished after its deadline or is still open past it."""
    rows = [r for r in rows if org is None or r.org.lower() == org.lower()]
    counts: dict[str, Counter[str]] = {}
    for r in rows:
        name = f"{r.org}/{r.repo}"
        if year_of(r.reported_at) == year:
            counts.setdefault(name, Counter())["reported"] += 1
        if r.finished_at is not None and year_of(r.finished_at) == year:
            kind = "published" if r.state == "published" else "closed"
            counts.setdefault(name, Counter())[kind] += 1
    out = [r for r in rows if r.state == "published" and r.published_at is not None]
    out = [r for r in out if year_of(r.published_at or 0.0) == year]
    days = sorted(((r.published_at or 0.0) - r.reported_at) / DAY for r in out)
    credits = Counter(kind for r in out for _, kind in r.credits)
    moved = [
        c
        for c in changes
        if year_of(c.at) == year and (org is None or c.org.lower() == org.lower())
    ]
    held = [v for v in reviews if year_of(v.at) == year and (org is None or _same(v.org, org))]
    return Figures(
        year=year,
        org=org,
        repos=tuple(
            RepoCount(name, c["reported"], c["published"], c["closed"])
            for name, c in sorted(counts.items())
        ),
        published=len(out),
        median_days=round(statistics.median(days), 1) if days else None,
        p90_days=round(days[math.ceil(0.9 * len(days)) - 1], 1) if days else None,
        overdue=sum(_overdue(r, year) for r in rows),
        credits=tuple(sorted(credits.items(), key=lambda kv: (-kv[1], kv[0]))),
        joined=tuple(sorted(c.login for c in moved if c.kind == "nomination")),
        left=tuple(sorted({c.login for c in moved if c.kind == "removal"}, key=str.lower)),
        reviews=len(held),
        inactive=sum(v.inactive for v in held),
        proposed=sum(v.proposed for v in held),
        removed_inactive=sum(v.removed for v in held),
    )


def _same(one: str, other: str) -> bool:
    return one.lower() == other.lower()


def _overdue(r: ReportRow, year: int) -> bool:
    """Reported in ``year`` and finished late (or not at all, and past its deadline by the
    year's end)."""
    if year_of(r.reported_at) != year:
        return False
    due = r.reported_at + r.deadline
    end = datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()
    finished = r.finished_at if r.finished_at is not None else end
    return finished > due


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g} days"


def as_text(f: Figures) -> str:
    """For people: a table of repositories, then one line per figure."""
    scope = f.org or "all organisations"
    width = max([len("total"), *(len(r.repo) for r in f.repos)])
    lines = [f"Warden report for {f.year} ({scope})", ""]
    lines.append(f"{'advisories':<{width}}  reported  published  closed")
    for r in f.repos:
        lines.append(f"{r.repo:<{width}}  {r.reported:>8}  {r.published:>9}  {r.closed:>6}")
    total = [sum(getattr(r, k) for r in f.repos) for k in ("reported", "published", "closed")]
    lines.append(f"{'total':<{width}}  {total[0]:>8}  {total[1]:>9}  {total[2]:>6}")
    lines += [
        "",
        f"report to publication: median {_days(f.median_days)}, "
        f"90th percentile {_days(f.p90_days)} ({f.published} published)",
        f"overdue (finished after the deadline, or still open past it): {f.overdue}",
        "credits given: " + (", ".join(f"{k} {n}" for k, n in f.credits) or "none"),
        f"members joined: {len(f.joined)}" + (f" ({', '.join(f.joined)})" if f.joined else ""),
        f"members left: {len(f.left)}" + (f" ({', '.join(f.left)})" if f.left else ""),
        f"inactivity reviews: {f.reviews} ({f.inactive} inactive, {f.proposed} proposed for "
        f"removal, {f.removed_inactive} removed after a warning)",
    ]
    return "\n".join(lines) + "\n"


def as_json(f: Figures) -> str:
    data: dict[str, Any] = asdict(f)
    data["repos"] = [asdict(r) for r in f.repos]
    data["credits"] = dict(f.credits)
    return json.dumps(data, indent=2) + "\n"


def as_csv(f: Figures) -> str:
    """One ``year,section,name,value`` row per figure (a spreadsheet sums them)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "section", "name", "value"])
    for r in f.repos:
        for kind in ("reported", "published", "closed"):
            writer.writerow([f.year, f"advisories_{kind}", r.repo, getattr(r, kind)])
    writer.writerow([f.year, "report_to_publication_days", "median", f.median_days or ""])
    writer.writerow([f.year, "report_to_publication_days", "p90", f.p90_days or ""])
    writer.writerow([f.year, "overdue", "all", f.overdue])
    writer.writerows([f.year, "credits", kind, n] for kind, n in f.credits)
    writer.writerow([f.year, "members", "joined", len(f.joined)])
    writer.writerow([f.year, "members", "left", len(f.left)])
    writer.writerow([f.year, "inactivity", "reviews", f.reviews])
    writer.writerow([f.year, "inactivity", "inactive", f.inactive])
    writer.writerow([f.year, "inactivity", "proposed", f.proposed])
    writer.writerow([f.year, "inactivity", "removed", f.removed_inactive])
    return out.getvalue()


RENDER = {"text": as_text, "json": as_json, "csv": as_csv}
