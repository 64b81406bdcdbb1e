"""Administrator pages for people: list, add, edit, import, export; and a person's own data."""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community.accounts.services import reset_password
from community.authz import grants_of, require
from community.background import get_progress, start_job
from community.database import id_or_none, paginate
from community.errors import DomainError, Invalid
from community.people import excel, services
from community.people.forms import ImportForm, PersonForm, RoleForm
from community.people.models import Person
from community.places.models import Grid
from community.places.services import communities_for, get_or_404
from community.roles.views import role_choices, scope_choices
from community.text_input import text_checked_by

bp = Blueprint("people", __name__)
PER_PAGE = 30


def _bool_arg(name: str):
    value = request.args.get(name)
    return {"1": True, "0": False}.get(value)


@bp.route("/admin/people/")
@login_required
def index():
    """People in the communities this administrator manages; phones and ID numbers masked."""
    require(current_user, "person.list")
    page = request.args.get("page", 1, type=int) or 1
    community_id = id_or_none(request.args.get("community_id", type=int))
    statement = services.people_query(current_user, request.args.get("q"), community_id, _bool_arg("migrant"))
    statement = statement.options(selectinload(Person.community), selectinload(Person.grid))
    people, total = paginate(db.session, statement, max(page, 1), PER_PAGE)
    communities = db.session.scalars(communities_for(current_user)).all()
    return render_template("people/index.html", people=people, total=total, page=max(page, 1),
                           pages=max(1, -(-total // PER_PAGE)), communities=communities)


def _fill_choices(form: PersonForm) -> None:
    communities = db.session.scalars(communities_for(current_user, "person.create")).all()
    form.community_id.choices = [(c.id, f"{c.street.name} · {c.name}") for c in communities]
    ids = [c.id for c in communities]
    grids = db.session.scalars(select(Grid).where(Grid.community_id.in_(ids or [-1])).order_by(Grid.name)).all()
    names = {c.id: c.name for c in communities}
    form.grid_id.choices = [(0, "—")] + [(g.id, f"{names[g.community_id]} · {g.name}") for g in grids]


def _form_data(form: PersonForm) -> dict:
    data = {name: field.data for name, field in form._fields.items()
            if name not in ("submit", "csrf_token")}
    data["grid_id"] = data.get("grid_id") or None
    return data


def _show_errors(form: PersonForm, error: DomainError) -> None:
    for field, problem in error.fields.items():
        if field in form:
            form[field].errors = list(form[field].errors) + [problem]
    flash(error.message, "danger")


@bp.route("/admin/people/new", methods=["GET", "POST"])
@text_checked_by(PersonForm)
@login_required
def create():
    """Add one person."""
    require(current_user, "person.create")
    form = PersonForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            person, generated = services.create_person(current_user, _form_data(form))
        except DomainError as error:
            _show_errors(form, error)
        else:
            flash(_("%(name)s was added. One-time password: %(pw)s (they must change it when signing in).",
                    name=person.name, pw=generated), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@bp.route("/admin/people/<int:person_id>")
@login_required
def detail(person_id: int):
    """A person's record and roles; viewing it is logged."""
    person = services.view_person(current_user, get_or_404(Person, person_id))
    form = RoleForm()
    form.role.choices = role_choices(current_user)
    form.scope.choices = scope_choices(current_user)
    return render_template("people/detail.html", person=person, grants=grants_of(person), role_form=form)


@bp.route("/admin/people/<int:person_id>/edit", methods=["GET", "POST"])
@text_checked_by(PersonForm)
@login_required
def edit(person_id: int):
    """Change a person's details."""
    person = get_or_404(Person, person_id)
    require(current_user, "person.edit", person)
    form = PersonForm(obj=person)
    _fill_choices(form)
    if request.method == "GET":
        form.id_number.data = ""
        form.grid_id.data = person.grid_id or 0
    if form.validate_on_submit():
        data = _form_data(form)
        if not data.get("id_number"):
            data.pop("id_number", None)
        try:
            services.update_person(current_user, person, data)
        except DomainError as error:
            _show_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/form.html", form=form, person=person)


@bp.route("/admin/people/<int:person_id>/password", methods=["POST"])
@login_required
def reset(person_id: int):
    """Issue a one-time password to a person."""
    person = get_or_404(Person, person_id)
    new = reset_password(current_user, person)
    flash(_("One-time password for %(name)s: %(pw)s. They must change it when signing in.",
            name=person.name, pw=new), "warning")
    return redirect(url_for("people.detail", person_id=person.id))


@bp.route("/admin/people/<int:person_id>/id-number", methods=["POST"])
@login_required
def reveal(person_id: int):
    """Show the full ID number once; always logged."""
    person = get_or_404(Person, person_id)
    number = services.reveal_id_number(current_user, person)
    flash(_("ID number of %(name)s: %(number)s", name=person.name, number=number or "—"), "info")
    return redirect(url_for("people.detail", person_id=person.id))


@bp.route("/admin/people/<int:person_id>/active", methods=["POST"])
@login_required
def toggle_active(person_id: int):
    """Deactivate or reactivate an account."""
    person = get_or_404(Person, person_id)
    services.set_active(current_user, person, not person.is_active_account)
    flash(_("Saved."), "success")
    return redirect(url_for("people.detail", person_id=person.id))


def _upload_folder() -> Path:
    return excel.work_folder("imports")


@bp.route("/admin/people/import", methods=["GET", "POST"])
@login_required
def import_people():
    """Upload a workbook and see every bad row before anything is written."""
    require(current_user, "person.import")
    form = ImportForm()
    if form.validate_on_submit():
        token = secrets.token_urlsafe(12)
        path = _upload_folder() / f"{current_user.id}-{token}.xlsx"
        form.file.data.save(path)
        try:
            _header, rows = excel.read_rows(path)
        except Invalid as error:
            path.unlink(missing_ok=True)
            flash(error.message, "danger")
            return render_template("people/import.html", form=form, checked=None)
        checked = excel.check_rows(current_user, rows)
        bad = [row for row in checked if row["problems"]]
        if bad or not checked:
            path.unlink(missing_ok=True)
        return render_template("people/import.html", form=form, checked=checked, bad=bad, token=token)
    return render_template("people/import.html", form=form, checked=None, columns=excel.COLUMNS)


@bp.route("/admin/people/import/<token>", methods=["POST"])
@login_required
def confirm_import(token: str):
    """Write a checked workbook, all rows or none, in the background."""
    require(current_user, "person.import")
    path = _upload_folder() / f"{current_user.id}-{Path(token).name}.xlsx"
    if not path.exists():
        flash(_("The uploaded file has expired. Please upload it again."), "danger")
        return redirect(url_for("people.import_people"))
    job_id = start_job(current_user.id, "import", excel.import_people, current_user.id, str(path))
    return redirect(url_for("people.job", job_id=job_id))


@bp.route("/admin/people/export", methods=["POST"])
@login_required
def export():
    """Export the listed people to .xlsx (masked); the export is logged."""
    require(current_user, "person.export")
    filters = {"q": request.form.get("q") or None,
               "community_id": id_or_none(request.form.get("community_id", type=int)),
               "is_migrant": {"1": True, "0": False}.get(request.form.get("migrant", ""))}
    job_id = start_job(current_user.id, "export", excel.export_people, current_user.id, filters)
    return redirect(url_for("people.job", job_id=job_id))


def _own_job(job_id: str) -> dict:
    progress = get_progress(job_id)
    if not progress or progress.get("owner_id") != current_user.id:
        abort(404)
    return progress


@bp.route("/jobs/<job_id>")
@login_required
def job(job_id: str):
    """The progress page of an import or export."""
    return render_template("people/job.html", job_id=job_id, progress=_own_job(job_id))


@bp.route("/jobs/<job_id>.json")
@login_required
def job_progress(job_id: str):
    """Progress, polled by the job page."""
    progress = _own_job(job_id)
    return {key: progress.get(key) for key in ("state", "done", "total", "error", "imported", "kind")}


@bp.route("/jobs/<job_id>/download")
@login_required
def job_download(job_id: str):
    """The finished export file."""
    progress = _own_job(job_id)
    if progress.get("state") != "done" or not progress.get("file"):
        abort(404)
    path = Path(current_app.instance_path) / "exports" / Path(progress["file"]).name
    return send_file(path, as_attachment=True, download_name="people.xlsx")


@bp.route("/admin/people/template.xlsx")
@login_required
def template():
    """An empty import workbook with the expected columns."""
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(list(excel.COLUMNS))
    workbook.active.append(["李晓", "13800000000", "女", "1999-03-02", "", "贵州省毕节市", "", "", "2023-05-01",
                            "", "爵溪针织厂", "毕节"])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name="people-template.xlsx")


@bp.route("/me")
@login_required
def me():
    """One's own profile."""
    return render_template("people/me.html", person=current_user, grants=grants_of(current_user))


@bp.route("/me/data.json")
@login_required
def my_data():
    """Download everything the platform holds about oneself (PIPL)."""
    body = json.dumps(services.own_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=my-data.json"})


