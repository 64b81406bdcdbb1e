"""volunteers_points: scoring authority: organisations (enterprise, community, grid), their members, quotas per
period (used never above points), the street's caps (points_rules, category_cap) and grants (points_grant)

Revision ID: volunteers_points_20261204
Revises: volunteers_ledger_20261204
Create Date: 2026-12-04 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


# revision identifiers, used by Alembic.
revision = 'volunteers_points_20261204'
down_revision = 'volunteers_ledger_20261204'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('category_cap',
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('daily', sa.Integer(), nullable=True),
    sa.Column('yearly', sa.Integer(), nullable=True),
    sa.CheckConstraint('(daily IS NULL OR daily > 0) AND (yearly IS NULL OR yearly > 0)', name=op.f('ck_category_cap_caps_positive')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_category_cap_street_id_street'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('street_id', 'category', name=op.f('pk_category_cap'))
    )
    op.create_table('points_rules',
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('max_per_grant', sa.Integer(), nullable=False),
    sa.Column('person_daily', sa.Integer(), nullable=False),
    sa.Column('person_yearly', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_per_grant > 0 AND person_daily > 0 AND person_yearly > 0', name=op.f('ck_points_rules_caps_positive')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_points_rules_street_id_street'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('street_id', name=op.f('pk_points_rules'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('enterprise', 'community', 'grid')", name=op.f('ck_organisation_kind_known')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_organisation_community_id_community'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_organisation_community_id_name'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_community_id'), ['community_id'], unique=False)

    op.create_table('organisation_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['person.id'], name=op.f('fk_organisation_member_added_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_member_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_organisation_member_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_member')),
    sa.UniqueConstraint('organisation_id', 'person_id', name=op.f('uq_organisation_member_organisation_id_person_id'))
    )
    with op.batch_alter_table('organisation_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_member_person_id'), ['person_id'], unique=False)

    op.create_table('quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('used', sa.Integer(), server_default='0', nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_quota_period_order')),
    sa.CheckConstraint('points > 0', name=op.f('ck_quota_points_positive')),
    sa.CheckConstraint('used >= 0 AND used <= points', name=op.f('ck_quota_used_within_points')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_quota_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['set_by_id'], ['person.id'], name=op.f('fk_quota_set_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota')),
    sa.UniqueConstraint('organisation_id', 'period', name=op.f('uq_quota_organisation_id_period'))
    )
    with op.batch_alter_table('quota', schema=None) as batch_op:
        batch_op.create_index('ix_quota_organisation_dates', ['organisation_id', 'starts_on', 'ends_on'], unique=False)

    op.create_table('points_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('quota_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reversed_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('points > 0', name=op.f('ck_points_grant_points_positive')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['person.id'], name=op.f('fk_points_grant_granted_by_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_points_grant_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_points_grant_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['quota_id'], ['quota.id'], name=op.f('fk_points_grant_quota_id_quota'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_grant'))
    )
    with op.batch_alter_table('points_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_grant_granted_by_id'), ['granted_by_id'], unique=False)
        batch_op.create_index('ix_points_grant_organisation_created', ['organisation_id', 'created_at'], unique=False)
        batch_op.create_index('ix_points_grant_person_created', ['person_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_grant_quota_id'), ['quota_id'], unique=False)



def downgrade():
    with op.batch_alter_table('points_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_grant_quota_id'))
        batch_op.drop_index('ix_points_grant_person_created')
        batch_op.drop_index('ix_points_grant_organisation_created')
        batch_op.drop_index(batch_op.f('ix_points_grant_granted_by_id'))

    op.drop_table('points_grant')
    with op.batch_alter_table('quota', schema=None) as batch_op:
        batch_op.drop_index('ix_quota_organisation_dates')

    op.drop_table('quota')
    with op.batch_alter_table('organisation_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_member_person_id'))

    op.drop_table('organisation_member')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_community_id'))

    op.drop_table('organisation')
    op.drop_table('points_rules')
    op.drop_table('category_cap')
