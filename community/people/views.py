"""Administrator pages for people: list, add, edit, import, export; and a person's own data."""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community import confirm
from community.accounts.services import reset_password
from community.authz import grants_of, require
from community.background import get_progress, start_job
from community.database import id_or_none
from community.errors import DiskFull, DomainError
from community.files import save_upload
from community.listing import paginate
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
    listing = paginate(db.session, statement, max(page, 1), PER_PAGE, cursor=request.args.get("cursor"), keyset=True)
    people, total = listing
    communities = db.session.scalars(communities_for(current_user)).all()
    return render_template("people/index.html", people=people, total=total, page=max(page, 1),
                           pages=listing.pages, listing=listing, communities=communities)


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
            if generated:  # shown once in this answer, never kept in the session cookie
                return show_once(person, _("%(name)s was added. One-time password: %(pw)s (they must change "
                                           "it when signing in).", name=person.name, pw=generated))
            flash(_("%(name)s was added.", name=person.name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@bp.route("/admin/people/<int:person_id>")
@login_required
def detail(person_id: int):
    """A person's record and roles; viewing it is logged."""
    if person_id != current_user.id:
        require(current_user, "person.view")  # before the lookup: a stranger learns nothing from 404 vs 403
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
    require(current_user, "person.edit")  # before the lookup: a stranger learns nothing from 404 vs 403
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
    """Issue a one-time password to a person, shown once in this answer (never in the session cookie)."""
    require(current_user, "person.reset_password")
    person = get_or_404(Person, person_id)
    if not confirm.is_confirmed():
        require(current_user, "person.reset_password", person)  # the confirmation shows only what one may do
        return confirm.ask(_("Issue a one-time password"),
                           _("%(name)s's present password will stop working at once and they will be signed out "
                             "everywhere; they sign in with the one-time password shown next and choose their own.",
                             name=person.name), _("Issue the one-time password"),
                           url_for("people.detail", person_id=person.id))
    new = reset_password(current_user, person)
    return show_once(person, _("One-time password for %(name)s: %(pw)s. They must change it when signing in.",
                               name=person.name, pw=new))


@bp.route("/admin/people/<int:person_id>/id-number", methods=["POST"])
@login_required
def reveal(person_id: int):
    """Show the full ID number once, in this answer only; always logged."""
    require(current_user, "person.edit")
    person = get_or_404(Person, person_id)
    number = services.reveal_id_number(current_user, person)
    return show_once(person, _("ID number of %(name)s: %(number)s", name=person.name, number=number or "—"))


@bp.route("/admin/people/<int:person_id>/active", methods=["POST"])
@login_required
def toggle_active(person_id: int):
    """Deactivate or reactivate an account."""
    require(current_user, "person.edit")
    person = get_or_404(Person, person_id)
    if person.is_active_account and not confirm.is_confirmed():
        require(current_user, "person.edit", person)  # the confirmation shows only what one may do
        return confirm.ask(_("Deactivate an account"),
                           _("%(name)s will be signed out everywhere and can no longer sign in; their records "
                             "stay. An administrator can reactivate the account later.", name=person.name),
                           _("Deactivate the account"), url_for("people.detail", person_id=person.id),
                           undoable=True)
    services.set_active(current_user, person, not person.is_active_account)
    if person.is_active_account:
        flash(_("%(name)s's account is active again; they can sign in.", name=person.name), "success")
    else:
        flash(_("%(name)s's account is deactivated; they have been signed out everywhere.", name=person.name),
              "success")
    return redirect(url_for("people.detail", person_id=person.id))


def show_once(person: Person, message: str) -> Response:
    """A secret (one-time password, ID number) in the body of this one answer: not flashed into the signed
    but readable session cookie, and not stored by the browser or a proxy."""
    response = make_response(render_template("people/secret.html", person=person, message=message))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


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
        try:
            save_upload(form.file.data, path, field="file")
        except DiskFull as error:  # said beside the file field; no file and no job are left behind
            form.file.errors.append(error.message)
            return render_template("people/import.html", form=form, summary=None, columns=excel.COLUMNS), 507
        # Reading and checking run on the task queue, never in the web worker (a hostile file must not tie it up).
        job_id = start_job(current_user.id, "import_check", current_user.id, str(path))
        progress = get_progress(job_id, owner_id=current_user.id)
        if progress["state"] in ("done", "failed"):  # already finished (immediate mode in tests)
            return _show_check(form, progress)
        return redirect(url_for("people.job", job_id=job_id))
    return render_template("people/import.html", form=form, summary=None, columns=excel.COLUMNS)


@bp.route("/admin/people/import/check/<job_id>")
@login_required
def import_check(job_id: str):
    """The result of checking an upload: every bad row, or a preview and the confirm button."""
    require(current_user, "person.import")
    progress = _own_job(job_id)
    if progress["kind"] != "import_check":
        abort(404)
    if progress["state"] not in ("done", "failed"):
        return redirect(url_for("people.job", job_id=job_id))
    return _show_check(ImportForm(), progress)


def _show_check(form: ImportForm, progress: dict):
    if progress["state"] == "failed":
        flash(progress["error"], "danger")
        return render_template("people/import.html", form=form, summary=None, columns=excel.COLUMNS)
    summary = excel.load_check(progress.get("file"))
    if summary is None:
        flash(_("The uploaded file has expired. Please upload it again."), "danger")
        return redirect(url_for("people.import_people"))
    return render_template("people/import.html", form=form, summary=summary)


@bp.route("/admin/people/import/<token>", methods=["POST"])
@login_required
def confirm_import(token: str):
    """Write a checked workbook, all rows or none, in the background."""
    require(current_user, "person.import")
    path = _upload_folder() / f"{current_user.id}-{Path(token).name}.xlsx"
    claimed = path.with_name(f"{path.stem}-confirmed.xlsx")
    path.with_suffix(".json").unlink(missing_ok=True)  # the check's summary
    try:  # atomic: of two confirmations of one upload, only one finds the file and queues an import
        path.rename(claimed)
    except OSError:
        flash(_("The uploaded file has expired. Please upload it again."), "danger")
        return redirect(url_for("people.import_people"))
    job_id = start_job(current_user.id, "import", current_user.id, str(claimed))
    return redirect(url_for("people.job", job_id=job_id))


@bp.route("/admin/people/export", methods=["POST"])
@login_required
def export():
    """Export the listed people to .xlsx (masked); the export is logged."""
    require(current_user, "person.export")
    filters = {"q": request.form.get("q") or None,
               "community_id": id_or_none(request.form.get("community_id", type=int)),
               "is_migrant": {"1": True, "0": False}.get(request.form.get("migrant", ""))}
    job_id = start_job(current_user.id, "export", current_user.id, filters)
    return redirect(url_for("people.job", job_id=job_id))


def _own_job(job_id: str) -> dict:
    progress = get_progress(job_id, owner_id=current_user.id)
    if not progress:
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
    workbook.active.append(excel.example_row(current_user))
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


