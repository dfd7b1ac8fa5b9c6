"""`check-config PATH`: validate a warden.yml offline; also the Markdown body of the error issue."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from config.issues import ConfigError, ConfigIssue, sort_issues
from config.loader import load_config
from config.summary import summarise

ISSUE_MARKER = "<!-- warden:config-error -->"
"""Hidden marker in the error issue, so Warden finds and edits its own issue."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_MENTION = re.compile(r"@(?=\w)")


def check_config_main(path: str, out: TextIO = sys.stdout) -> int:
    """Validate the file at `path`: print a summary and return 0, or each problem and return 1.

    Problems are printed one a line, like a compiler: `PATH:LINE: key.path: message`.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        print(f"{path}: cannot read the file ({reason}); check the path.", file=out)
        return 1
    try:
        config = load_config(text)
    except ConfigError as error:
        for issue in error.issues:
            print(issue.describe(path), file=out)
        return 1
    print(f"{path} is valid.\n", file=out)
    print(summarise(config), end="", file=out)
    return 0


def format_issues_markdown(issues: Iterable[ConfigIssue], file_url: str | None = None) -> str:
    """The body of the `warden/config-error` issue: each problem with its line and key path.

    With `file_url` (the file's blob URL on the default branch) each line number is a link.
    """
    ordered = sort_issues(issues)
    count = f"{len(ordered)} problem{'' if len(ordered) == 1 else 's'}"
    lines = [
        ISSUE_MARKER,
        f"Warden cannot apply `.github/warden.yml`: it has {count}. Until the file is fixed, "
        "Warden keeps using the last valid configuration. This issue is closed when the file "
        "on the default branch is valid.",
        "",
    ]
    lines += [f"- {_where(issue, file_url)}{_escape(issue.message)}" for issue in ordered]
    lines += ["", "Run `python -m app check-config .github/warden.yml` to check a file locally."]
    return "\n".join(lines) + "\n"


def _where(issue: ConfigIssue, file_url: str | None) -> str:
    parts = []
    if issue.line is not None:
        parts.append(
            f"[line {issue.line}]({file_url}#L{issue.line})" if file_url else f"line {issue.line}"
        )
    if issue.path:
        parts.append(f"`{issue.path.replace('`', '')}`")
    return ", ".join(parts) + ": " if parts else ""


def _escape(text: str) -> str:
    """Keep a value from the file from adding markup or pinging people in the issue."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # GitHub links @login even after a backslash; a zero-width space breaks the mention.
    return _MENTION.sub("@\u200b", text)


def main(argv: list[str] | None = None) -> int:
    """`python -m config.check PATH`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m config.check PATH", file=sys.stderr)
        return 2
    return check_config_main(args[0])


if __name__ == "__main__":
    raise SystemExit(main())
