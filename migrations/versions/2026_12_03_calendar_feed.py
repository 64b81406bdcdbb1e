"""calendar feed: each person's private calendar link, kept as the digest of its token

Revision ID: calendar_feed_20261203
Revises: reminders_20261203
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


revision = 'calendar_feed_20261203'
# After the outbox's migration on this branch (the coordinator re-chains the day's migrations at the merge).
down_revision = 'reminders_20261203'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feed',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_calendar_feed_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_calendar_feed_token_digest'))
    )


def downgrade():
    op.drop_table('calendar_feed')
