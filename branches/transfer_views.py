"""The secretary's pages for transfers: letters in and out, issuing one, recording its receipt, printing it."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app import db
from branches import dues as D
from branches import transfers as T
from branches.models import Branch, BranchMember
from branches.transfer_pdf import letter_pdf
from community.authz import can, require
from community.database import utcnow
from community.errors import DomainError
from community.people.models import Person
from community.text_input import CheckedForm, text_checked_by

bp = Blueprint("branch_transfers", __name__, url_prefix="/admin/branches")
LIST_LIMIT = 200


class TransferForm(CheckedForm):
    to_branch_id = SelectField(_l("To a branch on the platform"), coerce=int, default=0, validators=[Optional()])
    to_organisation = StringField(_l("Or to an organisation outside the platform (its full name)"),
                                  validators=[Optional(), Length(max=100)])
    valid_until = DateField(_l("Valid until (at most three months)"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Issue the letter"))


@bp.route("/<int:branch_id>/transfers")
@login_required
def transfers(branch_id: int):
    """Letters out of and into the branch, newest first, with what can be done with each."""
    branch = D.get_branch(branch_id)
    statement = T.branch_transfers(current_user, branch).options(  # the person comes with the query
        joinedload(T.Transfer.from_branch), joinedload(T.Transfer.to_branch))
    letters = db.session.scalars(statement.limit(LIST_LIMIT)).all()
    today = utcnow().date()
    may_receive = can(current_user, "transfer.receive", branch)
    return render_template("branches/transfers/list.html", branch=branch, today=today, month_label=D.month_label,
                           outgoing=[t for t in letters if t.from_branch_id == branch.id],
                           incoming=[t for t in letters if t.from_branch_id != branch.id],
                           may_receive=may_receive, may_issue=can(current_user, "transfer.issue", branch),
                           states=T.STATES)


@bp.route("/<int:branch_id>/transfers/new", methods=["GET", "POST"])
@text_checked_by(TransferForm)
@login_required
def issue(branch_id: int):
    """Issue a letter out for a member found by name (the validity defaults to three months)."""
    branch = D.get_branch(branch_id)
    require(current_user, "transfer.issue", branch)
    member_id = request.args.get("member", type=int)
    member = db.session.get(BranchMember, member_id) if member_id else None
    if member is not None and member.branch_id != branch.id:
        member = None
    query = " ".join(request.args.get("q", "").split())[:20]
    found = []
    if member is None and query:
        found = db.session.scalars(
            select(BranchMember).join(BranchMember.person).options(joinedload(BranchMember.person))
            .where(BranchMember.branch_id == branch.id, *D._current_members(),
                   Person.name.startswith(query, autoescape=True)).order_by(Person.name_key).limit(20)).all()
    form = TransferForm()
    others = db.session.scalars(select(Branch).where(Branch.id != branch.id).order_by(Branch.name).limit(500))
    form.to_branch_id.choices = [(0, _("— an organisation outside the platform —"))] + [(b.id, b.name) for b in others]
    if request.method == "GET":
        form.valid_until.data = T.latest_validity(utcnow().date())
    if member is not None and form.validate_on_submit():
        try:
            transfer = T.issue_transfer(current_user, {
                "member_id": member.id, "to_branch_id": form.to_branch_id.data or None,
                "to_organisation": form.to_organisation.data, "valid_until": form.valid_until.data,
                "note": form.note.data})
        except DomainError as error:
            if error.status in (403, 404):
                raise
            placed = False
            for name, message in (error.fields or {}).items():
                field = getattr(form, name, None)
                if field is not None and hasattr(field, "errors") and name != "member_id":
                    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
                    placed = True
            if not placed:
                flash(error.message, "danger")
        else:
            flash(_("The letter %(no)s for %(name)s was issued. Print it and give the member the letter.",
                    no=transfer.letter_no, name=member.person.name), "success")
            return redirect(url_for("branch_transfers.transfers", branch_id=branch.id))
    return render_template("branches/transfers/new.html", branch=branch, member=member, form=form, found=found,
                           query=query, paid_up_to=D.month_label(D.paid_up_to([member.id])[member.id])
                           if member else "")


class IncomingForm(CheckedForm):
    from_organisation = StringField(_l("Issued by (the organisation's full name)"),
                                    validators=[Optional(), Length(max=100)])
    issued_on = DateField(_l("Date of issue on the letter"), validators=[Optional()])
    valid_until = DateField(_l("Valid until (as on the letter)"), validators=[Optional()])
    dues_paid_up_to = StringField(_l("Dues paid up to (YYYY-MM, as on the letter)"),
                                  validators=[Optional(), Length(max=7)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])


@bp.route("/<int:branch_id>/transfers/incoming", methods=["GET", "POST"])
@text_checked_by(IncomingForm)
@login_required
def incoming(branch_id: int):
    """Record a paper letter brought in from an organisation outside the platform; the person is chosen by name
    with the person picker. Its receipt is then recorded on the letters list."""
    from community.people.picker import picked_person

    branch = D.get_branch(branch_id)
    require(current_user, "transfer.issue", branch)  # before anyone is looked up
    form, error = IncomingForm(), None
    if form.validate_on_submit():
        try:
            person = picked_person(current_user, request.form, ("branch", branch.id), "transfer.issue", "person")
            transfer = T.issue_transfer(current_user, {
                "person_id": person.id, "to_branch_id": branch.id, "from_organisation": form.from_organisation.data,
                "issued_on": form.issued_on.data, "valid_until": form.valid_until.data,
                "dues_paid_up_to": form.dues_paid_up_to.data, "note": form.note.data})
        except DomainError as refused:
            if refused.status in (403, 404):
                raise
            db.session.rollback()
            error = refused
            for name, message in (refused.fields or {}).items():
                field = getattr(form, name, None)
                if field is not None and hasattr(field, "errors"):
                    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            flash(_("The letter for %(name)s from %(origin)s was recorded. Record its receipt once the member has "
                    "arrived.", name=person.name, origin=transfer.origin), "success")
            return redirect(url_for("branch_transfers.transfers", branch_id=branch.id))
    return render_template("branches/transfers/incoming.html", branch=branch, form=form, error=error,
                           picked=request.form if request.method == "POST" else None)


@bp.route("/transfers/<int:transfer_id>/receipt", methods=["POST"])
@login_required
def receive(transfer_id: int):
    """Record the receipt: the letter is closed and the member moves (an expired letter is refused)."""
    transfer = T.get_transfer(current_user, transfer_id)
    back = url_for("branch_transfers.transfers", branch_id=transfer.receiving_branch.id)
    try:
        T.receive_transfer(current_user, transfer)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
    else:
        flash(_("The receipt was recorded: %(name)s's organisational relationship is now with %(to)s.",
                name=transfer.person.name, to=transfer.destination), "success")
    return redirect(back)


@bp.route("/transfers/<int:transfer_id>.pdf")
@login_required
def letter(transfer_id: int):
    """The letter to print: stub, letter and receipt on one A4 page with cut lines."""
    transfer = T.get_transfer(current_user, transfer_id)
    return Response(letter_pdf(transfer, status_text=T.status_text(transfer)), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=transfer-{transfer.id}.pdf"})
