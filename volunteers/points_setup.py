"""What the points part of the volunteers package registers with the app: actions and audit kinds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The ledger (volunteers/ledger.py): a street administrator corrects a mistake with a reversing entry.
ACTIONS = {
    "points.reverse": {"street_admin"},
}
AUDIT_LABELS = {
    "points.reverse": _l("Points entry reversed"),
}


def register(reg) -> None:
    """The ledger's actions and audit kinds (later: organisations, quotas, grants, pages, API)."""
    from volunteers import ledger  # noqa: F401  (the models, for the metadata and migrations)

    reg.actions_of("volunteers points", ACTIONS)
    for action, label in AUDIT_LABELS.items():
        reg.audit_kind(action, label)
