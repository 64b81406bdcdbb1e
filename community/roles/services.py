"""Granting and revoking scoped roles."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app import db
from community.audit.services import record
from community.authz import (
    forget_grants,
    is_platform_admin,
    require,
    require_covers,
    scope_condition,
    scope_object,
)
from community.database import flush_or_conflict, transactional
from community.errors import Conflict, Forbidden, Invalid
from community.people.models import Person
from community.places.models import Community
from community.registry import registry
from community.roles.models import RoleGrant

# Roles only a platform administrator may hand out (registered with platform_granted=True): no one grants
# themselves up the ladder. Roles with rules of their own (an election's committee and counters) are
# registered with appoint(actor, person, scope_id) -> RoleGrant and dismiss(actor, grant), and every page
# uses them.


def platform_granted() -> set[str]:
    return {name for name, role in registry().roles.items() if role.platform_granted}


@transactional
def grant_role(actor, person: Person, role: str, scope_type: str, scope_id: int | None) -> RoleGrant:
    """Give `person` the `role` within a scope the actor administers."""
    reg = registry()
    if role not in reg.roles:
        raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
    if scope_type not in reg.roles[role].scope_types:
        message = _("The role %(role)s is held in a %(scopes)s scope.", role=reg.roles[role].label,
                    scopes="/".join(str(reg.scope_types[s].label) for s in sorted(reg.roles[role].scope_types)))
        raise Invalid(message, fields={"scope_type": message})
    if scope_type == "platform":
        scope_id = 0
    elif scope_object(scope_type, scope_id) is None:
        raise Invalid(_("The scope does not exist."), fields={"scope_id": _("The scope does not exist.")})
    if reg.roles[role].platform_granted and not is_platform_admin(actor):
        raise Forbidden(_("Only a platform administrator may grant this role."))
    require_covers(actor, person)  # nobody changes the roles of someone above them
    if role in reg.appointers:
        return reg.appointers[role][0](actor, person, scope_id)
    if role == "community_admin":
        require(actor, "role.grant", _street_of(scope_id))
    else:
        require(actor, "role.grant", (scope_type, scope_id))
    grant = RoleGrant(person_id=person.id, role=role, scope_type=scope_type, scope_id=scope_id,
                      granted_by_id=actor.id)
    # The unique key answers a duplicate, also when two administrators grant it at the same moment.
    flush_or_conflict(grant, _("The person already holds this role here."))
    record(actor, "role.grant", grant, summary=f"{person.name}: {role} @ {scope_type}:{scope_id}")
    forget_grants()
    return grant


def _street_of(community_id: int) -> tuple[str, int]:
    """Community administrators are appointed by the street, not by each other."""
    return ("street", db.session.get(Community, community_id).street_id)


def check_revoke(actor, grant: RoleGrant) -> None:
    """Raise Forbidden unless the actor may take this role away (an appointed role's own rules are checked
    when it is dismissed)."""
    require_covers(actor, grant.person)
    if grant.role in registry().appointers:
        return
    if grant.role in platform_granted() and not is_platform_admin(actor):
        raise Forbidden(_("Only a platform administrator may revoke this role."))
    if grant.role == "community_admin":
        require(actor, "role.grant", _street_of(grant.scope_id))
    else:
        require(actor, "role.grant", grant.scope)


def grant_words(grant: RoleGrant) -> tuple[str, str]:
    """The role and where it is held, in the reader's language ("Community administrator", "东门社区")."""
    from community.authz import scope_names

    reg = registry()
    role = reg.roles.get(grant.role)
    scope = reg.scope_types.get(grant.scope_type)
    place = str(scope.label) if scope else ""
    if grant.scope_type != "platform":  # the place's own name says what it is ("东门社区", "2026 年选举")
        place = scope_names([grant.scope]).get(grant.scope) or place
    return (str(role.label) if role else grant.role), place


@transactional
def revoke_role(actor, grant: RoleGrant) -> None:
    """Take a role away; the same rights are needed as to grant it."""
    check_revoke(actor, grant)
    appointer = registry().appointers.get(grant.role)
    if appointer:
        appointer[1](actor, grant)
        return
    if grant.role == "platform_admin" and db.session.scalar(
            select(db.func.count()).select_from(RoleGrant).where(RoleGrant.role == "platform_admin")) <= 1:
        raise Conflict(_("The last platform administrator cannot be removed."))
    record(actor, "role.revoke", grant,
           summary=f"{grant.person.name}: {grant.role} @ {grant.scope_type}:{grant.scope_id}")
    db.session.delete(grant)
    forget_grants()


def roles_query(actor, person_id: int | None = None):
    """The role grants the actor may see: those in scopes they administer."""
    statement = select(RoleGrant).order_by(RoleGrant.id)
    if person_id:
        statement = statement.where(RoleGrant.person_id == person_id)
    if is_platform_admin(actor):
        return statement
    # Every registered scope type: grants held in it or below the scopes the actor administers (role.list).
    visible = RoleGrant.person_id == actor.id
    for scope_type, found in registry().scope_types.items():
        if found.model is None:
            continue
        condition = scope_condition(actor, "role.list", scope_type, RoleGrant.scope_id)
        visible = visible | ((RoleGrant.scope_type == scope_type) & condition)
    return statement.where(visible)
