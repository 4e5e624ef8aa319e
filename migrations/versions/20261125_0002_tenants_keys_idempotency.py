"""Tenants, API keys and idempotency keys; every decline now belongs to a tenant.

Declines stored before tenants existed move to the tenant named "default", so no data is lost.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_TENANT_ID = "ten_default"
OLD_INDEXES = {
    "ix_declines_company_key_id": ["company_key", "id"],
    "ix_declines_reason_id": ["reason", "id"],
    "ix_declines_stage_id": ["stage", "id"],
}
NEW_INDEXES = {
    "ix_declines_tenant_id_id": ["tenant_id", "id"],
    "ix_declines_tenant_id_stage_id": ["tenant_id", "stage", "id"],
    "ix_declines_tenant_id_reason_id": ["tenant_id", "reason", "id"],
    "ix_declines_tenant_id_company_key_id": ["tenant_id", "company_key", "id"],
}


def upgrade() -> None:
    tenants = op.create_table(
        "tenants",
        sa.Column("id", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name", name=op.f("uq_tenants_name")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=30), nullable=False),
        sa.Column("tenant_id", sa.String(length=30), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_api_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_api_keys_secret_sha256")),
    )
    op.create_index(op.f("ix_api_keys_tenant_id"), "api_keys", ["tenant_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_idempotency_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"]
    )

    op.bulk_insert(
        tenants, [{"id": DEFAULT_TENANT_ID, "name": "default", "created_at": datetime.now(UTC)}]
    )
    with op.batch_alter_table("declines") as batch:
        batch.add_column(sa.Column("tenant_id", sa.String(length=30), nullable=True))
    op.execute(sa.text(f"UPDATE declines SET tenant_id = '{DEFAULT_TENANT_ID}'"))
    with op.batch_alter_table("declines") as batch:
        batch.alter_column("tenant_id", existing_type=sa.String(length=30), nullable=False)
        batch.create_foreign_key(
            op.f("fk_declines_tenant_id_tenants"),
            "tenants",
            ["tenant_id"],
            ["id"],
            ondelete="CASCADE",
        )
        for name in OLD_INDEXES:
            batch.drop_index(name)
        for name, columns in NEW_INDEXES.items():
            batch.create_index(name, columns)


def downgrade() -> None:
    with op.batch_alter_table("declines") as batch:
        for name in NEW_INDEXES:
            batch.drop_index(name)
        for name, columns in OLD_INDEXES.items():
            batch.create_index(name, columns)
        batch.drop_constraint(op.f("fk_declines_tenant_id_tenants"), type_="foreignkey")
        batch.drop_column("tenant_id")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_api_keys_tenant_id"), table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("tenants")
