"""The scenario API tests and the demo drive the sandbox with: building the world (no
webhooks), then what people do on GitHub, each sending what GitHub would send and waiting
until the delivery was answered."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox import actions_advisory, actions_issues, actions_org, actions_repo
from sandbox.core import Core
from sandbox.state import Repo, TeamRole, UserType


class Scenario:
    """Building the world and acting in it; mixed into ``Sandbox``."""

    core: Core

    async def settle(self) -> None:
        """Wait until every webhook sent so far got an answer (or failed)."""
        await self.core.outbox.settle()

    # -- building the world ----------------------------------------------------------------
    def add_user(self, login: str, name: str | None = None, type: UserType = "User") -> int:
        """Create a user (or ``type="Bot"``); returns its id."""
        return actions_org.add_user(self.core, login, name, type).id

    def rename_user(self, old: str, new: str) -> None:
        """``old`` changes their login to ``new`` (same id). GitHub sends the organisation no
        webhook for it; memberships of orgs and teams follow the account."""
        user = self.core.world.users.pop(old.lower())
        user.login = new
        self.core.world.users[new.lower()] = user
        places: list[dict[str, Any]] = []
        for org in self.core.world.orgs.values():
            places += [org.members, *(team.members for team in org.teams.values())]
        for where in places:
            if old.lower() in where:
                where[new.lower()] = where.pop(old.lower())

    def add_org(self, login: str, members: Iterable[str] = (), admins: Iterable[str] = ()) -> int:
        """Create an organisation with existing users as members / admins (no webhook)."""
        org = actions_org.add_org(self.core, login)
        for user, role in [*((m, "member") for m in members), *((a, "admin") for a in admins)]:
            org.members[self.core.world.user(user).login.lower()] = role
        return org.id

    def add_repo(
        self,
        owner: str,
        name: str,
        private: bool = False,
        default_branch: str = "main",
        files: dict[str, str] | None = None,
    ) -> Repo:
        """Create a repository whose default branch holds ``files``."""
        return actions_repo.add_repo(self.core, owner, name, private, default_branch, files)

    def add_team(
        self,
        org: str,
        slug: str,
        members: Iterable[str] = (),
        maintainers: Iterable[str] = (),
        name: str | None = None,
    ) -> int:
        """Create a team; its members join the org if needed (no webhooks)."""
        team = actions_org.add_team(self.core, org, slug, name)
        owner = self.core.world.org(org)
        for login, role in [
            *((m, "member") for m in members),
            *((m, "maintainer") for m in maintainers),
        ]:
            key = self.core.world.user(login).login.lower()
            owner.members.setdefault(key, "member")
            team.members[key] = role  # type: ignore[assignment]
        return team.id

    def install(self, account: str, notify: bool = False) -> int:
        """Install the app on an account; ``notify`` sends ``installation.created``."""
        return actions_org.install(self.core, account, notify).id

    async def add_installation_repos(self, account: str, names: list[str]) -> None:
        """Repositories join the installation (``installation_repositories.added``)."""
        actions_org.add_installation_repos(self.core, account, names)
        await self.settle()

    def repo(self, owner: str, name: str) -> Repo:
        """A repository's state."""
        return self.core.world.repo(owner, name)

    # -- things people do (each sends what GitHub sends, then waits for the delivery) ------
    def rename_repo(self, owner: str, name: str, new_name: str) -> None:
        """Rename a repository (Warden subscribes to no ``repository`` event, so none is sent).
        GitHub redirects requests to the old name; the sandbox answers them 404."""
        target = self.repo(owner, name)
        del self.core.world.repos[target.full_name.lower()]
        target.name = new_name
        self.core.world.repos[target.full_name.lower()] = target

    async def open_issue(
        self,
        owner: str,
        repo: str,
        user: str,
        title: str,
        body: str = "",
        labels: Iterable[str] = (),
    ) -> int:
        """Open an issue; returns its number."""
        issue = actions_issues.open_issue(
            self.core, self.repo(owner, repo), user, title, body, labels
        )
        await self.settle()
        return issue.number

    async def edit_issue(
        self, owner: str, repo: str, number: int, user: str, **changes: object
    ) -> None:
        """Edit an issue as ``user`` (title, body, state, labels)."""
        target = self.repo(owner, repo)
        actions_issues.edit_issue(
            self.core, target, self.core.world.issue(target, number), user, dict(changes)
        )
        await self.settle()

    def delete_issue(self, owner: str, repo: str, number: int) -> None:
        """An admin deletes an issue: it answers 410 from then on. GitHub sends
        ``issues.deleted``; the pinned webhook examples have none, so the sandbox sends
        nothing (as if that delivery were missed)."""
        target = self.repo(owner, repo)
        issue = target.issues.pop(number)
        for comment_id in issue.comments:
            self.core.world.comments.pop(comment_id, None)
        target.deleted_issues.add(number)

    async def add_labels(
        self, owner: str, repo: str, number: int, user: str, labels: Iterable[str]
    ) -> None:
        """Label an issue as ``user``."""
        target = self.repo(owner, repo)
        actions_issues.add_labels(
            self.core, target, self.core.world.issue(target, number), labels, user
        )
        await self.settle()

    async def remove_label(self, owner: str, repo: str, number: int, user: str, label: str) -> None:
        """Remove a label from an issue as ``user``."""
        target = self.repo(owner, repo)
        actions_issues.remove_label(
            self.core, target, self.core.world.issue(target, number), label, user
        )
        await self.settle()

    async def comment(self, owner: str, repo: str, number: int, user: str, body: str) -> int:
        """Comment on an issue; returns the comment id."""
        target = self.repo(owner, repo)
        comment = actions_issues.add_comment(
            self.core, target, self.core.world.issue(target, number), user, body
        )
        await self.settle()
        return comment.id

    async def edit_comment(
        self, owner: str, repo: str, comment_id: int, user: str, body: str
    ) -> None:
        """Edit a comment as ``user``."""
        target = self.repo(owner, repo)
        actions_issues.edit_comment(
            self.core, target, self.core.world.comment(target, comment_id), body, user
        )
        await self.settle()

    async def delete_comment(self, owner: str, repo: str, comment_id: int, user: str) -> None:
        """Delete a comment as ``user``."""
        target = self.repo(owner, repo)
        actions_issues.delete_comment(
            self.core, target, self.core.world.comment(target, comment_id), user
        )
        await self.settle()

    def react(self, owner: str, repo: str, comment_id: int, user: str, content: str) -> int:
        """React to a comment (GitHub sends no webhook for reactions)."""
        comment = self.core.world.comment(self.repo(owner, repo), comment_id)
        return actions_issues.react(self.core, comment.reactions, user, content)[0].id

    def react_to_issue(self, owner: str, repo: str, number: int, user: str, content: str) -> int:
        """React to an issue (no webhook)."""
        target = self.repo(owner, repo)
        issue = self.core.world.issue(target, number)
        return actions_issues.react(self.core, issue.reactions, user, content)[0].id

    def unreact(self, owner: str, repo: str, comment_id: int, user: str, content: str) -> None:
        """Take a reaction back (no webhook)."""
        comment = self.core.world.comment(self.repo(owner, repo), comment_id)
        comment.reactions[:] = [
            r
            for r in comment.reactions
            if not (r.user.lower() == user.lower() and r.content == content)
        ]

    async def add_org_member(self, org: str, login: str, sender: str | None = None) -> None:
        """``login`` joins the org (accepting an invitation): pending team invitations turn
        into memberships."""
        actions_org.add_org_member(self.core, org, login, sender or login)
        await self.settle()

    async def remove_org_member(self, org: str, login: str, sender: str) -> None:
        """Remove ``login`` from the org and its teams."""
        actions_org.remove_org_member(self.core, org, login, sender)
        await self.settle()

    async def add_team_member(
        self, org: str, slug: str, login: str, role: TeamRole = "member", sender: str | None = None
    ) -> str:
        """Add a team member as ``sender``; returns the membership state (active/pending)."""
        result = actions_org.set_team_membership(
            self.core, org, slug, login, role, sender or self._org_admin(org)
        )
        await self.settle()
        return str(result["state"])

    async def remove_team_member(
        self, org: str, slug: str, login: str, sender: str | None = None
    ) -> None:
        """Remove a team member as ``sender``."""
        actions_org.remove_team_membership(
            self.core, org, slug, login, sender or self._org_admin(org)
        )
        await self.settle()

    async def edit_team(
        self,
        org: str,
        slug: str,
        sender: str,
        name: str | None = None,
        description: str | None = None,
    ) -> None:
        """Rename or re-describe a team (``team.edited``)."""
        actions_org.edit_team(self.core, org, slug, sender, name, description)
        await self.settle()

    async def delete_team(self, org: str, slug: str, sender: str) -> None:
        """Delete a team (``team.deleted``)."""
        actions_org.delete_team(self.core, org, slug, sender)
        await self.settle()

    def _org_admin(self, org: str) -> str:
        members = self.core.world.org(org).members
        admins = [m for m, role in members.items() if role == "admin"] or list(members)
        return self.core.world.user(admins[0]).login if admins else self.core.app.bot_login

    async def push(
        self,
        owner: str,
        repo: str,
        branch: str,
        files: dict[str, str | None],
        sender: str,
        message: str = "Update files",
    ) -> str:
        """Commit and push ``files`` (``None`` deletes); returns the commit sha."""
        commit = actions_repo.push(
            self.core, self.repo(owner, repo), branch, files, sender, message
        )
        await self.settle()
        return commit.sha

    async def open_pull_request(
        self,
        owner: str,
        repo: str,
        user: str,
        title: str,
        head: str,
        base: str | None = None,
        body: str = "",
        files: dict[str, str | None] | None = None,
    ) -> int:
        """Open a pull request from ``head`` (pushed first with ``files`` if given)."""
        target = self.repo(owner, repo)
        if files:
            actions_repo.push(self.core, target, head, files, user)
        pull = actions_repo.open_pull(
            self.core, target, user, title, head, base or target.default_branch, body
        )
        await self.settle()
        return pull.number

    async def merge_pull_request(self, owner: str, repo: str, number: int, user: str) -> str:
        """Merge a pull request as ``user`` (a squash merge: ``push`` to the base branch, then
        ``pull_request.closed``); returns the merge commit's sha."""
        commit = actions_repo.merge_pull(self.core, self.repo(owner, repo), number, user)
        await self.settle()
        return commit.sha

    def review_pull_request(
        self, owner: str, repo: str, number: int, user: str, state: str = "APPROVED", body: str = ""
    ) -> int:
        """Review a pull request; returns the review id."""
        return actions_repo.review_pull(
            self.core, self.repo(owner, repo), number, user, state, body
        ).id

    async def report_advisory(
        self,
        owner: str,
        repo: str,
        reporter: str,
        summary: str,
        description: str = "",
        severity: str | None = "high",
    ) -> str:
        """A private vulnerability report (``repository_advisory.reported``); its GHSA id."""
        adv = actions_advisory.report(
            self.core, self.repo(owner, repo), reporter, summary, description, severity
        )
        await self.settle()
        return adv.ghsa_id

    def edit_advisory(
        self, owner: str, repo: str, ghsa_id: str, sender: str | None = None, **changes: object
    ) -> None:
        """Change an advisory by hand (title -> ``summary``, state, credits ...); no webhook
        unless it gets published."""
        target = self.repo(owner, repo)
        if "title" in changes:
            changes["summary"] = changes.pop("title")
        actions_advisory.update(
            self.core,
            target,
            self.core.world.advisory(target, ghsa_id),
            dict(changes),
            sender or self._org_admin(target.owner),
        )

    async def publish_advisory(
        self, owner: str, repo: str, ghsa_id: str, sender: str | None = None
    ) -> None:
        """Publish (accepting first when still in triage): ``repository_advisory.published``."""
        target = self.repo(owner, repo)
        adv = self.core.world.advisory(target, ghsa_id)
        if adv.state == "triage":
            self.edit_advisory(owner, repo, ghsa_id, sender, state="draft")
        self.edit_advisory(owner, repo, ghsa_id, sender, state="published")
        await self.settle()

    def grant_cve(self, owner: str, repo: str, ghsa_id: str) -> str:
        """GitHub's CNA assigns a CVE id to the advisory."""
        target = self.repo(owner, repo)
        return actions_advisory.grant_cve(self.core, self.core.world.advisory(target, ghsa_id))
