"""discussions: requests and proposals, supports (one per resident per item), their history and photos

Revision ID: discussions_20261204
Revises: branch_flags_20261203
Create Date: 2026-12-04 01:09:23.593020

"""
from alembic import op
import sqlalchemy as sa

import community.database


# revision identifiers, used by Alembic.
revision = 'discussions_20261204'
down_revision = 'branch_flags_20261203'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('discussion_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), server_default='request', nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=False),
    sa.Column('is_public', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='submitted', nullable=False),
    sa.Column('support_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('queued_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('responsible', sa.String(length=100), server_default='', nullable=False),
    sa.Column('responsible_person_id', sa.Integer(), nullable=True),
    sa.Column('deadline_on', sa.Date(), nullable=True),
    sa.Column('decided_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.String(length=20), nullable=True),
    sa.Column('rated_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('has_reopened', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=200), server_default='', nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IN ('wages', 'schooling', 'housing', 'health', 'safety', 'neighbours', 'environment', 'jobs', 'other')", name=op.f('ck_discussion_request_category_known')),
    sa.CheckConstraint("kind IN ('request', 'proposal')", name=op.f('ck_discussion_request_kind_known')),
    sa.CheckConstraint("rating IS NULL OR rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')", name=op.f('ck_discussion_request_rating_known')),
    sa.CheckConstraint("status IN ('submitted', 'accepted', 'declined', 'on_agenda', 'decided', 'in_progress', 'done')", name=op.f('ck_discussion_request_status_known')),
    sa.CheckConstraint('support_count >= 0', name=op.f('ck_discussion_request_support_count_not_negative')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_discussion_request_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['person.id'], name=op.f('fk_discussion_request_hidden_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responsible_person_id'], ['person.id'], name=op.f('fk_discussion_request_responsible_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitter_id'], ['person.id'], name=op.f('fk_discussion_request_submitter_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_request'))
    )
    with op.batch_alter_table('discussion_request', schema=None) as batch_op:
        batch_op.create_index('ix_discussion_request_board', ['community_id', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_discussion_request_deadline', ['deadline_on', 'status'], unique=False)
        batch_op.create_index('ix_discussion_request_queue', ['community_id', 'queued_at'], unique=False)
        batch_op.create_index('ix_discussion_request_recent', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_discussion_request_search', ['search_text'], unique=False,
                              postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'},
                              sqlite_where=sa.text('0'))
        batch_op.create_index(batch_op.f('ix_discussion_request_responsible_person_id'), ['responsible_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_request_submitter_id'), ['submitter_id'], unique=False)

    op.create_table('discussion_request_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_discussion_request_event_actor_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['discussion_request.id'], name=op.f('fk_discussion_request_event_request_id_discussion_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_request_event'))
    )
    with op.batch_alter_table('discussion_request_event', schema=None) as batch_op:
        batch_op.create_index('ix_discussion_request_event_request', ['request_id', 'created_at', 'id'], unique=False)

    op.create_table('discussion_request_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['discussion_request.id'], name=op.f('fk_discussion_request_photo_request_id_discussion_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_request_photo')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_discussion_request_photo_stored_name'))
    )
    with op.batch_alter_table('discussion_request_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_request_photo_request_id'), ['request_id'], unique=False)

    op.create_table('discussion_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('supporter_id', sa.Integer(), nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['discussion_request.id'], name=op.f('fk_discussion_support_request_id_discussion_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supporter_id'], ['person.id'], name=op.f('fk_discussion_support_supporter_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_support')),
    sa.UniqueConstraint('request_id', 'supporter_id', name=op.f('uq_discussion_support_request_id_supporter_id'))
    )
    with op.batch_alter_table('discussion_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_support_supporter_id'), ['supporter_id'], unique=False)



def downgrade():
    with op.batch_alter_table('discussion_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_support_supporter_id'))

    op.drop_table('discussion_support')
    with op.batch_alter_table('discussion_request_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_request_photo_request_id'))

    op.drop_table('discussion_request_photo')
    with op.batch_alter_table('discussion_request_event', schema=None) as batch_op:
        batch_op.drop_index('ix_discussion_request_event_request')

    op.drop_table('discussion_request_event')
    with op.batch_alter_table('discussion_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_request_submitter_id'))
        batch_op.drop_index(batch_op.f('ix_discussion_request_responsible_person_id'))
        batch_op.drop_index('ix_discussion_request_recent')
        batch_op.drop_index('ix_discussion_request_search')
        batch_op.drop_index('ix_discussion_request_queue')
        batch_op.drop_index('ix_discussion_request_deadline')
        batch_op.drop_index('ix_discussion_request_board')

    op.drop_table('discussion_request')
