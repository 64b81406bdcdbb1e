"""The forms of the committee's manage page: each checks the permission, reads the people it names with the
person picker (`picked_person`), calls the service and says what happened, back in the form's section; a
refusal re-renders the page with the error beside the field (manage_views.act)."""
from __future__ import annotations

from datetime import datetime

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import db
from community.confirm import is_confirmed
from community.elections import next_step
from community.elections.manage_views import act, bp, page
from community.elections.models import Candidate, RollObjection
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, paper, roll, setup, voting
from community.elections.services.common import get_or_404, officials, status_label, valid_id
from community.errors import DomainError, Invalid
from community.people.models import Person
from community.people.picker import picked_person

MANAGE = "election.manage"


def _pick(election, field: str = "person", action: str = MANAGE) -> Person:
    """The resident a picker field of the posted form names, among the election's community."""
    return picked_person(current_user, request.form, ("election", election.id), action, field)


def _when(key: str):
    value = request.form.get(key) or None
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Not a valid date and time."), fields={key: _("Not a valid date and time.")}) from None


@bp.route("/<int:election_id>/manage/status", methods=["POST"])
@login_required
def status(election_id: int):
    """Take the next step (rules checked by the service), after a confirmation step that says what it does: the
    first submit checks the permission and the rules and asks; only the confirmed one moves the election."""
    def move(election):
        data = {"opens_at": _when("opens_at"), "closes_at": _when("closes_at")}
        target = request.form.get("status", "")
        if not is_confirmed():
            steps = lifecycle.check_move(current_user, election, target, data=data)
            return page(election, confirm=next_step.confirmation(election, target, steps, data, request.form))
        lifecycle.change_status(current_user, election, target, data=data)
        return _("The election is now at the step “%(s)s”.", s=status_label(election.status))
    return act(election_id, "status", "next-step", move, main="status", fields=("opens_at", "closes_at"))


def _names(reason: dict) -> str:
    names = "、".join(reason["names"])
    return _("%(names)s and others", names=names) if reason["count"] > len(reason["names"]) else names


@bp.route("/<int:election_id>/manage/build-roll", methods=["POST"])
@login_required
def build_roll(election_id: int):
    """Add every eligible local resident, then say who was left out and by which rule."""
    from flask import flash

    def build(election):
        result = roll.build_roll(current_user, election)
        for reason in result["reasons"]:
            flash(ngettext("%(num)d resident was not added (%(names)s). %(rule)s",
                           "%(num)d residents were not added (%(names)s). %(rule)s", reason["count"],
                           names=_names(reason), rule=reason["rule"]), "warning")
        return ngettext("%(num)d resident was added to the voter roll.",
                        "%(num)d residents were added to the voter roll.", result["added"])
    return act(election_id, "build", "roll", build, main=None)


@bp.route("/<int:election_id>/manage/voters", methods=["POST"])
@login_required
def add_voter(election_id: int):
    """Add (or approve the application of) one resident."""
    def add(election):
        person = _pick(election)
        row = roll.add_voter(current_user, election, person, promise_signed=bool(request.form.get("promise")),
                             household=request.form.get("household"))
        if row.approved_at:
            return _("%(name)s, a new resident, was approved and added to the voter roll.", name=person.name)
        return _("%(name)s was added to the voter roll.", name=person.name)
    return act(election_id, "voter", "roll", add, fields=("household", "promise"))


@bp.route("/<int:election_id>/manage/voters/<int:person_id>/excuse", methods=["POST"])
@login_required
def excuse(election_id: int, person_id: int):
    """Mark a voter as excused."""
    def excuse_one(election):
        row = roll.excuse_voter(current_user, election, person_id)
        return _("%(name)s is recorded as unable to take part; they leave the turnout count.", name=row.person.name)
    return act(election_id, "roll-row", "roll", excuse_one, main=None)


