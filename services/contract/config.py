"""The contract service's settings: the common ones plus approval and expiry rules."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from services.common.config import ServiceSettings
from services.contract.domain.approval import ApprovalRule, default_rules


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

    def rules(self) -> tuple[ApprovalRule, ...]:
        return (*self.approval_rules, *default_rules(self.executive_approval_amount))
