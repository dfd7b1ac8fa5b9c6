"""What Warden says in a tracking issue about CVE IDs from the organisation's own CNA."""

from __future__ import annotations

from app.features.advisories.templates import stamp

CNA_PROBLEM = """\
<!-- warden:cna id={ghsa_id} kind={kind} at={at} -->
No CVE ID could be reserved from the {short_name} CNA for {ghsa_id}: {why} \
Warden tries again at a later sweep; nothing else is needed{todo}."""

#: What went wrong, by kind of error (``cna_client.kind_of``).
CNA_WHY = {
    "quota": "CVE Services says the CNA's ID quota is used up ({detail}).",
    "auth": "CVE Services refused Warden's credentials ({detail}).",
    "outage": "CVE Services did not answer properly ({detail}).",
    "refused": "CVE Services refused the request ({detail}).",
    "unconfigured": "Warden has no CVE Services credentials.",
}
CNA_TODO = {
    "quota": " unless the quota stays used up: ask the CVE Program to raise it, or reject "
    "unused reserved IDs",
    "auth": " once an admin fixes CVE_API_ORG, CVE_API_USER and CVE_API_KEY",
    "unconfigured": " once an admin sets CVE_API_ORG, CVE_API_USER and CVE_API_KEY",
    "refused": " unless it happens again: then the CNA's admins should look at Warden's log",
}


def cna_problem(
    ghsa_id: str, short_name: str, kind: str, status: int, error: str, at: float
) -> str:
    """The comment that says, once per kind of trouble, why no CVE ID was reserved."""
    detail = f"{status} {error}".strip() if status else error
    return CNA_PROBLEM.format(
        ghsa_id=ghsa_id,
        kind=kind,
        at=stamp(at),
        short_name=short_name,
        why=CNA_WHY[kind].format(detail=detail),
        todo=CNA_TODO.get(kind, ""),
    )
