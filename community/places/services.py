"""Creating and changing streets, communities and grids."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app import db
from community.audit.services import record
from community.authz import require, scope_ids
from community.database import flush_or_conflict, transactional, valid_id
from community.errors import Invalid, NotFound
from community.places.models import Community, Grid, Street


def _clean_name(name: str | None, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("A name is required."), fields={field: _("Required")})
    if len(name) > 60:
        raise Invalid(_("A name may have at most 60 characters."), fields={field: _("Too long")})
    return name


def get_or_404(model, object_id):
    """Load a row by id or raise NotFound with a clear message."""
    obj = db.session.get(model, object_id) if valid_id(object_id) else None
    if obj is None:
        raise NotFound(_("The requested object (#%(id)s) does not exist.", id=object_id))
    return obj


def flush_unique(obj, message: str) -> None:
    """Add and flush a place; a name clash becomes a Conflict on the `name` field."""
    flush_or_conflict(obj, message, field="name")


@transactional
def create_street(actor, name: str, county: str = "") -> Street:
    """A new street or town (platform administrators)."""
    require(actor, "street.edit", ("platform", 0))
    street = Street(name=_clean_name(name), county=(county or "").strip()[:60])
    flush_unique(street, _("A street with this name already exists."))
    record(actor, "street.create", street, summary=street.name)
    return street


@transactional
def create_community(actor, street: Street, name: str) -> Community:
    """A new community or village in a street."""
    require(actor, "community.create", street)
    community = Community(street_id=street.id, name=_clean_name(name))
    flush_unique(community, _("This street already has a community with this name."))
    record(actor, "community.create", community, summary=community.name)
    return community


@transactional
def rename_community(actor, community: Community, name: str) -> Community:
    """Rename a community."""
    require(actor, "community.edit", community)
    community.name = _clean_name(name)
    flush_unique(community, _("This street already has a community with this name."))
    record(actor, "community.rename", community, summary=community.name)
    return community


@transactional
def create_grid(actor, community: Community, name: str) -> Grid:
    """A new grid in a community."""
    require(actor, "grid.manage", community)
    grid = Grid(community_id=community.id, name=_clean_name(name))
    flush_unique(grid, _("This community already has a grid with this name."))
    record(actor, "grid.create", grid, summary=grid.name)
    return grid


def communities_for(actor, action: str = "person.list"):
    """The communities where the person may do `action`, as a select."""
    statement = select(Community).join(Street).order_by(Street.name, Community.name)
    ids = scope_ids(actor, action, "community")
    if ids is not None:
        statement = statement.where(Community.id.in_(ids or [-1]))
    return statement
