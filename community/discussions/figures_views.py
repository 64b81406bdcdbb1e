"""The figures page (办结率, 满意率, median days to close, settlement rate) per community and category: each
figure a table, with an ECharts chart drawn from a JSON data island beside it (static/js/dashboard.js, as on
the branches' dashboards; the page is complete without JavaScript), and the .xlsx export on the task queue."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.authz import require
from community.background import get_progress, start_job
from community.discussions import figures as F
from community.discussions.figures_export import export_path
from community.discussions.mediation_forms import KIND_LABELS

bp = Blueprint("discussion_figures", __name__, url_prefix="/discussions/figures")


def category_labels() -> dict:
    """The requests' category names (community/discussions/requests_views.py)."""
    from community.discussions.requests_views import CATEGORY_LABELS

    return CATEGORY_LABELS


def chart_data(data: dict) -> dict:
    """The charts' JSON data island: labels and numbers only (a rate not yet known is drawn as 0)."""
    names, categories, mediation = data["names"], category_labels(), data["mediation"]

    def series(lines: dict, label, key: str) -> dict:
        return {"labels": [str(label(k)) for k in lines], "values": [lines[k][key] or 0 for k in lines]}

    return {
        "closure_community": series(data["communities"], names.get, "closure_rate"),
        "satisfaction_community": series(data["communities"], names.get, "satisfaction_rate"),
        "median_community": series(data["communities"], names.get, "median_days"),
        "closure_category": series(data["categories"], lambda c: categories.get(c, c), "closure_rate"),
        "satisfaction_category": series(data["categories"], lambda c: categories.get(c, c), "satisfaction_rate"),
        "median_category": series(data["categories"], lambda c: categories.get(c, c), "median_days"),
        "settlement_community": series(mediation["community"], names.get, "settlement_rate"),
        "settlement_kind": series(mediation["kind"], lambda k: KIND_LABELS.get(k, k), "settlement_rate"),
        "settlement_mediator": series(mediation["mediator"], mediation["mediator_names"].get, "settlement_rate"),
    }


@bp.route("/")
@login_required
def page():
    """The figures over every community the person may see, or over one (?community_id=)."""
    community_id = request.args.get("community_id", type=int)
    data = F.figures(current_user, community_id)
    everywhere = F.visible_communities(current_user) if community_id else data["names"]
    return render_template("discussions/figures/page.html", data=data, charts=chart_data(data),
                           categories=category_labels(), kinds=KIND_LABELS, community_id=community_id,
                           communities=everywhere)


@bp.route("/export", methods=["POST"])
@login_required
def export():
    """Make the figures' workbook (.xlsx) on the task queue; the job's page offers it when ready."""
    require(current_user, "discussion_figures.view")
    community_id = request.form.get("community_id", type=int)
    job_id = start_job(current_user.id, "discussions.figures_export", current_user.id, community_id)
    return redirect(url_for("discussion_figures.job", job_id=job_id))


def own_job(job_id: str, kind: str = "discussions.figures_export") -> dict:
    """A job of this kind started by the signed-in person, else 404 (nobody else's export is downloadable)."""
    progress = get_progress(job_id, owner_id=current_user.id)
    if not progress or progress.get("kind") != kind:
        abort(404)
    return progress



@bp.route("/jobs/<job_id>")
@login_required
def job(job_id: str):
    """The export's progress; when done, its download (the page works without JavaScript: reload it)."""
    return render_template("discussions/figures/job.html", job_id=job_id, progress=own_job(job_id),
                           heading=_("Discussion figures"), again_url=url_for("discussion_figures.job", job_id=job_id),
                           download_url=url_for("discussion_figures.download", job_id=job_id),
                           back_url=url_for("discussion_figures.page"), back_label=_("Back to the figures"))


@bp.route("/jobs/<job_id>.xlsx")
@login_required
def download(job_id: str):
    """The finished workbook, for the person who asked for it."""
    progress = own_job(job_id)
    path = export_path(job_id)
    if progress.get("state") != "done" or not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=_("discussion-figures") + ".xlsx")
