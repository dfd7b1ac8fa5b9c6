"""Git object ids and commits for the sandbox's tiny in-memory git."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sandbox.state import Commit, Repo


def blob_sha(text: str) -> str:
    """The git blob id of a file's text, as ``git hash-object`` computes it."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def commit_sha(tree: dict[str, str], parent: str | None, message: str, moment: datetime) -> str:
    """A stable id for a commit of ``tree`` on top of ``parent``."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(tree):
        digest.update(f"{path}\0{blob_sha(tree[path])}\n".encode())
    digest.update(f"{parent}\0{message}\0{moment.isoformat()}".encode())
    return digest.hexdigest()


def add_commit(
    repo: Repo,
    branch: str,
    changes: dict[str, str | None],
    message: str,
    author: str,
    moment: datetime,
) -> Commit:
    """Commit ``changes`` (path -> new text, ``None`` deletes) on ``branch`` and move it."""
    parent = repo.branches.get(branch)
    tree = dict(repo.commits[parent].tree) if parent else {}
    for path, text in changes.items():
        if text is None:
            tree.pop(path, None)
        else:
            tree[path] = text
    sha = commit_sha(tree, parent, message, moment)
    commit = Commit(sha, tree, parent, message, author, moment)
    repo.commits[sha] = commit
    repo.branches[branch] = sha
    return commit


def diff(before: dict[str, str], after: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Paths added, removed and modified between two trees."""
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    modified = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    return added, removed, modified


def is_ancestor(repo: Repo, ancestor: str, sha: str) -> bool:
    """Whether ``ancestor`` is ``sha`` or one of its parents (a fast-forward is possible)."""
    current: str | None = sha
    while current:
        if current == ancestor:
            return True
        current = repo.commits[current].parent if current in repo.commits else None
    return False
