"""Follow-ups as things to do, webhook endpoints, the events outbox and its deliveries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.String(length=30), nullable=False),
    sa.Column('tenant_id', sa.String(length=30), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decline_id', sa.String(length=30), nullable=True),
    sa.Column('data', sa.Text(), nullable=True),
    sa.Column('dedup_key', sa.String(length=60), nullable=True),
    sa.Column('fanned_out', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_events_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_events_dedup_key'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_decline_id'), ['decline_id'], unique=False)
        batch_op.create_index('ix_events_fan_out_queue', ['id'], unique=False, postgresql_where=sa.text('NOT fanned_out'), sqlite_where=sa.text('NOT fanned_out'))
        batch_op.create_index(batch_op.f('ix_events_tenant_id_id'), ['tenant_id', 'id'], unique=False)

    op.create_table('webhook_endpoints',
    sa.Column('id', sa.String(length=30), nullable=False),
    sa.Column('tenant_id', sa.String(length=30), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('events', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('disabled_reason', sa.String(length=200), nullable=True),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('previous_secret', sa.String(length=100), nullable=True),
    sa.Column('previous_secret_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_webhook_endpoints_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_tenant_id_id'), ['tenant_id', 'id'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('endpoint_id', sa.String(length=30), nullable=False),
    sa.Column('event_id', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_deliveries_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_deliveries_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_deliveries_pending', ['endpoint_id', 'next_attempt_at'], unique=False, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))

    op.create_table('delivery_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('endpoint_id', sa.String(length=30), nullable=False),
    sa.Column('event_id', sa.String(length=30), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_delivery_attempts_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_delivery_attempts_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempts'))
    )
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_attempts_endpoint_id_id'), ['endpoint_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_attempts_event_id'), ['event_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.String(length=30), nullable=False),
    sa.Column('tenant_id', sa.String(length=30), nullable=False),
    sa.Column('decline_id', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('send_after_days', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('schedule', sa.Integer(), nullable=False),
    sa.Column('due_pending', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decline_id'], ['declines.id'], name=op.f('fk_follow_ups_decline_id_declines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_follow_ups_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_decline_id'), ['decline_id'], unique=False)
        batch_op.create_index('ix_follow_ups_due_queue', ['due_at'], unique=False, postgresql_where=sa.text('due_pending'), sqlite_where=sa.text('due_pending'))
        batch_op.create_index(batch_op.f('ix_follow_ups_tenant_id_due_at_id'), ['tenant_id', 'due_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_tenant_id_status_due_at_id'), ['tenant_id', 'status', 'due_at', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_tenant_id_status_due_at_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_tenant_id_due_at_id'))
        batch_op.drop_index('ix_follow_ups_due_queue', postgresql_where=sa.text('due_pending'), sqlite_where=sa.text('due_pending'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_decline_id'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_attempts_event_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_attempts_endpoint_id_id'))

    op.drop_table('delivery_attempts')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_pending', postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_deliveries_event_id'))

    op.drop_table('deliveries')
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_tenant_id_id'))

    op.drop_table('webhook_endpoints')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_tenant_id_id'))
        batch_op.drop_index('ix_events_fan_out_queue', postgresql_where=sa.text('NOT fanned_out'), sqlite_where=sa.text('NOT fanned_out'))
        batch_op.drop_index(batch_op.f('ix_events_decline_id'))

    op.drop_table('events')
