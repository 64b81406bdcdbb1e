"""The one authorisation function: may this person do this to this object?

Every role is held in a scope. A scope contains the scopes below it
(street ⊃ community ⊃ election; street ⊃ branch), so a street administrator may do in a
community what a community administrator may. Packages register their scope types (with the model
and the SQL way up to the parent), roles and actions with the app's registry (community.registry);
`can`, the list conditions and the roles list all derive from those registrations.
An object names its scopes with `authz_scopes` (several: a branch member sits in their branch and in
their home-side organisation) or `authz_scope` (one), and its owner with `authz_owner_id` ("self").
"""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, false, or_, select

from app import db
from community.errors import Forbidden
from community.registry import SELF
from community.registry import registry as _registry


def roles() -> dict:
    """Registered roles: name -> Role (label, scope types)."""
    return _registry().roles


def scope_types() -> dict:
    """Registered scope types: name -> ScopeType (model, label, parent)."""
    return _registry().scope_types


def scope_label(scope_type: str) -> str:
    found = _registry().scope_types.get(scope_type)
    return str(found.label) if found else scope_type


def scope_object(scope_type: str, scope_id):
    """The object a scope names (a Street, a Branch…), or None if there is none."""
    from community.database import valid_id

    found = _registry().scope_types.get(scope_type)
    if found is None or found.model is None or not valid_id(scope_id):
        return None
    return db.session.get(found.model, scope_id)


def _display(obj) -> str:
    return getattr(obj, "name", None) or getattr(obj, "title", None) or str(obj.id)


def scope_names(scopes) -> dict[tuple[str, int], str]:
    """Readable names for many (type, id) scopes, one query per scope type."""
    wanted: dict[str, set[int]] = {}
    for scope_type, scope_id in scopes:
        wanted.setdefault(scope_type, set()).add(scope_id)
    names = {("platform", 0): scope_label("platform")}
    for scope_type, ids in wanted.items():
        found = _registry().scope_types.get(scope_type)
        if found is None or found.model is None:
            continue
        model = found.model
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            names[(scope_type, obj.id)] = _display(obj)
    return names


def scope_name(scope_type: str, scope_id: int) -> str:
    """A readable name for a scope, for lists of roles."""
    if scope_type == "platform":
        return scope_label("platform")
    obj = scope_object(scope_type, scope_id)
    return _display(obj) if obj is not None else f"{scope_type} {scope_id}"


def parent_scope(scope: tuple[str, int]) -> tuple[str, int] | None:
    """The scope directly containing `scope`, read through its type's registered SQL parent."""
    found = _registry().scope_types.get(scope[0])
    if found is None or found.parent_type is None or found.model is None:
        return None
    parent_id = db.session.scalar(select(found.parent).where(found.model.id == scope[1]))
    return (found.parent_type, parent_id) if parent_id is not None else None


def scope_chain(scope: tuple[str, int]) -> list[tuple[str, int]]:
    """The scope itself and every scope containing it, innermost first (one query per level, cached)."""
    cache = g.setdefault("_scope_chains", {}) if has_request_context() else {}
    if scope in cache:
        return cache[scope]
    chain, current = [], scope
    while current and current not in chain:
        chain.append(current)
        current = parent_scope(current)
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


def scopes_of(obj) -> list[tuple[str, int]]:
    """The scopes an object sits in: a (type, id) itself, `authz_scopes`, or `authz_scope`."""
    if obj is None:
        return []
    if isinstance(obj, tuple):
        return [obj]
    several = getattr(obj, "authz_scopes", None)
    if several is not None:
        return [scope for scope in several if scope and scope[1] is not None]
    return [obj.authz_scope]


def _allowed(action: str) -> frozenset:
    actions = _registry().actions
    if action not in actions:
        raise KeyError(f"unknown action {action!r}")
    return actions[action]


