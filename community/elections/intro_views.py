"""The committee's page for a candidate's introduction (reached from the candidates on the manage page)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.authz import require
from community.elections.forms import IntroductionForm
from community.elections.manage_views import bp
from community.elections.models import Candidate
from community.elections.services.common import get_election, get_or_404
from community.elections.services.introductions import (
    EDITABLE,
    PARTY_LABELS,
    introduction,
    introduction_day,
    update_introduction,
)
from community.errors import DomainError, NotFound
from community.text_input import text_checked_by


@bp.route("/<int:election_id>/manage/candidates/<int:candidate_id>/introduction", methods=["GET", "POST"])
@text_checked_by(IntroductionForm)
@login_required
def introduction_page(election_id: int, candidate_id: int):
    """Write a candidate's occupation, statement and the party membership to show; see what voters will read."""
    election = get_election(election_id)
    require(current_user, "election.manage", election)  # before the candidate is looked up
    candidate = get_or_404(Candidate, candidate_id)
    if candidate.election_id != election.id:
        raise NotFound(_("No such candidate."))
    form = IntroductionForm(obj=candidate)
    form.party.choices = [(code, str(label)) for code, label in PARTY_LABELS.items()]
    editable = election.status in EDITABLE
    if editable and form.validate_on_submit():
        try:
            update_introduction(current_user, election, candidate, {
                "occupation": form.occupation.data, "statement": form.statement.data, "party": form.party.data})
        except DomainError as error:
            if error.status in (403, 404):
                raise
            for name, message in error.fields.items():
                getattr(form, name).errors = [*getattr(form, name).errors, message]
            if not error.fields:
                flash(error.message, "danger")
        else:
            flash(_("The introduction of %(name)s was saved.", name=candidate.person.name), "success")
            return redirect(url_for("elections_manage.introduction_page", election_id=election.id,
                                    candidate_id=candidate.id), 303)
    status = 400 if request.method == "POST" and (form.errors or not editable) else 200
    return render_template("elections/introduction.html", election=election, candidate=candidate, form=form,
                           intro=introduction(candidate, introduction_day(election)), editable=editable), status
