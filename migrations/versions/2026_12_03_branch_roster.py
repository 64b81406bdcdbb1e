"""branch roster: branch kinds (joint units, station hours and services), member status, relationship, card,
dates and one current branch per person (a partial unique index), pairings with home-side organisations,
join requests and part-time positions

Revision ID: branch_roster_20261203
Revises: reminders_20261203
Create Date: 2026-12-03 16:36:00.607952

"""
from alembic import op
import sqlalchemy as sa

import community.database


revision = 'branch_roster_20261203'
down_revision = 'reminders_20261203'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('branch_home_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('home_organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_branch_home_organisation_branch_id_branch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['home_organisation_id'], ['home_organisation.id'], name=op.f('fk_branch_home_organisation_home_organisation_id_home_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_home_organisation')),
    sa.UniqueConstraint('branch_id', 'home_organisation_id', name=op.f('uq_branch_home_organisation_branch_id_home_organisation_id'))
    )
    with op.batch_alter_table('branch_home_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_home_organisation_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_branch_home_organisation_home_organisation_id'), ['home_organisation_id'], unique=False)

    op.create_table('branch_join_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('home_organisation_id', sa.Integer(), nullable=True),
    sa.Column('card_number', sa.String(length=40), server_default='', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('state', sa.String(length=10), server_default='pending', nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'accepted', 'declined')", name=op.f('ck_branch_join_request_state_known')),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_branch_join_request_branch_id_branch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], name=op.f('fk_branch_join_request_decided_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['home_organisation_id'], ['home_organisation.id'], name=op.f('fk_branch_join_request_home_organisation_id_home_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_branch_join_request_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_join_request'))
    )
    with op.batch_alter_table('branch_join_request', schema=None) as batch_op:
        batch_op.create_index('ix_branch_join_request_branch_state', ['branch_id', 'state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_branch_join_request_home_organisation_id'), ['home_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_branch_join_request_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_branch_join_request_pending_person', ['person_id'], unique=True, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    op.create_table('branch_member_position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('place', sa.String(length=100), server_default='', nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['branch_member.id'], name=op.f('fk_branch_member_position_member_id_branch_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_member_position'))
    )
    with op.batch_alter_table('branch_member_position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_member_position_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='mobile', nullable=False))
        batch_op.add_column(sa.Column('units', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('opening_hours', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('services', sa.Text(), server_default='', nullable=False))
        batch_op.create_check_constraint(op.f('ck_branch_kind_known'), "kind IN ('mobile', 'joint', 'station')")

    with op.batch_alter_table('branch_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), server_default='full', nullable=False))
        batch_op.add_column(sa.Column('probation_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('relationship', sa.String(length=12), server_default='transferred', nullable=False))
        batch_op.add_column(sa.Column('card_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('joined_party_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('employer', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('joined_branch_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_contact_on', sa.Date(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_branch_member_branch_id_person_id'), type_='unique')
        batch_op.create_check_constraint(op.f('ck_branch_member_status_known'), "status IN ('full', 'probationary')")
        batch_op.create_check_constraint(op.f('ck_branch_member_relationship_known'), "relationship IN ('transferred', 'card')")
        batch_op.create_check_constraint(op.f('ck_branch_member_probation_has_term'), "status = 'full' OR probation_ends_on IS NOT NULL")
        batch_op.create_index('ix_branch_member_branch_current', ['branch_id', 'left_on'], unique=False)
        batch_op.create_index('uq_branch_member_current_person', ['person_id'], unique=True, sqlite_where=sa.text('left_on IS NULL'), postgresql_where=sa.text('left_on IS NULL'))

    with op.batch_alter_table('home_organisation', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_home_organisation_name_region'), ['name', 'region'])



def downgrade():
    with op.batch_alter_table('home_organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_home_organisation_name_region'), type_='unique')

    with op.batch_alter_table('branch_member', schema=None) as batch_op:
        for name in ('probation_has_term', 'relationship_known', 'status_known'):
            batch_op.drop_constraint(op.f(f'ck_branch_member_{name}'), type_='check')
        batch_op.drop_index('uq_branch_member_current_person', sqlite_where=sa.text('left_on IS NULL'), postgresql_where=sa.text('left_on IS NULL'))
        batch_op.drop_index('ix_branch_member_branch_current')
        batch_op.create_unique_constraint(batch_op.f('uq_branch_member_branch_id_person_id'), ['branch_id', 'person_id'])
        batch_op.drop_column('last_contact_on')
        batch_op.drop_column('left_on')
        batch_op.drop_column('joined_branch_on')
        batch_op.drop_column('employer')
        batch_op.drop_column('joined_party_on')
        batch_op.drop_column('card_number')
        batch_op.drop_column('relationship')
        batch_op.drop_column('probation_ends_on')
        batch_op.drop_column('status')

    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_branch_kind_known'), type_='check')
        batch_op.drop_column('services')
        batch_op.drop_column('opening_hours')
        batch_op.drop_column('units')
        batch_op.drop_column('kind')

    with op.batch_alter_table('branch_member_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_member_position_member_id'))

    op.drop_table('branch_member_position')
    with op.batch_alter_table('branch_join_request', schema=None) as batch_op:
        batch_op.drop_index('uq_branch_join_request_pending_person', sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_branch_join_request_person_id'))
        batch_op.drop_index(batch_op.f('ix_branch_join_request_home_organisation_id'))
        batch_op.drop_index('ix_branch_join_request_branch_state')

    op.drop_table('branch_join_request')
    with op.batch_alter_table('branch_home_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_home_organisation_home_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_branch_home_organisation_branch_id'))

    op.drop_table('branch_home_organisation')
