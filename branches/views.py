"""Pages: the branches and the members an official may see."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app import db
from branches import services
from community.authz import require

bp = Blueprint("branches", __name__, url_prefix="/admin/branches")


@bp.route("/")
@login_required
def index():
    """Branches in the actor's scopes."""
    require(current_user, "branch.list")
    from branches import roster

    branches = db.session.scalars(services.branches_query(current_user).limit(200)).all()
    full = roster.full_member_counts([b.id for b in branches])  # one query for every branch on the page
    meets = {b.id: roster.meets_rule(b, full[b.id]) for b in branches}
    return render_template("branches/index.html", branches=branches, full=full, meets=meets)


@bp.route("/members")
@login_required
def members():
    """Members through the actor's branch or home-side organisation, filtered in SQL (`members_query`), never
    row by row: a check per row would cost a query per branch on the page."""
    require(current_user, "branch_member.list")
    rows = db.session.scalars(services.members_query(current_user).limit(200)).unique().all()
    return render_template("branches/members.html", members=rows)
