"""declines.company_key becomes text: casefolding lengthens some names (ß -> ss, ﬃ -> ffi), so
a company the schema accepts at its 200-character limit can fold to up to three times as long.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("declines") as batch:
        batch.alter_column(
            "company_key", existing_type=sa.String(length=200), type_=sa.Text(), nullable=False
        )


def downgrade() -> None:
    # Keys longer than the old column are cut to fit it; only the exact filter reads them.
    with op.batch_alter_table("declines") as batch:
        batch.alter_column(
            "company_key",
            existing_type=sa.Text(),
            type_=sa.String(length=200),
            nullable=False,
            postgresql_using="left(company_key, 200)",
        )
