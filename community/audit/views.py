"""The audit log page for platform administrators."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app import db
from community.audit import kinds
from community.audit.models import AuditEntry
from community.audit.services import audit_query
from community.authz import require, scope_names
from community.database import id_or_none, parse_local
from community.errors import Invalid
from community.listing import paginate
from community.people.picker import picked_person
from community.registry import registry

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _day(name: str):
    value = request.args.get(name) or ""
    try:
        return parse_local(datetime.fromisoformat(value[:10]))
    except ValueError:
        return None


@bp.route("/")
@login_required
def index():
    """Browse and filter the audit log."""
    until = _day("until")
    actor_id, error = _actor_filter()
    statement = audit_query(current_user, action=request.args.get("action") or None, actor_id=actor_id,
                            object_type=request.args.get("object_type") or None,
                            since=_day("since"), until=until + timedelta(days=1) if until else None)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    listing = paginate(db.session, statement.options(selectinload(AuditEntry.actor)), page, 50,
                       cursor=request.args.get("cursor"), keyset=True)
    entries, total = listing
    names = scope_names(kinds.role_scopes(entries))  # one query per scope type, not one per row
    rows = [(entry, kinds.label_of(entry.action), kinds.summary_of(entry, names)) for entry in entries]
    return render_template("audit/index.html", rows=rows, total=total, page=page, pages=listing.pages, listing=listing,
                           action_choices=_action_choices(), object_labels=_object_labels(), error=error)


def _actor_filter():
    """Who did it, chosen by name with the person picker (its id when a suggestion was chosen): (id, error)."""
    if not (request.args.get("actor") or "").strip():
        return id_or_none(request.args.get("actor_id", type=int)), None
    require(current_user, "audit.view", ("platform", 0))  # before any lookup
    try:
        return picked_person(current_user, request.args, ("platform", 0), "person.list", "actor").id, None
    except Invalid as error:
        return -1, error  # nothing matches a name nobody has; the error is shown beside the field


def _action_choices() -> list[tuple[str, str]]:
    """The filter's choices: each kind by its label (the value: the stored action, or a family's prefix)."""
    choices = {action.removesuffix("*"): str(kind.label) for action, kind in registry().audit_kinds.items()}
    return sorted(choices.items(), key=lambda item: item[1])


def _object_labels() -> dict[str, str]:
    """What each stored object type is called (scope types from the registry, and the core's own)."""
    labels = {name: str(scope.label) for name, scope in registry().scope_types.items()}
    return labels | {"person": _("Person"), "role_grant": _("Role")}
