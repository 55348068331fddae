"""contract amendments and versions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_amendments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("approval", sa.JSON(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("result_version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_amendments")),
    )
    with op.batch_alter_table("contract_amendments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_amendments_contract_id"), ["contract_id"], unique=False
        )
    op.create_table(
        "contract_versions",
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("amendment_id", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "version", name=op.f("pk_contract_versions")),
    )


def downgrade() -> None:
    op.drop_table("contract_versions")
    with op.batch_alter_table("contract_amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_amendments_contract_id"))
    op.drop_table("contract_amendments")
