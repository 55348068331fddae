"""Domain errors become gRPC status codes with google.rpc error details."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2

from services.common import errors
from services.common.rpc_errors import (
    DOMAIN,
    rich_status,
    status_code_for,
    status_for,
    trailing_metadata,
)


def details(
    status: status_pb2.Status,
) -> tuple[error_details_pb2.ErrorInfo, list[error_details_pb2.BadRequest]]:
    infos, bad_requests = [], []
    for packed in status.details:
        if packed.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            packed.Unpack(info)
            infos.append(info)
        elif packed.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            packed.Unpack(bad)
            bad_requests.append(bad)
        else:
            raise AssertionError(f"unexpected detail {packed.type_url}")
    (info,) = infos
    return info, bad_requests


@pytest.mark.parametrize(
    ("error", "code", "reason"),
    [
        (
            errors.InvalidArgument.of("customer.full_name", "is required"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
        ),
        (errors.NotFound("customers/x not found"), grpc.StatusCode.NOT_FOUND, "NOT_FOUND"),
        (errors.AlreadyExists("dup"), grpc.StatusCode.ALREADY_EXISTS, "ALREADY_EXISTS"),
        (
            errors.FailedPrecondition("closed"),
            grpc.StatusCode.FAILED_PRECONDITION,
            "FAILED_PRECONDITION",
        ),
        (errors.StaleEtag("changed"), grpc.StatusCode.ABORTED, "STALE_ETAG"),
        (
            errors.PermissionDenied("not yours"),
            grpc.StatusCode.PERMISSION_DENIED,
            "PERMISSION_DENIED",
        ),
        (errors.Unavailable("broker down"), grpc.StatusCode.UNAVAILABLE, "UNAVAILABLE"),
        (errors.DomainError("something"), grpc.StatusCode.FAILED_PRECONDITION, "DOMAIN_ERROR"),
    ],
    ids=lambda x: type(x).__name__ if isinstance(x, Exception) else None,
)
def test_each_error_has_its_code(
    error: errors.DomainError, code: grpc.StatusCode, reason: str
) -> None:
    assert status_code_for(error) is code
    got, status = status_for(error)
    assert got is code
    assert status.code == getattr(code_pb2, code.name) == code.value[0]
    assert status.message == error.message
    info, _ = details(status)
    assert (info.reason, info.domain) == (reason, "callops")


def test_every_domain_error_class_is_mapped() -> None:
    mapped = {
        errors.InvalidArgument,
        errors.NotFound,
        errors.AlreadyExists,
        errors.FailedPrecondition,
        errors.StaleEtag,
        errors.PermissionDenied,
        errors.Unavailable,
    }
    assert set(errors.DomainError.__subclasses__()) == mapped


def test_subclasses_keep_their_parents_code() -> None:
    class CustomerGone(errors.NotFound):
        default_reason = "CUSTOMER_GONE"

    code, status = status_for(CustomerGone("customers/x was merged"))
    assert code is grpc.StatusCode.NOT_FOUND
    assert details(status)[0].reason == "CUSTOMER_GONE"


def test_error_info_carries_reason_and_metadata() -> None:
    error = errors.AlreadyExists(
        "matches customers/abc",
        reason="DUPLICATE_CUSTOMER",
        metadata={
            "existing_customer": "customers/abc",
            "owner": "users/zhang.san",
            "matched_on": "credit_code",
        },
    )
    code, status = status_for(error)
    info, bad = details(status)
    assert code is grpc.StatusCode.ALREADY_EXISTS
    assert info.reason == "DUPLICATE_CUSTOMER" and info.domain == DOMAIN == "callops"
    assert dict(info.metadata) == {
        "existing_customer": "customers/abc",
        "owner": "users/zhang.san",
        "matched_on": "credit_code",
    }
    assert bad == []  # only field errors carry a BadRequest


def test_invalid_argument_lists_every_violation() -> None:
    v = errors.Violations()
    v.add("customer.full_name", "is required")
    v.add("contacts[0].phone_numbers[1]", "phone number '12345' is too short")
    v.add("customer.credit_code", "check character mismatch: got '8', expected '3'")
    with pytest.raises(errors.InvalidArgument) as exc:
        v.raise_if_any()
    code, status = status_for(exc.value)
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    info, (bad,) = details(status)
    assert info.reason == "INVALID_ARGUMENT"
    assert [(f.field, f.description) for f in bad.field_violations] == [
        ("customer.full_name", "is required"),
        ("contacts[0].phone_numbers[1]", "phone number '12345' is too short"),
        ("customer.credit_code", "check character mismatch: got '8', expected '3'"),
    ]
    assert status.message == (
        "customer.full_name: is required; contacts[0].phone_numbers[1]: phone number '12345' "
        "is too short; customer.credit_code: check character mismatch: got '8', expected '3'"
    )


def test_invalid_argument_with_a_reason() -> None:
    error = errors.InvalidArgument.of("page_token", "expired", reason="PAGE_TOKEN")
    _, status = status_for(error)
    info, (bad,) = details(status)
    assert info.reason == "PAGE_TOKEN"
    assert bad.field_violations[0].field == "page_token"


def test_no_violations_means_no_error() -> None:
    errors.Violations().raise_if_any()


def test_trailing_metadata_round_trips() -> None:
    status = rich_status(
        grpc.StatusCode.NOT_FOUND, "customers/x not found", "NOT_FOUND", {"resource": "customers/x"}
    )
    ((key, value),) = trailing_metadata(status)
    assert key == "grpc-status-details-bin"
    parsed = status_pb2.Status.FromString(value)
    assert parsed == status
    assert dict(details(parsed)[0].metadata) == {"resource": "customers/x"}
