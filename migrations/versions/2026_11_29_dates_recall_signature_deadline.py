"""recall proposals gather signatures by a deadline; a recall may be voted in an election round

Revision ID: 5d1a7e3c9b20
Revises: b4e7a1c2d3f5
Create Date: 2026-11-29 00:00:00

"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import community.database

revision = '5d1a7e3c9b20'
down_revision = 'b4e7a1c2d3f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recall_signature_days', sa.Integer(), nullable=False, server_default='30'))
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.alter_column('recall_signature_days', server_default=None)
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatures_due_at', community.database.UTCDateTime(), nullable=True))
    # Proposals made before there was a deadline get the default period from their proposal.
    recall = sa.table('recall', sa.column('id', sa.Integer()),
                      sa.column('proposed_at', community.database.UTCDateTime()),
                      sa.column('signatures_due_at', community.database.UTCDateTime()))
    bind = op.get_bind()
    for row_id, proposed_at in bind.execute(sa.select(recall.c.id, recall.c.proposed_at)).all():
        bind.execute(recall.update().where(recall.c.id == row_id)
                     .values(signatures_due_at=proposed_at + timedelta(days=30)))
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.alter_column('signatures_due_at', existing_type=community.database.UTCDateTime(), nullable=False)
        batch_op.add_column(sa.Column('round_no', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.drop_column('round_no')
        batch_op.drop_column('signatures_due_at')
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.drop_column('recall_signature_days')
