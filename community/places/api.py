"""JSON API of places: streets and communities (place names are public to everyone signed in)."""
from __future__ import annotations

import marshmallow as ma

from app import db
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
from community.places import services as places
from community.places.models import Community, Street

blp = api_blueprint("places_api", "Places: streets and communities")
F = ma.fields


class StreetIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=60))
    county = F.String(load_default="", validate=ma.validate.Length(max=60))


class StreetOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    county = F.String()


class CommunityIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=60))
    street_id = Id(required=True, strict=True)


class CommunityOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    street_id = F.Integer()


class CommunityArgs(PageArgs):
    street_id = Id()


@blp.route("/streets")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(StreetOut, "StreetPage"))
def list_streets(args):
    """All streets (place names are public)."""
    return page_of(db.select(Street).order_by(Street.name), args)


@blp.route("/streets", methods=["POST"])
@bearer_required
@blp.arguments(StreetIn)
@blp.response(201, StreetOut)
@document_errors(blp, 400, 401, 403, 409)
def create_street(data):
    """Create a street (platform administrators)."""
    return places.create_street(current_actor(), data["name"], data["county"])


@blp.route("/streets/<int:street_id>")
@bearer_required
@blp.response(200, StreetOut)
@document_errors(blp, 404)
def get_street(street_id):
    """One street."""
    return places.get_or_404(Street, street_id)


@blp.route("/communities")
@bearer_required
@blp.arguments(CommunityArgs, location="query")
@blp.response(200, page_schema(CommunityOut, "CommunityPage"))
def list_communities(args):
    """Communities, optionally of one street."""
    statement = db.select(Community).order_by(Community.street_id, Community.name)
    if args.get("street_id"):
        statement = statement.where(Community.street_id == args["street_id"])
    return page_of(statement, args)


@blp.route("/communities", methods=["POST"])
@bearer_required
@blp.arguments(CommunityIn)
@blp.response(201, CommunityOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def create_community(data):
    """Create a community in a street (administrators of that street)."""
    street = places.get_or_404(Street, data["street_id"])
    return places.create_community(current_actor(), street, data["name"])


@blp.route("/communities/<int:community_id>")
@bearer_required
@blp.response(200, CommunityOut)
@document_errors(blp, 404)
def get_community(community_id):
    """One community."""
    return places.get_or_404(Community, community_id)
