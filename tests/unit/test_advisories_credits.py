"""Credits from the private fork's pull requests, the CVSS v4 check and the pre-publication
checklist: pure rules, and the checklist's words against a golden file."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from app.features.advisories.checklist import checklist, render
from app.features.advisories.cna_templates import cna_problem
from app.features.advisories.credits import Pull, parse_pull, remediation_credits
from app.features.advisories.cvss import cvss_of, score
from app.features.advisories.model import CREDIT_TYPES, merged_credits, parse_advisory
from tests.unit.test_orgconfig_templates import assert_golden

V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def pull(author: str, *reviews: tuple[str, str], merged: str | None = None) -> Pull:
    return Pull(
        1,
        author,
        author.endswith("[bot]"),
        merged is not None,
        merged,
        tuple((who, state, who.endswith("[bot]")) for who, state in reviews),
    )


def test_authors_are_developers_and_approving_reviewers_are_reviewers() -> None:
    pulls = [
        pull("frank", ("carol", "APPROVED"), ("erin", "CHANGES_REQUESTED"), ("bob", "COMMENTED")),
        pull("dependabot[bot]", ("carol", "APPROVED"), ("renovate[bot]", "APPROVED")),
    ]
    assert remediation_credits(pulls) == (
        ("frank", "remediation_developer"),
        ("carol", "remediation_reviewer"),
        ("carol", "remediation_reviewer"),
    )


def test_a_later_verdict_wins_and_comments_are_no_verdict() -> None:
    first_approved = pull("frank", ("erin", "APPROVED"), ("erin", "CHANGES_REQUESTED"))
    then_approved = pull(
        "frank", ("erin", "CHANGES_REQUESTED"), ("erin", "APPROVED"), ("erin", "COMMENTED")
    )
    assert first_approved.approvers() == [] and then_approved.approvers() == ["erin"]
    assert pull("frank", ("frank", "APPROVED")).approvers() == []  # not one's own pull request


def test_existing_credits_are_never_removed_or_retyped() -> None:
    existing = (("mallory", "reporter"), ("carol", "analyst"))
    wanted = remediation_credits([pull("carol", ("Mallory", "APPROVED"), ("erin", "APPROVED"))])
    assert merged_credits(existing, wanted) == (
        ("mallory", "reporter"),
        ("carol", "analyst"),
        ("erin", "remediation_reviewer"),
    )


logins = st.sampled_from(["alice", "bob", "carol", "x[bot]", "Alice"])
kinds = st.sampled_from(CREDIT_TYPES)


@given(
    st.lists(st.tuples(logins, kinds), max_size=5),
    st.lists(
        st.tuples(
            logins,
            st.lists(
                st.tuples(logins, st.sampled_from(["APPROVED", "COMMENTED", "CHANGES_REQUESTED"])),
                max_size=4,
            ),
        ),
        max_size=4,
    ),
)
def test_merging_fork_credits_keeps_every_credit_and_adds_no_bot(
    existing: list[tuple[str, str]], pulls: list[tuple[str, list[tuple[str, str]]]]
) -> None:
    found = [pull(author, *reviews) for author, reviews in pulls]
    result = merged_credits(existing, remediation_credits(found))
    assert result[: len(existing)] == tuple(existing)
    assert not any(who.endswith("[bot]") for who, _ in result[len(existing) :])
    assert len({who.lower() for who, _ in result[len(existing) :]}) == len(result) - len(existing)


def test_a_pull_request_from_the_rest_api_is_read() -> None:
    data = {
        "number": 3,
        "user": {"login": "frank", "type": "User"},
        "merged_at": "2026-01-02T00:00:00Z",
        "merge_commit_sha": "abc",
    }
    reviews = [{"user": {"login": "ci[bot]", "type": "Bot"}, "state": "APPROVED"}, {"user": None}]
    found = parse_pull(data, reviews)
    assert (found.author, found.merged, found.merge_commit, found.approvers()) == (
        "frank",
        True,
        "abc",
        [],
    )


def test_cvss_v4_vectors_are_scored_or_refused_with_the_reason() -> None:
    assert (score(V4).score, score(V4).severity, score(V4).valid) == (9.3, "Critical", True)
    broken = score(V4.removesuffix("/SA:N"))
    assert not broken.valid and "Missing mandatory metrics" in (broken.problem or "")
    assert not score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").valid
    from_github = {"cvss_severities": {"cvss_v4": {"vector_string": V4, "score": 9.3}}}
    assert cvss_of(from_github) == score(V4)
    assert cvss_of({"description": f"Severity: high.\n\n{V4}/\n"}) == score(V4)
    assert cvss_of({"description": "no vector"}) is None


def advisory(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "ghsa_id": "GHSA-m6rv-3342-2222",
        "state": "draft",
        "created_at": "2026-03-01T00:00:00Z",
        "author": {"login": "mallory", "type": "User"},
        "credits": [
            {"login": "mallory", "type": "reporter"},
            {"login": "bob", "type": "coordinator"},
        ],
        "description": "The `tarfile` module... " + V4.removesuffix("/SA:N"),
    }
    data.update(changes)
    return data


def test_the_checklist_says_what_is_missing_before_publication() -> None:
    draft = parse_advisory(advisory(), "cpython")
    ready = dataclasses.replace(
        draft,
        credits=(*draft.credits, ("frank", "remediation_developer")),
        cvss_v4=V4,
        cve_id="CVE-2026-24017",
        affected=("cpython >= 3.12, < 3.12.9 (patched: 3.12.9)",),
    )
    text = render(checklist(draft, [(1, "abc"), (2, None)])) + render(
        checklist(ready, [(1, "abc")])
    )
    assert_golden("advisory-checklist.md", text)
    assert [i.done for i in checklist(ready, [(1, "abc")])] == [True] * 5
    assert not any(i.done for i in checklist(draft, []))


def test_cve_services_trouble_is_said_in_plain_words() -> None:
    at = 1772323200.0
    text = "\n\n".join(
        cna_problem("GHSA-m6rv-3342-2222", "PSF", kind, status, error, at)
        for kind, status, error in [
            ("quota", 403, "EXCEEDED_ID_QUOTA"),
            ("auth", 401, "UNAUTHORIZED"),
            ("outage", 0, "ClientConnectorError"),
            ("refused", 400, "INVALID_YEAR"),
            ("unconfigured", 0, "NO_CREDENTIALS"),
        ]
    )
    assert_golden("advisory-cna-problems.md", text)
