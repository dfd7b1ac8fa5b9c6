"""JSON views of issues, comments, labels, reactions and pull requests."""

from __future__ import annotations

from typing import Any

from sandbox.render import Renderer, iso, node_id
from sandbox.state import Comment, Issue, Label, PullRequest, Reaction, Repo, Review

REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket")


class IssueRenderer(Renderer):
    """Adds issue-tracker and pull request objects to the account/repo views."""

    def association(self, repo: Repo, login: str) -> str:
        """``author_association`` of ``login`` in ``repo``."""
        if login.lower() == repo.owner.lower():
            return "OWNER"
        org = self.world.orgs.get(repo.owner.lower())
        return "MEMBER" if org and login.lower() in org.members else "NONE"

    def label(self, repo: Repo, label: Label) -> dict[str, Any]:
        """A label."""
        return {
            "id": label.id,
            "node_id": node_id("L", label.id),
            "url": f"{self.urls.api}/repos/{repo.full_name}/labels/{label.name}",
            "name": label.name,
            "color": label.color,
            "description": label.description,
            "default": False,
        }

    def reaction(self, reaction: Reaction) -> dict[str, Any]:
        """A reaction."""
        return {
            "id": reaction.id,
            "node_id": node_id("RE", reaction.id),
            "user": self.account(reaction.user),
            "content": reaction.content,
            "created_at": iso(reaction.created_at),
        }

    def rollup(self, url: str, reactions: list[Reaction]) -> dict[str, Any]:
        """The ``reactions`` summary embedded in issues and comments."""
        counts: dict[str, Any] = {c: sum(r.content == c for r in reactions) for c in REACTIONS}
        return {"url": f"{url}/reactions", "total_count": len(reactions), **counts}

    def issue(self, repo: Repo, issue: Issue) -> dict[str, Any]:
        """An issue (with ``pull_request`` links when it is a pull request)."""
        url = f"{self.urls.api}/repos/{repo.full_name}/issues/{issue.number}"
        kind = "pull" if issue.is_pull else "issues"
        data: dict[str, Any] = {
            "id": issue.id,
            "node_id": node_id("I", issue.id),
            "url": url,
            "repository_url": f"{self.urls.api}/repos/{repo.full_name}",
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "timeline_url": f"{url}/timeline",
            "html_url": f"{self.urls.web}/{repo.full_name}/{kind}/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": self.account(issue.user),
            "labels": [self.label(repo, repo.labels[n.lower()]) for n in issue.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "comments": len(issue.comments),
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at),
            "author_association": self.association(repo, issue.user),
            "performed_via_github_app": None,
            "reactions": self.rollup(url, issue.reactions),
        }
        if issue.is_pull:
            pulls = f"{self.urls.api}/repos/{repo.full_name}/pulls/{issue.number}"
            data["pull_request"] = {
                "url": pulls,
                "html_url": data["html_url"],
                "diff_url": f"{data['html_url']}.diff",
                "patch_url": f"{data['html_url']}.patch",
                "merged_at": None,
            }
        return data

    def comment(self, repo: Repo, comment: Comment) -> dict[str, Any]:
        """An issue comment."""
        url = f"{self.urls.api}/repos/{repo.full_name}/issues/comments/{comment.id}"
        issue_url = f"{self.urls.api}/repos/{repo.full_name}/issues/{comment.issue_number}"
        return {
            "id": comment.id,
            "node_id": node_id("IC", comment.id),
            "url": url,
            "html_url": f"{self.urls.web}/{repo.full_name}/issues/{comment.issue_number}"
            f"#issuecomment-{comment.id}",
            "issue_url": issue_url,
            "body": comment.body,
            "user": self.account(comment.user),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "author_association": self.association(repo, comment.user),
            "performed_via_github_app": None,
            "reactions": self.rollup(url, comment.reactions),
        }

    def pull(self, repo: Repo, pull: PullRequest) -> dict[str, Any]:
        """A pull request (the ``pull-request`` shape, counts included)."""
        issue = repo.issues[pull.number]
        url = f"{self.urls.api}/repos/{repo.full_name}/pulls/{pull.number}"
        data = self.issue(repo, issue)
        for key in (
            "pull_request",
            "reactions",
            "timeline_url",
            "labels_url",
            "events_url",
            "repository_url",
            "state_reason",
            "performed_via_github_app",
        ):
            data.pop(key, None)
        changed = self.changed_files(repo, pull)
        data.update(
            {
                "url": url,
                "node_id": node_id("PR", pull.id),
                "id": pull.id,
                "diff_url": f"{data['html_url']}.diff",
                "patch_url": f"{data['html_url']}.patch",
                "issue_url": f"{self.urls.api}/repos/{repo.full_name}/issues/{pull.number}",
                "commits_url": f"{url}/commits",
                "review_comments_url": f"{url}/comments",
                "review_comment_url": f"{self.urls.api}/repos/{repo.full_name}/pulls/comments"
                "{/number}",
                "comments_url": f"{data['url']}/comments".replace("/pulls/", "/issues/"),
                "statuses_url": f"{self.urls.api}/repos/{repo.full_name}/statuses/{pull.head_sha}",
                "head": self._branch(repo, pull.head, pull.head_sha),
                "base": self._branch(repo, pull.base, pull.base_sha),
                "_links": {
                    name: {"href": href}
                    for name, href in (
                        ("self", url),
                        ("html", data["html_url"]),
                        ("issue", data["html_url"]),
                        ("comments", f"{url}/comments"),
                        ("review_comments", f"{url}/comments"),
                        ("review_comment", f"{url}/comments{{/number}}"),
                        ("commits", f"{url}/commits"),
                        ("statuses", f"{url}/statuses"),
                    )
                },
                "merged_at": iso(pull.merged_at),
                "merge_commit_sha": pull.merge_commit_sha,
                "draft": False,
                "auto_merge": None,
                "requested_reviewers": [],
                "requested_teams": [],
                "merged": pull.merged_by is not None,
                "mergeable": None if pull.merged_by else True,
                "rebaseable": None if pull.merged_by else True,
                "mergeable_state": "unknown" if pull.merged_by else "clean",
                "merged_by": self.account(pull.merged_by) if pull.merged_by else None,
                "review_comments": 0,
                "maintainer_can_modify": False,
                "commits": self._commit_count(repo, pull),
                "additions": sum(f["additions"] for f in changed),
                "deletions": sum(f["deletions"] for f in changed),
                "changed_files": len(changed),
            }
        )
        return data

    def _branch(self, repo: Repo, branch: str, sha: str) -> dict[str, Any]:
        return {
            "label": f"{repo.owner}:{branch}",
            "ref": branch,
            "sha": sha,
            "user": self.account(repo.owner),
            "repo": self.repo(repo),
        }

    @staticmethod
    def _commit_count(repo: Repo, pull: PullRequest) -> int:
        count, sha = 0, pull.head_sha
        while sha and sha != pull.base_sha and sha in repo.commits:
            count, sha = count + 1, repo.commits[sha].parent or ""
        return count

    def changed_files(self, repo: Repo, pull: PullRequest) -> list[dict[str, Any]]:
        """``GET .../pulls/{n}/files``: files differing between base and head."""
        before, after = repo.commits[pull.base_sha].tree, repo.commits[pull.head_sha].tree
        out = []
        for path in sorted(set(before) | set(after)):
            old, new = before.get(path), after.get(path)
            if old == new:
                continue
            status = "added" if old is None else "removed" if new is None else "modified"
            adds = len((new or "").splitlines())
            dels = len((old or "").splitlines())
            blob = f"{self.urls.web}/{repo.full_name}/blob/{pull.head_sha}/{path}"
            out.append(
                {
                    "sha": pull.head_sha,
                    "filename": path,
                    "status": status,
                    "additions": adds,
                    "deletions": dels,
                    "changes": adds + dels,
                    "blob_url": blob,
                    "raw_url": blob.replace("/blob/", "/raw/"),
                    "contents_url": f"{self.urls.api}/repos/{repo.full_name}/contents/{path}"
                    f"?ref={pull.head_sha}",
                }
            )
        return out

    def review(self, repo: Repo, pull: PullRequest, review: Review) -> dict[str, Any]:
        """A pull request review."""
        html = f"{self.urls.web}/{repo.full_name}/pull/{pull.number}#pullrequestreview-{review.id}"
        pr_url = f"{self.urls.api}/repos/{repo.full_name}/pulls/{pull.number}"
        return {
            "id": review.id,
            "node_id": node_id("PRR", review.id),
            "user": self.account(review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pr_url,
            "commit_id": review.commit_id,
            "submitted_at": iso(review.submitted_at),
            "author_association": self.association(repo, review.user),
            "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
        }
