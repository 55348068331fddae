"""The alert workers' settings: the common ones, every rule's thresholds, the contract
service they read from, and the delivery channels."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator

from services.alerts.domain.rules import AlertRules
from services.common.config import ServiceSettings


class AlertSettings(ServiceSettings):
    service_name: str = "alerts"
    grpc_port: int = Field(50055, ge=0, le=65535)
    # Where ContractService answers GetContract for the projection.
    contract_address: str = "127.0.0.1:50052"
    # Set: contracts are read from JSON files in this directory instead (demos, tests).
    contract_files_dir: Path | None = None
    # Seconds before a message a killed worker took is handed out again, and between the
    # sweeps that do it. Above the longest task's run time: a task still running would
    # otherwise run twice (harmless, the tasks are idempotent, but wasted).
    broker_visibility_timeout: float = Field(3600.0, gt=0)
    broker_restore_interval: float = Field(10.0, gt=0)

    # Rule thresholds (CALLOPS_EXPIRY_DAYS='[30,15,7,1]' and so on).
    expiry_days: tuple[int, ...] = (30, 15, 7, 1)
    payment_due_days: tuple[int, ...] = (7, 3, 1)
    overdue_escalation_days: int = Field(30, ge=1)
    approval_wait_working_days: int = Field(2, ge=1)
    approval_escalation_working_days: int = Field(4, ge=1)
    milestone_due_days: tuple[int, ...] = (7, 1)
    scan_interval_seconds: float = Field(300.0, gt=0)

    # Deliveries: attempts per channel before giving up, and the backoff between them.
    delivery_max_attempts: int = Field(6, ge=1)
    delivery_backoff_seconds: float = Field(30.0, gt=0)
    delivery_backoff_max_seconds: float = Field(3600.0, gt=0)
    deliver_interval_seconds: float = Field(30.0, gt=0)

    # Webhook channel (IM robots): on unless switched off; the flavour is guessed from the
    # URL's host when empty.
    webhook_enabled: bool = True
    webhook_flavour: str = ""
    webhook_secret: SecretStr | None = None
    # E-mail channel: on when an SMTP host is set.
    smtp_host: str = ""
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_sender: str = ""
    smtp_security: str = "none"
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    # Links in messages point here (e.g. the web console); empty: no links.
    link_base: str = ""

    @model_validator(mode="after")
    def _rules_consistent(self) -> AlertSettings:
        self.rules()  # a bad threshold stops the process at start, naming the setting
        return self

    def rules(self) -> AlertRules:
        return AlertRules(
            expiry_days=tuple(self.expiry_days),
            payment_due_days=tuple(self.payment_due_days),
            overdue_escalation_days=self.overdue_escalation_days,
            approval_wait_working_days=self.approval_wait_working_days,
            approval_escalation_working_days=self.approval_escalation_working_days,
            milestone_due_days=tuple(self.milestone_due_days),
            timezone=self.timezone,
        )
