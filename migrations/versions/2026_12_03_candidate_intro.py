"""Candidate introductions: occupation, a short statement and the party membership shown (if any)

Revision ID: candidate_intro_20261203
Revises: calendar_feed_20261203
Create Date: 2026-12-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'candidate_intro_20261203'
down_revision = "calendar_feed_20261203"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occupation', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('statement', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('party', sa.String(length=16), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('party')
        batch_op.drop_column('statement')
        batch_op.drop_column('occupation')
