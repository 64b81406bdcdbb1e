"""sealed ballots, receipts board, ballot keys and their shares; ballots keep no receipt

Revision ID: b4e7a1c2d3f5
Revises: 2026_11_29_authz
Create Date: 2026-11-29 00:10:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


# revision identifiers, used by Alembic.
revision = 'b4e7a1c2d3f5'
down_revision = '2026_11_29_authz'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sealed_ballot',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_sealed_ballot_election_id_election'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_ballot')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('sealed_ballot', schema=None) as batch_op:
        batch_op.create_index('ix_sealed_ballot_election_round', ['election_id', 'round_no'], unique=False)

    op.create_table('ballot_receipt',
    sa.Column('receipt', sa.String(length=16), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_ballot_receipt_election_id_election'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('receipt', name=op.f('pk_ballot_receipt')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballot_receipt', schema=None) as batch_op:
        batch_op.create_index('ix_ballot_receipt_election_round', ['election_id', 'round_no'], unique=False)

    op.create_table('ballot_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('wrapped_private_key', sa.LargeBinary(), nullable=True),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('holders', sa.Integer(), nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_count', sa.Integer(), nullable=True),
    sa.Column('unreadable', sa.Integer(), nullable=True),
    sa.Column('receipt_mismatches', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_ballot_key_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['person.id'], name=op.f('fk_ballot_key_opened_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_key')),
    sa.UniqueConstraint('election_id', 'round_no', name=op.f('uq_ballot_key_election_id_round_no'))
    )

    op.create_table('ballot_key_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('held', sa.LargeBinary(), nullable=True),
    sa.Column('shown_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_ballot_key_share_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['holder_id'], ['person.id'], name=op.f('fk_ballot_key_share_holder_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_key_share')),
    sa.UniqueConstraint('election_id', 'round_no', 'holder_id', name=op.f('uq_ballot_key_share_election_id_round_no_holder_id')),
    sa.UniqueConstraint('election_id', 'round_no', 'number', name=op.f('uq_ballot_key_share_election_id_round_no_number'))
    )
    with op.batch_alter_table('ballot_key_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_key_share_holder_id'), ['holder_id'], unique=False)

    # Receipts move to their own board; a plaintext ballot never carries one again.
    op.execute("INSERT INTO ballot_receipt (receipt, election_id, round_no) "
               "SELECT receipt, election_id, round_no FROM ballot WHERE receipt IS NOT NULL")
    with op.batch_alter_table('ballot', schema=None, table_kwargs={'sqlite_with_rowid': False}) as batch_op:
        batch_op.drop_constraint('uq_ballot_receipt', type_='unique')
        batch_op.drop_column('receipt')


def downgrade():
    with op.batch_alter_table('ballot', schema=None, table_kwargs={'sqlite_with_rowid': False}) as batch_op:
        batch_op.add_column(sa.Column('receipt', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint('uq_ballot_receipt', ['receipt'])
    with op.batch_alter_table('ballot_key_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_key_share_holder_id'))
    op.drop_table('ballot_key_share')
    op.drop_table('ballot_key')
    with op.batch_alter_table('ballot_receipt', schema=None) as batch_op:
        batch_op.drop_index('ix_ballot_receipt_election_round')
    op.drop_table('ballot_receipt')
    with op.batch_alter_table('sealed_ballot', schema=None) as batch_op:
        batch_op.drop_index('ix_sealed_ballot_election_round')
    op.drop_table('sealed_ballot')
