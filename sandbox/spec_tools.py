"""Regenerate the trimmed GitHub descriptions in ``sandbox/data`` from the pinned npm packages."""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
PACKAGES = {
    "openapi": "@octokit/openapi@23.0.2",
    "openapi-webhooks": "@octokit/openapi-webhooks@12.1.0",
    "webhooks-examples": "@octokit/webhooks-examples@7.6.1",
}
REST_FILE = "generated/api.github.com.json"
WEBHOOKS_FILE = "generated/api.github.com.json"
EXAMPLES_FILE = "api.github.com/index.json"

# Every REST operation the sandbox implements: "METHOD path template".
OPERATIONS = (
    "GET /app",
    "GET /app/installations",
    "GET /app/installations/{installation_id}",
    "POST /app/installations/{installation_id}/access_tokens",
    "POST /app-manifests/{code}/conversions",
    "GET /app/hook/deliveries",
    "GET /app/hook/deliveries/{delivery_id}",
    "POST /app/hook/deliveries/{delivery_id}/attempts",
    "GET /installation/repositories",
    "GET /orgs/{org}/installation",
    "GET /repos/{owner}/{repo}/installation",
    "GET /users/{username}",
    "GET /orgs/{org}",
    "GET /orgs/{org}/members",
    "GET /orgs/{org}/members/{username}",
    "GET /orgs/{org}/repos",
    "GET /orgs/{org}/teams",
    "GET /orgs/{org}/teams/{team_slug}",
    "GET /orgs/{org}/teams/{team_slug}/members",
    "GET /orgs/{org}/teams/{team_slug}/invitations",
    "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
    "PUT /orgs/{org}/teams/{team_slug}/memberships/{username}",
    "DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}",
    "GET /orgs/{org}/security-advisories",
    "GET /repos/{owner}/{repo}",
    "GET /repos/{owner}/{repo}/contents/{path}",
    "PUT /repos/{owner}/{repo}/contents/{path}",
    "GET /repos/{owner}/{repo}/git/ref/{ref}",
    "POST /repos/{owner}/{repo}/git/refs",
    "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
    "GET /repos/{owner}/{repo}/issues",
    "POST /repos/{owner}/{repo}/issues",
    "GET /repos/{owner}/{repo}/issues/{issue_number}",
    "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    "GET /repos/{owner}/{repo}/issues/comments",
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
    "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
    "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
    "GET /repos/{owner}/{repo}/labels",
    "POST /repos/{owner}/{repo}/labels",
    "GET /repos/{owner}/{repo}/labels/{name}",
    "GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
    "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
    "PUT /repos/{owner}/{repo}/issues/{issue_number}/labels",
    "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    "GET /repos/{owner}/{repo}/issues/{issue_number}/reactions",
    "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions",
    "GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    "GET /repos/{owner}/{repo}/pulls",
    "POST /repos/{owner}/{repo}/pulls",
    "GET /repos/{owner}/{repo}/pulls/{pull_number}",
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    "POST /repos/{owner}/{repo}/check-runs",
    "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
    "GET /repos/{owner}/{repo}/security-advisories",
    "GET /repos/{owner}/{repo}/security-advisories/{ghsa_id}",
    "PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}",
    "POST /repos/{owner}/{repo}/security-advisories/{ghsa_id}/forks",
    "POST /repos/{owner}/{repo}/security-advisories/{ghsa_id}/cve",
)

# Webhook (event, action) -> the example to build on: (event, action, index among matches).
# Where the examples package has none for an action, the nearest sibling is used.
WEBHOOKS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("issues", "opened"): ("issues", "opened"),
    ("issues", "edited"): ("issues", "edited"),
    ("issues", "closed"): ("issues", "opened"),
    ("issues", "reopened"): ("issues", "opened"),
    ("issues", "labeled"): ("issues", "labeled"),
    ("issues", "unlabeled"): ("issues", "labeled"),
    ("issue_comment", "created"): ("issue_comment", "created"),
    ("issue_comment", "edited"): ("issue_comment", "edited"),
    ("issue_comment", "deleted"): ("issue_comment", "deleted"),
    ("membership", "added"): ("membership", "added"),
    ("membership", "removed"): ("membership", "removed"),
    ("organization", "member_added"): ("organization", "member_added"),
    ("organization", "member_removed"): ("organization", "member_added"),
    ("organization", "member_invited"): ("organization", "member_invited"),
    ("team", "edited"): ("team", "edited"),
    ("team", "deleted"): ("team", "edited"),
    ("push", ""): ("push", None),
    ("pull_request", "opened"): ("pull_request", "opened"),
    ("pull_request", "synchronize"): ("pull_request", "opened"),
    ("pull_request", "closed"): ("pull_request", "closed"),
    ("pull_request", "reopened"): ("pull_request", "reopened"),
    ("installation", "created"): ("installation", "created"),
    ("installation_repositories", "added"): ("installation_repositories", "added"),
}
ADVISORY_ACTIONS = ("reported", "published")
# Always kept although no operation references it: repository_advisory payloads use it.
EXTRA_REST_REFS = ("#/components/examples/repository-advisory",)


