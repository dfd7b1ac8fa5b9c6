"""What Warden writes when an advisory is published: the announcement (in the style of the
security-announce list, posted in the tracking issue), the OSV pull request and the issue
opened downstream. Everything here is public once the advisory is: its summary, details,
affected versions, CVE, severity, credits and links; never the tracking issue's notes."""

from __future__ import annotations

from app.features.advisories.cvss import score
from app.features.advisories.osv import Published, credit_lines, cve_url
from app.features.advisories.templates import stamp
from app.github.markdown import inert

ANNOUNCEMENT = """\
<!-- warden:announcement id={ghsa_id} at={at} -->
{ghsa_id} is published. The announcement for the security-announce list, to send as it is:

**Subject:** {subject}

```text
{body}
```"""

ANNOUNCEMENT_BODY = """\
There is a {severity} severity vulnerability affecting {repo}.

{summary}

{details}

Affected versions:
{affected}

CVE: {cve}
Severity: {scored}

Credits:
{credits}

Links:
{links}"""

DOWNSTREAM_MARKER = "<!-- warden:downstream id={ghsa_id} -->"
DOWNSTREAM_BODY = """\
{marker}
{repo} published a security advisory: **[{ghsa_id}]({url})**{cve_part}.

| | |
|---|---|
| Summary | {summary} |
| Severity | {scored} |
| Affected versions | {affected} |
| Fixes | {fixes} |

Opened by Warden for the {org} security team, from public information only."""

OSV_PULL_TITLE = "Add {record_id} ({ghsa_id})"
OSV_PULL_BODY = """\
The OSV record of {ghsa_id}{cve_part}, published in {repo}: {url}

Opened by Warden for the {org} security team."""


def subject(pub: Published) -> str:
    """``[CVE-2026-24017] tarfile: path traversal`` (the GHSA id without a CVE)."""
    return f"[{pub.cve_id or pub.ghsa_id}] {pub.summary.strip()}"


def scored(pub: Published) -> str:
    """``Critical (CVSS v4 9.3: CVSS:4.0/...)``, or GitHub's word alone without a vector."""
    found = score(pub.cvss_v4) if pub.cvss_v4 else None
    if found is None or not found.valid:
        return (pub.severity or "not rated").upper()
    return f"{found.severity} (CVSS v4 {found.score}: {found.vector})"


def _bullets(items: list[str], empty: str) -> str:
    return "\n".join(f"* {item}" for item in items) if items else f"* {empty}"


def announcement(pub: Published, at: float) -> str:
    """The tracking issue comment with the announcement's subject and body."""
    links = [*([cve_url(pub.cve_id)] if pub.cve_id else []), pub.html_url]
    links += [f"{pub.repo_url}/commit/{sha}" for sha in pub.fixes]
    severity = score(pub.cvss_v4).severity if pub.cvss_v4 and score(pub.cvss_v4).valid else None
    body = ANNOUNCEMENT_BODY.format(
        severity=(severity or pub.severity or "an unrated").upper(),
        repo=pub.repo,
        summary=pub.summary.strip(),
        details=pub.details.strip() or "(no details given)",
        affected=_bullets(list(pub.affected), "see the advisory"),
        cve=pub.cve_id or "none",
        scored=scored(pub),
        credits=_bullets(credit_lines(pub.credits), "none"),
        links=_bullets(links, ""),
    )
    return ANNOUNCEMENT.format(
        ghsa_id=pub.ghsa_id,
        at=stamp(at),
        subject=inert(subject(pub)),
        body=body.replace("```", "'''"),
    )


def downstream_title(pub: Published) -> str:
    return f"{subject(pub)} ({pub.repo})"


def downstream_body(pub: Published, org: str) -> str:
    fixes = ", ".join(f"[{sha[:12]}]({pub.repo_url}/commit/{sha})" for sha in pub.fixes)
    return DOWNSTREAM_BODY.format(
        marker=DOWNSTREAM_MARKER.format(ghsa_id=pub.ghsa_id),
        repo=pub.repo,
        ghsa_id=pub.ghsa_id,
        url=pub.html_url,
        cve_part=f", [{pub.cve_id}]({cve_url(pub.cve_id)})" if pub.cve_id else "",
        summary=inert(pub.summary).replace("|", "\\|"),
        scored=scored(pub),
        affected="; ".join(inert(a).replace("|", "\\|") for a in pub.affected)
        or "see the advisory",
        fixes=fixes or "see the advisory",
        org=org,
    )


def osv_pull(pub: Published, record_id: str, org: str) -> tuple[str, str]:
    """The title and body of the pull request that adds the OSV record."""
    cve_part = f" ({pub.cve_id})" if pub.cve_id else ""
    body = OSV_PULL_BODY.format(
        ghsa_id=pub.ghsa_id, cve_part=cve_part, repo=pub.repo, url=pub.html_url, org=org
    )
    return OSV_PULL_TITLE.format(record_id=record_id, ghsa_id=pub.ghsa_id), body
