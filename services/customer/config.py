"""The customer service's settings: the common ones plus the domain's thresholds."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from services.common.config import ServiceSettings
from services.customer.domain.rules import Thresholds


class CustomerSettings(ServiceSettings):
    service_name: str = "customer"
    grpc_port: int = Field(50051, ge=0, le=65535)
    strategic_amount: Decimal = Field(Decimal(500_000), gt=0)
    key_amount: Decimal = Field(Decimal(100_000), gt=0)
    rating_b_max_overdue_days: int = Field(30, ge=0)
    routine_response_working_days: int = Field(3, ge=1)
    unsatisfied_response_hours: int = Field(48, ge=1)

    def thresholds(self) -> Thresholds:
        return Thresholds(
            strategic_amount=self.strategic_amount,
            key_amount=self.key_amount,
            rating_b_max_overdue_days=self.rating_b_max_overdue_days,
            routine_response_working_days=self.routine_response_working_days,
            unsatisfied_response_hours=self.unsatisfied_response_hours,
        )
