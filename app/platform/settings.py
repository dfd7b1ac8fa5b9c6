"""Process settings from the environment (and a .env file), read once, typed and frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.platform.errors import SettingsError

DEFAULT_DATABASE_URL = "sqlite:///data/warden.sqlite3"


class Secret:
    """A string that never shows itself in ``repr``, ``str`` or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything the process needs to know, from SPEC section 4's environment table."""

    app_id: str | None = None
    private_key: Secret | None = None
    webhook_secret: Secret | None = None
    webhook_secret_fallback: Secret | None = None
    api_url: str = "https://api.github.com"
    web_url: str = "https://github.com"
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 3000
    log_level: str = "info"
    log_format: str = "text"
    tick_seconds: float = 60.0
    workers: int = 4
    max_attempts: int = 5
    cve_api_url: str = "https://cveawg.mitre.org/api"
    cve_api_org: str | None = None
    cve_api_user: str | None = None
    cve_api_key: Secret | None = None
    public_url: str | None = None
    #: When set, the ``/setup`` form asks for it (a form field, never in an address): only
    #: who knows it can register the app while Warden is in setup mode.
    setup_key: Secret | None = None
    #: Where the manifest flow writes the app's credentials (the .env file settings read).
    env_file: str = ".env"
    extra: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def setup_mode(self) -> bool:
        """No app id: only /setup and the health routes are served."""
        return self.app_id is None

    def listen_url(self) -> str:
        """Where the server can be reached: ``PUBLIC_URL``, else the listen address."""
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    def webhook_secrets(self) -> list[str]:
        """The secrets a signature may be made with, current first."""
        secrets = [self.webhook_secret, self.webhook_secret_fallback]
        return [s.reveal() for s in secrets if s is not None and s.reveal()]


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a .env file: KEY=VALUE lines, optional quotes, # comments."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Read settings once; the process environment wins over the .env file."""
    env: dict[str, str] = read_dotenv(dotenv) if dotenv is not None else {}
    env.update(os.environ if environ is None else environ)
    settings = Settings(
        app_id=_opt(env, "GITHUB_APP_ID"),
        private_key=_private_key(env),
        webhook_secret=_secret(env, "GITHUB_WEBHOOK_SECRET"),
        webhook_secret_fallback=_secret(env, "GITHUB_WEBHOOK_SECRET_FALLBACK"),
        api_url=env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        web_url=env.get("GITHUB_URL", "https://github.com").rstrip("/"),
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        host=env.get("HOST", "127.0.0.1"),
        port=_int(env, "PORT", 3000),
        log_level=env.get("LOG_LEVEL", "info").lower(),
        log_format=_choice(env, "LOG_FORMAT", "text", ("text", "json")),
        tick_seconds=_float(env, "WARDEN_TICK_SECONDS", 60.0),
        workers=_int(env, "WARDEN_WORKERS", 4),
        max_attempts=_int(env, "WARDEN_MAX_ATTEMPTS", 5),
        cve_api_url=env.get("CVE_API_URL", "https://cveawg.mitre.org/api").rstrip("/"),
        cve_api_org=_opt(env, "CVE_API_ORG"),
        cve_api_user=_opt(env, "CVE_API_USER"),
        cve_api_key=_secret(env, "CVE_API_KEY"),
        public_url=(_opt(env, "PUBLIC_URL") or "").rstrip("/") or None,
        setup_key=_secret(env, "WARDEN_SETUP_KEY"),
        env_file=str(dotenv) if dotenv is not None else ".env",
    )
    _check_consistency(settings)
    return settings


def _check_consistency(settings: Settings) -> None:
    if settings.app_id is not None and settings.private_key is None:
        raise SettingsError(
            "GITHUB_APP_ID is set but no private key: set GITHUB_PRIVATE_KEY or "
            "GITHUB_PRIVATE_KEY_FILE."
        )
    if settings.log_level not in ("debug", "info", "warning", "error"):
        raise SettingsError("LOG_LEVEL must be one of debug, info, warning, error.")


def _opt(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = _opt(env, name)
    return Secret(value) if value else None


def _private_key(env: Mapping[str, str]) -> Secret | None:
    text = _opt(env, "GITHUB_PRIVATE_KEY")
    path = _opt(env, "GITHUB_PRIVATE_KEY_FILE")
    if text is None and path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingsError(
                f"GITHUB_PRIVATE_KEY_FILE={path} cannot be read ({exc.strerror}); "
                "point it at the app's .pem file."
            ) from None
    if text is None:
        return None
    text = text.replace("\\n", "\n")
    if "PRIVATE KEY" not in text:
        raise SettingsError("The GitHub private key is not a PEM key; paste the app's .pem file.")
    return Secret(text)


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a whole number.") from None
    if number <= 0:
        raise SettingsError(f"{name} must be positive, got {number}.")
    return number


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a number of seconds.") from None
    if number <= 0:
        raise SettingsError(f"{name} must be positive, got {number}.")
    return number


def _choice(env: Mapping[str, str], name: str, default: str, options: tuple[str, ...]) -> str:
    value = env.get(name, default).lower()
    if value not in options:
        raise SettingsError(f"{name} must be one of {', '.join(options)}, got {value!r}.")
    return value
