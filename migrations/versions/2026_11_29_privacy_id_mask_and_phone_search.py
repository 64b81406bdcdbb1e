"""ID-number masks hide every digit; phones are searched only whole (no phone pattern index)

The old mask (3302**********1234) combined with the birth date and household place shown beside it gave the
number back. The new mask is derived from the stored old mask alone (its length: every digit becomes *), so the
migration needs neither the encryption key nor the decrypted numbers. Downgrading keeps the new masks (the hidden
digits cannot be recovered without the key; the application rewrites a mask whenever a number is saved).

Revision ID: 5c1e0a7d3b92
Revises: 8c9bb35fc6bc
Create Date: 2026-11-29 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "5c1e0a7d3b92"
down_revision = "8c9bb35fc6bc"
branch_labels = None
depends_on = None

person = sa.table("person", sa.column("id", sa.Integer), sa.column("id_number_masked", sa.String(18)))


def upgrade():
    connection = op.get_bind()
    length = sa.func.length(person.c.id_number_masked)
    sizes = connection.execute(sa.select(length).where(person.c.id_number_masked.is_not(None)).distinct()).all()
    for (size,) in sizes:
        connection.execute(person.update().where(length == size).values(id_number_masked="*" * size))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_phone_pattern", postgresql_ops={"phone": "text_pattern_ops"})


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_phone_pattern", ["phone"], unique=False,
                              postgresql_ops={"phone": "text_pattern_ops"})
