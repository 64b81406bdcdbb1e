"""How the audit log names the meetings' rows (see community/audit/kinds.py), in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "meeting.create": _l("Meeting scheduled"),
    "meeting.move": _l("Meeting moved"),
    "meeting.cancel": _l("Meeting cancelled"),
    "meeting.invite": _l("Invited to a meeting"),
    "meeting.invite_members": _l("Members invited to a meeting"),
    "meeting.uninvite": _l("Invitation withdrawn"),
    "meeting.attendance": _l("Attendance recorded"),
    "meeting.minutes": _l("Minutes recorded"),
    "meeting.resolution": _l("Resolution recorded"),
}


def register(reg) -> None:
    """Give every audited meeting action its label."""
    for action, label in LABELS.items():
        reg.audit_kind(action, label)
