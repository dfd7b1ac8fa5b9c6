"""App JWTs and installation tokens, checked the way GitHub checks them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import jwt

from sandbox.core import Core
from sandbox.errors import Unauthorized
from sandbox.state import Installation, Token

TOKEN_LIFETIME = 3600.0
MAX_JWT_LIFETIME = 600.0
CLOCK_SKEW = 60.0


@dataclass(frozen=True)
class Caller:
    """Who made a request: the app itself (JWT) or one of its installations (token)."""

    installation_id: int | None

    @property
    def is_app(self) -> bool:
        """True for JWT-authenticated requests."""
        return self.installation_id is None


def credential(header: str | None) -> str | None:
    """The credential of ``Authorization: Bearer X`` or ``token X``."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "token") and value.strip() else None


def verify_jwt(core: Core, token: str) -> Caller:
    """Check an app JWT: RS256 signature, ``iss``, and ``iat``/``exp`` against the clock."""
    try:
        claims = jwt.decode(
            token,
            core.app.public_key_pem,
            algorithms=["RS256"],
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_iss": False,
            },
        )
    except jwt.PyJWTError:
        raise Unauthorized("A JSON web token could not be decoded") from None
    now = core.clock.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp <= now:
        raise Unauthorized(
            "'Expiration time' claim ('exp') must be a numeric value "
            "representing the future time at which the assertion expires."
        )
    if exp > now + MAX_JWT_LIFETIME + 1:
        raise Unauthorized("'Expiration time' claim ('exp') is too far in the future")
    if not isinstance(iat, int | float) or iat > now + CLOCK_SKEW:
        raise Unauthorized(
            "'Issued at' claim ('iat') must be an Integer representing the "
            "time that the assertion was issued."
        )
    if str(claims.get("iss")) != str(core.app.id):
        raise Unauthorized("'Issuer' claim ('iss') must be an Integer or a String")
    return Caller(None)


def verify_token(core: Core, token: str) -> Caller:
    """An installation token that exists and has not expired, else 401 Bad credentials."""
    found = core.world.tokens.get(token)
    if found is None or found.expires_at <= core.clock.time():
        raise Unauthorized()
    if found.installation_id not in core.world.installations:
        raise Unauthorized()
    return Caller(found.installation_id)


def issue_token(core: Core, installation: Installation) -> Token:
    """A new installation token valid for one hour."""
    value = "ghs_" + secrets.token_urlsafe(27)[:36]
    token = Token(value, installation.id, core.clock.time() + TOKEN_LIFETIME)
    core.world.tokens[value] = token
    return token


def authenticate(core: Core, header: str | None, wants_jwt: bool) -> Caller:
    """The caller of a request; JWT for ``/app`` endpoints, an installation token otherwise."""
    token = credential(header)
    if token is None:
        raise Unauthorized("Requires authentication")
    if wants_jwt:
        return verify_jwt(core, token)
    if token.count(".") == 2 and not token.startswith("ghs_"):
        verify_jwt(core, token)
        raise Unauthorized(
            "A JSON web token cannot be used to access this endpoint; "
            "use an installation access token"
        )
    return verify_token(core, token)
