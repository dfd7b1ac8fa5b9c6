"""The announcement, the downstream issue and the OSV record of a published advisory:
golden files, and the record valid against the OSV schema (ossf/osv-schema
validation/schema.json at 51b8156, copied in tests/data) with and without a CVE and fixes."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from app.features.advisories import publish_templates as t
from app.features.advisories.model import without_tags
from app.features.advisories.osv import Published, file_path, osv_id, osv_record
from tests.unit.test_orgconfig_templates import assert_golden

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "osv-schema.json").read_text())
AT = datetime(2026, 6, 1, 12, tzinfo=UTC).timestamp()
V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N"
PUB = Published(
    ghsa_id="GHSA-m6rv-3342-2222",
    repo="python/cpython",
    web_url="https://github.com",
    html_url="https://github.com/python/cpython/security/advisories/GHSA-m6rv-3342-2222",
    summary="tarfile: path traversal in extractall()",
    details="`tarfile.extractall()` followed symlinks outside the destination.",
    cve_id="CVE-2026-24017",
    severity="high",
    cvss_v4=V4,
    affected=("cpython < 3.14.1 (patched: 3.14.1)",),
    published_at=AT,
    modified_at=AT + 60,
    fixes=("4eaf4891c12589e3c7bdad5f5b076e4c8392dd06",),
    credits=(
        ("Mallory Reporter", "reporter"),
        ("bob", "coordinator"),
        ("Fiona Fixer", "remediation_developer"),
    ),
    logins=("mallory", "bob", "fiona"),
    cwe_ids=("CWE-22",),
)


def test_the_announcement_and_the_downstream_issue_match_golden() -> None:
    text = t.announcement(PUB, AT) + "\n\n---\n\n" + t.downstream_title(PUB) + "\n\n"
    text += (
        t.downstream_body(PUB, "python")
        + "\n\n---\n\n"
        + "\n\n".join(t.osv_pull(PUB, "PSF-X", "python"))
    )
    assert_golden("advisory-publication.md", text)


def test_the_osv_record_matches_golden_and_the_schema() -> None:
    record = osv_record(PUB, osv_id("psf", PUB.ghsa_id))
    jsonschema.Draft202012Validator(SCHEMA).validate(record)
    assert_golden("advisory-osv.json", json.dumps(record, indent=2) + "\n")
    assert file_path("advisories/{repo}/", "cpython", record["id"]) == (
        "advisories/cpython/PSF-M6RV-3342-2222.json"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"cve_id": None, "fixes": (), "cvss_v4": None, "credits": (), "logins": ()},
        {"cvss_v4": "CVSS:4.0/AV:N", "affected": (), "cwe_ids": ()},
    ],
)
def test_a_record_without_cve_fixes_or_a_valid_vector_is_still_valid(
    changes: dict[str, object],
) -> None:
    record = osv_record(dataclasses.replace(PUB, **changes), "PSF-M6RV-3342-2222")  # type: ignore[arg-type]
    jsonschema.Draft202012Validator(SCHEMA).validate(record)
    assert "severity" not in record
    assert record["affected"][0]["ranges"][0]["events"][0] == {"introduced": "0"}


def test_title_tags_never_reach_the_public() -> None:
    assert without_tags("[ACCEPT] tarfile: [CVE] path  traversal [accepted]") == (
        "tarfile: [CVE] path traversal"
    )
    assert t.subject(dataclasses.replace(PUB, cve_id=None)).startswith("[GHSA-m6rv-3342-2222] ")
