"""What dues and transfers register with the app: pages, API, reminder kinds, the monthly job."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Dues and transfers' actions (branches/dues.py, branches/transfers.py): recording is the branch's; street
# administrators read the lists.
ACTIONS = {
    "dues.record": {"secretary", "branch_committee"},
    "dues.view": {"street_admin", "secretary", "branch_committee"},
    "transfer.issue": {"secretary"},
    "transfer.receive": {"secretary"},
    "transfer.list": {"street_admin", "secretary", "branch_committee"},
    "transfer.view": {"street_admin", "secretary", "branch_committee"},
}


def register(reg) -> None:
    """Blueprints, the dues reminders' kinds and task, and their monthly run (registry.scheduled_job)."""
    from branches import dues_reminders as R
    from branches.dues_api import blp
    from branches.dues_views import bp as dues_bp
    from branches.transfer_views import bp as transfers_bp
    from community.authz import can

    # a paper letter in names its person with the person picker
    reg.actions_of("branches", ACTIONS, picking={"transfer.issue"})
    reg.blueprint(dues_bp)
    reg.menu_link(_l("Party dues"), "branch_dues.branches", lambda person: can(person, "dues.view"))
    reg.blueprint(transfers_bp)
    reg.api_blueprint(blp)
    reg.reminder_kind(R.MEMBER_KIND, R.MEMBER_REMINDER)
    reg.reminder_kind(R.SECRETARY_KIND, R.SECRETARY_REMINDER)
    reg.task("branches.dues_reminders", R.dues_reminders_task)
    from branches.dues_excel import TASK, dues_export_task

    reg.task(TASK, dues_export_task)
    reg.scheduled_job("branches.dues_reminders", day=R.REMIND_DAY, hour=10, minute=0)
