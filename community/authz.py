"""The one authorisation function: may this person do this to this object?

Every role is held in a scope. A scope contains the scopes below it
(street ⊃ community ⊃ organisation/election; street ⊃ branch), so a street
administrator may do in a community what a community administrator may.
Packages register their scope types' parents and their actions at app creation.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import db
from community.errors import Forbidden

ROLE_LABELS = {
    "platform_admin": _l("Platform administrator"),
    "street_admin": _l("Street administrator"),
    "community_admin": _l("Community administrator"),
    "secretary": _l("Branch secretary"),
    "branch_committee": _l("Branch committee member"),
    "liaison": _l("Outflow-side liaison"),
    "organiser": _l("Activity organiser"),
    "scorer": _l("Scorer"),
    "discussion_member": _l("Discussion group member"),
    "election_committee": _l("Election committee member"),
    "counter": _l("Counter"),
}
SCOPE_LABELS = {
    "platform": _l("Whole platform"),
    "street": _l("Street"),
    "community": _l("Community"),
    "branch": _l("Branch"),
    "organisation": _l("Organisation"),
    "election": _l("Election"),
}
# Where each role may be held.
ROLE_SCOPES = {
    "platform_admin": {"platform"},
    "street_admin": {"street"},
    "community_admin": {"community"},
    "secretary": {"branch"},
    "branch_committee": {"branch"},
    "liaison": {"branch"},
    "organiser": {"street", "community", "organisation"},
    "scorer": {"organisation"},
    "discussion_member": {"community"},
    "election_committee": {"election"},
    "counter": {"election"},
}
ADMIN_ROLES = {"street_admin", "community_admin"}
# Actions on a person's account: the actor's admin roles must also cover every role the person holds
# (see covers), so that nobody takes over an account of wider rights than their own.
ACCOUNT_ACTIONS = {"person.edit", "person.reset_password"}

# action -> roles that may perform it on an object inside a scope they hold.
# "self" means the object is the acting person.
POLICY: dict[str, set[str]] = {
    "street.edit": {"street_admin"},
    "community.create": {"street_admin"},
    "community.edit": {"street_admin", "community_admin"},
    "grid.manage": {"street_admin", "community_admin"},
    "person.list": {"street_admin", "community_admin"},
    "person.view": {"street_admin", "community_admin", "self"},
    "person.create": {"street_admin", "community_admin"},
    "person.edit": {"street_admin", "community_admin"},
    "person.reset_password": {"street_admin", "community_admin"},
    "person.import": {"street_admin", "community_admin"},
    "person.export": {"street_admin", "community_admin", "self"},
    "role.grant": {"street_admin", "community_admin"},
    "role.list": {"street_admin", "community_admin"},
    "audit.view": set(),  # platform administrators only: the log spans every street
}

# scope type -> function(scope_id) -> parent (type, id) or None, and the model behind the scope
_PARENTS: dict[str, Callable[[int], tuple[str, int] | None]] = {}
_MODELS: dict[str, type] = {}


def register_scope(scope_type: str, model, parent: Callable[[int], tuple[str, int] | None], label=None) -> None:
    """Let a package declare a scope type, its model and how to find its parent scope."""
    _PARENTS[scope_type] = parent
    if model is not None:
        _MODELS[scope_type] = model
    if label is not None:
        SCOPE_LABELS[scope_type] = label


def scope_object(scope_type: str, scope_id):
    """The object a scope names (a Street, a Branch…), or None if there is none."""
    from community.database import valid_id

    model = _MODELS.get(scope_type)
    if model is None or not valid_id(scope_id):
        return None
    return db.session.get(model, scope_id)


def scope_names(scopes) -> dict[tuple[str, int], str]:
    """Readable names for many (type, id) scopes, one query per scope type."""
    wanted: dict[str, set[int]] = {}
    for scope_type, scope_id in scopes:
        wanted.setdefault(scope_type, set()).add(scope_id)
    names = {("platform", 0): str(SCOPE_LABELS["platform"])}
    for scope_type, ids in wanted.items():
        model = _MODELS.get(scope_type)
        if model is None:
            continue
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            names[(scope_type, obj.id)] = getattr(obj, "name", None) or getattr(obj, "title", None) or str(obj.id)
    return names


def scope_name(scope_type: str, scope_id: int) -> str:
    """A readable name for a scope, for lists of roles."""
    if scope_type == "platform":
        return str(SCOPE_LABELS["platform"])
    obj = scope_object(scope_type, scope_id)
    return getattr(obj, "name", None) or getattr(obj, "title", None) or f"{scope_type} {scope_id}"


def register_actions(actions: dict[str, set[str]]) -> None:
    """Let a package add its actions to the policy."""
    POLICY.update(actions)


def _community_parent(community_id: int):
    from community.places.models import Community

    street_id = db.session.scalar(select(Community.street_id).where(Community.id == community_id))
    return ("street", street_id) if street_id else None


def register_place_scopes() -> None:
    """Streets and communities are scopes of the civic core."""
    from community.places.models import Community, Street

    register_scope("community", Community, _community_parent)
    register_scope("street", Street, lambda _id: None)
    register_scope("platform", None, lambda _id: None)


def scope_chain(scope: tuple[str, int]) -> list[tuple[str, int]]:
    """The scope itself and every scope containing it, innermost first."""
    cache = g.setdefault("_scope_chains", {}) if has_request_context() else {}
    if scope in cache:
        return cache[scope]
    chain, current = [], scope
    while current and current not in chain:
        chain.append(current)
        parent = _PARENTS.get(current[0])
        current = parent(current[1]) if parent else None
    cache[scope] = chain
    return chain


def grants_of(person) -> list:
    """The person's role grants, loaded once per request."""
    from community.roles.models import RoleGrant

    if person is None or not getattr(person, "id", None):
        return []
    cache = g.setdefault("_grants", {}) if has_request_context() else {}
    if person.id not in cache:
        cache[person.id] = db.session.scalars(select(RoleGrant).where(RoleGrant.person_id == person.id)).all()
    return cache[person.id]


