"""The audit log page for platform administrators."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app import db
from community.audit.models import AuditEntry
from community.audit.services import audit_query
from community.database import id_or_none, paginate, parse_local

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
    statement = audit_query(current_user, action=request.args.get("action") or None,
                            actor_id=id_or_none(request.args.get("actor_id", type=int)),
                            object_type=request.args.get("object_type") or None,
                            since=_day("since"), until=until + timedelta(days=1) if until else None)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries, total = paginate(db.session, statement.options(selectinload(AuditEntry.actor)), page, 50)
    return render_template("audit/index.html", entries=entries, total=total, page=page,
                           pages=max(1, -(-total // 50)))
