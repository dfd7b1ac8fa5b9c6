"""The setup feature's pure parts: the form's checks, the .env text, the needed permissions."""

from __future__ import annotations

from pathlib import Path

from app.features.setup.credentials import NewApp, env_lines, write_env
from app.features.setup.manifest import check_form, registration_url
from app.features.setup.rules import needed_permissions
from app.platform.settings import Secret, load_settings

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"
NEW = NewApp(
    "99", "warden", "https://github.com/apps/warden", "python", Secret(PEM), Secret("s3kr1t")
)


def test_the_form_refuses_a_login_github_would_not_accept() -> None:
    assert check_form("python", "org", "Warden") is None
    assert check_form("", "user", "Warden") is None  # a personal account needs no login
    assert check_form("-python", "org", "Warden") == (
        "Enter the organisation's login, as in github.com/LOGIN (letters, digits, -)."
    )
    assert check_form("python", "org", "x" * 35) == "The app's name must be at most 34 characters."


def test_the_registration_url_is_the_org_page_or_the_personal_one() -> None:
    assert registration_url("https://ghe.example", "py thon", "s t") == (
        "https://ghe.example/organizations/py%20thon/settings/apps/new?state=s+t"
    )
    assert registration_url("https://github.com/", None, "abc") == (
        "https://github.com/settings/apps/new?state=abc"
    )


def test_env_lines_keep_other_settings_and_replace_old_credentials() -> None:
    text = env_lines("DATABASE_URL=sqlite:///x.db\nexport GITHUB_APP_ID=1\n", NEW)
    assert text.splitlines()[:2] == ["DATABASE_URL=sqlite:///x.db", "GITHUB_APP_ID=99"]
    assert text.count("GITHUB_APP_ID") == 1


def test_written_env_file_is_private_and_reads_back_as_the_same_settings(tmp_path: Path) -> None:
    path = write_env(tmp_path / ".env", NEW)
    assert path.stat().st_mode & 0o777 == 0o600
    settings = load_settings(environ={}, dotenv=path)
    assert settings.app_id == "99" and settings.private_key == Secret(PEM)
    assert settings.webhook_secrets() == ["s3kr1t"]
    assert "s3kr1t" not in repr(NEW) and "MIIB" not in repr(NEW)


def test_advisory_permissions_are_needed_only_where_the_api_exists() -> None:
    assert needed_permissions(None, True)["repository_advisories"] == "write"
    assert "repository_advisories" not in needed_permissions(None, False)
    assert needed_permissions(None, False)["pull_requests"] == "write"  # roster pull requests
