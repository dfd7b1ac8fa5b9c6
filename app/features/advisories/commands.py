"""`/coordinate`, `/expert` and `/credit` in an advisory's tracking issue (members only)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from gidgethub import BadRequest
from gidgethub.abc import GitHubAPI

from app.context import Context
from app.features.advisories import records
from app.features.advisories import templates as t
from app.features.advisories.model import (
    CREDIT_TYPES,
    OPEN_STATES,
    Advisory,
    Wanted,
    is_bot,
    merged,
    parse_advisory,
    patch_for,
)
from app.features.advisories.records import Record, current_coordinator
from app.features.advisories.scope import ADVISORY_URL, Scope, as_app_client, open_scope
from app.features.advisories.tracking import ensure_tracking, is_tracking_issue
from app.features.advisories.writes import apply_patch
from app.github import authorship
from app.github.teams import is_member
from app.intake.commands import Invocation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """The advisory a command typed in its tracking issue is about."""

    scope: Scope
    record: Record
    adv: Advisory


async def _reply(gh: GitHubAPI, call: Invocation, body: str) -> None:
    await gh.post(call.issue["comments_url"], data={"body": body})


async def _placed(ctx: Context, gh: GitHubAPI, call: Invocation) -> tuple[Scope, Record] | None:
    """The scope and record of the tracking issue the command was typed in, once the place
    and the person are checked (through the API); None after replying why not."""
    config = call.org.config
    name = call.command.name
    if call.repo != config.governance_repo or "pull_request" in call.issue:
        return None  # elsewhere a "/credit" line is prose; nothing about advisories is said
    scope = await open_scope(call.org)
    if scope is None or not scope.tracking:
        return None  # a public governance repository: nothing is written there
    record = await records.by_tracking_issue(ctx.store, call.org.id, call.issue["number"])
    warden = await authorship.warden_login(gh)
    if record is None or not is_tracking_issue(call.issue, record.ghsa_id, warden):
        await _reply(gh, call, t.reply("not_tracking", command=name))
        return None
    if not await is_member(as_app_client(gh), call.org.login, config.team, call.sender):
        await _reply(
            gh, call, t.reply("not_member", org=call.org.login, team=config.team, command=name)
        )
        return None
    return scope, record


@asynccontextmanager
async def _target(ctx: Context, gh: GitHubAPI, call: Invocation) -> AsyncIterator[Target | None]:
    """The advisory the command is about, read and changed under the advisory's lock (the
    sweep or another replica may be assigning a coordinator at the same moment); None after
    replying why not."""
    placed = await _placed(ctx, gh, call)
    if placed is None:
        yield None
        return
    (scope, record), store = placed, ctx.store
    async with records.lock(store, record.installation_id, record.repo, record.ghsa_id):
        record = (
            await records.find(store, record.installation_id, record.repo, record.ghsa_id) or record
        )
        variables = scope.advisory_vars(record.repo, record.ghsa_id)
        adv = parse_advisory(await gh.getitem(ADVISORY_URL, variables), record.repo)
        if adv.state not in OPEN_STATES:
            await _reply(gh, call, t.reply("finished", ghsa_id=adv.ghsa_id, state=adv.state))
            yield None
            return
        yield Target(scope, record, adv)


async def _save(target: Target, adv: Advisory, change: Callable[[Record], Record]) -> None:
    """Apply ``change`` to the record (the advisory's lock is held) and show it."""
    record = await ensure_tracking(target.scope, adv, change(target.record))
    await records.save(target.scope.ctx.store, record)


async def on_coordinate(call: Invocation) -> None:
    """The member who types it becomes the coordinator (credited, added as collaborator)."""
    ctx, gh = call.org.ctx, call.org.gh
    async with _target(ctx, gh, call) as target:
        if target is not None:
            await _coordinate(target, gh, call)


async def _coordinate(target: Target, gh: GitHubAPI, call: Invocation) -> None:
    login, ghsa_id = call.sender, target.adv.ghsa_id
    current = current_coordinator(target.adv, target.record)
    if (current or "").lower() == login.lower():
        await _reply(gh, call, t.reply("already_coordinator", login=login, ghsa_id=ghsa_id))
        return
    if current is not None and await target.scope.is_member(current):
        # Taking over would leave two `coordinator` credits: credits are never removed.
        await _reply(gh, call, t.reply("coordinated_by", login=current, ghsa_id=ghsa_id))
        return
    kind = target.adv.credited(login)
    if kind is not None and kind != "coordinator":
        await _reply(
            gh, call, t.reply("credited_otherwise", login=login, kind=kind, ghsa_id=ghsa_id)
        )
        return
    wanted = Wanted(users=(login,), credits=((login, "coordinator"),))
    adv = await apply_patch(target.scope, target.adv, patch_for(target.adv, wanted))
    now = target.scope.now
    await _save(target, adv, lambda record: record.but(coordinator=login, assigned_at=now))
    await _reply(gh, call, t.reply("coordinator", login=login, ghsa_id=ghsa_id))


# A GitHub login (an app's bot ends in ``[bot]``), or ``org/team``: anything else in a
# command is refused before it reaches the API or Warden's reply (no mention injection).
LOGIN_ARG = re.compile(
    r"@(?P<name>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?"
    r"(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?)"
)


def _login_arg(arg: str, team: bool = False) -> str | None:
    match = LOGIN_ARG.fullmatch(arg)
    if match is None or ("/" in arg and not team):
        return None
    return match["name"]


async def _user_exists(gh: GitHubAPI, login: str) -> bool:
    try:
        await gh.getitem("/users/{username}", {"username": login})
    except BadRequest as exc:
        if exc.status_code == 404:
            return False
        raise
    return True


async def on_credit(call: Invocation) -> None:
    """`/credit @user TYPE`: add a credit; existing credits are never changed."""
    ctx, gh = call.org.ctx, call.org.gh
    args = call.command.args
    login = _login_arg(args[0]) if len(args) == 2 else None
    kind = args[1].lower() if len(args) == 2 else ""
    async with _target(ctx, gh, call) as target:
        if target is None:
            return
        if login is None or kind not in CREDIT_TYPES:
            types = ", ".join(f"`{k}`" for k in CREDIT_TYPES)
            await _reply(gh, call, t.reply("usage_credit", types=types))
            return
        await _add_credit(target, gh, call, login, kind)


async def _add_credit(
    target: Target, gh: GitHubAPI, call: Invocation, login: str, kind: str
) -> None:
    ghsa_id = target.adv.ghsa_id
    if is_bot(login):
        await _reply(gh, call, t.reply("bot"))
        return
    existing = target.adv.credited(login)
    if existing is not None:
        await _reply(
            gh, call, t.reply("already_credited", login=login, kind=existing, ghsa_id=ghsa_id)
        )
        return
    if not await _user_exists(gh, login):
        await _reply(gh, call, t.reply("no_user", name=f"@{login}", org=call.org.login))
        return
    adv = await apply_patch(
        target.scope, target.adv, patch_for(target.adv, Wanted(credits=((login, kind),)))
    )
    await _save(target, adv, lambda record: record)
    await _reply(gh, call, t.reply("credited", login=login, kind=kind, ghsa_id=ghsa_id))


async def _team_exists(gh: GitHubAPI, org: str, slug: str) -> bool:
    try:
        await gh.getitem("/orgs/{org}/teams/{team_slug}", {"org": org, "team_slug": slug})
    except BadRequest as exc:
        if exc.status_code == 404:
            return False
        raise
    return True


async def _expert_wanted(gh: GitHubAPI, call: Invocation, adv: Advisory, name: str) -> Wanted | str:
    """What adding ``name`` (``login`` or ``org/team``) asks for, or the reply saying why not."""
    if "/" in name:
        org, _, slug = name.partition("/")
        if org.lower() != call.org.login.lower() or not await _team_exists(gh, org, slug):
            return t.reply("no_user", name=f"@{name}", org=call.org.login)
        if slug.lower() in {s.lower() for s in adv.teams}:
            return t.reply("already_expert", name=f"@{name}", ghsa_id=adv.ghsa_id)
        return Wanted(teams=(slug,))
    if is_bot(name) or not await _user_exists(gh, name):
        return t.reply("no_user", name=f"@{name}", org=call.org.login)
    if name.lower() in {u.lower() for u in adv.users}:
        return t.reply("already_expert", name=f"@{name}", ghsa_id=adv.ghsa_id)
    return Wanted(users=(name,))


async def on_expert(call: Invocation) -> None:
    """`/expert @user` or `/expert @org/team`: add a collaborator to the advisory by hand."""
    ctx, gh = call.org.ctx, call.org.gh
    args = call.command.args
    name = _login_arg(args[0], team=True) if len(args) == 1 else None
    async with _target(ctx, gh, call) as target:
        if target is None:
            return
        if name is None:
            await _reply(gh, call, t.reply("usage_expert"))
            return
        await _add_expert(target, gh, call, name)


async def _add_expert(target: Target, gh: GitHubAPI, call: Invocation, name: str) -> None:
    wanted = await _expert_wanted(gh, call, target.adv, name)
    if isinstance(wanted, str):
        await _reply(gh, call, wanted)
        return
    adv = await apply_patch(target.scope, target.adv, patch_for(target.adv, wanted))
    await _save(target, adv, lambda record: record.but(experts=merged(record.experts, [name])))
    await _reply(gh, call, t.reply("expert", name=f"@{name}", ghsa_id=adv.ghsa_id))
