"""The requests board's export (.xlsx) for handlers: the button posts the board's filters, the job runs on the task
queue, its page and download are the figures' ones (figures_views.own_job: only who started it)."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.discussions import board_export as X
from community.discussions.figures_views import own_job
from community.discussions.requests_views import bp


@bp.route("/export", methods=["POST"])
@login_required
def export():
    """Make the board's workbook with the filters shown; the job's page offers it when ready."""
    job_id = X.start_export(current_user, request.form.to_dict())
    return redirect(url_for("requests.export_job", job_id=job_id))


@bp.route("/exports/<job_id>")
@login_required
def export_job(job_id: str):
    """The export's progress; when done, its download (works without JavaScript: reload it)."""
    return render_template("discussions/figures/job.html", job_id=job_id, progress=own_job(job_id, X.TASK),
                           heading=_("Requests and proposals"),
                           again_url=url_for("requests.export_job", job_id=job_id),
                           download_url=url_for("requests.export_download", job_id=job_id),
                           back_url=url_for("requests.board"), back_label=_("Back to the board"))


@bp.route("/exports/<job_id>.xlsx")
@login_required
def export_download(job_id: str):
    """The finished workbook, for the person who asked for it."""
    progress = own_job(job_id, X.TASK)
    path = X.export_path(job_id)
    if progress.get("state") != "done" or not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=X.download_name())