def forget_grants() -> None:
    """Drop the per-request cache after roles change."""
    if has_request_context():
        g.pop("_grants", None)


def is_platform_admin(person) -> bool:
    return any(grant.role == "platform_admin" for grant in grants_of(person))


def _scope_of(obj) -> tuple[str, int] | None:
    if obj is None:
        return None
    if isinstance(obj, tuple):
        return obj
    return obj.authz_scope


def can(actor, action: str, obj=None) -> bool:
    """May `actor` do `action` to `obj` (a model with `authz_scope`, or a (type, id) scope)?"""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "id", None):
        return False
    if action not in POLICY:
        raise KeyError(f"unknown action {action!r}")
    allowed = POLICY[action]
    if "self" in allowed and obj is not None and obj.__class__.__name__ == "Person" and obj.id == actor.id:
        return True
    grants = grants_of(actor)
    if any(grant.role == "platform_admin" for grant in grants):
        return True
    held = [grant for grant in grants if grant.role in allowed]
    if not held:
        return False
    scope = _scope_of(obj)
    if scope is None:  # "anywhere": e.g. may this person see the people menu at all
        return True
    chain = set(scope_chain(scope))
    if not any((grant.scope_type, grant.scope_id) in chain for grant in held):
        return False
    if action in ACCOUNT_ACTIONS and obj.__class__.__name__ == "Person":
        return covers(actor, obj)
    return True


def covers(actor, person) -> bool:
    """Do the actor's admin roles contain every role `person` holds?

    Each of the person's grants must sit at or below a scope where the actor is an administrator
    (a community administrator covers residents, discussion members and the committee of an election
    in their community, and their fellow administrators of that community; not a street or platform
    administrator, nor an administrator of another community who lives in theirs). Platform
    administrators cover everyone; only they cover each other.
    """
    actor_grants = grants_of(actor)
    if any(grant.role == "platform_admin" for grant in actor_grants):
        return True
    if getattr(person, "id", None) == getattr(actor, "id", None):
        return True  # one's own record: the home-community check already applied
    admin_scopes = {grant.scope for grant in actor_grants if grant.role in ADMIN_ROLES}
    return all(admin_scopes.intersection(scope_chain(grant.scope)) for grant in grants_of(person))


def require_covers(actor, person) -> None:
    """Raise Forbidden unless the actor's roles contain every role of `person` (see covers)."""
    if not covers(actor, person):
        raise Forbidden(str(_l("This person holds a role beyond your own; only an administrator above "
                               "it may change their account or roles.")))


def require(actor, action: str, obj=None) -> None:
    """Raise Forbidden unless `can(actor, action, obj)`."""
    if not can(actor, action, obj):
        raise Forbidden(str(_l("You do not have permission to do this.")))


def scope_ids(actor, action: str, scope_type: str) -> set[int] | None:
    """Ids of the scopes of one type where `actor` may do `action`; None means all of them.

    Used to filter list queries in SQL instead of checking row by row.
    """
    from community.places.models import Community

    grants = grants_of(actor)
    if any(grant.role == "platform_admin" for grant in grants):
        return None
    held = [grant for grant in grants if grant.role in POLICY[action]]
    ids = {grant.scope_id for grant in held if grant.scope_type == scope_type}
    if scope_type == "community":
        streets = {grant.scope_id for grant in held if grant.scope_type == "street"}
        if streets:
            ids |= set(db.session.scalars(select(Community.id).where(Community.street_id.in_(streets))))
    return ids


def community_condition(actor, action: str, community_column):
    """A SQL condition: `community_column` is a community where `actor` may do `action`; None means any.

    Street-wide grants become a correlated EXISTS rather than a long IN list, so that a list ordered
    by name can walk its index and stop after one page on SQLite too (see bench/people_list.py).
    """
    from sqlalchemy import exists, false, or_

    from community.places.models import Community

    grants = grants_of(actor)
    if any(grant.role == "platform_admin" for grant in grants):
        return None
    held = [grant for grant in grants if grant.role in POLICY[action]]
    communities = {grant.scope_id for grant in held if grant.scope_type == "community"}
    streets = {grant.scope_id for grant in held if grant.scope_type == "street"}
    conditions = []
    if communities:
        conditions.append(community_column.in_(communities))
    if streets:
        conditions.append(exists().where(Community.id == community_column, Community.street_id.in_(streets)))
    return or_(*conditions) if conditions else false()
