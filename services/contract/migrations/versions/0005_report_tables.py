"""contract report read models: line items, payment schedule, payments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:00:00.000000
"""

import json
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEN = Decimal("0.01")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    items = op.create_table(
        "contract_line_items",
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("quantity", services.common.db.Amount(), nullable=False),
        sa.Column("amount", services.common.db.Amount(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "position", name=op.f("pk_contract_line_items")),
    )
    schedule = op.create_table(
        "contract_payment_schedule",
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("milestone_id", sa.String(length=32), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", services.common.db.Amount(), nullable=False),
        sa.PrimaryKeyConstraint(
            "contract_id", "milestone_id", name=op.f("pk_contract_payment_schedule")
        ),
    )
    payments = op.create_table(
        "contract_payments",
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("milestone_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amount", services.common.db.Amount(), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint(
            "contract_id", "milestone_id", "position", name=op.f("pk_contract_payments")
        ),
    )
    # Existing contracts: derive their rows once, as the repository does from now on.
    contracts = sa.table(
        "contracts",
        sa.column("id", sa.String()),
        sa.column("line_items", sa.JSON()),
        sa.column("payment_milestones", sa.JSON()),
    )
    conn = op.get_bind()
    item_rows, schedule_rows, payment_rows = [], [], []
    for row in conn.execute(sa.select(contracts)):
        for n, i in enumerate(_json(row.line_items)):
            quantity, price = Decimal(i["quantity"]), Decimal(i["unit_price"])
            item_rows.append(
                {
                    "contract_id": row.id,
                    "position": n,
                    "display_name": i["display_name"],
                    "model": i["model"],
                    "unit": i["unit"],
                    "quantity": quantity,
                    "amount": (quantity * price).quantize(FEN, ROUND_HALF_UP),
                }
            )
        for m in _json(row.payment_milestones):
            schedule_rows.append(
                {
                    "contract_id": row.id,
                    "milestone_id": m["id"],
                    "due_date": date.fromisoformat(m["due_date"]),
                    "amount": Decimal(m["amount"]),
                }
            )
            for n, p in enumerate(m["payments"]):
                payment_rows.append(
                    {
                        "contract_id": row.id,
                        "milestone_id": m["id"],
                        "position": n,
                        "amount": Decimal(p["amount"]),
                        "received_date": date.fromisoformat(p["received_date"]),
                    }
                )
    if item_rows:
        op.bulk_insert(items, item_rows)
    if schedule_rows:
        op.bulk_insert(schedule, schedule_rows)
    if payment_rows:
        op.bulk_insert(payments, payment_rows)


def downgrade() -> None:
    op.drop_table("contract_payments")
    op.drop_table("contract_payment_schedule")
    op.drop_table("contract_line_items")
