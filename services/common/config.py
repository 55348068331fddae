"""Typed settings read from CALLOPS_* environment variables; a bad value stops the process."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from services.common.rights import DEFAULT_ROLE_RIGHTS

S = TypeVar("S", bound="ServiceSettings")

# Who listens to what: the customer service follows contracts (grades, credit ratings), the
# search indexer follows contracts and customers (party names), the alert workers follow
# everything, and the call center pushes alerts addressed to agents onto their streams.
EVENT_ROUTES = {
    "contract.*": ["customer", "search", "alerts"],
    "customer.*": ["alerts", "search"],
    "callcenter.*": ["alerts"],
    "alerts.*": ["callcenter"],
}


class ServiceSettings(BaseSettings):
    """Settings every service shares. Each service subclasses it with its own fields."""

    model_config = SettingsConfigDict(env_prefix="CALLOPS_", extra="ignore", frozen=True)

    service_name: str = "callops"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(50051, ge=0, le=65535)
    # Server processes sharing the port (SO_REUSEPORT): one per core uses the machine.
    grpc_workers: int = Field(1, ge=1, le=64)
    shutdown_grace_seconds: float = Field(5.0, ge=0)
    database_url: str = ""
    data_dir: Path = Path("var")

    jwt_secret: SecretStr | None = None
    jwt_public_key_file: Path | None = None
    jwt_algorithm: Literal["HS256", "HS384", "HS512", "RS256", "RS384", "RS512"] = "HS256"
    jwt_issuer: str = "callops"
    jwt_audience: str = "callops"
    # Role -> rights, as JSON in CALLOPS_ROLE_RIGHTS; defaults in services.common.rights.
    role_rights: dict[str, frozenset[str]] = Field(
        default_factory=lambda: dict(DEFAULT_ROLE_RIGHTS)
    )

    broker_url: str = "redis://127.0.0.1:6379/0"
    # Topic pattern -> Celery queues that receive events matching it (fnmatch style). A queue
    # is a Redis list: events wait there for their consumer even before it first starts.
    event_routes: dict[str, list[str]] = Field(default_factory=lambda: dict(EVENT_ROUTES))
    outbox_poll_seconds: float = Field(2.0, gt=0)

    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    metrics_port: int = Field(0, ge=0, le=65535)  # 0: no Prometheus endpoint

    @model_validator(mode="after")
    def _key_material(self) -> ServiceSettings:
        if self.jwt_algorithm.startswith("HS") and self.jwt_secret is None:
            raise ValueError(
                "CALLOPS_JWT_SECRET is required for HS* tokens "
                "(or set CALLOPS_JWT_ALGORITHM=RS256 and CALLOPS_JWT_PUBLIC_KEY_FILE)"
            )
        if self.jwt_algorithm.startswith("RS") and self.jwt_public_key_file is None:
            raise ValueError("CALLOPS_JWT_PUBLIC_KEY_FILE is required for RS* tokens")
        if self.jwt_algorithm.startswith("HS") and self.jwt_public_key_file is not None:
            raise ValueError("CALLOPS_JWT_PUBLIC_KEY_FILE goes with RS* tokens, not HS*")
        if self.jwt_secret is not None and len(self.jwt_secret.get_secret_value()) < 32:
            raise ValueError("CALLOPS_JWT_SECRET must be at least 32 characters")
        return self

    def database_url_or_default(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / (self.service_name + '.db')}"


def load_settings(cls: type[S], **overrides: Any) -> S:
    """Reads settings, or exits with one line per bad variable: fail fast, say what to fix."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            var = f"CALLOPS_{where.upper()}" if where else "settings"
            lines.append(f"  {var}: {err['msg']}")
        sys.stderr.write("callops: invalid configuration\n" + "\n".join(lines) + "\n")
        raise SystemExit(2) from None
    except SettingsError as exc:  # not even parseable, e.g. CALLOPS_ROLE_RIGHTS='{'
        sys.stderr.write(f"callops: invalid configuration\n  {exc}: {exc.__cause__}\n")
        raise SystemExit(2) from None
