"""How the audit log names the branches' rows (see community/audit/kinds.py), in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "branch.create": _l("Branch set up"),
    "branch.edit": _l("Branch changed"),
    "branch.pair": _l("Branch paired with a home-side organisation"),
    "home_organisation.create": _l("Home-side organisation registered"),
    "branch_member.add": _l("Party member added to a branch"),
    "branch_member.import": _l("Branch roster imported"),
    "branch_member.position": _l("Part-time position recorded"),
    "branch_join.accept": _l("Request to join a branch accepted"),
    "branch_join.decline": _l("Request to join a branch declined"),
    "branch_life.settings": _l("Organisational-life settings changed"),
    "branch_flag.resolve": _l("Flag resolved"),
    "dues.record": _l("Dues recorded"),
    "transfer.issue": _l("Transfer letter issued"),
    "transfer.receive": _l("Transfer letter received"),
}


def register(reg) -> None:
    """Give every audited branch action its label."""
    for action, label in LABELS.items():
        reg.audit_kind(action, label)
