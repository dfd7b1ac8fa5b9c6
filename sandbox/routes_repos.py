"""REST routes for repositories: contents, git refs, pull requests and check runs."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sandbox import actions_repo as act
from sandbox import routes_advisories  # noqa: F401  (registers its routes)
from sandbox.errors import Conflict, NotFound, Unprocessable
from sandbox.gitdata import add_commit, blob_sha, is_ancestor
from sandbox.routes_app import app_json
from sandbox.routing import Ctx, Reply, route
from sandbox.state import CheckRun, Repo

MAX_PULL_FILES = 3000


@route("GET /repos/{owner}/{repo}")
def get_repo(ctx: Ctx) -> Reply:
    """A repository (``private``, ``default_branch`` ...)."""
    return Reply(200, ctx.core.render.repo(ctx.repo()))


@route("GET /repos/{owner}/{repo}/contents/{path}")
def get_contents(ctx: Ctx) -> Reply:
    """A file (base64) or a directory listing, at ``ref`` (default branch by default)."""
    repo = ctx.repo()
    ref = ctx.query.get("ref") or repo.default_branch
    tree = repo.tree(ref)
    path = ctx.params["path"].strip("/")
    if path in tree:
        return Reply(200, ctx.core.render.content(repo, path, tree[path], ref))
    entries = sorted({p[len(path) + 1 :].split("/")[0] for p in tree if p.startswith(path + "/")})
    if not entries:
        raise NotFound()
    listing = []
    for name in entries:
        full = f"{path}/{name}"
        item = ctx.core.render.content(repo, full, tree.get(full, ""), ref)
        item.pop("content"), item.pop("encoding")
        item["type"] = "file" if full in tree else "dir"
        listing.append(item)
    return Reply(200, listing)


@route("PUT /repos/{owner}/{repo}/contents/{path}")
def put_contents(ctx: Ctx) -> Reply:
    """Create or update a file: ``sha`` is required to update and must be current (409)."""
    repo = ctx.repo(write=True)
    branch = ctx.body.get("branch") or repo.default_branch
    if branch not in repo.branches:
        raise NotFound(f"Branch {branch} not found")
    path = ctx.params["path"].strip("/")
    text = _decode(ctx.body["content"])
    current = repo.tree(branch).get(path)
    sha = ctx.body.get("sha")
    if current is not None and not sha:
        raise Unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.')
    if sha and (current is None or blob_sha(current) != sha):
        raise Conflict(f"{path} does not match {sha}")
    before = repo.branches[branch]
    commit = add_commit(repo, branch, {path: text}, ctx.body["message"], ctx.actor, ctx.core.now())
    act.send_push(ctx.core, repo, branch, before, [commit], ctx.actor)
    content = ctx.core.render.content(repo, path, text, branch)
    content.pop("content"), content.pop("encoding")
    body = {"content": content, "commit": ctx.core.render.commit(repo, commit.sha)}
    return Reply(201 if current is None else 200, body)


def _decode(content: Any) -> str:
    try:
        return base64.b64decode(str(content), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unprocessable("Invalid request.\n\ncontent is not valid Base64") from None


def _branch_of(ref: str) -> str:
    if not ref.startswith("heads/"):
        raise NotFound()
    return ref.removeprefix("heads/")


@route("GET /repos/{owner}/{repo}/git/ref/{ref}")
def get_ref(ctx: Ctx) -> Reply:
    """A branch ref (``heads/{branch}``)."""
    repo = ctx.repo()
    branch = _branch_of(ctx.params["ref"])
    if branch not in repo.branches:
        raise NotFound()
    return Reply(200, ctx.core.render.ref(repo, branch))


@route("POST /repos/{owner}/{repo}/git/refs")
def create_ref(ctx: Ctx) -> Reply:
    """Create a branch at an existing commit (``refs/heads/{branch}``)."""
    repo = ctx.repo(write=True)
    ref, sha = ctx.body["ref"], ctx.body["sha"]
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise Unprocessable("Reference name must start with 'refs/' and have at least two slashes.")
    if not ref.startswith("refs/heads/"):
        raise Unprocessable("The sandbox supports branch refs only.")
    branch = ref.removeprefix("refs/heads/")
    if branch in repo.branches:
        raise Unprocessable("Reference already exists")
    if sha not in repo.commits:
        raise Unprocessable("Object does not exist")
    repo.branches[branch] = sha
    act.send_push(ctx.core, repo, branch, None, [], ctx.actor)
    return Reply(201, ctx.core.render.ref(repo, branch))


@route("PATCH /repos/{owner}/{repo}/git/refs/{ref}")
def update_ref(ctx: Ctx) -> Reply:
    """Move a branch: fast-forward only unless ``force``."""
    repo = ctx.repo(write=True)
    branch = _branch_of(ctx.params["ref"])
    if branch not in repo.branches:
        raise Unprocessable("Reference does not exist")
    sha, before = ctx.body["sha"], repo.branches[branch]
    if sha not in repo.commits:
        raise Unprocessable("Object does not exist")
    if not ctx.body.get("force") and not is_ancestor(repo, before, sha):
        raise Unprocessable("Update is not a fast forward")
    repo.branches[branch] = sha
    if sha != before:
        act.send_push(ctx.core, repo, branch, before, act.new_commits(repo, before, sha), ctx.actor)
    return Reply(200, ctx.core.render.ref(repo, branch))


@route("GET /repos/{owner}/{repo}/pulls")
def list_pulls(ctx: Ctx) -> Reply:
    """Pull requests (``state``, ``head`` as ``owner:branch``, ``base`` filters)."""
    repo = ctx.repo()
    state = ctx.query.get("state", "open")
    head = ctx.query.get("head", "").split(":")[-1]
    base = ctx.query.get("base")
    found = [
        p
        for p in sorted(repo.pulls.values(), key=lambda p: p.number, reverse=True)
        if state in ("all", repo.issues[p.number].state)
        and (not head or p.head == head)
        and base in (None, p.base)
    ]
    return ctx.paginate([ctx.core.render.pull(repo, p) for p in found])


@route("POST /repos/{owner}/{repo}/pulls")
def create_pull(ctx: Ctx) -> Reply:
    """Open a pull request between two branches of the repository."""
    repo = ctx.repo(write=True)
    if "title" not in ctx.body:
        raise Unprocessable(
            "Validation Failed",
            [{"resource": "PullRequest", "field": "title", "code": "missing_field"}],
        )
    pull = act.open_pull(
        ctx.core,
        repo,
        ctx.actor,
        ctx.body["title"],
        ctx.body["head"].split(":")[-1],
        ctx.body["base"],
        ctx.body.get("body"),
    )
    return Reply(201, ctx.core.render.pull(repo, pull))


def _pull(ctx: Ctx) -> tuple[Repo, Any]:
    repo = ctx.repo()
    pull = repo.pulls.get(int(ctx.params["pull_number"]))
    if pull is None:
        raise NotFound()
    return repo, pull


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(ctx: Ctx) -> Reply:
    """One pull request."""
    repo, pull = _pull(ctx)
    return Reply(200, ctx.core.render.pull(repo, pull))


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}/files")
def list_pull_files(ctx: Ctx) -> Reply:
    """The files a pull request changes: GitHub lists at most the first 3000."""
    repo, pull = _pull(ctx)
    return ctx.paginate(ctx.core.render.changed_files(repo, pull)[:MAX_PULL_FILES])


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews")
def list_reviews(ctx: Ctx) -> Reply:
    """Reviews of a pull request, oldest first."""
    repo, pull = _pull(ctx)
    return ctx.paginate([ctx.core.render.review(repo, pull, r) for r in pull.reviews])


@route("POST /repos/{owner}/{repo}/check-runs")
def create_check_run(ctx: Ctx) -> Reply:
    """Create a check run on a commit of the repository."""
    repo = ctx.repo(write=True)
    if ctx.body["head_sha"] not in repo.commits:
        raise Unprocessable(f"No commit found for SHA: {ctx.body['head_sha']}")
    run = CheckRun(
        ctx.core.world.new_id(),
        ctx.body["name"],
        ctx.body["head_sha"],
        ctx.body.get("status", "queued"),
        None,
        ctx.core.now(),
    )
    _apply_check(ctx, run, ctx.body)
    repo.check_runs[run.id] = run
    return Reply(201, ctx.core.render.check_run(repo, run, app_json(ctx)))


@route("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}")
def update_check_run(ctx: Ctx) -> Reply:
    """Update a check run (status, conclusion, output)."""
    repo = ctx.repo(write=True)
    run = repo.check_runs.get(int(ctx.params["check_run_id"]))
    if run is None:
        raise NotFound()
    _apply_check(ctx, run, ctx.body)
    return Reply(200, ctx.core.render.check_run(repo, run, app_json(ctx)))


def _apply_check(ctx: Ctx, run: CheckRun, body: dict[str, Any]) -> None:
    run.name = body.get("name", run.name)
    if "conclusion" in body:
        run.conclusion, run.status = body["conclusion"], "completed"
    run.status = body.get("status", run.status)
    if run.status == "completed":
        run.completed_at = run.completed_at or ctx.core.now()
        if run.conclusion is None:
            raise Unprocessable(
                "Invalid request.\n\nconclusion is required when status is completed."
            )
    if isinstance(body.get("output"), dict):
        run.output = {k: body["output"].get(k) for k in ("title", "summary", "text")}
