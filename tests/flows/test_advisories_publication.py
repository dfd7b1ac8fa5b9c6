"""From report to publication with the org's own CNA, end to end in the sandbox: `[ACCEPT]`
in a private repository reserves one CVE, the fork's author and approving reviewer are
credited, an invalid CVSS v4 vector is flagged, and publication posts the announcement,
proposes a schema-valid OSV record, opens a downstream issue and closes the tracking issue."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from app.platform.clock import Clock
from sandbox import Sandbox
from sandbox.cve_services import CveServices
from tests.advisory_world import ORG, advisory, comments, settled, sweep, tracking_issue
from tests.cna_world import CNA_CONFIG, PRIVATE, accept, reservations, running_cna, seed_cna

DATA = Path(__file__).parents[1] / "data"
V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
PUBLISH = """\
  publish:
    osv: {repo: advisory-database, path: "advisories/{repo}/"}
    downstream: [acme/distro-security]
"""


def world(sb: Sandbox) -> int:
    installation_id = seed_cna(sb, CNA_CONFIG + PUBLISH)
    sb.add_user("fiona", name="Fiona Fixer")
    sb.add_user("dependabot[bot]", type="Bot")
    sb.add_repo(ORG, "advisory-database", files={"README.md": "OSV records\n"})
    sb.add_org("acme")
    sb.add_repo("acme", "distro-security")
    sb.install("acme")
    return installation_id


async def test_accept_to_publication_with_the_orgs_cna(
    sandbox: Sandbox, cve_services: CveServices, clock: Clock, tmp_path: Path
) -> None:
    installation_id = world(sandbox)
    async with running_cna(sandbox, cve_services, clock, tmp_path) as stack:
        ghsa = await accept(stack, summary="[ACCEPT] web: stored XSS in the admin page")
        [reserved] = cve_services.reserved("PSF")
        assert advisory(sandbox, ghsa, PRIVATE).cve_id == reserved.cve_id
        fork = (advisory(sandbox, ghsa, PRIVATE).private_fork or "").split("/")[1]
        fix = await sandbox.open_pull_request(
            ORG, fork, "fiona", "Escape names", "fix", files={"web/app.py": "# escaped\n"}
        )
        sandbox.review_pull_request(ORG, fork, fix, "carol")
        sandbox.edit_advisory(ORG, PRIVATE, ghsa, description="Names unescaped. CVSS:4.0/AV:N")
        await sweep(stack, installation_id)
        issue = tracking_issue(sandbox, ghsa)
        assert "- [ ] CVSS v4 vector `CVSS:4.0/AV:N` is not valid" in (issue.body or "")
        assert ("fiona", "remediation_developer") in advisory(sandbox, ghsa, PRIVATE).credits
        assert ("carol", "remediation_reviewer") in advisory(sandbox, ghsa, PRIVATE).credits

        merge = await sandbox.merge_pull_request(ORG, fork, fix, "fiona")
        sandbox.edit_advisory(
            ORG,
            PRIVATE,
            ghsa,
            cvss_vector_string=V4,
            description="Names were not escaped in the admin page.",
        )
        await sandbox.publish_advisory(ORG, PRIVATE, ghsa)
        await settled(stack)
        await sweep(stack, installation_id)  # a sweep after the webhook changes nothing

        [announced] = [c for c in comments(sandbox, issue) if "warden:announcement" in c]
        assert f"**Subject:** `[{reserved.cve_id}] web: stored XSS in the admin page`" in announced
        assert "There is a CRITICAL severity vulnerability affecting python/pyweb." in announced
        assert "Fiona Fixer (remediation developer)" in announced
        assert (issue.state, issue.state_reason) == ("closed", "completed")

        database = sandbox.repo(ORG, "advisory-database")
        [pull] = database.pulls.values()
        record = json.loads(
            database.tree(pull.head)[f"advisories/{PRIVATE}/PSF-{ghsa[5:].upper()}.json"]
        )
        schema = json.loads((DATA / "osv-schema.json").read_text())
        jsonschema.Draft202012Validator(schema).validate(record)
        assert record["aliases"] == [reserved.cve_id, ghsa]
        assert record["severity"] == [{"type": "CVSS_V4", "score": V4}]
        assert record["affected"][0]["ranges"][0]["events"] == [
            {"introduced": "0"},
            {"fixed": merge},
        ]
        assert {
            "name": "Fiona Fixer",
            "contact": ["https://github.com/fiona"],
            "type": "REMEDIATION_DEVELOPER",
        } in record["credits"]

        [downstream] = sandbox.repo("acme", "distro-security").issues.values()
        assert reserved.cve_id in downstream.title and "SECRET" not in downstream.body
        assert "Names were not escaped" not in downstream.body  # the summary and links only
        assert reservations(cve_services) == 1
