"""JSON views of advisories, check runs, file contents and git refs."""

from __future__ import annotations

import base64
import copy
import json
from functools import cache
from typing import Any

from sandbox.gitdata import blob_sha
from sandbox.render import iso
from sandbox.render_issues import IssueRenderer
from sandbox.schema_util import DATA_DIR
from sandbox.scores import cvss_score
from sandbox.state import Advisory, CheckRun, Repo


@cache
def advisory_example() -> dict[str, Any]:
    """The ``repository-advisory`` example of the REST description, the advisory template."""
    document = json.loads((DATA_DIR / "rest-openapi.json").read_text())
    value: dict[str, Any] = document["components"]["examples"]["repository-advisory"]["value"]
    return value


class RepoRenderer(IssueRenderer):
    """The full renderer: accounts, issues, pulls, advisories, check runs, contents, refs."""

    def simple_repo(self, repo: Repo) -> dict[str, Any]:
        """A ``simple-repository`` (only the fields that schema declares)."""
        full = self.repo(repo)
        keep = {
            "id",
            "node_id",
            "name",
            "full_name",
            "owner",
            "private",
            "html_url",
            "description",
            "fork",
            "url",
        }
        return {
            k: v
            for k, v in full.items()
            if k in keep
            or (
                k.endswith("_url")
                and k not in ("git_url", "ssh_url", "clone_url", "svn_url", "mirror_url")
            )
        }

    def advisory(self, repo: Repo, adv: Advisory) -> dict[str, Any]:
        """A repository security advisory, built on the REST description's example."""
        data = copy.deepcopy(advisory_example())
        url = f"{self.urls.api}/repos/{repo.full_name}/security-advisories/{adv.ghsa_id}"
        identifiers = [{"type": "GHSA", "value": adv.ghsa_id}]
        if adv.cve_id:
            identifiers.append({"type": "CVE", "value": adv.cve_id})
        fork = self.world.repos.get(adv.private_fork.lower()) if adv.private_fork else None
        data.update(
            {
                "ghsa_id": adv.ghsa_id,
                "cve_id": adv.cve_id,
                "url": url,
                "html_url": f"{self.urls.web}/{repo.full_name}/security/advisories/{adv.ghsa_id}",
                "summary": adv.summary,
                "description": adv.description,
                "severity": adv.severity,
                "author": self.account(adv.author),
                "publisher": None,
                "identifiers": identifiers,
                "state": adv.state,
                "created_at": iso(adv.created_at),
                "updated_at": iso(adv.updated_at),
                "published_at": iso(adv.published_at),
                "closed_at": iso(adv.closed_at),
                "withdrawn_at": None,
                "submission": {"accepted": adv.state != "triage"},
                "cvss": _cvss(adv.cvss_vector_string, "CVSS:3"),
                "cvss_severities": {
                    "cvss_v3": _cvss(adv.cvss_vector_string, "CVSS:3"),
                    "cvss_v4": _cvss(adv.cvss_vector_string, "CVSS:4"),
                },
                "cwes": [{"cwe_id": c, "name": c} for c in adv.cwe_ids],
                "cwe_ids": list(adv.cwe_ids),
                "vulnerabilities": list(adv.vulnerabilities),
                "credits": [{"login": login, "type": kind} for login, kind in adv.credits],
                "credits_detailed": [
                    {"user": self.account(login), "type": kind, "state": "pending"}
                    for login, kind in adv.credits
                ],
                "collaborating_users": [self.account(u) for u in adv.collaborating_users],
                "collaborating_teams": [
                    self.team(self.world.team(repo.owner, t)) for t in adv.collaborating_teams
                ],
                "private_fork": self.simple_repo(fork) if fork else None,
            }
        )
        if adv.state == "published":
            data["publisher"] = data["author"]
        return data

    def check_run(self, repo: Repo, run: CheckRun, app: dict[str, Any]) -> dict[str, Any]:
        """A check run."""
        url = f"{self.urls.api}/repos/{repo.full_name}/check-runs/{run.id}"
        output = {
            "title": None,
            "summary": None,
            "text": None,
            **run.output,
            "annotations_count": 0,
            "annotations_url": f"{url}/annotations",
        }
        return {
            "id": run.id,
            "node_id": f"CR_{run.id}",
            "head_sha": run.head_sha,
            "name": run.name,
            "url": url,
            "html_url": f"{self.urls.web}/{repo.full_name}/runs/{run.id}",
            "details_url": None,
            "status": run.status,
            "conclusion": run.conclusion,
            "started_at": iso(run.started_at),
            "completed_at": iso(run.completed_at),
            "external_id": None,
            "check_suite": {"id": run.id},
            "output": output,
            "app": app,
            "pull_requests": [],
        }

    def content(self, repo: Repo, path: str, text: str, ref: str) -> dict[str, Any]:
        """A file's ``content-file`` answer (base64, as GitHub wraps it)."""
        sha = blob_sha(text)
        url = f"{self.urls.api}/repos/{repo.full_name}/contents/{path}?ref={ref}"
        html = f"{self.urls.web}/{repo.full_name}/blob/{ref}/{path}"
        git = f"{self.urls.api}/repos/{repo.full_name}/git/blobs/{sha}"
        encoded = base64.encodebytes(text.encode()).decode()
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(text.encode()),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": encoded,
            "sha": sha,
            "url": url,
            "git_url": git,
            "html_url": html,
            "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{path}",
            "_links": {"self": url, "git": git, "html": html},
        }

    def ref(self, repo: Repo, branch: str) -> dict[str, Any]:
        """A git ref of a branch."""
        sha = repo.branches[branch]
        return {
            "ref": f"refs/heads/{branch}",
            "node_id": f"REF_{repo.id}_{branch}",
            "url": f"{self.urls.api}/repos/{repo.full_name}/git/refs/heads/{branch}",
            "object": {
                "type": "commit",
                "sha": sha,
                "url": f"{self.urls.api}/repos/{repo.full_name}/git/commits/{sha}",
            },
        }

    def commit(self, repo: Repo, sha: str) -> dict[str, Any]:
        """The ``commit`` part of a contents write answer."""
        commit = repo.commits[sha]
        person = {
            "name": commit.author,
            "email": f"{commit.author}@users.noreply.github.com",
            "date": iso(commit.timestamp),
        }
        url = f"{self.urls.api}/repos/{repo.full_name}/git/commits/{sha}"
        parents = (
            [{"sha": commit.parent, "url": url.replace(sha, commit.parent), "html_url": ""}]
            if commit.parent
            else []
        )
        return {
            "sha": sha,
            "node_id": f"C_{sha[:12]}",
            "url": url,
            "html_url": f"{self.urls.web}/{repo.full_name}/commit/{sha}",
            "author": person,
            "committer": person,
            "message": commit.message,
            "parents": parents,
            "tree": {"sha": sha, "url": url.replace("/commits/", "/trees/")},
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }


def _cvss(vector: str | None, version: str) -> dict[str, Any] | None:
    """``{vector_string, score}`` when the advisory's vector is of ``version``."""
    if vector is None or not vector.startswith(version):
        return None
    return {"vector_string": vector, "score": cvss_score(vector)}
