"""agent_notices (offers and alerts in each agent's sequence), call_recordings and the
waiting-calls index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:30:00.000000
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
        "agent_notices",
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "CALLBACK_RESERVED",
                "ALERT",
                name="noticekind",
                native_enum=False,
                length=20,
                create_constraint=False,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_id", "sequence"),
    )
    op.create_table(
        "call_recordings",
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("object_key", sa.String(length=1024), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("call_id"),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calls_waiting",
            ["offered_at"],
            unique=False,
            sqlite_where=sa.text("answered_at IS NULL AND ended_at IS NULL"),
            postgresql_where=sa.text("answered_at IS NULL AND ended_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_calls_waiting",
            sqlite_where=sa.text("answered_at IS NULL AND ended_at IS NULL"),
            postgresql_where=sa.text("answered_at IS NULL AND ended_at IS NULL"),
        )
    op.drop_table("call_recordings")
    op.drop_table("agent_notices")
