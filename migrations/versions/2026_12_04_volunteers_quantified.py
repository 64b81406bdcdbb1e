"""volunteers_quantified: quantified points for public services: the street's items per level (province,
city, district) with their caps, and awards of them (quantified_award)

Revision ID: volunteers_quantified_20261204
Revises: volunteers_points_20261204
Create Date: 2026-12-04 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


revision = 'volunteers_quantified_20261204'
down_revision = 'volunteers_points_20261204'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quantified_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('province', 'city', 'district')", name=op.f('ck_quantified_item_level_known')),
    sa.CheckConstraint('max_points > 0 AND max_points <= 150', name=op.f('ck_quantified_item_max_points_range')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_quantified_item_street_id_street'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quantified_item'))
    )
    with op.batch_alter_table('quantified_item', schema=None) as batch_op:
        batch_op.create_index('uq_quantified_item_street_name', ['street_id', 'name'], unique=True)

    op.create_table('quantified_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), server_default='', nullable=False),
    sa.Column('awarded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reversed_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('points > 0', name=op.f('ck_quantified_award_points_positive')),
    sa.ForeignKeyConstraint(['awarded_by_id'], ['person.id'], name=op.f('fk_quantified_award_awarded_by_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['item_id'], ['quantified_item.id'], name=op.f('fk_quantified_award_item_id_quantified_item'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_quantified_award_person_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quantified_award'))
    )
    with op.batch_alter_table('quantified_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quantified_award_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_quantified_award_person', ['person_id', 'item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('quantified_award', schema=None) as batch_op:
        batch_op.drop_index('ix_quantified_award_person')
        batch_op.drop_index(batch_op.f('ix_quantified_award_item_id'))

    op.drop_table('quantified_award')
    with op.batch_alter_table('quantified_item', schema=None) as batch_op:
        batch_op.drop_index('uq_quantified_item_street_name')

    op.drop_table('quantified_item')
