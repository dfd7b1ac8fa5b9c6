"""The OSV record of a published advisory (pure, no I/O), in the shape of the PSF's records
(psf/advisory-database) plus a ``CVSS_V4`` severity; valid against the OSV schema."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.features.advisories.cvss import score

SCHEMA_VERSION = "1.7.0"  # the first with CVSS_V4 is 1.6.2


@dataclass(frozen=True)
class Published:
    """The public facts of a published advisory, as the OSV record and the texts use them."""

    ghsa_id: str
    repo: str  # owner/name
    web_url: str  # GitHub's web base, e.g. https://github.com
    html_url: str  # the advisory's page
    summary: str
    details: str
    cve_id: str | None
    severity: str | None  # GitHub's word: low, medium, high, critical
    cvss_v4: str | None
    affected: tuple[str, ...]
    published_at: float
    modified_at: float
    fixes: tuple[str, ...]  # merge commits of the fix pull requests
    credits: tuple[tuple[str, str], ...]  # (real name or login, credit type)
    logins: tuple[str, ...]  # the login of each credit, same order
    cwe_ids: tuple[str, ...] = ()

    @property
    def repo_url(self) -> str:
        return f"{self.web_url}/{self.repo}"


def osv_id(prefix: str, ghsa_id: str) -> str:
    """The record's id: the database prefix (the CNA's short name, e.g. PSF) and the GHSA
    id's own part, stable however often the record is written."""
    return f"{prefix.upper()}-{ghsa_id.upper().removeprefix('GHSA-')}"


def stamp(timestamp: float) -> str:
    """RFC 3339 in UTC with a ``Z``, as OSV records write times."""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def osv_record(pub: Published, record_id: str) -> dict[str, Any]:
    """The OSV record (a JSON object) of ``pub``."""
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": record_id,
        "modified": stamp(pub.modified_at),
        "published": stamp(pub.published_at),
        "aliases": [a for a in (pub.cve_id, pub.ghsa_id) if a],
        "summary": pub.summary,
        "details": pub.details,
        "affected": [{"ranges": [_git_range(pub)]}],
        "references": _references(pub),
        "credits": [
            {"name": name, "contact": [f"{pub.web_url}/{login}"], "type": kind.upper()}
            for (name, kind), login in zip(pub.credits, pub.logins, strict=True)
        ],
        "database_specific": {"cwe_ids": list(pub.cwe_ids)},
    }
    if pub.cvss_v4 and score(pub.cvss_v4).valid:
        record["severity"] = [{"type": "CVSS_V4", "score": score(pub.cvss_v4).vector}]
    return record


def _git_range(pub: Published) -> dict[str, Any]:
    events: list[dict[str, str]] = [{"introduced": "0"}]
    events += [{"fixed": sha} for sha in pub.fixes]
    return {"type": "GIT", "repo": pub.repo_url, "events": events}


def _references(pub: Published) -> list[dict[str, str]]:
    found = [{"type": "ADVISORY", "url": pub.html_url}]
    if pub.cve_id:
        found.append({"type": "WEB", "url": cve_url(pub.cve_id)})
    found += [{"type": "FIX", "url": f"{pub.repo_url}/commit/{sha}"} for sha in pub.fixes]
    return found


def cve_url(cve_id: str) -> str:
    return f"https://www.cve.org/CVERecord?id={cve_id}"


def file_path(directory: str, repo: str, record_id: str) -> str:
    """Where the record goes: ``advisories.publish.osv.path`` (``{repo}``: the advisory's
    repository) and ``<id>.json``."""
    folder = directory.replace("{repo}", repo).strip("/")
    return f"{folder}/{record_id}.json" if folder else f"{record_id}.json"


def credit_lines(credits: Sequence[tuple[str, str]]) -> list[str]:
    """``Name (type in words)`` for each credit, as the announcement lists them."""
    return [f"{name} ({kind.replace('_', ' ')})" for name, kind in credits]
