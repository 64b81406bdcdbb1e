"""branch_dues: party dues (dues_payment, dues_month: a month paid once per person) and transfer letters

Revision ID: branch_dues_20261203
Revises: branch_roster_20261203
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


revision = 'branch_dues_20261203'
down_revision = 'branch_roster_20261203'
branch_labels = None
depends_on = None


def upgrade():
    utc = community.database.UTCDateTime(timezone=True)
    op.create_table('dues_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('monthly_income', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('monthly_amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', utc, nullable=False),
    sa.CheckConstraint('monthly_amount > 0', name=op.f('ck_dues_payment_dues_payment_amount_positive')),
    sa.CheckConstraint('total > 0', name=op.f('ck_dues_payment_dues_payment_total_positive')),
    sa.CheckConstraint('months >= 1 AND months <= 12', name=op.f('ck_dues_payment_dues_payment_months_range')),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_dues_payment_branch_id_branch'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['branch_member.id'],
                            name=op.f('fk_dues_payment_member_id_branch_member'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_dues_payment_person_id_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_dues_payment_recorded_by_id_person'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dues_payment'))
    )
    with op.batch_alter_table('dues_payment', schema=None) as batch_op:
        batch_op.create_index('ix_dues_payment_branch_paid', ['branch_id', 'paid_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_dues_payment_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dues_payment_person_id'), ['person_id'], unique=False)

    op.create_table('dues_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_dues_month_dues_month_amount_positive')),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_dues_month_branch_id_branch'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payment_id'], ['dues_payment.id'], name=op.f('fk_dues_month_payment_id_dues_payment'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_dues_month_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dues_month')),
    sa.UniqueConstraint('person_id', 'month', name='uq_dues_month_person_month')
    )
    with op.batch_alter_table('dues_month', schema=None) as batch_op:
        batch_op.create_index('ix_dues_month_branch_month', ['branch_id', 'month'], unique=False)
        batch_op.create_index(batch_op.f('ix_dues_month_payment_id'), ['payment_id'], unique=False)

    op.create_table('transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('from_branch_id', sa.Integer(), nullable=True),
    sa.Column('from_organisation', sa.String(length=100), nullable=False),
    sa.Column('to_branch_id', sa.Integer(), nullable=True),
    sa.Column('to_organisation', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('dues_paid_up_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', utc, nullable=False),
    sa.CheckConstraint('valid_until >= issued_on', name=op.f('ck_transfer_transfer_validity_after_issue')),
    sa.CheckConstraint("from_branch_id IS NOT NULL OR from_organisation <> ''",
                       name=op.f('ck_transfer_transfer_has_origin')),
    sa.CheckConstraint("to_branch_id IS NOT NULL OR to_organisation <> ''",
                       name=op.f('ck_transfer_transfer_has_destination')),
    sa.ForeignKeyConstraint(['from_branch_id'], ['branch.id'], name=op.f('fk_transfer_from_branch_id_branch'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_branch_id'], ['branch.id'], name=op.f('fk_transfer_to_branch_id_branch'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['branch_member.id'], name=op.f('fk_transfer_member_id_branch_member'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_transfer_person_id_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['person.id'], name=op.f('fk_transfer_issued_by_id_person'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['received_by_id'], ['person.id'], name=op.f('fk_transfer_received_by_id_person'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer'))
    )
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_from_branch', ['from_branch_id', 'issued_on'], unique=False)
        batch_op.create_index('ix_transfer_to_branch', ['to_branch_id', 'issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_person_id'))
        batch_op.drop_index('ix_transfer_to_branch')
        batch_op.drop_index('ix_transfer_from_branch')
    op.drop_table('transfer')
    with op.batch_alter_table('dues_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dues_month_payment_id'))
        batch_op.drop_index('ix_dues_month_branch_month')
    op.drop_table('dues_month')
    with op.batch_alter_table('dues_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dues_payment_person_id'))
        batch_op.drop_index(batch_op.f('ix_dues_payment_member_id'))
        batch_op.drop_index('ix_dues_payment_branch_paid')
    op.drop_table('dues_payment')
