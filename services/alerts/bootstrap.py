"""Composition root of the alert workers: database, outbox relay, contract source, channels,
rules, servicer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from services.alerts.adapters import orm
from services.alerts.adapters.channels import EmailChannel, WebhookChannel
from services.alerts.adapters.contract_client import ContractSource, GrpcContractSource
from services.alerts.adapters.contract_files import ContractFileSource
from services.alerts.config import AlertSettings
from services.alerts.domain.rules import AlertRules, RetryPolicy
from services.alerts.entrypoints.servicer import POLICY, SERVICE, AlertServicer, add_to_server
from services.alerts.service_layer.channels import Channel
from services.common.outbox import EventPublisher, OutboxRelay, RelayLoop
from services.common.pagination import PageTokens
from services.common.server import ServiceRegistration
from services.common.wiring import open_persistence

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class AlertApp:
    """Everything wired: what the server, the worker and the tests use."""

    settings: AlertSettings
    engine: Engine
    relay: OutboxRelay
    relay_loop: RelayLoop
    contracts: ContractSource
    channels: list[Channel]
    rules: AlertRules
    retry: RetryPolicy
    clock: Callable[[], datetime]

    def servicer(self) -> AlertServicer:
        return AlertServicer(self.engine, PageTokens.for_service(self.settings), self.clock)


def make_channels(settings: AlertSettings) -> list[Channel]:
    """The external channels the settings switch on (the stored alert is the in-app one)."""
    channels: list[Channel] = []
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if settings.webhook_enabled:
        channels.append(
            WebhookChannel(
                flavour=settings.webhook_flavour or None,
                secret=secret,
                timezone=settings.timezone,
                link_base=settings.link_base,
            )
        )
    if settings.smtp_host:
        channels.append(
            EmailChannel(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_sender,
                security=settings.smtp_security,
                username=settings.smtp_username,
                password=(
                    settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                ),
                timezone=settings.timezone,
                link_base=settings.link_base,
            )
        )
    return channels


def make_contract_source(settings: AlertSettings) -> ContractSource:
    if settings.contract_files_dir is not None:
        return ContractFileSource(settings.contract_files_dir)
    return GrpcContractSource(settings, settings.contract_address)


def bootstrap(
    settings: AlertSettings,
    *,
    publisher: EventPublisher | None = None,
    contracts: ContractSource | None = None,
    channels: list[Channel] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    check_migrated: bool = True,
) -> AlertApp:
    stored = open_persistence(settings, MIGRATIONS, orm.outbox, publisher, check_migrated)
    return AlertApp(
        settings=settings,
        engine=stored.engine,
        relay=stored.relay,
        relay_loop=stored.relay_loop,
        contracts=contracts if contracts is not None else make_contract_source(settings),
        channels=channels if channels is not None else make_channels(settings),
        rules=settings.rules(),
        retry=RetryPolicy(
            max_attempts=settings.delivery_max_attempts,
            base_seconds=settings.delivery_backoff_seconds,
            max_seconds=settings.delivery_backoff_max_seconds,
        ),
        clock=clock,
    )


def registration(settings: AlertSettings) -> ServiceRegistration:
    app = bootstrap(settings)
    servicer = app.servicer()
    return ServiceRegistration(
        service_names=[SERVICE],
        add_to_server=lambda server: add_to_server(servicer, server),
        policy=POLICY,
        background=[app.relay_loop.run],
    )