@bp.route("/<int:election_id>/manage/voters/<int:person_id>/remove", methods=["POST"])
@login_required
def remove_voter(election_id: int, person_id: int):
    """Take a person off the roll."""
    def remove(election):
        person = db.session.get(Person, person_id) if valid_id(person_id) else None
        roll.remove_voter(current_user, election, person_id, request.form.get("reason", ""))
        return _("%(name)s was taken off the voter roll.", name=person.name if person else person_id)
    return act(election_id, "roll-row", "roll", remove, main=None)


@bp.route("/<int:election_id>/manage/objections/<int:objection_id>", methods=["POST"])
@login_required
def answer(election_id: int, objection_id: int):
    """Answer an objection."""
    def answer_one(election):
        roll.answer_objection(current_user, election, get_or_404(RollObjection, objection_id),
                              request.form.get("answer"), request.form.get("outcome"))
        return _("The objection was answered.")
    return act(election_id, f"objection-{objection_id}", "roll", answer_one, main="answer", fields=("outcome",))


@bp.route("/<int:election_id>/manage/officials", methods=["POST"])
@login_required
def appoint(election_id: int):
    """Appoint a committee member or a counter."""
    def appoint_one(election):
        person = _pick(election, action="election.appoint")
        grant = setup.appoint(current_user, election, person, request.form.get("role", ""))
        if grant.role == "counter":
            return _("%(name)s was appointed counter.", name=person.name)
        return _("%(name)s was appointed to the election committee.", name=person.name)
    return act(election_id, "official", "committee", appoint_one, fields=("role",), need="election.appoint")


@bp.route("/<int:election_id>/manage/officials/<int:person_id>/remove", methods=["POST"])
@login_required
def dismiss(election_id: int, person_id: int):
    """Take a committee member or counter off this election, after a confirmation step."""
    role = request.form.get("role", "")

    def remove(election):
        person = get_or_404(Person, person_id)
        if role not in ("election_committee", "counter"):
            raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
        size = len(officials(election, "election_committee"))
        left = size - 1 if role == "election_committee" else size
        if not request.form.get("confirmed"):
            return _confirm_dismissal(election, person, role, left)
        if not setup.dismiss(current_user, election, person.id, role, reason="removed on the manage page"):
            raise DomainError(_("%(name)s no longer holds this role here.", name=person.name), code="not_official")
        done = (_("%(name)s was removed from the election committee.", name=person.name)
                if role == "election_committee" else _("%(name)s is no longer a counter.", name=person.name))
        if role == "election_committee" and left < election.committee_min:
            done += " " + ngettext("The committee now has %(num)d member; it needs %(low)d to %(high)d: appoint "
                                   "another member before the next step.",
                                   "The committee now has %(num)d members; it needs %(low)d to %(high)d: appoint "
                                   "another member before the next step.", left,
                                   low=election.committee_min, high=election.committee_max)
        return done
    return act(election_id, "committee-row", "committee", remove, main=None, need="election.appoint")


def _confirm_dismissal(election, person, role, left):
    text = (_("Remove %(name)s from the election committee?", name=person.name) if role == "election_committee"
            else _("Remove %(name)s as counter?", name=person.name))
    if role == "election_committee" and left < election.committee_min:
        text += " " + ngettext("The committee would then have %(num)d member; it needs %(low)d to %(high)d before the "
                               "roll can be published or voting opened.", "The committee would then have %(num)d "
                               "members; it needs %(low)d to %(high)d before the roll can be published or voting "
                               "opened.", left, low=election.committee_min, high=election.committee_max)
    return page(election, confirm={
        "section": "committee", "text": text, "button": _("Yes, remove %(name)s", name=person.name),
        "action": url_for("elections_manage.dismiss", election_id=election.id, person_id=person.id),
        "fields": {"role": role, "confirmed": "1"}})


