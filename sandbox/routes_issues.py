"""REST routes for issues, comments, labels and reactions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import actions_issues as act
from sandbox.errors import NotFound, Unprocessable
from sandbox.routing import Ctx, Reply, route
from sandbox.state import Issue, Reaction, Repo


def _issue(ctx: Ctx, write: bool = False) -> tuple[Repo, Issue]:
    repo = ctx.repo(write=write)
    return repo, ctx.core.world.issue(repo, ctx.params["issue_number"])


@route("GET /repos/{owner}/{repo}/issues")
def list_issues(ctx: Ctx) -> Reply:
    """Issues (and pull requests) of a repo, newest first, filtered by state and labels."""
    repo = ctx.repo()
    state = ctx.query.get("state", "open")
    labels = {n.strip().lower() for n in ctx.query.get("labels", "").split(",") if n.strip()}
    creator = ctx.query.get("creator", "").lower()
    found = [
        i
        for i in sorted(repo.issues.values(), key=lambda i: i.number, reverse=True)
        if (state == "all" or i.state == state)
        and labels <= {n.lower() for n in i.labels}
        and (not creator or i.user.lower() == creator)
    ]
    if ctx.query.get("direction") == "asc":
        found.reverse()
    return ctx.paginate([ctx.core.render.issue(repo, i) for i in found])


@route("POST /repos/{owner}/{repo}/issues")
def create_issue(ctx: Ctx) -> Reply:
    """Open an issue as the app's bot."""
    repo = ctx.repo(write=True)
    labels = [_label_name(v) for v in ctx.body.get("labels") or []]
    issue = act.open_issue(
        ctx.core,
        repo,
        ctx.actor,
        ctx.body["title"] if isinstance(ctx.body["title"], str) else str(ctx.body["title"]),
        ctx.body.get("body"),
        labels,
    )
    return Reply(201, ctx.core.render.issue(repo, issue))


def _label_name(value: Any) -> str:
    return value if isinstance(value, str) else str(value.get("name", ""))


@route("GET /repos/{owner}/{repo}/issues/{issue_number}")
def get_issue(ctx: Ctx) -> Reply:
    """One issue."""
    repo, issue = _issue(ctx)
    return Reply(200, ctx.core.render.issue(repo, issue))


@route("PATCH /repos/{owner}/{repo}/issues/{issue_number}")
def update_issue(ctx: Ctx) -> Reply:
    """Edit title, body, state or labels."""
    repo, issue = _issue(ctx, write=True)
    changes = dict(ctx.body)
    if "labels" in changes:
        changes["labels"] = [_label_name(v) for v in changes["labels"] or []]
    act.edit_issue(ctx.core, repo, issue, ctx.actor, changes)
    return Reply(200, ctx.core.render.issue(repo, issue))


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Unprocessable(f"since: {text!r} is not an ISO 8601 time") from exc


@route("GET /repos/{owner}/{repo}/issues/comments")
def list_repo_comments(ctx: Ctx) -> Reply:
    """Comments on every issue of a repo, oldest first; ``since`` keeps those updated at or
    after a time (ISO 8601), as GitHub does."""
    repo = ctx.repo()
    since = ctx.query.get("since")
    found = [
        c
        for c in sorted(ctx.core.world.comments.values(), key=lambda c: c.id)
        if c.repo.lower() == repo.full_name.lower()
        and (since is None or c.updated_at >= _parse_time(since))
    ]
    if ctx.query.get("direction") == "desc":
        found.reverse()
    return ctx.paginate([ctx.core.render.comment(repo, c) for c in found])


@route("GET /repos/{owner}/{repo}/issues/{issue_number}/comments")
def list_comments(ctx: Ctx) -> Reply:
    """Comments of an issue, oldest first."""
    repo, issue = _issue(ctx)
    comments = [ctx.core.world.comments[c] for c in issue.comments]
    return ctx.paginate([ctx.core.render.comment(repo, c) for c in comments])


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/comments")
def create_comment(ctx: Ctx) -> Reply:
    """Comment as the app's bot."""
    repo, issue = _issue(ctx, write=True)
    comment = act.add_comment(ctx.core, repo, issue, ctx.actor, ctx.body["body"])
    return Reply(201, ctx.core.render.comment(repo, comment))


@route("GET /repos/{owner}/{repo}/issues/comments/{comment_id}")
def get_comment(ctx: Ctx) -> Reply:
    """One comment."""
    repo = ctx.repo()
    return Reply(
        200, ctx.core.render.comment(repo, ctx.core.world.comment(repo, ctx.params["comment_id"]))
    )


@route("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")
def update_comment(ctx: Ctx) -> Reply:
    """Edit a comment (the bot may edit anyone's, as an app with issues: write can)."""
    repo = ctx.repo(write=True)
    comment = ctx.core.world.comment(repo, ctx.params["comment_id"])
    act.edit_comment(ctx.core, repo, comment, ctx.body["body"], ctx.actor)
    return Reply(200, ctx.core.render.comment(repo, comment))


