"""volunteers_ledger: the append-only points ledger (ledger_entry, refused UPDATE/DELETE by triggers) and each
person's totals (points_account, and per month and year: points_period)

Revision ID: volunteers_ledger_20261204
Revises: branch_flags_20261203
Create Date: 2026-12-04 00:00:00

"""
import sqlalchemy as sa
from alembic import op

import community.database

revision = 'volunteers_ledger_20261204'
down_revision = 'branch_flags_20261203'
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entry is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql"""
PG_TRIGGER = ("CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry "
              "FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()")
SQLITE_TRIGGERS = (
    "CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry "
    "BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: UPDATE refused'); END",
    "CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry "
    "BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: DELETE refused'); END",
)
KINDS = "kind IN ('activity', 'grant', 'redemption', 'correction', 'expiry', 'quantified')"


def upgrade():
    utc = community.database.UTCDateTime(timezone=True)
    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=True),
    sa.Column('hours', sa.Numeric(precision=8, scale=2), server_default='0', nullable=False),
    sa.Column('source_type', sa.String(length=30), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), server_default='', nullable=False),
    sa.Column('created_at', utc, nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_ledger_entry_amount_not_zero')),
    sa.CheckConstraint(KINDS, name=op.f('ck_ledger_entry_kind_known')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_ledger_entry_person_id_person'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['person.id'], name=op.f('fk_ledger_entry_granted_by_id_person'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entry.id'],
                            name=op.f('fk_ledger_entry_reverses_id_ledger_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_entry_reverses_id'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_person_created', ['person_id', 'created_at'], unique=False)
        batch_op.create_index('ix_ledger_entry_organisation_created', ['organisation_id', 'created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_granted_by_id'), ['granted_by_id'], unique=False)
        batch_op.create_index('uq_ledger_entry_posted_once', ['source_type', 'source_id', 'person_id', 'kind'],
                              unique=True, sqlite_where=sa.text('reverses_id IS NULL'),
                              postgresql_where=sa.text('reverses_id IS NULL'))

    op.create_table('points_account',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), server_default='0', nullable=False),
    sa.Column('earned', sa.Integer(), server_default='0', nullable=False),
    sa.Column('hours', sa.Numeric(precision=10, scale=2), server_default='0', nullable=False),
    sa.Column('updated_at', utc, nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_points_account_balance_not_negative')),
    sa.CheckConstraint('hours >= 0', name=op.f('ck_points_account_hours_not_negative')),
    sa.CheckConstraint('earned >= 0', name=op.f('ck_points_account_earned_not_negative')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_points_account_person_id_person'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_points_account'))
    )
    with op.batch_alter_table('points_account', schema=None) as batch_op:
        batch_op.create_index('ix_points_account_balance', ['balance', 'person_id'], unique=False)

    op.create_table('points_period',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('earned', sa.Integer(), server_default='0', nullable=False),
    sa.Column('hours', sa.Numeric(precision=10, scale=2), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_points_period_person_id_person'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id', 'period', name=op.f('pk_points_period'))
    )
    with op.batch_alter_table('points_period', schema=None) as batch_op:
        batch_op.create_index('ix_points_period_period_earned', ['period', 'earned', 'person_id'], unique=False)

    # Append-only: the database itself refuses to change or remove an entry (TRUNCATE, used only by the
    # tests' clean-up, fires no row trigger).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION IF EXISTS ledger_entry_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_no_delete")
    with op.batch_alter_table('points_period', schema=None) as batch_op:
        batch_op.drop_index('ix_points_period_period_earned')
    op.drop_table('points_period')
    with op.batch_alter_table('points_account', schema=None) as batch_op:
        batch_op.drop_index('ix_points_account_balance')
    op.drop_table('points_account')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('uq_ledger_entry_posted_once')
        batch_op.drop_index(batch_op.f('ix_ledger_entry_granted_by_id'))
        batch_op.drop_index('ix_ledger_entry_organisation_created')
        batch_op.drop_index('ix_ledger_entry_person_created')
    op.drop_table('ledger_entry')
