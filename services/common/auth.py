"""Bearer-token authentication: who is calling, with which roles and rights."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

import jwt

from services.common.config import ServiceSettings
from services.common.rights import CONTRACT_AMOUNT, PII

# The same shape the domain accepts in `users/{id}` references.
USER_ID = re.compile(r"[A-Za-z0-9_.@-]{1,64}")


class AuthenticationFailed(Exception):
    """The token is missing, malformed, expired or not ours."""


@dataclass(frozen=True)
class Principal:
    """The caller of an RPC, from the verified token's claims."""

    user_id: str
    roles: frozenset[str]
    department: str = ""
    rights: frozenset[str] = field(default_factory=frozenset)

    @property
    def user_name(self) -> str:
        return f"users/{self.user_id}"

    def can(self, right: str) -> bool:
        return right in self.rights

    @property
    def sees_pii(self) -> bool:
        return PII in self.rights

    @property
    def sees_amounts(self) -> bool:
        return CONTRACT_AMOUNT in self.rights


# Set by the auth interceptor for the duration of one RPC.
current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)


class TokenVerifier:
    """Checks JWTs (HS256 with a shared secret, or RS256 with a public key)."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._algorithm = settings.jwt_algorithm
        if settings.jwt_public_key_file is not None:
            self._key: str = settings.jwt_public_key_file.read_text()
        else:
            assert settings.jwt_secret is not None  # enforced by the settings validator
            self._key = settings.jwt_secret.get_secret_value()
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._role_rights = settings.role_rights
        self._verified: dict[str, tuple[Principal, float]] = {}

    def verify(self, token: str) -> Principal:
        """Checks a token; a client reuses its token for many calls, so a verified one is
        remembered until it expires (HMAC and JSON decoding cost more than a lookup)."""
        known = self._verified.get(token)
        if known is not None and known[1] > time.time():
            return known[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= 10_000:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["sub", "exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthenticationFailed(f"invalid token: {exc}") from None
        if not USER_ID.fullmatch(str(claims["sub"])):
            raise AuthenticationFailed("invalid token: sub must be a user id like zhang.san")
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise AuthenticationFailed("invalid token: roles must be a list of strings")
        principal = principal_for(
            str(claims["sub"]), roles, str(claims.get("department", "")), self._role_rights
        )
        return principal, float(claims["exp"])


def principal_for(
    user_id: str,
    roles: list[str] | frozenset[str],
    department: str,
    role_rights: Mapping[str, frozenset[str]],
) -> Principal:
    rights: frozenset[str] = frozenset().union(*(role_rights.get(r, frozenset()) for r in roles))
    return Principal(user_id, frozenset(roles), department, rights)


def issue_token(
    settings: ServiceSettings,
    user_id: str,
    roles: list[str],
    department: str = "",
    ttl_seconds: int = 8 * 3600,
    private_key: str | None = None,
) -> str:
    """A token for local use and tests; production tokens come from the company's IdP."""
    now = int(time.time())
    claims = {
        "sub": user_id,
        "roles": roles,
        "department": department,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if private_key is not None:
        key = private_key
    else:
        assert settings.jwt_secret is not None
        key = settings.jwt_secret.get_secret_value()
    return jwt.encode(claims, key, algorithm=settings.jwt_algorithm)


class ServiceToken:
    """The bearer metadata a service sends when it calls another service as itself (role
    `service`), renewed a minute before it expires; safe to share between threads."""

    def __init__(self, settings: ServiceSettings, user_id: str, ttl_seconds: int = 3600) -> None:
        self._settings = settings
        self._user_id = user_id
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._metadata: tuple[tuple[str, str]] = (("authorization", ""),)
        self._expires = 0.0

    def metadata(self) -> tuple[tuple[str, str]]:
        with self._lock:
            if time.time() > self._expires - 60:
                token = issue_token(
                    self._settings, self._user_id, ["service"], ttl_seconds=self._ttl
                )
                self._metadata = (("authorization", f"Bearer {token}"),)
                self._expires = time.time() + self._ttl
            return self._metadata
