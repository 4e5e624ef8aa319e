"""Create the declines table and the indexes behind every log filter.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "declines",
        sa.Column("id", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("company_key", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declines")),
    )
    # Each filter is an equality on its column followed by the id, so the index also serves
    # the newest-first order and the keyset cursor.
    op.create_index(op.f("ix_declines_company_key_id"), "declines", ["company_key", "id"])
    op.create_index(op.f("ix_declines_reason_id"), "declines", ["reason", "id"])
    op.create_index(op.f("ix_declines_stage_id"), "declines", ["stage", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_declines_stage_id"), table_name="declines")
    op.drop_index(op.f("ix_declines_reason_id"), table_name="declines")
    op.drop_index(op.f("ix_declines_company_key_id"), table_name="declines")
    op.drop_table("declines")
