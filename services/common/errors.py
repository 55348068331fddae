"""Domain errors shared by every service; pure Python, mapped to gRPC status at the edge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    """One field at fault, named by its path in the request (`customer.credit_code`)."""

    field: str
    description: str


class DomainError(Exception):
    """Base of every error a use case raises on purpose.

    `reason` is an UPPER_SNAKE code for machines (google.rpc.ErrorInfo.reason);
    `metadata` carries facts a client may act on, such as the existing customer.
    """

    default_reason = "DOMAIN_ERROR"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata: dict[str, str] = dict(metadata or {})


class InvalidArgument(DomainError):
    """The request itself is wrong; `violations` name each field at fault."""

    default_reason = "INVALID_ARGUMENT"

    def __init__(
        self,
        violations: list[FieldViolation] | FieldViolation,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        self.violations = [violations] if isinstance(violations, FieldViolation) else violations
        message = "; ".join(f"{v.field}: {v.description}" for v in self.violations)
        super().__init__(message, reason=reason, metadata=metadata)

    @classmethod
    def of(cls, field: str, description: str, reason: str | None = None) -> InvalidArgument:
        return cls(FieldViolation(field, description), reason=reason)


class NotFound(DomainError):
    default_reason = "NOT_FOUND"


class AlreadyExists(DomainError):
    default_reason = "ALREADY_EXISTS"


class FailedPrecondition(DomainError):
    """A state change the current state does not allow."""

    default_reason = "FAILED_PRECONDITION"


class StaleEtag(DomainError):
    """The caller's etag is not the current one: somebody changed the resource."""

    default_reason = "STALE_ETAG"


class PermissionDenied(DomainError):
    default_reason = "PERMISSION_DENIED"


class Unavailable(DomainError):
    """A dependency (another service, a store) cannot answer now; retrying may help."""

    default_reason = "UNAVAILABLE"


@dataclass
class Violations:
    """Collects field violations so a request reports all its faults at once."""

    items: list[FieldViolation] = field(default_factory=list)

    def add(self, field_path: str, description: str) -> None:
        self.items.append(FieldViolation(field_path, description))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)
