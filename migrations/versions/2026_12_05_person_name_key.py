"""person.name_key: the pinyin sort key of the name, indexed, filled for every existing person

Revision ID: person_name_key_20261205
Revises: mediation_20261204
Create Date: 2026-12-05 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'person_name_key_20261205'
down_revision = 'mediation_20261204'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    key_type = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', key_type, server_default='', nullable=False))
    from community.people.pinyin import name_key

    bind = op.get_bind()
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('name_key', sa.String))
    after = 0
    while True:  # in batches of ids: a million people never sit in memory at once
        rows = bind.execute(sa.select(person.c.id, person.c.name).where(person.c.id > after)
                            .order_by(person.c.id).limit(BATCH)).all()
        if not rows:
            break
        bind.execute(person.update().where(person.c.id == sa.bindparam('pid')).values(name_key=sa.bindparam('key')),
                     [{'pid': pid, 'key': name_key(name)} for pid, name in rows])
        after = rows[-1][0]
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_key_id', ['name_key', 'id'], unique=False)
        batch_op.create_index('ix_person_community_name_key', ['community_id', 'name_key', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_community_name_key')
        batch_op.drop_index('ix_person_name_key_id')
        batch_op.drop_column('name_key')
