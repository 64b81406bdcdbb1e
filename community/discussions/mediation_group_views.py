"""Pages of the discussion group (议事团): its members with their group roles, adding (with the person picker),
changing a role, removing (after a confirmation), and the community's 乡音说事 hometown sessions."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import db
from community.authz import can, require
from community.confirm import ask, is_confirmed
from community.discussions import group as G
from community.discussions.mediation import communities_for
from community.errors import DomainError
from community.people.models import Person

bp = Blueprint("discussion_group", __name__, url_prefix="/discussions/group")


@bp.route("/")
@login_required
def index():
    """The communities whose discussion group the person may see (straight to it when there is one)."""
    require(current_user, "discussion_group.view")
    communities = communities_for(current_user, "discussion_group.view")
    if len(communities) == 1:
        return redirect(url_for("discussion_group.page", community_id=communities[0][0]))
    return render_template("discussions/group/index.html", communities=communities)


def _page(community, status: int = 200, posted=None, error=None):
    return render_template(
        "discussions/group/page.html", community=community, members=G.members(community.id),
        roles=G.GROUP_ROLE_LABELS, sessions=G.hometown_sessions(community.id),
        manager=can(current_user, "discussion_group.manage", ("community", community.id)),
        may_schedule=can(current_user, "meeting.manage_discussion", ("community", community.id)),
        posted=posted, error=error), status


@bp.route("/<int:community_id>")
@login_required
def page(community_id: int):
    """A community's discussion group: members and roles, hometown sessions."""
    return _page(G.get_community(current_user, "discussion_group.view", community_id))


@bp.route("/<int:community_id>/members", methods=["POST"])
@login_required
def add(community_id: int):
    """Add a person chosen by name with their group role (or set the role of someone already in it)."""
    from community.people.picker import picked_person

    community = G.get_community(current_user, "discussion_group.manage", community_id)
    try:
        person = picked_person(current_user, request.form, ("community", community.id), "discussion_group.manage",
                               "person")
        G.set_member(current_user, community.id, person, request.form.get("group_role", ""))
    except DomainError as error:
        if error.status == 403:
            raise
        if not error.fields:
            error.fields = {"person": error.message}
        return _page(community, 422, posted=request.form, error=error)
    flash(_("%(name)s is in the discussion group.", name=person.name), "success")
    return redirect(url_for("discussion_group.page", community_id=community.id) + "#members")


@bp.route("/<int:community_id>/members/<int:person_id>/role", methods=["POST"])
@login_required
def set_role(community_id: int, person_id: int):
    """Change a member's role in the group."""
    community = G.get_community(current_user, "discussion_group.manage", community_id)
    person = db.session.get(Person, person_id)
    if person is None:
        from community.errors import NotFound

        raise NotFound(_("This person is not in the discussion group."))
    try:
        G.set_member(current_user, community.id, person, request.form.get("group_role", ""))
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
    else:
        flash(_("%(name)s's role in the group is saved.", name=person.name), "success")
    return redirect(url_for("discussion_group.page", community_id=community.id) + "#members")


@bp.route("/<int:community_id>/members/<int:person_id>/remove", methods=["POST"])
@login_required
def remove(community_id: int, person_id: int):
    """Take someone out of the group, after a confirmation step."""
    community = G.get_community(current_user, "discussion_group.manage", community_id)
    back = url_for("discussion_group.page", community_id=community.id) + "#members"
    person = db.session.get(Person, person_id)
    if not is_confirmed():
        name = person.name if person else str(person_id)
        return ask(_("Remove from the discussion group"),
                   _("%(name)s leaves the discussion group of %(community)s and loses its roles there.",
                     name=name, community=community.name), _("Yes, remove"), back)
    try:
        G.remove_member(current_user, community.id, person_id)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
    else:
        flash(_("%(name)s has left the discussion group.", name=person.name), "success")
    return redirect(back)
