"""callback_tasks.callback_call_id (the call that called the number back) and one open task
per number

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:40:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = ("PENDING", "RESERVED", "ASSIGNED")
OPEN_WHERE = "state IN ('PENDING', 'RESERVED', 'ASSIGNED')"

tasks = sa.table(
    "callback_tasks",
    sa.column("id", sa.String),
    sa.column("phone_number", sa.String),
    sa.column("state", sa.String),
    sa.column("agent_id", sa.String),
    sa.column("first_missed_at", sa.DateTime),
    sa.column("call_ids", sa.JSON),
    sa.column("missed_count", sa.Integer),
    sa.column("reservation_expires_at", sa.DateTime),
    sa.column("close_reason", sa.String),
    sa.column("version", sa.Integer),
)
agents = sa.table(
    "agents",
    sa.column("id", sa.String),
    sa.column("state", sa.String),
    sa.column("version", sa.Integer),
)


def _merge_duplicate_open_tasks() -> None:
    """Open tasks made twice for one number before the index existed: the calls of the
    others join the one an agent holds (else the oldest), and the others are canceled."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(tasks)
        .where(tasks.c.state.in_(OPEN))
        .order_by(tasks.c.phone_number, tasks.c.first_missed_at, tasks.c.id)
    ).mappings()
    by_number: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_number.setdefault(str(row["phone_number"]), []).append(dict(row))
    held_first = {"ASSIGNED": 0, "RESERVED": 1, "PENDING": 2}
    for group in by_number.values():
        if len(group) < 2:
            continue
        kept, *others = sorted(group, key=lambda r: held_first[str(r["state"])])
        calls = list(kept["call_ids"] or [])
        for other in others:
            calls += [c for c in other["call_ids"] or [] if c not in calls]
            conn.execute(
                tasks.update()
                .where(tasks.c.id == other["id"])
                .values(
                    state="CANCELED",
                    close_reason=f"merged into callbacks/{kept['id']}",
                    reservation_expires_at=None,
                    version=tasks.c.version + 1,
                )
            )
            if other["state"] == "RESERVED" and other["agent_id"]:
                conn.execute(
                    agents.update()
                    .where(agents.c.id == other["agent_id"], agents.c.state == "RESERVED")
                    .values(state="IDLE", version=agents.c.version + 1)
                )
        conn.execute(
            tasks.update()
            .where(tasks.c.id == kept["id"])
            .values(call_ids=calls, missed_count=len(calls), version=tasks.c.version + 1)
        )


def upgrade() -> None:
    with op.batch_alter_table("callback_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_call_id", sa.String(length=32), nullable=True))
    _merge_duplicate_open_tasks()
    with op.batch_alter_table("callback_tasks", schema=None) as batch_op:
        batch_op.create_index(
            "uq_callback_tasks_one_open_per_number",
            ["phone_number"],
            unique=True,
            sqlite_where=sa.text(OPEN_WHERE),
            postgresql_where=sa.text(OPEN_WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table("callback_tasks", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_callback_tasks_one_open_per_number",
            sqlite_where=sa.text(OPEN_WHERE),
            postgresql_where=sa.text(OPEN_WHERE),
        )
        batch_op.drop_column("callback_call_id")
