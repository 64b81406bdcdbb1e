"""Granting and revoking roles from a person's page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community import confirm
from community.authz import can, grants_of, is_platform_admin, require, scope_condition, scope_names
from community.errors import DomainError, Forbidden, run_form_action
from community.listing import paginate
from community.people.models import Person
from community.people.picker import picked_person
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


def picker_scope(actor) -> tuple[str, int] | None:
    """The widest scope the actor administers: the grant form's person picker finds people there."""
    if is_platform_admin(actor):
        return ("platform", 0)
    roles = registry().roles
    held = [(g.scope_type, g.scope_id) for g in grants_of(actor) if g.role in roles and roles[g.role].administers]
    held.sort(key=lambda scope: len(registry().ancestors(scope[0])))  # a street before its communities
    return held[0] if held else None


def _scope_of(value: str) -> tuple[str, int]:
    """"community:12" from the scope select, as (type, id); a malformed id becomes -1 (no such scope)."""
    scope_type, _sep, scope_id = (value or "").partition(":")
    return scope_type, int(scope_id) if scope_id.isascii() and scope_id.isdigit() and len(scope_id) <= 18 else -1


@bp.route("/")
@login_required
def index():
    """Every role held in the scopes this administrator manages, and the form to grant one by name."""
    require(current_user, "role.list")
    return _index()


def _index(form=None, error=None, status: int = 200):
    role = request.args.get("role") or None
    statement = services.roles_query(current_user).options(selectinload(RoleGrant.person))
    if role in registry().roles:
        statement = statement.where(RoleGrant.role == role)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    listing = paginate(db.session, statement, page, 50)
    grants, total = listing
    fields = error.fields if error is not None else {}
    return render_template("roles/index.html", grants=grants, total=total, page=page,
                           pages=listing.pages, listing=listing, names=scope_names(g.scope for g in grants),
                           picker=picker_scope(current_user) if can(current_user, "role.grant") else None,
                           role_options=role_choices(current_user), scope_options=scope_choices(current_user),
                           form=form, error=error, role_error=fields.get("role"),
                           scope_error=fields.get("scope_type") or fields.get("scope_id")), status


@bp.route("/", methods=["POST"])
@login_required
def grant_by_name():
    """Grant a role to a person chosen by name (the person picker) on the roles page."""
    require(current_user, "role.grant")  # before any lookup
    scope = picker_scope(current_user)
    if scope is None:
        raise Forbidden(_("You do not have permission to do this."))
    scope_type, scope_id = _scope_of(request.form.get("scope", ""))
    try:
        person = picked_person(current_user, request.form, scope, "person.list", "person")
        granted = services.grant_role(current_user, person, request.form.get("role", ""), scope_type, scope_id)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        if not set(error.fields) & {"person", "role", "scope_type", "scope_id"}:
            flash(error.message, "danger")
        return _index(form=request.form, error=error, status=422)  # the typed name stays, the error beside it
    if isinstance(granted, RoleGrant):
        role, place = services.grant_words(granted)
        flash(_("%(name)s is now %(role)s in %(place)s.", name=person.name, role=role, place=place), "success")
    else:  # an appointed role answers in its own terms
        flash(_("Role granted."), "success")
    return redirect(url_for("roles.index"))


@bp.route("/person/<int:person_id>", methods=["POST"])
@login_required
def grant(person_id: int):
    """Grant a role chosen on the person's page."""
    require(current_user, "role.grant")  # before any lookup
    person = get_or_404(Person, person_id)
    scope_type, scope_id = _scope_of(request.form.get("scope", ""))
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
    role, place = services.grant_words(grant)
    if not confirm.is_confirmed():
        services.check_revoke(current_user, grant)  # the confirmation shows only what the actor may do
        return confirm.ask(_("Revoke a role"), _("%(name)s will no longer be %(role)s in %(place)s; to give it back, "
                                                 "the role must be granted again.", name=grant.person.name,
                                                 role=role, place=place),
                           _("Revoke the role"), back)
    done = _("%(name)s is no longer %(role)s in %(place)s.", name=grant.person.name, role=role, place=place)
    return run_form_action(lambda: services.revoke_role(current_user, grant), done, back)[0] or redirect(back)
