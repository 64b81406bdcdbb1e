"""What the activities part of the volunteers package registers with the app: actions, reminder kinds, pages,
API, menu, audit kinds, access rows and the demo year of activities (issue #11 points 1, 2, 3, 10)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Organisers (role "organiser" in a street or community) and the administrators above them run activities;
# volunteers act on their own sign-ups and check-ins ("self").
ACTIONS = {
    "activity.create": {"organiser", "community_admin", "street_admin"},
    "activity.manage": {"organiser", "community_admin", "street_admin"},
    "activity.sign_up": {"self", "organiser", "community_admin", "street_admin"},
    "activity.check_in": {"self"},
    "declaration.submit": {"self"},
    "declaration.confirm": {"organiser", "community_admin", "street_admin", "scorer"},
}
CATEGORY_LABELS = {
    "volunteer_service": _l("Volunteer service"), "waste_sorting": _l("Waste sorting"),
    "civic_campaign": _l("Civic campaign"), "disaster_relief": _l("Disaster relief"),
    "blood_donation": _l("Blood donation"), "other": _l("Other"),
}
AUDIT_LABELS = {
    "activity.create": _l("Activity created"),
    "activity.sign_up": _l("Signed up for an activity"),
    "activity.cancel_signup": _l("Activity sign-up cancelled"),
    "activity.move": _l("Activity moved"),
    "activity.cancel": _l("Activity cancelled"),
    "activity.check_in": _l("Checked in at an activity"),
    "activity.check_out": _l("Checked out of an activity"),
    "activity.roster": _l("Activity roster recorded by hand"),
    "activity.confirm": _l("Activity roster confirmed"),
    "declaration.submit": _l("Service declared"),
    "declaration.confirm": _l("Declared service confirmed"),
    "declaration.reject": _l("Declared service rejected"),
}


def register(reg) -> None:
    """Actions, reminder kinds, blueprints, menu, audit kinds, access rows, the kiosk and the demo step."""
    from community.authz import can
    from volunteers import (
        activities,  # noqa: F401  (the tables)
        activities_change_api,  # noqa: F401  (its routes on the activities' API blueprint)
        activities_change_views,  # noqa: F401  (its routes on the activities blueprint)
        kiosk,
    )
    from volunteers import activities_reminders as R
    from volunteers.activities_access import ACCESS_ROWS
    from volunteers.activities_api import blp
    from volunteers.activities_demo import seed_activities
    from volunteers.activities_views import bp
    from volunteers.checkin_views import bp as checkin_bp

    reg.actions_of("volunteer activities", ACTIONS)
    for action, label in AUDIT_LABELS.items():
        reg.audit_kind(action, label)
    reg.reminder_kind(R.REMINDER, R.REMINDER_KIND)
    reg.reminder_kind(R.PLACE, R.PLACE_KIND)
    reg.reminder_kind(R.CHANGED, R.CHANGED_KIND)
    reg.blueprint(bp)
    reg.blueprint(checkin_bp)
    reg.api_blueprint(blp)
    reg.menu_link(_l("Volunteer activities"), "activities.index")
    reg.menu_link(_l("Activities I organise"), "activities.organised",
                  lambda person: can(person, "activity.manage"))
    reg.access(ACCESS_ROWS)
    reg.demo_step(seed_activities)
    from volunteers import activities_hooks

    reg.home_card(activities_hooks.home_cards)
    reg.approval_source(activities_hooks.approvals_waiting)
    kiosk.register(reg)
