"""election check: the last recount from the ballots stored on the election, so results pages never recount

Revision ID: election_check_20261207
Revises: list_keyset_20261206
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from community.database import UTCDateTime

revision = 'election_check_20261207'
down_revision = 'list_keyset_20261206'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('election') as batch:
        batch.add_column(sa.Column('checked_at', UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('check_problems', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('election') as batch:
        batch.drop_column('check_problems')
        batch.drop_column('checked_at')
