"""The contract service's settings: the common ones plus approval and expiry rules."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from services.common.config import ServiceSettings
from services.contract.domain.approval import ApprovalRule, default_rules
from services.contract.domain.document import (
    DEFAULT_CONTENT_TYPES,
    DEFAULT_MAX_BYTES,
    DocumentPolicy,
)


class ContractSettings(ServiceSettings):
    service_name: str = "contract"
    grpc_port: int = Field(50052, ge=0, le=65535)
    customer_address: str = "127.0.0.1:50051"
    # From this total (CNY) the default chain adds the executive approval.
    executive_approval_amount: Decimal = Field(Decimal(500_000), gt=0)
    # Rules tried in order before the default ones, as JSON in CALLOPS_APPROVAL_RULES.
    approval_rules: list[ApprovalRule] = Field(default_factory=list)
    # An ACTIVE contract becomes EXPIRING this many days before its end date.
    expiry_warning_days: int = Field(30, ge=0)
    # Our company's name as a party (乙方) in rendered contracts.
    company_name: str = Field("本公司", min_length=1, max_length=200)
    # Where documents are stored (services.common.storage.object_store_from_url): "" for
    # files under data_dir/objects, file:///path, or s3://KEY:SECRET@host:port/bucket.
    object_store_url: str = ""
    # The largest document accepted, in bytes.
    document_max_bytes: int = Field(DEFAULT_MAX_BYTES, gt=0)
    # Uploads streaming at once; more wait their turn (each holds a thread while it lasts).
    document_upload_concurrency: int = Field(16, ge=1, le=256)
    # The media types a document may have, as JSON in CALLOPS_DOCUMENT_CONTENT_TYPES.
    document_content_types: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTENT_TYPES))

    def rules(self) -> tuple[ApprovalRule, ...]:
        return (*self.approval_rules, *default_rules(self.executive_approval_amount))

    def document_policy(self) -> DocumentPolicy:
        return DocumentPolicy(
            self.document_max_bytes,
            tuple(t.strip().lower() for t in self.document_content_types),
        )