@route("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}")
def delete_comment(ctx: Ctx) -> Reply:
    """Delete a comment."""
    repo = ctx.repo(write=True)
    act.delete_comment(
        ctx.core, repo, ctx.core.world.comment(repo, ctx.params["comment_id"]), ctx.actor
    )
    return Reply(204)


@route("GET /repos/{owner}/{repo}/labels")
def list_labels(ctx: Ctx) -> Reply:
    """The repository's labels."""
    repo = ctx.repo()
    return ctx.paginate([ctx.core.render.label(repo, label) for label in repo.labels.values()])


@route("POST /repos/{owner}/{repo}/labels")
def create_label(ctx: Ctx) -> Reply:
    """Create a label."""
    repo = ctx.repo(write=True)
    label = act.create_label(
        ctx.core,
        repo,
        ctx.body["name"],
        ctx.body.get("color", "ededed"),
        ctx.body.get("description"),
    )
    return Reply(201, ctx.core.render.label(repo, label))


@route("GET /repos/{owner}/{repo}/labels/{name}")
def get_label(ctx: Ctx) -> Reply:
    """One label by name."""
    repo = ctx.repo()
    label = repo.labels.get(ctx.params["name"].lower())
    if label is None:
        raise NotFound()
    return Reply(200, ctx.core.render.label(repo, label))


def _issue_labels(ctx: Ctx, repo: Repo, issue: Issue) -> Reply:
    return Reply(200, [ctx.core.render.label(repo, repo.labels[n.lower()]) for n in issue.labels])


def _body_labels(body: Any) -> list[str]:
    """Label names from any of the body shapes GitHub accepts."""
    values = body.get("labels", []) if isinstance(body, dict) else body
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise Unprocessable("Invalid request.\n\nNo labels given.")
    return [_label_name(v) for v in values]


@route("GET /repos/{owner}/{repo}/issues/{issue_number}/labels")
def list_issue_labels(ctx: Ctx) -> Reply:
    """The labels on an issue."""
    repo, issue = _issue(ctx)
    return _issue_labels(ctx, repo, issue)


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/labels")
def add_labels(ctx: Ctx) -> Reply:
    """Add labels to an issue."""
    repo, issue = _issue(ctx, write=True)
    act.add_labels(ctx.core, repo, issue, _body_labels(ctx.body), ctx.actor)
    return _issue_labels(ctx, repo, issue)


@route("PUT /repos/{owner}/{repo}/issues/{issue_number}/labels")
def set_labels(ctx: Ctx) -> Reply:
    """Replace the labels of an issue."""
    repo, issue = _issue(ctx, write=True)
    act.set_labels(ctx.core, repo, issue, _body_labels(ctx.body), ctx.actor)
    return _issue_labels(ctx, repo, issue)


@route("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
def remove_label(ctx: Ctx) -> Reply:
    """Remove one label from an issue."""
    repo, issue = _issue(ctx, write=True)
    act.remove_label(ctx.core, repo, issue, ctx.params["name"], ctx.actor)
    return _issue_labels(ctx, repo, issue)


def _reactions(ctx: Ctx, reactions: list[Reaction]) -> Reply:
    content = ctx.query.get("content")
    chosen = [r for r in reactions if content is None or r.content == content]
    return ctx.paginate([ctx.core.render.reaction(r) for r in chosen])


def _react(ctx: Ctx, reactions: list[Reaction]) -> Reply:
    reaction, new = act.react(ctx.core, reactions, ctx.actor, ctx.body["content"])
    return Reply(201 if new else 200, ctx.core.render.reaction(reaction))


@route("GET /repos/{owner}/{repo}/issues/{issue_number}/reactions")
def list_issue_reactions(ctx: Ctx) -> Reply:
    """Reactions on an issue (``content`` filter, paginated)."""
    return _reactions(ctx, _issue(ctx)[1].reactions)


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions")
def create_issue_reaction(ctx: Ctx) -> Reply:
    """React to an issue as the bot (200 when that reaction already exists)."""
    return _react(ctx, _issue(ctx, write=True)[1].reactions)


@route("GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
def list_comment_reactions(ctx: Ctx) -> Reply:
    """Reactions on a comment (``content`` filter, paginated)."""
    repo = ctx.repo()
    return _reactions(ctx, ctx.core.world.comment(repo, ctx.params["comment_id"]).reactions)


@route("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
def create_comment_reaction(ctx: Ctx) -> Reply:
    """React to a comment as the bot."""
    repo = ctx.repo(write=True)
    return _react(ctx, ctx.core.world.comment(repo, ctx.params["comment_id"]).reactions)
