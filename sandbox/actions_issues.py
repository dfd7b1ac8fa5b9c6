"""Changes to issues, labels, comments and reactions, with the webhooks GitHub sends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.core import Core
from sandbox.errors import NotFound, Unprocessable
from sandbox.state import Comment, Issue, Label, Reaction, Repo

REACTION_CONTENTS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


def create_label(
    core: Core, repo: Repo, name: str, color: str = "ededed", description: str | None = None
) -> Label:
    """Create a repository label (422 ``already_exists`` on a duplicate, as GitHub)."""
    if name.lower() in repo.labels:
        raise Unprocessable(
            "Validation Failed", [{"resource": "Label", "code": "already_exists", "field": "name"}]
        )
    label = Label(core.world.new_id(), name, color.lstrip("#"), description)
    repo.labels[name.lower()] = label
    return label


def _ensure_label(core: Core, repo: Repo, name: str) -> str:
    """Adding an unknown label to an issue creates it, as GitHub does."""
    found = repo.labels.get(name.lower())
    return found.name if found else create_label(core, repo, name).name


def open_issue(
    core: Core,
    repo: Repo,
    user: str,
    title: str,
    body: str | None,
    labels: Iterable[str] = (),
    is_pull: bool = False,
) -> Issue:
    """Open an issue: ``issues.opened`` then one ``issues.labeled`` per label."""
    now = core.now()
    issue = Issue(
        core.world.new_id(),
        repo.next_number(),
        title,
        body,
        core.world.user(user).login,
        now,
        now,
        is_pull=is_pull,
    )
    repo.issues[issue.number] = issue
    names = [_ensure_label(core, repo, n) for n in labels]
    if not is_pull:
        core.emit(
            "issues", "opened", sender=issue.user, repo=repo, issue=core.render.issue(repo, issue)
        )
    add_labels(core, repo, issue, names, issue.user)
    return issue


def edit_issue(core: Core, repo: Repo, issue: Issue, sender: str, changes: dict[str, Any]) -> None:
    """``PATCH`` an issue: title/body (``edited``), state (``closed``/``reopened``), labels."""
    edited: dict[str, Any] = {}
    for key in ("title", "body"):
        if key in changes and changes[key] != getattr(issue, key):
            edited[key] = {"from": getattr(issue, key) or ""}
            setattr(issue, key, changes[key])
    issue.updated_at = core.now()
    if edited and not issue.is_pull:
        core.emit(
            "issues",
            "edited",
            sender=sender,
            repo=repo,
            changes=edited,
            issue=core.render.issue(repo, issue),
        )
    if "labels" in changes:
        set_labels(core, repo, issue, changes["labels"], sender)
    if changes.get("state") in ("open", "closed") and changes["state"] != issue.state:
        _set_state(core, repo, issue, changes["state"], changes.get("state_reason"), sender)


def _set_state(
    core: Core, repo: Repo, issue: Issue, state: str, reason: str | None, sender: str
) -> None:
    closing = state == "closed"
    issue.state = "closed" if closing else "open"
    issue.closed_at = core.now() if closing else None
    issue.state_reason = (reason or "completed") if closing else "reopened"
    action = "closed" if closing else "reopened"
    if issue.is_pull:  # closed through the issues API: GitHub sends the pull_request event
        pull = core.render.pull(repo, repo.pulls[issue.number])
        core.emit("pull_request", action, sender=sender, repo=repo, number=issue.number,
                  pull_request=pull)  # fmt: skip
        return
    core.emit("issues", action, sender=sender, repo=repo, issue=core.render.issue(repo, issue))


def add_labels(core: Core, repo: Repo, issue: Issue, names: Iterable[str], sender: str) -> None:
    """Add labels (creating unknown ones); ``issues.labeled`` for each one new on the issue."""
    for name in names:
        name = _ensure_label(core, repo, name)
        if name.lower() in (n.lower() for n in issue.labels):
            continue
        issue.labels.append(name)
        issue.updated_at = core.now()
        if not issue.is_pull:
            core.emit(
                "issues",
                "labeled",
                sender=sender,
                repo=repo,
                issue=core.render.issue(repo, issue),
                label=core.render.label(repo, repo.labels[name.lower()]),
            )


def remove_label(core: Core, repo: Repo, issue: Issue, name: str, sender: str) -> None:
    """Remove one label (404 ``Label does not exist`` when the issue lacks it)."""
    present = next((n for n in issue.labels if n.lower() == name.lower()), None)
    if present is None:
        raise NotFound("Label does not exist")
    issue.labels.remove(present)
    issue.updated_at = core.now()
    if not issue.is_pull:
        core.emit(
            "issues",
            "unlabeled",
            sender=sender,
            repo=repo,
            issue=core.render.issue(repo, issue),
            label=core.render.label(repo, repo.labels[present.lower()]),
        )


def set_labels(core: Core, repo: Repo, issue: Issue, names: Iterable[str], sender: str) -> None:
    """Replace the issue's labels: unlabeled/labeled events for the difference."""
    wanted = [_ensure_label(core, repo, n) for n in names]
    lowered = {n.lower() for n in wanted}
    for name in [n for n in issue.labels if n.lower() not in lowered]:
        remove_label(core, repo, issue, name, sender)
    add_labels(core, repo, issue, wanted, sender)


def add_comment(core: Core, repo: Repo, issue: Issue, user: str, body: str) -> Comment:
    """Comment on an issue (``issue_comment.created``)."""
    now = core.now()
    comment = Comment(
        core.world.new_id(),
        repo.full_name.lower(),
        issue.number,
        core.world.user(user).login,
        body,
        now,
        now,
    )
    core.world.comments[comment.id] = comment
    issue.comments.append(comment.id)
    _comment_event(core, repo, issue, comment, "created", comment.user)
    return comment


def edit_comment(core: Core, repo: Repo, comment: Comment, body: str, sender: str) -> None:
    """Edit a comment (``issue_comment.edited`` with ``changes.body.from``)."""
    before = comment.body
    comment.body = body
    comment.updated_at = core.now()
    issue = repo.issues[comment.issue_number]
    _comment_event(core, repo, issue, comment, "edited", sender, changes={"body": {"from": before}})


def delete_comment(core: Core, repo: Repo, comment: Comment, sender: str) -> None:
    """Delete a comment (``issue_comment.deleted``)."""
    issue = repo.issues[comment.issue_number]
    issue.comments.remove(comment.id)
    del core.world.comments[comment.id]
    _comment_event(core, repo, issue, comment, "deleted", sender)


def _comment_event(
    core: Core, repo: Repo, issue: Issue, comment: Comment, action: str, sender: str, **extra: Any
) -> None:
    core.emit(
        "issue_comment",
        action,
        sender=sender,
        repo=repo,
        issue=core.render.issue(repo, issue),
        comment=core.render.comment(repo, comment),
        **extra,
    )


def react(core: Core, reactions: list[Reaction], user: str, content: str) -> tuple[Reaction, bool]:
    """Add a reaction (no webhook: GitHub sends none). Returns it and whether it is new."""
    if content not in REACTION_CONTENTS:
        raise Unprocessable("Validation Failed", [{"code": "invalid", "field": "content"}])
    login = core.world.user(user).login
    for existing in reactions:
        if existing.user.lower() == login.lower() and existing.content == content:
            return existing, False
    reaction = Reaction(core.world.new_id(), login, content, core.now())
    reactions.append(reaction)
    return reaction, True
