"""list keyset indexes: each long list's ORDER BY, its id included, answered by one index (community.listing)

The lists walked by keyset (`WHERE (created_at, id) < (…) ORDER BY created_at DESC, id DESC`) read their
index in order from the cursor on: a person's ledger entries, a person's inbox, the failed and expired
reminders, the audit log (all of it, and by actor or action). Each replaces the index without the id.

Revision ID: list_keyset_20261206
Revises: person_name_key_20261205
Create Date: 2026-12-06 10:00:00

"""
from alembic import op

revision = 'list_keyset_20261206'
down_revision = 'person_name_key_20261205'
branch_labels = None
depends_on = None

# (table, new index, its columns, the index it replaces, that one's columns)
INDEXES = [
    ('ledger_entry', 'ix_ledger_entry_person_created_id', ['person_id', 'created_at', 'id'],
     'ix_ledger_entry_person_created', ['person_id', 'created_at']),
    ('notification', 'ix_notification_person_created_id', ['person_id', 'created_at', 'id'],
     'ix_notification_person_created', ['person_id', 'created_at']),
    ('reminder', 'ix_reminder_state_due_id', ['state', 'due_at', 'id'], 'ix_reminder_state_due', ['state', 'due_at']),
    ('audit_entry', 'ix_audit_entry_created_id', ['created_at', 'id'], 'ix_audit_entry_created_at', ['created_at']),
    ('audit_entry', 'ix_audit_entry_actor_at_id', ['actor_id', 'created_at', 'id'],
     'ix_audit_entry_actor_at', ['actor_id', 'created_at']),
    ('audit_entry', 'ix_audit_entry_action_at_id', ['action', 'created_at', 'id'],
     'ix_audit_entry_action_at', ['action', 'created_at']),
]


def upgrade():
    for table, name, columns, old, _old_columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
        op.drop_index(old, table_name=table)


def downgrade():
    for table, name, _columns, old, old_columns in reversed(INDEXES):
        op.create_index(old, table, old_columns, unique=False)
        op.drop_index(name, table_name=table)
