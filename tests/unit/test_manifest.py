"""`app.yml`, the manifest admins register Warden from, says what the routers really use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from app.features.setup.manifest import build_manifest
from app.wiring import WIRING
from sandbox.manifests import manifest_problems

ROOT = Path(__file__).parents[2]
#: GitHub sends these to every app whether subscribed or not; a manifest cannot list them.
ALWAYS_SENT = {"installation", "installation_repositories"}
#: A repository permission GitHub has that the REST description's `app-permissions` lacks.
NOT_IN_THE_DESCRIPTION = {"repository_advisories"}


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "app.yml").read_text())
    return loaded


def routed_events() -> set[str]:
    # gidgethub's Router keeps its routes in these two tables (pinned gidgethub 6).
    router = WIRING.router
    return set(router._shallow_routes) | set(router._deep_routes)


def test_the_manifest_subscribes_to_exactly_the_events_the_routers_handle() -> None:
    assert set(manifest()["default_events"]) == routed_events() - ALWAYS_SENT


def test_every_subscribed_event_is_one_github_sends() -> None:
    schemas = json.loads((ROOT / "sandbox/data/webhook-schemas.json").read_text())
    names = list(schemas["webhooks"])  # `issue-comment-created`, `push`, ...
    for event in manifest()["default_events"]:
        dashed = event.replace("_", "-")
        assert any(name == dashed or name.startswith(dashed + "-") for name in names), event


def test_permissions_are_githubs_and_never_administration() -> None:
    description = json.loads((ROOT / "sandbox/data/rest-openapi.json").read_text())
    known = description["components"]["schemas"]["app-permissions"]["properties"]
    permissions = manifest()["default_permissions"]
    assert set(permissions) <= set(known) | NOT_IN_THE_DESCRIPTION
    assert all(level in ("read", "write") for level in permissions.values())
    assert "administration" not in permissions and "organization_administration" not in permissions
    assert permissions["metadata"] == "read"


def test_the_hook_points_at_the_webhook_route_and_setup_returns_to_the_callback() -> None:
    data = manifest()
    assert data["hook_attributes"]["url"].endswith("/webhook")
    assert data["redirect_url"].endswith("/setup/callback")
    assert data["setup_url"].endswith("/setup")
    assert data["public"] is False


def test_the_manifest_sent_to_github_points_at_this_server() -> None:
    built = build_manifest(ROOT / "app.yml", "https://warden.example.net/", "Warden PSRT")
    assert built["hook_attributes"] == {"url": "https://warden.example.net/webhook", "active": True}
    assert built["redirect_url"] == "https://warden.example.net/setup/callback"
    assert built["setup_url"] == "https://warden.example.net/setup"
    assert built["name"] == "Warden PSRT"
    assert built["default_events"] == manifest()["default_events"]
    assert built["default_permissions"] == manifest()["default_permissions"]
    assert manifest_problems(built) == []  # GitHub's side (the sandbox) accepts it
