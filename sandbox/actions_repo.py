"""Changes to repositories, branches and pull requests, with the webhooks GitHub sends."""

from __future__ import annotations

from typing import Any

from sandbox.core import Core
from sandbox.errors import NotFound, Unprocessable
from sandbox.gitdata import add_commit, diff
from sandbox.render import iso
from sandbox.state import Commit, PullRequest, Repo, Review

ZERO_SHA = "0" * 40


def add_repo(
    core: Core,
    owner: str,
    name: str,
    private: bool = False,
    default_branch: str = "main",
    files: dict[str, str] | None = None,
) -> Repo:
    """Create a repository with one initial commit holding ``files``."""
    account = core.world.orgs.get(owner.lower()) or core.world.user(owner)
    repo = Repo(core.world.new_id(), account.login, name, private, default_branch, core.now())
    core.world.repos[repo.full_name.lower()] = repo
    add_commit(repo, default_branch, dict(files or {}), "Initial commit", account.login, core.now())
    return repo


def push(
    core: Core,
    repo: Repo,
    branch: str,
    files: dict[str, str | None],
    sender: str,
    message: str = "Update files",
) -> Commit:
    """Commit ``files`` on ``branch`` (created from the default branch if new) and send
    ``push`` (and ``pull_request.synchronize`` for open pull requests from that branch)."""
    before = repo.branches.get(branch)
    if before is None:
        repo.branches[branch] = repo.branches[repo.default_branch]
    author = core.world.user(sender).login
    commit = add_commit(repo, branch, files, message, author, core.now())
    send_push(core, repo, branch, before, [commit], sender)
    return commit


def send_push(
    core: Core, repo: Repo, branch: str, before: str | None, commits: list[Commit], sender: str
) -> None:
    """The ``push`` webhook for ``commits`` now on ``branch`` (``before`` None: new branch)."""
    after = repo.branches[branch]
    listed = [_commit_json(core, repo, c) for c in commits]
    url = f"{core.render.urls.web}/{repo.full_name}"
    pusher = core.world.user(sender).login
    core.emit(
        "push",
        None,
        sender=sender,
        repo=repo,
        ref=f"refs/heads/{branch}",
        before=before or ZERO_SHA,
        after=after,
        created=before is None,
        deleted=False,
        forced=False,
        base_ref=None,
        compare=f"{url}/compare/{(before or ZERO_SHA)[:12]}...{after[:12]}",
        commits=listed,
        head_commit=listed[-1] if listed else None,
        pusher={"name": pusher, "email": f"{pusher}@users.noreply.github.com"},
    )
    for pull in repo.pulls.values():
        if pull.head == branch and repo.issues[pull.number].state == "open":
            pull.head_sha = after
            core.emit(
                "pull_request",
                "synchronize",
                sender=sender,
                repo=repo,
                number=pull.number,
                pull_request=core.render.pull(repo, pull),
                before=before or ZERO_SHA,
                after=after,
            )


def _commit_json(core: Core, repo: Repo, commit: Commit) -> dict[str, Any]:
    parent_tree = repo.commits[commit.parent].tree if commit.parent else {}
    added, removed, modified = diff(parent_tree, commit.tree)
    person = {
        "name": commit.author,
        "email": f"{commit.author}@users.noreply.github.com",
        "username": commit.author,
    }
    return {
        "id": commit.sha,
        "tree_id": commit.sha,
        "distinct": True,
        "message": commit.message,
        "timestamp": iso(commit.timestamp),
        "author": person,
        "committer": person,
        "url": f"{core.render.urls.web}/{repo.full_name}/commit/{commit.sha}",
        "added": added,
        "removed": removed,
        "modified": modified,
    }


def new_commits(repo: Repo, old: str | None, new: str) -> list[Commit]:
    """The commits reachable from ``new`` back to (excluding) ``old``, oldest first."""
    found: list[Commit] = []
    current: str | None = new
    while current and current != old and current in repo.commits:
        found.append(repo.commits[current])
        current = repo.commits[current].parent
    return found[::-1]


def open_pull(
    core: Core, repo: Repo, user: str, title: str, head: str, base: str, body: str | None = None
) -> PullRequest:
    """Open a pull request from branch ``head`` into ``base`` (``pull_request.opened``)."""
    if head not in repo.branches or base not in repo.branches:
        raise Unprocessable(
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "invalid",
                    "field": "head" if head not in repo.branches else "base",
                }
            ],
        )
    if repo.branches[head] == repo.branches[base]:
        raise Unprocessable(
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"No commits between {base} and {head}",
                }
            ],
        )
    from sandbox.actions_issues import open_issue

    issue = open_issue(core, repo, user, title, body, is_pull=True)
    pull = PullRequest(
        issue.number, core.world.new_id(), head, base, repo.branches[head], repo.branches[base]
    )
    repo.pulls[pull.number] = pull
    core.emit(
        "pull_request",
        "opened",
        sender=issue.user,
        repo=repo,
        number=pull.number,
        pull_request=core.render.pull(repo, pull),
    )
    return pull


def merge_pull(core: Core, repo: Repo, number: int, sender: str) -> Commit:
    """Squash-merge an open pull request: its changes land on the base branch (``push``),
    then it is closed as merged (``pull_request.closed`` with ``merged: true``)."""
    pull = repo.pulls.get(number)
    if pull is None:
        raise NotFound()
    issue = repo.issues[number]
    if issue.state != "open":
        raise Unprocessable("Pull Request is not mergeable")
    before, after = repo.commits[pull.base_sha].tree, repo.commits[pull.head_sha].tree
    changes = {
        p: after.get(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p)
    }
    commit = push(core, repo, pull.base, changes, sender, f"{issue.title} (#{number})")
    pull.merged_by, pull.merged_at = core.world.user(sender).login, core.now()
    pull.merge_commit_sha = commit.sha
    issue.state, issue.state_reason, issue.closed_at = "closed", None, core.now()
    core.emit(
        "pull_request",
        "closed",
        sender=sender,
        repo=repo,
        number=number,
        pull_request=core.render.pull(repo, pull),
    )
    return commit


def review_pull(
    core: Core, repo: Repo, number: int, user: str, state: str = "APPROVED", body: str = ""
) -> Review:
    """A review on a pull request (the sandbox sends no ``pull_request_review`` webhook)."""
    pull = repo.pulls.get(number)
    if pull is None:
        raise NotFound()
    review = Review(
        core.world.new_id(), core.world.user(user).login, state, body, pull.head_sha, core.now()
    )
    pull.reviews.append(review)
    return review
