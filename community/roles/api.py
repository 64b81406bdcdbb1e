"""JSON API of roles: the catalogue of role and scope names, and scoped role grants."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from community.apitools import (
    Id,
    PageArgs,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_of,
    page_schema,
)
from community.authz import require
from community.people.models import Person
from community.places import services as places
from community.registry import registry
from community.roles import services as roles
from community.roles.models import RoleGrant

blp = api_blueprint("roles_api", "Roles: the catalogue and scoped role grants")
F = ma.fields


class RoleOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    role = F.String()
    scope_type = F.String()
    scope_id = F.Integer()
    granted_at = F.AwareDateTime()


def registered(kind: str):
    """A validator: the value names one of the app's registered roles or scope types."""
    def check(value) -> None:
        names = getattr(registry(), kind)
        if value not in names:
            raise ma.ValidationError(_("Must be one of: {choices}.").format(choices=", ".join(names)))

    return check


class RoleIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    role = F.String(required=True, validate=registered("roles"))
    scope_type = F.String(required=True, validate=registered("scope_types"))
    scope_id = Id(minimum=0, load_default=0, strict=True)


class RoleArgs(PageArgs):
    person_id = Id()


class CatalogueOut(ma.Schema):
    roles = F.Dict(keys=F.String(), values=F.Dict())
    scope_types = F.Dict(keys=F.String(), values=F.String())


@blp.route("/catalogue")
@bearer_required
@blp.response(200, CatalogueOut)
def catalogue():
    """Role and scope names, with their labels in the request's language."""
    return {
        "roles": {name: {"label": str(role.label), "scope_types": sorted(role.scope_types)}
                  for name, role in registry().roles.items()},
        "scope_types": {name: str(scope.label) for name, scope in registry().scope_types.items()},
    }


@blp.route("/roles")
@bearer_required
@blp.arguments(RoleArgs, location="query")
@blp.response(200, page_schema(RoleOut, "RolePage"))
def list_roles(args):
    """Role grants in the scopes the caller administers, and the caller's own."""
    return page_of(roles.roles_query(current_actor(), args.get("person_id")), args)


@blp.route("/roles", methods=["POST"])
@bearer_required
@blp.arguments(RoleIn)
@blp.response(201, RoleOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def grant_role(data):
    """Grant a scoped role (administrators of that scope)."""
    require(current_actor(), "role.grant")
    person = places.get_or_404(Person, data["person_id"])
    return roles.grant_role(current_actor(), person, data["role"], data["scope_type"], data["scope_id"])


@blp.route("/roles/<int:grant_id>", methods=["DELETE"])
@bearer_required
@blp.response(204)
@document_errors(blp, 401, 403, 404, 409)
def revoke_role(grant_id):
    """Revoke a scoped role."""
    require(current_actor(), "role.grant")
    roles.revoke_role(current_actor(), places.get_or_404(RoleGrant, grant_id))
