"""Sign-in guesses counted per phone number in the database, shared by every worker

Revision ID: 2026_11_29_signin
Revises: 5c1e0a7d3b92
Create Date: 2026-11-29 00:30:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


revision = '2026_11_29_signin'
down_revision = '5c1e0a7d3b92'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_window_start'), ['window_start'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_window_start'))
    op.drop_table('sign_in_throttle')
