"""Offer closeouts, admin keys, and the index stats count with.

Every decline may now belong to a closeout (`closeout_id`, indexed for the log's filter and
for erasing a closeout at once); admin keys manage tenants and their keys over the API; and
(tenant_id, created_at, reason, stage) lets stats count over a time range from the index alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATS_INDEX = "ix_declines_tenant_id_created_at_reason_stage"


def upgrade() -> None:
    op.create_table(
        "closeouts",
        sa.Column("id", sa.String(length=30), nullable=False),
        sa.Column("tenant_id", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_closeouts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closeouts")),
    )
    op.create_index(op.f("ix_closeouts_tenant_id"), "closeouts", ["tenant_id"])
    op.create_table(
        "admin_keys",
        sa.Column("id", sa.String(length=30), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_keys")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_admin_keys_secret_sha256")),
    )
    with op.batch_alter_table("declines") as batch:
        batch.add_column(sa.Column("closeout_id", sa.String(length=30), nullable=True))
        batch.create_index(op.f("ix_declines_closeout_id"), ["closeout_id"])
        batch.create_index(STATS_INDEX, ["tenant_id", "created_at", "reason", "stage"])


def downgrade() -> None:
    with op.batch_alter_table("declines") as batch:
        batch.drop_index(STATS_INDEX)
        batch.drop_index(op.f("ix_declines_closeout_id"))
        batch.drop_column("closeout_id")
    op.drop_table("admin_keys")
    op.drop_index(op.f("ix_closeouts_tenant_id"), table_name="closeouts")
    op.drop_table("closeouts")
