"""The words Warden posts about the org config: issue, comments and check-run output."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from app.github import labels
from config import ConfigIssue
from config.check import format_issues_markdown
from config.issues import sort_issues

ERROR_LABEL = labels.CONFIG_ERROR
ERROR_TITLE = "Warden cannot apply .github/warden.yml"
DIGEST_PREFIX = "<!-- warden:config-error-digest "
FIXED_MARKER = "<!-- warden:config-fixed -->"
NOT_SET_UP_MARKER = "<!-- warden:not-set-up -->"
CHECK_NAME = "Warden config"

FIXED_COMMENT = """\
{marker}
`.github/warden.yml` on the default branch is valid again{at}: Warden now applies it. Closing.
"""

REMOVED_COMMENT = """\
{marker}
`.github/warden.yml` was removed from the default branch: Warden treats the organisation as \
not set up and acts on nothing there. Closing.
"""

NOT_SET_UP = """\
{marker}
Warden is not set up for **{org}** yet, so it does nothing here: this command was not run.

An organisation owner can set it up by adding `.github/warden.yml` to the default branch of \
the [`{org}/.github`]({repo_url}) repository (create the repository if it does not exist) with \
at least these two keys:

```yaml
team: security-team          # slug of the team whose members form the response team
governance_repo: governance  # a PRIVATE repository for nominations and reports
```

Every other key has a default. If the file exists already, it has errors: they are listed in \
the issue labelled `{label}` in that repository.
"""

CHECK_VALID_TITLE = "Valid: {changes}"
CHECK_INVALID_TITLE = "Invalid: {count}"
CHECK_REMOVED_TITLE = "Removes the Warden configuration"

CHECK_VALID = """\
This pull request's `.github/warden.yml` is valid. It is not applied from the pull request: \
Warden applies it once it is merged into the default branch.

{diff}
{summary}"""

CHECK_INVALID = """\
This pull request's `.github/warden.yml` cannot be applied: it has {count}. If it were merged, \
Warden would keep using the configuration in force now.

{problems}
Run `python -m app check-config .github/warden.yml` to check a file locally.
"""

CHECK_REMOVED = """\
This pull request removes `.github/warden.yml`. Once it is merged, Warden treats the \
organisation as not set up and acts on nothing there.
"""


def problems(count: int) -> str:
    return f"{count} problem{'' if count == 1 else 's'}"


def digest(issues: Sequence[ConfigIssue]) -> str:
    """A short fingerprint of the problems, to tell whether they changed."""
    text = "\n".join(issue.describe() for issue in sort_issues(issues))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def error_issue_body(issues: Sequence[ConfigIssue], file_url: str | None) -> str:
    """The error issue: every problem with its line (a link to the file) and key path."""
    return format_issues_markdown(issues, file_url) + f"{DIGEST_PREFIX}{digest(issues)} -->\n"


def fixed_comment(sha: str | None) -> str:
    return FIXED_COMMENT.format(marker=FIXED_MARKER, at=f" as of {sha}" if sha else "")


def removed_comment() -> str:
    return REMOVED_COMMENT.format(marker=FIXED_MARKER)


def not_set_up_reply(org: str, repo_url: str) -> str:
    return NOT_SET_UP.format(
        marker=NOT_SET_UP_MARKER, org=org, repo_url=repo_url, label=ERROR_LABEL
    )


def check_valid(summary: str, diff: str) -> tuple[str, str]:
    """(title, summary) of a passing check run."""
    changes = diff.count("\n- `")
    if diff.startswith("Warden has no valid configuration yet"):
        title = "would set Warden up"
    elif changes:
        title = f"{changes} setting{'' if changes == 1 else 's'} would change"
    else:
        title = "nothing would change"
    return CHECK_VALID_TITLE.format(changes=title), CHECK_VALID.format(diff=diff, summary=summary)


def check_invalid(issues: Sequence[ConfigIssue], file_url: str) -> tuple[str, str]:
    """(title, summary) of a failing check run: the problems as the error issue lists them."""
    ordered = sort_issues(issues)
    listed = format_issues_markdown(ordered, file_url).splitlines()
    lines = "".join(line + "\n" for line in listed if line.startswith("- "))
    count = problems(len(ordered))
    return CHECK_INVALID_TITLE.format(count=count), CHECK_INVALID.format(
        count=count, problems=lines
    )
