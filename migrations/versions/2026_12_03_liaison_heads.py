"""Join the heads of the branches merged into the liaison branch (no schema change; drop at the re-chaining).

Revision ID: liaison_heads_20261203
"""

revision = "liaison_heads_20261203"
down_revision = ("branch_flags_20261203", "calendar_feed_20261203")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
