"""declines.document is compressed with lz4 on PostgreSQL (when the server has it), not pglz.

Every stored document (~9 kB of JSON) is compressed as it is written. With pglz that took about
0.33 ms of the server's CPU per insert, against 0.15 ms with lz4 (measured on PostgreSQL 15,
inserts of real documents one at a time): on a busy machine the database's CPU is the write
path's too. Rows written before keep their pglz data, which PostgreSQL still reads; only new
values use lz4. SQLite does not compress, so this does nothing there.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has_lz4() -> bool:
    """Whether the server can compress with lz4: PostgreSQL 14 or later, built with it (the
    setting does not exist before 14, and lists only pglz without lz4)."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    methods = bind.execute(
        text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar_one_or_none()
    return methods is not None and "lz4" in methods


def upgrade() -> None:
    if _has_lz4():
        op.execute("ALTER TABLE declines ALTER COLUMN document SET COMPRESSION lz4")


def downgrade() -> None:
    if _has_lz4():
        op.execute("ALTER TABLE declines ALTER COLUMN document SET COMPRESSION default")
