"""Webhook payloads: a real ``@octokit/webhooks-examples`` example, filled from sandbox state."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from sandbox.render_repo import RepoRenderer, advisory_example
from sandbox.schema_util import DATA_DIR
from sandbox.state import Repo

# Keys of an example that describe the example's world, not ours: dropped unless we set them.
FOREIGN_KEYS = ("enterprise", "organization", "repository", "installation", "sender")


@cache
def example(event: str, action: str | None) -> dict[str, Any]:
    """The stored example payload for an event/action."""
    if event == "repository_advisory":
        return {"action": action, "repository_advisory": advisory_example()}
    name = f"{event}.{action}" if action else event
    path = DATA_DIR / "webhook-examples" / f"{name}.json"
    result: dict[str, Any] = json.loads(path.read_text())
    return result


def build_payload(
    render: RepoRenderer,
    event: str,
    action: str | None,
    *,
    sender: str,
    repo: Repo | None,
    account: str | None,
    installation_id: int,
    parts: dict[str, Any],
) -> dict[str, Any]:
    """The payload of one event: the example's shape, our objects."""
    payload = copy.deepcopy(example(event, action))
    for key in FOREIGN_KEYS:
        payload.pop(key, None)
    if action:
        payload["action"] = action
    payload.update(parts)
    if repo is not None:
        payload["repository"] = render.repo(repo)
        account = repo.owner
    org = render.world.orgs.get(account.lower()) if account else None
    if org is not None:
        payload["organization"] = render.org(org)
    payload.setdefault(
        "installation",
        {
            "id": installation_id,
            "node_id": f"MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u{installation_id}",
        },
    )
    payload["sender"] = render.account(sender)
    return payload
