"""JSON API of dues and transfers (shared/API.md): money as decimal strings, months as "YYYY-MM"."""
from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_babel import gettext as _

from app import db
from branches import dues as D
from branches import transfers as T
from branches.dues_arrears import arrears_page
from branches.models import BranchMember
from branches.transfer_pdf import letter_pdf
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
from community.database import utcnow
from community.errors import NotFound

blp = api_blueprint("branch_dues_api",
                    "Party dues (党费) and transfers of the organisational relationship (组织关系转接)")
F = ma.fields


def _month(value):
    return value.strftime("%Y-%m") if value else None


class DuesIn(ma.Schema):
    member_id = Id(required=True, strict=True)
    category = F.String(required=True, validate=ma.validate.OneOf(list(D.CATEGORIES)),
                        metadata={"description": "employed, retired (bracket on income); farmer, student, "
                                                 "unemployed (fixed 0.20)"})
    monthly_income = F.Raw(metadata={"description": "monthly after-tax income, a decimal string (yuan)"})
    chosen_amount = F.Raw(metadata={"description": "farmers: a monthly amount from 0.20 to 1.00 (default 0.20)"})
    first_month = F.String(required=True, metadata={"description": "YYYY-MM"})
    months = F.Integer(load_default=1, strict=True, validate=ma.validate.OneOf([1, 3]),
                       metadata={"description": "1 (a month) or 3 (a quarter)"})
    paid_on = F.Date()


class DuesPaymentOut(ma.Schema):
    id = F.Integer()
    branch_id = F.Integer()
    member_id = F.Integer()
    person_id = F.Integer()
    category = F.String()
    monthly_income = F.Decimal(as_string=True, places=2, allow_none=True)
    monthly_amount = F.Decimal(as_string=True, places=2)
    total = F.Decimal(as_string=True, places=2)
    first_month = F.Function(lambda p: _month(p.first_month))
    months = F.Integer()
    paid_on = F.Date()


class MonthArgs(PageArgs):
    month = F.String(metadata={"description": "YYYY-MM (default: this month)"})


class DuesMonthOut(ma.Schema):
    month = F.Function(lambda m: _month(m.month))
    member_id = F.Function(lambda m: m.payment.member_id)
    person_id = F.Integer()
    name = F.Function(lambda m: m.person.name)
    amount = F.Decimal(as_string=True, places=2)
    payment_id = F.Integer()
    paid_on = F.Function(lambda m: m.payment.paid_on.isoformat())


class ArrearsOut(ma.Schema):
    member_id = F.Integer()
    person_id = F.Integer()
    name = F.String()
    months = F.Function(lambda a: [_month(m) for m in a.months])
    paid_up_to = F.Function(lambda a: _month(a.paid_up_to))


class TransferIn(ma.Schema):
    member_id = Id(strict=True, metadata={"description": "a letter out: the member of the issuing branch"})
    person_id = Id(strict=True, metadata={"description": "a paper letter in from outside: the person"})
    to_branch_id = Id(strict=True, metadata={"description": "a branch of the platform"})
    to_organisation = F.String(validate=ma.validate.Length(max=100))
    from_organisation = F.String(validate=ma.validate.Length(max=100))
    issued_on = F.Date(metadata={"description": "a paper letter in: its date of issue"})
    valid_until = F.Date(metadata={"description": "at most three months after issue (the default)"})
    dues_paid_up_to = F.String(metadata={"description": "a paper letter in: YYYY-MM"})
    note = F.String(validate=ma.validate.Length(max=1000))


class TransferOut(ma.Schema):
    id = F.Integer()
    letter_no = F.String()
    person_id = F.Integer()
    person_name = F.Function(lambda t: t.person.name)
    member_id = F.Integer(allow_none=True)
    from_branch_id = F.Integer(allow_none=True)
    from_organisation = F.String()
    to_branch_id = F.Integer(allow_none=True)
    to_organisation = F.String()
    issued_on = F.Date()
    valid_until = F.Date()
    dues_paid_up_to = F.Function(lambda t: _month(t.dues_paid_up_to))
    state = F.String()
    received_on = F.Date(allow_none=True)