@bp.route("/<int:election_id>/manage/candidates", methods=["POST"])
@login_required
def add_candidate(election_id: int):
    """Put a nominee or the committee's own nominee on the list; a committee member is asked to confirm first
    (he leaves the committee), and refused when the committee would fall below its minimum."""
    def add(election):
        person = _pick(election)
        remaining = cands.committee_after_leaving(election, person)
        if remaining is not None:
            cands.refuse_if_committee_too_small(election, person)
            if not request.form.get("confirmed"):
                return _confirm_candidacy(election, person, remaining)
        cands.add_candidate(current_user, election, person)
        if remaining is not None:
            return ngettext("%(name)s was added to the candidate list and has left the election committee (%(num)d "
                            "member remains).", "%(name)s was added to the candidate list and has left the election "
                            "committee (%(num)d members remain).", remaining, name=person.name)
        return _("%(name)s was added to the candidate list.", name=person.name)
    return act(election_id, "candidate", "candidates", add)


def _confirm_candidacy(election, person, remaining):
    text = ngettext("%(name)s is on the election committee. Rule: a committee member who becomes a candidate "
                    "leaves the committee. It would then have %(num)d member (%(low)d–%(high)d needed).",
                    "%(name)s is on the election committee. Rule: a committee member who becomes a candidate "
                    "leaves the committee. It would then have %(num)d members (%(low)d–%(high)d needed).",
                    remaining, name=person.name, low=election.committee_min, high=election.committee_max)
    if remaining < election.committee_min:
        text += " " + _("Appoint another member before the roll is published.")
    if person.id == current_user.id:
        text += " " + _("You will no longer run this election.")
    return page(election, confirm={
        "section": "candidates", "text": text,
        "button": _("Yes, add %(name)s; they leave the committee", name=person.name),
        "action": url_for("elections_manage.add_candidate", election_id=election.id),
        "fields": {"person": person.name, "person_id": str(person.id), "confirmed": "1"}})


@bp.route("/<int:election_id>/manage/candidates/<int:candidate_id>/remove", methods=["POST"])
@login_required
def remove_candidate(election_id: int, candidate_id: int):
    """Withdraw a candidate before the list is published."""
    def remove(election):
        candidate = get_or_404(Candidate, candidate_id)
        name = candidate.person.name
        cands.remove_candidate(current_user, election, candidate)
        return _("%(name)s was withdrawn from the candidate list.", name=name)
    return act(election_id, "candidate-row", "candidates", remove, main=None)


@bp.route("/<int:election_id>/manage/nominations", methods=["POST"])
@login_required
def nominate(election_id: int):
    """Nominate on behalf of a residents' group or the committee."""
    def nominate_one(election):
        kind = request.form.get("kind", "committee")
        if kind not in ("group", "committee"):
            raise Invalid(_("Unknown kind of nomination."), fields={"kind": _("Unknown kind of nomination.")})
        cands.require_nominator(current_user, election, kind)  # before the nominee is looked up
        person = _pick(election)
        row = cands.nominate(current_user, election, person, kind, request.form.get("group_name", ""))
        if kind == "group":
            return _("%(name)s was nominated by the residents' group %(group)s.", name=person.name,
                     group=row.group_name)
        return _("%(name)s was nominated by the committee.", name=person.name)
    return act(election_id, "nomination", "candidates", nominate_one, fields=("kind", "group_name"))


@bp.route("/<int:election_id>/manage/proxies", methods=["POST"])
@login_required
def approve_proxy(election_id: int):
    """Record an approved written proxy."""
    def approve(election):
        principal, proxy = _pick(election, "principal"), _pick(election, "proxy")
        voting.approve_proxy(current_user, election, principal, proxy, request.form.get("note", ""))
        return _("Approved: %(proxy)s votes for %(principal)s.", proxy=proxy.name, principal=principal.name)
    return act(election_id, "proxy", "proxies", approve, main="proxy", fields=("principal", "note"))


@bp.route("/<int:election_id>/manage/paper-issued", methods=["POST"])
@login_required
def issue_paper(election_id: int):
    """Tick off a voter who took a paper ballot."""
    def issue(election):
        person = _pick(election)
        paper.issue_paper_ballot(current_user, election, person, request.form.get("box", "hall"))
        return _("Recorded: %(name)s took a paper ballot.", name=person.name)
    return act(election_id, "paper", "proxies", issue, fields=("box",))
