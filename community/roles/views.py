"""Granting and revoking roles from a person's page."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community import confirm
from community.authz import is_platform_admin, require, scope_condition, scope_names
from community.database import paginate
from community.errors import run_form_action
from community.people.models import Person
from community.places.services import get_or_404
from community.registry import registry
from community.roles import services
from community.roles.models import RoleGrant

bp = Blueprint("roles", __name__, url_prefix="/admin/roles")


def role_choices(actor) -> list[tuple[str, str]]:
    """Roles the actor could hand out somewhere."""
    hidden = set() if is_platform_admin(actor) else services.platform_granted()
    return [(name, str(role.label)) for name, role in registry().roles.items() if name not in hidden]


def scope_choices(actor, limit: int = 50) -> list[tuple[str, str]]:
    """Scopes where the actor may hand out roles, as "type:id" options, derived from the registered scope
    types: each type's model filtered in SQL by the type's grant action (e.g. election.appoint)."""
    options = []
    if is_platform_admin(actor):
        options.append(("platform:0", _("Whole platform")))
    held_somewhere = {t for role in registry().roles.values() for t in role.scope_types}
    for name, found in registry().scope_types.items():
        if found.model is None or name not in held_somewhere:
            continue
        model = found.model
        statement = select(model).order_by(model.id).limit(limit)
        condition = scope_condition(actor, found.grant_action, name, model.id)
        if condition is not None:
            statement = statement.where(condition)
        options += [(f"{name}:{obj.id}", f"{found.label} · {getattr(obj, 'name', None) or obj.title}")
                    for obj in db.session.scalars(statement)]
    return options


@bp.route("/")
@login_required
def index():
    """Every role held in the scopes this administrator manages."""
    require(current_user, "role.list")
    role = request.args.get("role") or None
    statement = services.roles_query(current_user).options(selectinload(RoleGrant.person))
    if role in registry().roles:
        statement = statement.where(RoleGrant.role == role)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    grants, total = paginate(db.session, statement, page, 50)
    return render_template("roles/index.html", grants=grants, total=total, page=page,
                           pages=max(1, -(-total // 50)), names=scope_names(g.scope for g in grants))


@bp.route("/person/<int:person_id>", methods=["POST"])
@login_required
def grant(person_id: int):
    """Grant a role chosen on the person's page."""
    require(current_user, "role.grant")  # before any lookup
    person = get_or_404(Person, person_id)
    scope_type, _sep, scope_id = (request.form.get("scope") or "").partition(":")
    scope_id = int(scope_id) if scope_id.isascii() and scope_id.isdigit() and len(scope_id) <= 18 else -1
    back = url_for("people.detail", person_id=person.id)
    return run_form_action(lambda: services.grant_role(current_user, person, request.form.get("role", ""),
                                                       scope_type, scope_id),
                           _("Role granted."), back)[0] or redirect(back)


@bp.route("/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke(grant_id: int):
    """Revoke a role."""
    require(current_user, "role.grant")
    grant = get_or_404(RoleGrant, grant_id)
    back = url_for("people.detail", person_id=grant.person_id)
    if not confirm.is_confirmed():
        services.check_revoke(current_user, grant)  # the confirmation shows only what the actor may do
        role, place = services.grant_words(grant)
        return confirm.ask(_("Revoke a role"), _("%(name)s will no longer be %(role)s in %(place)s; to give it back, "
                                                 "the role must be granted again.", name=grant.person.name,
                                                 role=role, place=place),
                           _("Revoke the role"), back)
    return run_form_action(lambda: services.revoke_role(current_user, grant), _("Role revoked."),
                           back)[0] or redirect(back)