def refs_in(node: Any) -> Iterator[str]:
    """Every ``$ref`` string inside a JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


def resolve_pointer(document: dict[str, Any], ref: str) -> Any:
    """The value a local JSON pointer (``#/a/b``) names."""
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def copy_components(source: dict[str, Any], roots: Iterable[str]) -> dict[str, Any]:
    """The components the given refs reach, transitively, as a ``components`` mapping."""
    components: dict[str, dict[str, Any]] = {}
    pending = list(roots)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        value = resolve_pointer(source, ref)
        components.setdefault(kind, {})[name] = value
        pending.extend(refs_in(value))
    return {kind: dict(sorted(items.items())) for kind, items in sorted(components.items())}


def strip_prose(node: Any) -> Any:
    """Drop long prose (string ``description`` keys) from schemas; keeps property names."""
    if isinstance(node, dict):
        return {
            key: strip_prose(value)
            for key, value in node.items()
            if not (key in ("description", "summary") and isinstance(value, str))
            and key not in ("examples", "x-github")
        }
    if isinstance(node, list):
        return [strip_prose(item) for item in node]
    return node


def trim_rest(rest: dict[str, Any]) -> dict[str, Any]:
    """The part of the REST description the sandbox serves."""
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        method, path = operation.split(" ", 1)
        source = rest["paths"][path][method.lower()]
        kept = {
            key: source[key]
            for key in ("operationId", "parameters", "requestBody", "responses")
            if key in source
        }
        paths.setdefault(path, {})[method.lower()] = strip_prose(kept)
    roots = [*refs_in(paths), *EXTRA_REST_REFS]
    components = copy_components(rest, roots)
    for kind in ("schemas", "parameters", "responses", "headers"):
        if kind in components:
            components[kind] = strip_prose(components[kind])
    return {
        "openapi": rest["openapi"],
        "info": {
            "title": rest["info"]["title"],
            "version": rest["info"]["version"],
            "x-source": PACKAGES["openapi"],
        },
        "paths": paths,
        "components": components,
    }


def all_operations(rest: dict[str, Any]) -> list[str]:
    """Every ``METHOD path`` GitHub has, to tell unknown paths from unimplemented ones."""
    methods = ("get", "post", "put", "patch", "delete")
    return sorted(
        f"{method.upper()} {path}"
        for path, item in rest["paths"].items()
        for method in item
        if method in methods
    )


def trim_webhooks(webhooks: dict[str, Any]) -> dict[str, Any]:
    """The payload schemas of the webhooks the sandbox sends."""
    keys = {webhook_key(event, action) for event, action in WEBHOOKS}
    keys |= {webhook_key("repository_advisory", action) for action in ADVISORY_ACTIONS}
    roots = {
        key: webhooks["webhooks"][key]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]
        for key in sorted(keys)
    }
    components = copy_components(webhooks, refs_in(roots))
    return {
        "x-source": PACKAGES["openapi-webhooks"],
        "webhooks": roots,
        "components": {kind: strip_prose(items) for kind, items in components.items()},
    }


def webhook_key(event: str, action: str) -> str:
    """The key of an event/action in ``@octokit/openapi-webhooks`` (``issues-opened``)."""
    name = event.replace("_", "-")
    return f"{name}-{action.replace('_', '-')}" if action else name


def pick_examples(index: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One example payload per supported event/action, keyed ``event.action``."""
    by_event = {entry["name"]: entry["examples"] for entry in index}
    picked: dict[str, dict[str, Any]] = {}
    for (event, action), (source_event, source_action) in WEBHOOKS.items():
        candidates = [e for e in by_event[source_event] if e.get("action") == source_action]
        example = dict(candidates[0])
        if action:
            example["action"] = action
        picked[f"{event}.{action}" if action else event] = example
    return picked


def write_json(path: Path, value: Any) -> None:
    """Write compact, stable JSON (sorted keys keep diffs readable between versions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n")


def regenerate(packages_dir: Path, out_dir: Path = DATA_DIR) -> None:
    """Rewrite every trimmed data file from unpacked packages under ``packages_dir``."""
    rest = json.loads((packages_dir / "openapi" / REST_FILE).read_text())
    write_json(out_dir / "rest-openapi.json", trim_rest(rest))
    write_json(out_dir / "rest-operations.json", all_operations(rest))
    del rest
    webhooks = json.loads((packages_dir / "openapi-webhooks" / WEBHOOKS_FILE).read_text())
    write_json(out_dir / "webhook-schemas.json", trim_webhooks(webhooks))
    index = json.loads((packages_dir / "webhooks-examples" / EXAMPLES_FILE).read_text())
    for name, example in pick_examples(index).items():
        write_json(out_dir / "webhook-examples" / f"{name}.json", example)


def fetch_packages(workdir: Path) -> Path:
    """``npm pack`` the pinned packages into ``workdir`` and unpack the files we read."""
    wanted = {
        "openapi": REST_FILE,
        "openapi-webhooks": WEBHOOKS_FILE,
        "webhooks-examples": EXAMPLES_FILE,
    }
    for name, spec in PACKAGES.items():
        result = subprocess.run(
            ["npm", "pack", "--silent", "--pack-destination", str(workdir), spec],
            check=True,
            capture_output=True,
            text=True,
        )
        tarball = workdir / result.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            member = archive.getmember(f"package/{wanted[name]}")
            member.name = f"{name}/{wanted[name]}"
            archive.extract(member, workdir, filter="data")
        tarball.unlink()
    return workdir


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m sandbox.spec_tools [--from node_modules/@octokit]``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="an unpacked node_modules/@octokit directory (default: npm pack)",
    )
    args = parser.parse_args(argv)
    if args.source:
        regenerate(args.source)
        return
    with tempfile.TemporaryDirectory() as tmp:
        regenerate(fetch_packages(Path(tmp)))


if __name__ == "__main__":
    main()
