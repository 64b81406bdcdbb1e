"""Branches, home-side party organisations and branch members: the least the scopes need

Liaisons (流出地联络员) are now held in a home-side organisation, not in a branch.

Revision ID: 2026_11_29_registry
Revises: 2026_11_29_signin
Create Date: 2026-11-29 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '2026_11_29_registry'
down_revision = '2026_11_29_signin'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('home_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_organisation'))
    )
    op.create_table('branch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_branch_street_id_street'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch')),
    sa.UniqueConstraint('street_id', 'name', name=op.f('uq_branch_street_id_name'))
    )
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_street_id'), ['street_id'], unique=False)
    op.create_table('branch_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('home_organisation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_branch_member_branch_id_branch'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['home_organisation_id'], ['home_organisation.id'],
                            name=op.f('fk_branch_member_home_organisation_id_home_organisation'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_branch_member_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_member')),
    sa.UniqueConstraint('branch_id', 'person_id', name=op.f('uq_branch_member_branch_id_person_id'))
    )
    with op.batch_alter_table('branch_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_member_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_branch_member_home_organisation_id'), ['home_organisation_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_branch_member_person_id'), ['person_id'], unique=False)
    # Liaisons were held in branches; their scope is now the home-side organisation, which no branch names.
    op.execute("DELETE FROM role_grant WHERE role = 'liaison' AND scope_type = 'branch'")


def downgrade():
    op.execute("DELETE FROM role_grant WHERE role = 'liaison' AND scope_type = 'home_organisation'")
    with op.batch_alter_table('branch_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_member_person_id'))
        batch_op.drop_index(batch_op.f('ix_branch_member_home_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_branch_member_branch_id'))
    op.drop_table('branch_member')
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_street_id'))
    op.drop_table('branch')
    op.drop_table('home_organisation')
