"""What the points and activities exports register: actions, audit kinds, tasks, routes and access rows."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# An activity's roster is exported by who manages it ("activity.manage"); these two are the points' own.
ACTIONS = {
    "points.export_grants": {"street_admin", "scorer"},
    "points.export_summary": {"street_admin"},
}
AUDIT = {
    "points.export_grants": _l("Grants of a scoring organisation exported"),
    "points.export_summary": _l("Points summary of a street exported"),
    "activity.export_roster": _l("Activity roster exported"),
}


def register(reg) -> None:
    """Actions, audit kinds, the three tasks, the blueprint and its access rows."""
    from volunteers import exports, exports_access, exports_views

    reg.actions_of("volunteers exports", ACTIONS)
    for action, label in AUDIT.items():
        reg.audit_kind(action, label)
    reg.task(exports.GRANTS_TASK, exports.export_grants)
    reg.task(exports.ROSTER_TASK, exports.export_roster)
    reg.task(exports.SUMMARY_TASK, exports.export_summary)
    reg.blueprint(exports_views.bp)
    reg.access(exports_access.ACCESS_ROWS)
