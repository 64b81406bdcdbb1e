"""Server-side sign-in sessions: signing out, a password change, a reset or a deactivation end them

Revision ID: 2026_11_29_authz
Revises: e30f884fc3fd
Create Date: 2026-11-29 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import community.database


revision = '2026_11_29_authz'
down_revision = 'e30f884fc3fd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', community.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', community.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_sign_in_session_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
    sa.UniqueConstraint('digest', name=op.f('uq_sign_in_session_digest'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_person_id'))
    op.drop_table('sign_in_session')
