"""Settings are read once from the environment and .env, typed, and never show a secret."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.platform.errors import SettingsError
from app.platform.logs import configure_logging
from app.platform.settings import load_settings

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"


def test_defaults_match_the_spec_table(tmp_path: Path) -> None:
    s = load_settings({}, dotenv=tmp_path / ".env")
    assert s.setup_mode is True
    assert (s.api_url, s.web_url) == ("https://api.github.com", "https://github.com")
    assert s.database_url == "sqlite:///data/warden.sqlite3"
    assert (s.host, s.port, s.log_level, s.log_format, s.tick_seconds) == (
        "127.0.0.1",
        3000,
        "info",
        "text",
        60.0,
    )
    assert s.cve_api_url == "https://cveawg.mitre.org/api"
    assert (s.cve_api_org, s.cve_api_user, s.cve_api_key) == (None, None, None)


def test_secrets_never_appear_in_repr(tmp_path: Path) -> None:
    s = load_settings(
        {
            "GITHUB_APP_ID": "12",
            "GITHUB_PRIVATE_KEY": PEM,
            "GITHUB_WEBHOOK_SECRET": "hunter2",
            "GITHUB_WEBHOOK_SECRET_FALLBACK": "hunter1",
        },
        dotenv=tmp_path / ".env",
    )
    text = repr(s) + str(s.webhook_secret)
    assert "hunter2" not in text and "hunter1" not in text and "MIIB" not in text
    assert s.webhook_secrets() == ["hunter2", "hunter1"]


def test_the_cna_credentials_are_read_and_the_key_never_shows(tmp_path: Path) -> None:
    s = load_settings(
        {
            "CVE_API_URL": "https://cveawg-test.mitre.org/api/",
            "CVE_API_ORG": "PSF",
            "CVE_API_USER": "psrt-bot@python.org",
            "CVE_API_KEY": "cna-key-0123",
        },
        dotenv=tmp_path / ".env",
    )
    assert (s.cve_api_url, s.cve_api_org, s.cve_api_user) == (
        "https://cveawg-test.mitre.org/api",
        "PSF",
        "psrt-bot@python.org",
    )
    assert s.cve_api_key is not None and s.cve_api_key.reveal() == "cna-key-0123"
    assert "cna-key-0123" not in repr(s) + str(s.cve_api_key)


def test_private_key_with_literal_newlines_is_accepted(tmp_path: Path) -> None:
    s = load_settings(
        {"GITHUB_APP_ID": "1", "GITHUB_PRIVATE_KEY": PEM.replace("\n", "\\n")},
        dotenv=tmp_path / ".env",
    )
    assert s.private_key is not None and s.private_key.reveal() == PEM


def test_private_key_file_is_read(tmp_path: Path) -> None:
    key = tmp_path / "app.pem"
    key.write_text(PEM)
    s = load_settings(
        {"GITHUB_APP_ID": "1", "GITHUB_PRIVATE_KEY_FILE": str(key)}, dotenv=tmp_path / ".env"
    )
    assert s.private_key is not None and s.private_key.reveal() == PEM


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nPORT=4000\nexport HOST='0.0.0.0'\nLOG_FORMAT=json\n")
    s = load_settings({"PORT": "5000"}, dotenv=dotenv)
    assert (s.port, s.host, s.log_format) == (5000, "0.0.0.0", "json")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "http"}, "PORT='http' is not a whole number."),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be one of text, json, got 'xml'."),
        ({"WARDEN_TICK_SECONDS": "-1"}, "WARDEN_TICK_SECONDS must be positive, got -1.0."),
        ({"GITHUB_APP_ID": "1"}, "GITHUB_APP_ID is set but no private key"),
        ({"GITHUB_APP_ID": "1", "GITHUB_PRIVATE_KEY": "not a key"}, "is not a PEM key"),
        ({"GITHUB_APP_ID": "1", "GITHUB_PRIVATE_KEY_FILE": "/nonexistent.pem"}, "cannot be read"),
    ],
)
def test_bad_settings_say_which_variable_to_fix(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(env, dotenv=tmp_path / ".env")


def test_json_logs_carry_context_and_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    from app.platform.logs import log_context

    configure_logging("info", "json")
    with log_context(delivery="d-1", event="issues", installation=5):
        logging.getLogger("warden.test").info("processing")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert '"delivery": "d-1"' in line and '"event": "issues"' in line
    assert '"installation": 5' in line and '"message": "processing"' in line
