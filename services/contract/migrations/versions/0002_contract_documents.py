"""contract documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_documents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("object_key", sa.String(length=1024), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_documents")),
    )
    with op.batch_alter_table("contract_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contract_documents_contract_id_created_at",
            ["contract_id", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("contract_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_documents_contract_id_created_at")
    op.drop_table("contract_documents")
