"""The index stats count months from: (tenant_id, the UTC month of created_at, created_at).

Counting by month from the (tenant_id, created_at, ...) index, SQLite sorted every counted row
into a temporary tree to group them, and PostgreSQL, knowing nothing of how many months there
are, guessed one per row and sorted them all on disk. From this index SQLite reads the months
in order, and PostgreSQL gathers statistics on its expression and hashes the dozen or so
months there are (or reads them from here). At 1,000,000 declines a count by month took
1.2-2.0 s on SQLite and 3.3-3.9 s on PostgreSQL before, 0.3-0.8 s and 0.85-1.1 s after (0.4-0.5 s
where PostgreSQL's planner reads the index) (docs/performance.md, "Stats at 1,000,000
declines").

The expressions are app.models.utc_month's, written out: an expression index serves only a
query that says exactly the same.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_declines_tenant_id_month_created_at"
MONTH = {
    "postgresql": "date_trunc('month', timezone('UTC', created_at))",
    "sqlite": "substr(created_at, 1, 7)",
}


def upgrade() -> None:
    month = MONTH[op.get_bind().dialect.name]
    op.create_index(INDEX, "declines", ["tenant_id", sa.text(month), "created_at"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="declines")
