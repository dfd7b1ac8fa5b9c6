"""The OSV record of a published advisory, proposed by pull request where configured."""

from __future__ import annotations

import base64
import json
import logging

from gidgethub import BadRequest

from app.features.advisories import publications
from app.features.advisories import publish_templates as t
from app.features.advisories.osv import Published, file_path, osv_id, osv_record
from app.features.advisories.publications import Publication
from app.features.advisories.scope import REPO_URL, Scope

log = logging.getLogger(__name__)

REF_URL = "/repos/{owner}/{repo}/git/ref/{+ref}"
REFS_URL = "/repos/{owner}/{repo}/git/refs"
CONTENTS_URL = "/repos/{owner}/{repo}/contents/{+path}"
PULLS_URL = "/repos/{owner}/{repo}/pulls"


async def propose_osv(scope: Scope, pub: Published, row: Publication) -> Publication:
    """One pull request adding the record (found again, not opened twice, after a crash)."""
    target = scope.config.advisories.publish.osv
    if target is None or row.osv_pull is not None:
        return row
    prefix = scope.config.advisories.cna.short_name or scope.org.login
    record_id = osv_id(prefix, pub.ghsa_id)
    branch = f"warden/osv-{record_id.lower()}"
    where = {"owner": scope.org.login, "repo": target.repo}
    number = await _existing_pull(scope, where, branch)
    if number is None:
        base = str((await scope.gh.getitem(REPO_URL, where))["default_branch"])
        await _branch(scope, where, branch, base)
        path = file_path(target.path, pub.repo.split("/")[1], record_id)
        await _put(scope, where, path, osv_record(pub, record_id), branch, record_id)
        title, body = t.osv_pull(pub, record_id, scope.org.login)
        data = {"title": title, "head": branch, "base": base, "body": body}
        number = int((await scope.gh.post(PULLS_URL, where, data=data))["number"])
        log.info(
            "%s: OSV record %s proposed in %s#%s", scope.org.login, record_id, target.repo, number
        )
    row = row.but(osv_pull=number)
    await publications.save(scope.ctx.store, row)
    return row


async def _existing_pull(scope: Scope, where: dict[str, str], branch: str) -> int | None:
    url = PULLS_URL + "{?state,head}"
    variables = {**where, "state": "all", "head": f"{scope.org.login}:{branch}"}
    async for pull in scope.gh.getiter(url, variables):
        return int(pull["number"])
    return None


async def _branch(scope: Scope, where: dict[str, str], branch: str, base: str) -> None:
    """Warden's branch for the record, made from the default branch unless it is there."""
    try:
        await scope.gh.getitem(REF_URL, {**where, "ref": f"heads/{branch}"})
        return
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
    head = await scope.gh.getitem(REF_URL, {**where, "ref": f"heads/{base}"})
    data = {"ref": f"refs/heads/{branch}", "sha": head["object"]["sha"]}
    await scope.gh.post(REFS_URL, where, data=data)


async def _put(
    scope: Scope,
    where: dict[str, str],
    path: str,
    record: dict[str, object],
    branch: str,
    record_id: str,
) -> None:
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    data = {
        "message": f"Add {record_id}",
        "content": base64.b64encode(text.encode()).decode(),
        "branch": branch,
    }
    try:
        await scope.gh.put(CONTENTS_URL, {**where, "path": path}, data=data)
    except BadRequest as exc:
        if exc.status_code != 422:  # 422: the file is on the branch already (an earlier run)
            raise
