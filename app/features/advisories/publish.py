"""A published advisory: the final credit sync, the announcement in the tracking issue, the
OSV record by pull request (``advisories.publish.osv``) and issues in the downstream
repositories (``advisories.publish.downstream``). Each step is recorded once done, and a step a
crash may have hidden is looked for on GitHub before it is done again."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.features.advisories import publications
from app.features.advisories.downstream import open_downstream
from app.features.advisories.model import Advisory, patch_for, without_tags
from app.features.advisories.once import post_once
from app.features.advisories.osv import Published
from app.features.advisories.osv_pull import propose_osv
from app.features.advisories.publications import Publication
from app.features.advisories.publish_templates import announcement
from app.features.advisories.records import Record
from app.features.advisories.remediation import remediation
from app.features.advisories.scope import ADVISORY_URL, Scope
from app.features.advisories.tracking import COMMENTS_URL, issue_vars
from app.features.advisories.writes import apply_patch
from app.github import authorship

log = logging.getLogger(__name__)

USER_URL = "/users/{username}"


async def publish(scope: Scope, adv: Advisory, record: Record) -> Record:
    """Everything publication calls for, each step once; the record as it leaves it."""
    fixed, record = await remediation(scope, adv, record)  # the final credit sync
    adv = await apply_patch(scope, adv, patch_for(adv, fixed))
    data = await scope.gh.getitem(ADVISORY_URL, scope.advisory_vars(adv.repo, adv.ghsa_id))
    pub = await published_facts(scope, adv, data, record)
    store = scope.ctx.store
    row = await publications.find(store, scope.org.id, adv.ghsa_id)
    row = (row or _new(scope, adv, record, pub)).but(
        cve_id=adv.cve_id, severity=adv.severity, credits=adv.credits
    )
    await publications.save(store, row)
    if row.announced_at is None:
        record = await _announce(scope, record, pub)
        row = row.but(announced_at=scope.now)
        await publications.save(store, row)
    row = await propose_osv(scope, pub, row)
    row = await open_downstream(scope, pub, row)
    log.info(
        "%s: %s published: announced, OSV %s, downstream %s",
        scope.org.login,
        adv.ghsa_id,
        row.osv_pull,
        row.downstream,
    )
    return record


def _new(scope: Scope, adv: Advisory, record: Record, pub: Published) -> Publication:
    return Publication(
        scope.org.id,
        adv.ghsa_id,
        scope.org.login,
        adv.repo,
        record.reported_at,
        pub.published_at,
    )


async def _announce(scope: Scope, record: Record, pub: Published) -> Record:
    """Post the announcement unless an earlier run posted it and then crashed."""
    first_line = f"<!-- warden:announcement id={pub.ghsa_id} "
    if scope.tracking and record.tracking_issue is not None:
        variables = {**issue_vars(scope, record.tracking_issue), "per_page": 100}
        url = COMMENTS_URL + "{?per_page}"
        async for comment in authorship.own_items(scope.gh, url, variables):
            if str(comment.get("body") or "").startswith(first_line):
                return record
    return await post_once(scope, record, "announcement", announcement(pub, scope.now))


async def published_facts(
    scope: Scope, adv: Advisory, data: Mapping[str, Any], record: Record
) -> Published:
    """The public facts of the advisory; credits named as their profiles name them."""
    names = [await _name(scope, login) for login, _ in adv.credits]
    web = scope.ctx.settings.web_url.rstrip("/")
    return Published(
        ghsa_id=adv.ghsa_id,
        repo=f"{scope.org.login}/{adv.repo}",
        web_url=web,
        html_url=adv.html_url
        or f"{web}/{scope.org.login}/{adv.repo}/security/advisories/{adv.ghsa_id}",
        summary=without_tags(adv.summary),
        details=str(data.get("description") or ""),
        cve_id=adv.cve_id,
        severity=adv.severity,
        cvss_v4=adv.cvss_v4,
        affected=adv.affected,
        published_at=_time(data.get("published_at"), scope.now),
        modified_at=_time(data.get("updated_at"), scope.now),
        fixes=tuple(sha for _, sha in sorted(record.fixes) if sha),
        credits=tuple((name, kind) for name, (_, kind) in zip(names, adv.credits, strict=True)),
        logins=tuple(login for login, _ in adv.credits),
        cwe_ids=tuple(str(c) for c in data.get("cwe_ids") or ()),
    )


async def _name(scope: Scope, login: str) -> str:
    """The real name on ``login``'s profile, else the login."""
    user = await scope.gh.getitem(USER_URL, {"username": login})
    return str(user.get("name") or login)


def _time(text: Any, default: float) -> float:
    if not text:
        return default
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