class TransferArgs(PageArgs):
    direction = F.String(validate=ma.validate.OneOf(["in", "out"]))


@blp.route("/branches/<int:branch_id>/dues", methods=["POST"])
@bearer_required
@blp.arguments(DuesIn)
@blp.response(201, DuesPaymentOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def record_dues(data, branch_id):
    """Record a payment of one month or a quarter for a member of the branch (409: a month already paid)."""
    branch = D.get_branch(branch_id)
    require(current_actor(), "dues.record", branch)  # before the member is looked up
    member = db.session.get(BranchMember, data.pop("member_id"))
    if member is None or member.branch_id != branch.id:
        raise NotFound(_("This person is not a member of the branch."), fields={"member_id": "unknown"})
    return D.record_payment(current_actor(), member, **data)


@blp.route("/branches/<int:branch_id>/dues")
@bearer_required
@blp.arguments(MonthArgs, location="query")
@blp.response(200, page_schema(DuesMonthOut, "DuesMonthPage"))
@document_errors(blp, 400, 401, 403, 404)
def list_dues(args, branch_id):
    """The dues taken for a month (default this month), one line per member."""
    branch = D.get_branch(branch_id)
    require(current_actor(), "dues.view", branch)
    month = D.parse_month(args["month"], "month") if args.get("month") else D.month_start(utcnow().date())
    return page_of(D.month_query(branch.id, month), args)


@blp.route("/branches/<int:branch_id>/arrears")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ArrearsOut, "ArrearsPage"))
@document_errors(blp, 400, 401, 403, 404)
def list_arrears(args, branch_id):
    """The branch's current members who owe months before this one, with the months and the month paid up to
    (by name; `total` counts at most 10,000)."""
    branch = D.get_branch(branch_id)
    require(current_actor(), "dues.view", branch)
    rows, total = arrears_page(branch.id, utcnow().date(), args["page"], args["per_page"])  # paged in SQL
    return {"items": rows, "total": total, "page": args["page"]}


@blp.route("/transfers", methods=["POST"])
@bearer_required
@blp.arguments(TransferIn)
@blp.response(201, TransferOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def issue(data):
    """Issue a letter out of a branch (`member_id`, and `to_branch_id` or `to_organisation`), or record a paper
    letter in from outside (`person_id`, `from_organisation`, `to_branch_id`, its `issued_on`)."""
    return T.issue_transfer(current_actor(), data)


@blp.route("/branches/<int:branch_id>/transfers")
@bearer_required
@blp.arguments(TransferArgs, location="query")
@blp.response(200, page_schema(TransferOut, "TransferPage"))
@document_errors(blp, 400, 401, 403, 404)
def list_transfers(args, branch_id):
    """Letters out of (`direction=out`) and into (`in`) the branch, newest first."""
    statement = T.branch_transfers(current_actor(), D.get_branch(branch_id))
    if args.get("direction") == "out":
        statement = statement.where(T.Transfer.from_branch_id == branch_id)
    elif args.get("direction") == "in":
        statement = statement.where(T.Transfer.to_branch_id == branch_id)
    return page_of(statement, args)


@blp.route("/transfers/<int:transfer_id>/receipt", methods=["POST"])
@bearer_required
@blp.response(200, TransferOut)
@document_errors(blp, 401, 403, 404, 409, 422)
def receipt(transfer_id):
    """Record the receipt: closes the letter, moves the member (422 when the letter has expired)."""
    return T.receive_transfer(current_actor(), T.get_transfer(current_actor(), transfer_id))


@blp.route("/transfers/<int:transfer_id>.pdf")
@bearer_required
@blp.response(200, content_type="application/pdf")
@document_errors(blp, 401, 404)
def letter(transfer_id):
    """The letter as a PDF: stub, letter and receipt on one A4 page with cut lines."""
    transfer = T.get_transfer(current_actor(), transfer_id)
    return Response(letter_pdf(transfer, status_text=T.status_text(transfer)), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=transfer-{transfer.id}.pdf"})

