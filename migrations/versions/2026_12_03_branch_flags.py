"""branch flags: flags on members for humans (one open flag per member and kind), and each branch's
organisational-life settings (party lesson frequency, themed party day)

Revision ID: branch_flags_20261203
Revises: branch_dues_20261203
Create Date: 2026-12-03 16:47:25.645175

"""
from alembic import op
import sqlalchemy as sa

import community.database


# revision identifiers, used by Alembic.
revision = 'branch_flags_20261203'
down_revision = 'branch_dues_20261203'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('branch_life_settings',
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('lesson_frequency', sa.String(length=10), server_default='quarterly', nullable=False),
    sa.Column('party_day', sa.Integer(), server_default='15', nullable=False),
    sa.CheckConstraint("lesson_frequency IN ('monthly', 'quarterly', 'yearly')", name=op.f('ck_branch_life_settings_lesson_frequency_known')),
    sa.CheckConstraint('party_day BETWEEN 1 AND 31', name=op.f('ck_branch_life_settings_party_day_in_month')),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_branch_life_settings_branch_id_branch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('branch_id', name=op.f('pk_branch_life_settings'))
    )
    op.create_table('branch_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('since_on', sa.Date(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("kind IN ('out_of_contact', 'no_life', 'no_dues', 'no_work')", name=op.f('ck_branch_flag_kind_known')),
    sa.ForeignKeyConstraint(['member_id'], ['branch_member.id'], name=op.f('fk_branch_flag_member_id_branch_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['person.id'], name=op.f('fk_branch_flag_resolved_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_flag'))
    )
    with op.batch_alter_table('branch_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_flag_member_id'), ['member_id'], unique=False)
        batch_op.create_index('uq_branch_flag_open', ['member_id', 'kind'], unique=True, sqlite_where=sa.text('resolved_on IS NULL'), postgresql_where=sa.text('resolved_on IS NULL'))



def downgrade():
    with op.batch_alter_table('branch_flag', schema=None) as batch_op:
        batch_op.drop_index('uq_branch_flag_open', sqlite_where=sa.text('resolved_on IS NULL'), postgresql_where=sa.text('resolved_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_branch_flag_member_id'))

    op.drop_table('branch_flag')
    op.drop_table('branch_life_settings')
