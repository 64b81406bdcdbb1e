"""The secretary's pages for dues: the dues list with arrears, recording a payment, the month's list as .xlsx
(made on the task queue, branches/dues_excel.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app import db
from branches import dues as D
from branches.dues_arrears import arrears_summary
from branches.dues_excel import TASK, export_file
from branches.models import BranchMember
from community.authz import can, require
from community.background import get_progress, start_job
from community.database import utcnow, valid_id
from community.errors import DomainError, NotFound
from community.text_input import CheckedForm, text_checked_by

bp = Blueprint("branch_dues", __name__, url_prefix="/admin/branches")
PER_PAGE = 100


class PaymentForm(CheckedForm):
    category = SelectField(_l("The member's situation"), choices=[(k, v) for k, v in D.CATEGORIES.items()],
                           validators=[DataRequired()])
    monthly_income = StringField(_l("Monthly after-tax income (yuan)"), validators=[Optional(), Length(max=20)],
                                 description=_l("Employed and retired members: the bracket table sets the rate."))
    chosen_amount = StringField(_l("Farmers: monthly amount chosen (0.20 to 1.00 yuan)"),
                                validators=[Optional(), Length(max=10)])
    first_month = StringField(_l("First month paid (YYYY-MM)"), validators=[DataRequired(), Length(max=7)])
    months = RadioField(_l("Period"), choices=[("1", _l("One month")), ("3", _l("A quarter (three months)"))],
                        default="1")
    submit = SubmitField(_l("Record the payment"))


def _branch(branch_id: int, action: str = "dues.view"):
    branch = D.get_branch(branch_id)
    require(current_user, action, branch)
    return branch


def _month_arg():
    try:
        return D.parse_month(request.args["month"], "month") if request.args.get("month") else None
    except DomainError:
        return None


@bp.route("/dues")
@login_required
def branches():
    """The branches whose dues and transfer letters the actor looks after (their own, or their street's)."""
    require(current_user, "dues.view")
    from branches.transfers import branches_for

    rows = db.session.scalars(branches_for(current_user, "dues.view").limit(200)).all()
    return render_template("branches/dues/branches.html", branches=rows)


@bp.route("/<int:branch_id>/dues")
@login_required
def dues(branch_id: int):
    """The dues list: every member (or those whose name starts with the search), paid up to, months owed."""
    branch = _branch(branch_id)
    today = utcnow().date()
    query = " ".join(request.args.get("q", "").split())[:20]
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100000)
    shown, total = D.members_page(branch.id, today, name=query, page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return render_template("branches/dues/list.html", branch=branch, rows=shown, page=page, pages=pages,
                           query=query, arrears=arrears_summary(branch.id, today), total=total,
                           this_month=D.month_start(today),
                           month_label=D.month_label, may_record=can(current_user, "dues.record", branch),
                           may_transfer=can(current_user, "transfer.issue", branch))


def _member(branch, member_id) -> BranchMember:
    member = db.session.get(BranchMember, member_id) if valid_id(member_id) else None
    if member is None or member.branch_id != branch.id:
        raise NotFound(_("This person is not a member of the branch."))
    return member


@bp.route("/<int:branch_id>/dues/members/<int:member_id>/pay", methods=["GET", "POST"])
@text_checked_by(PaymentForm)
@login_required
def pay(branch_id: int, member_id: int):
    """Record a payment (a month or a quarter) for the member chosen on the dues list."""
    branch = _branch(branch_id, "dues.record")  # before the member is looked up
    member = _member(branch, member_id)
    form = PaymentForm()
    last = D.paid_up_to([member.id])[member.id]
    if request.method == "GET":
        form.first_month.data = (D.add_months(last, 1) if last else D.month_start(utcnow().date())).strftime("%Y-%m")
    if form.validate_on_submit():
        try:
            payment = D.record_payment(current_user, member, category=form.category.data,
                                       monthly_income=form.monthly_income.data or None,
                                       chosen_amount=form.chosen_amount.data or None,
                                       first_month=form.first_month.data, months=int(form.months.data))
        except DomainError as error:
            if error.status in (403, 404):
                raise
            placed = False
            for name, message in (error.fields or {}).items():
                field = getattr(form, name, None)
                if field is not None and hasattr(field, "errors"):
                    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
                    placed = True
            if not placed:
                flash(error.message, "danger")
        else:
            last_month = D.add_months(payment.first_month, payment.months - 1)
            flash(_("Recorded: %(name)s paid %(total)s yuan for %(first)s–%(last)s.", name=member.person.name,
                    total=payment.total, first=D.month_label(payment.first_month), last=D.month_label(last_month)),
                  "success")
            return redirect(url_for("branch_dues.dues", branch_id=branch.id, q=member.person.name))
    return render_template("branches/dues/pay.html", branch=branch, member=member, form=form,
                           paid_up_to=D.month_label(last), brackets=D.BRACKETS)


@bp.route("/<int:branch_id>/dues/export", methods=["POST"])
@login_required
def export(branch_id: int):
    """Make the month's dues list for the treasurer (default this month) as .xlsx on the task queue."""
    branch = _branch(branch_id)
    month = _month_arg() or D.month_start(utcnow().date())
    job_id = start_job(current_user.id, TASK, current_user.id, branch.id, month.isoformat())
    return redirect(url_for("branch_dues.export_job", job_id=job_id))


def _own_job(job_id: str) -> dict:
    """The export job of the signed-in person (anyone else's, or another kind: 404, nothing revealed)."""
    progress = get_progress(job_id, owner_id=current_user.id)
    if not progress or progress.get("kind") != TASK:
        abort(404)
    return progress


@bp.route("/dues/jobs/<job_id>")
@login_required
def export_job(job_id: str):
    """The export's progress; when done, its download (the page works without JavaScript: reload it)."""
    return render_template("branches/dues/export.html", job_id=job_id, progress=_own_job(job_id))


@bp.route("/dues/jobs/<job_id>.xlsx")
@login_required
def export_download(job_id: str):
    """The finished workbook, for the person who asked for it."""
    progress = _own_job(job_id)
    path = export_file(job_id)
    if progress.get("state") != "done" or not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name="党费收缴明细.xlsx")
