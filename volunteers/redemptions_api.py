"""JSON API of the redemption catalogue and redemptions (shared/API.md conventions): thin over
volunteers/redemptions.py."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from app import db
from community.apitools import (
    Id,
    PageArgs,
    StrictBoolean,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_of,
    page_schema,
)
from community.authz import require
from community.errors import NotFound
from community.places.models import Street
from volunteers import redemptions as R

blp = api_blueprint("volunteer_redemptions_api", "Redemptions of points (积分兑换): the catalogue with stock, "
                    "applications and their approval")
F = ma.fields


class ItemIn(ma.Schema):
    street_id = Id(required=True, strict=True)
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=80))
    kind = F.String(load_default="goods", validate=ma.validate.OneOf(list(R.KINDS)),
                    metadata={"description": "health_check, recuperation, goods, other"})
    description = F.String(load_default="", validate=ma.validate.Length(max=1000))
    points = F.Raw(required=True, metadata={"description": "price: a whole number of points, 1 … 100000"})
    stock = F.Raw(load_default=0, metadata={"description": "a whole number, 0 … 100000"})


class ItemPatch(ma.Schema):
    name = F.String(validate=ma.validate.Length(min=1, max=80))
    description = F.String(validate=ma.validate.Length(max=1000))
    points = F.Raw()
    stock = F.Raw(metadata={"description": "the stock now (replaces it)"})
    is_active = StrictBoolean()


class ItemOut(ma.Schema):
    id = F.Integer()
    street_id = F.Integer()
    name = F.String()
    kind = F.String()
    description = F.String()
    points = F.Integer()
    stock = F.Integer()
    is_active = F.Boolean()


class ItemArgs(PageArgs):
    street_id = Id(metadata={"description": "default: the street one lives in"})


class RedemptionIn(ma.Schema):
    item_id = Id(required=True, strict=True)
    quantity = F.Raw(load_default=1, metadata={"description": "1 … 10"})
    note = F.String(load_default="", validate=ma.validate.Length(max=300))


class RedemptionOut(ma.Schema):
    id = F.Integer()
    item_id = F.Integer()
    item_name = F.Function(lambda r: r.item.name)
    person_id = F.Integer()
    community_id = F.Integer()
    quantity = F.Integer()
    points = F.Integer()
    state = F.String(metadata={"description": "pending, approved, declined, withdrawn"})
    note = F.String()
    reason = F.String()
    created_at = F.DateTime()
    decided_at = F.DateTime(allow_none=True)


class DeclineIn(ma.Schema):
    reason = F.String(required=True, validate=ma.validate.Length(max=500))


@blp.route("/redemption-items")
@bearer_required
@blp.arguments(ItemArgs, location="query")
@blp.response(200, page_schema(ItemOut, "RedemptionItemPage"))
@document_errors(blp, 400, 401)
def list_items(args):
    """The catalogue of a street (default: one's own), items on offer, by name."""
    street_id = args.get("street_id") or R.street_of(current_actor())
    return page_of(R.catalogue_query([street_id] if street_id else []), args)


@blp.route("/redemption-items", methods=["POST"])
@bearer_required
@blp.arguments(ItemIn)
@blp.response(201, ItemOut)
@document_errors(blp, 400, 401, 403, 404)
def create_item(data):
    """A street administrator adds an item to the street's catalogue."""
    street_id = data.pop("street_id")
    require(current_actor(), "redemption_item.manage", ("street", street_id))
    street = db.session.get(Street, street_id) or _no_street()
    return R.create_item(current_actor(), street, data)


def _no_street():
    raise NotFound(_("The street was not found."), fields={"street_id": "unknown"})


@blp.route("/redemption-items/<int:item_id>", methods=["PATCH"])
@bearer_required
@blp.arguments(ItemPatch)
@blp.response(200, ItemOut)
@document_errors(blp, 400, 401, 403, 404)
def update_item(data, item_id):
    """Change an item's price, stock, description, or whether it is offered."""
    return R.update_item(current_actor(), R.get_item(item_id), data)


@blp.route("/redemptions")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(RedemptionOut, "RedemptionPage"))
@document_errors(blp, 400, 401)
def mine(args):
    """One's own applications, newest first."""
    return page_of(R.mine_query(current_actor().id), args)


@blp.route("/redemptions/pending")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(RedemptionOut, "PendingRedemptionPage"))
@document_errors(blp, 400, 401, 403)
def pending(args):
    """The applications waiting in the communities where one decides, oldest first."""
    require(current_actor(), "redemption.decide")
    return page_of(R.scope_query(current_actor()), args)


@blp.route("/redemptions", methods=["POST"])
@bearer_required
@blp.arguments(RedemptionIn)
@blp.response(201, RedemptionOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def apply(data):
    """Apply to redeem points for an item of one's street (422 beyond the balance or the stock)."""
    return R.apply(current_actor(), R.get_item(data["item_id"]), data["quantity"], data["note"])


@blp.route("/redemptions/<int:redemption_id>/approve", methods=["POST"])
@bearer_required
@blp.response(200, RedemptionOut)
@document_errors(blp, 401, 403, 404, 409, 422)
def approve(redemption_id):
    """Approve: points and stock deducted together (409 already answered; 422 beyond balance or stock)."""
    return R.approve(current_actor(), R.get_redemption(current_actor(), redemption_id))


@blp.route("/redemptions/<int:redemption_id>/decline", methods=["POST"])
@bearer_required
@blp.arguments(DeclineIn)
@blp.response(200, RedemptionOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def decline(data, redemption_id):
    """Decline with a reason the applicant reads."""
    return R.decline(current_actor(), R.get_redemption(current_actor(), redemption_id), data["reason"])


@blp.route("/redemptions/<int:redemption_id>/withdraw", methods=["POST"])
@bearer_required
@blp.response(200, RedemptionOut)
@document_errors(blp, 401, 403, 404, 409)
def withdraw(redemption_id):
    """The applicant withdraws a pending application."""
    return R.withdraw(current_actor(), R.get_redemption(current_actor(), redemption_id))