def can(actor, action: str, obj=None) -> bool:
    """May `actor` do `action` to `obj` (a model with `authz_scopes`/`authz_scope`, or a (type, id) scope)?

    No query per object beyond the scope chains, which are cached per request and shared by the rows of a list.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "id", None):
        return False
    allowed = _allowed(action)
    if SELF in allowed and obj is not None and not isinstance(obj, tuple) \
            and getattr(obj, "authz_owner_id", None) == actor.id:
        return True
    grants = grants_of(actor)
    if any(grant.role == "platform_admin" for grant in grants):
        return True
    held = {(grant.scope_type, grant.scope_id) for grant in grants if grant.role in allowed}
    if not held:
        return False
    if obj is None:  # "anywhere": e.g. may this person see the people menu at all
        return True
    held_types, reg = {scope_type for scope_type, _id in held}, _registry()
    # Walk up only from scopes whose type could lie inside a held one (a liaison's grant never needs the
    # branch's chain), so a list of objects costs a query per distinct scope at most, never one per row.
    if not any(held.intersection(scope_chain(scope)) for scope in scopes_of(obj)
               if held_types.intersection(reg.ancestors(scope[0]))):
        return False
    if action in _registry().account_actions and not isinstance(obj, tuple):
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
    administering = {name for name, role in _registry().roles.items() if role.administers}
    admin_scopes = {grant.scope for grant in actor_grants if grant.role in administering}
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


def _inside(scope_type: str, id_column, ancestor_type: str, ids: set[int]):
    """SQL: `id_column`, the id of a scope of `scope_type`, lies inside one of the `ancestor_type` scopes `ids`.

    Each level up is a correlated EXISTS on the scope type's model through its registered parent column or
    expression, so a list ordered by an index can walk it and stop after one page (see bench/people_list.py).
    """
    if scope_type == ancestor_type:
        return id_column.in_(sorted(ids))
    found = _registry().scope_types[scope_type]
    model = found.model
    if id_column is model.id or getattr(id_column, "expression", None) is model.id.expression:
        return _inside(found.parent_type, found.parent, ancestor_type, ids)
    return exists().where(model.id == id_column, _inside(found.parent_type, found.parent, ancestor_type, ids))


def scope_condition(actor, action: str, scope_type: str, id_column):
    """A SQL condition: `id_column` names a scope of `scope_type` where `actor` may do `action`; None: any.

    Grants held in the scope type itself or in any scope type above it count (a street administrator's
    grant covers the street's communities, their elections, the street's branches…).
    """
    grants = grants_of(actor)
    if any(grant.role == "platform_admin" for grant in grants):
        return None
    allowed = _allowed(action)
    held: dict[str, set[int]] = {}
    for grant in grants:
        if grant.role in allowed:
            held.setdefault(grant.scope_type, set()).add(grant.scope_id)
    conditions = [_inside(scope_type, id_column, ancestor, held[ancestor])
                  for ancestor in _registry().ancestors(scope_type) if ancestor in held]
    return or_(*conditions) if conditions else false()


def any_scope_condition(actor, action: str, columns: dict):
    """A SQL condition for objects sitting in several scopes: `columns` maps scope type -> the object's column
    naming its scope of that type; the object qualifies through any of them. None means any object."""
    conditions = [scope_condition(actor, action, scope_type, column) for scope_type, column in columns.items()]
    if any(condition is None for condition in conditions):
        return None
    return or_(*conditions) if conditions else false()


def scope_ids(actor, action: str, scope_type: str) -> set[int] | None:
    """Ids of the scopes of one type where `actor` may do `action`; None means all of them.

    No query when the actor's grants name such scopes directly; one query when they hold wider ones.
    """
    grants = grants_of(actor)
    if any(grant.role == "platform_admin" for grant in grants):
        return None
    allowed = _allowed(action)
    held = [grant for grant in grants if grant.role in allowed]
    ids = {grant.scope_id for grant in held if grant.scope_type == scope_type}
    above = set(_registry().ancestors(scope_type)) - {scope_type}
    if any(grant.scope_type in above for grant in held):
        model = _registry().scope_types[scope_type].model
        condition = scope_condition(actor, action, scope_type, model.id)
        ids |= set(db.session.scalars(select(model.id).where(condition)))
    return ids


def community_condition(actor, action: str, community_column):
    """A SQL condition: `community_column` is a community where `actor` may do `action`; None means any."""
    return scope_condition(actor, action, "community", community_column)
