"""reminders: the outbox (reminder), the in-app inbox (notification), channel choices, the scheduler's lease,
and person.email

Revision ID: reminders_20261203
Revises: 2026_11_29_registry
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


revision = 'reminders_20261203'
down_revision = '2026_11_29_registry'
branch_labels = None
depends_on = None


def upgrade():
    utc = community.database.UTCDateTime(timezone=True)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('occasion', sa.String(length=40), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('due_at', utc, nullable=False),
    sa.Column('expires_at', utc, nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('next_try_at', utc, nullable=True),
    sa.Column('sent_at', utc, nullable=True),
    sa.Column('created_at', utc, nullable=False),
    sa.Column('updated_at', utc, nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['person.id'], name=op.f('fk_reminder_recipient_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('key', name=op.f('uq_reminder_key'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_state_due', ['state', 'due_at'], unique=False)
        batch_op.create_index('ix_reminder_subject_state', ['subject', 'state'], unique=False)
        batch_op.create_index('ix_reminder_recipient_created', ['recipient_id', 'created_at'], unique=False)
        batch_op.create_index('ix_reminder_kind_channel_state', ['kind', 'channel', 'state'], unique=False)
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('created_at', utc, nullable=False),
    sa.Column('read_at', utc, nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_notification_person_id_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], name=op.f('fk_notification_reminder_id_reminder'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('reminder_id', name=op.f('uq_notification_reminder_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_person_read', ['person_id', 'read_at'], unique=False)
        batch_op.create_index('ix_notification_person_created', ['person_id', 'created_at'], unique=False)
    op.create_table('reminder_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_reminder_preference_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_preference')),
    sa.UniqueConstraint('person_id', 'kind', 'channel', name=op.f('uq_reminder_preference_person_id_kind_channel'))
    )
    op.create_table('scheduler_lease',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('expires_at', utc, nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_lease'))
    )


def downgrade():
    op.drop_table('scheduler_lease')
    op.drop_table('reminder_preference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_person_created')
        batch_op.drop_index('ix_notification_person_read')
    op.drop_table('notification')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_kind_channel_state')
        batch_op.drop_index('ix_reminder_recipient_created')
        batch_op.drop_index('ix_reminder_subject_state')
        batch_op.drop_index('ix_reminder_state_due')
    op.drop_table('reminder')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('email')
