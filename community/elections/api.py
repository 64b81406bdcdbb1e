"""JSON API of the elections: setting up, the roll, nominations and candidates (voting: api_voting.py)."""
from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import select

from community.apitools import (
    PageArgs,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_of,
    page_schema,
)
from community.authz import can, require
from community.elections import schemas as S
from community.elections.models import Candidate, Election, Nomination, RollObjection
from community.elections.services import candidates as cands
from community.elections.services import introductions, lifecycle, roll, setup
from community.elections.services.common import elections_query, get_election, get_or_404
from community.errors import Forbidden, NotFound
from community.people.models import Person
from community.places.models import Community

blp = api_blueprint("elections_api", "Resident representative elections (居民代表推选)")


def _person(person_id: int) -> Person:
    return get_or_404(Person, person_id)


def _permitted(election_id: int, action: str = "election.manage") -> Election:
    """The election, once the caller is known to hold `action` in it: before any person is looked up."""
    election = get_election(election_id)
    require(current_actor(), action, election)
    return election


@blp.route("/elections")
@bearer_required
@blp.arguments(S.ElectionArgs, location="query")
@blp.response(200, page_schema(S.ElectionOut, "ElectionPage"))
def list_elections(args):
    """The elections the caller may see, newest first (as the elections page lists them): those of their own
    community, of the communities where they manage elections, and those they help run; optionally of one
    community or status."""
    return page_of(elections_query(current_actor(), args.get("community_id"), args.get("status")), args)


@blp.route("/elections", methods=["POST"])
@bearer_required
@blp.arguments(S.ElectionIn)
@blp.response(201, S.ElectionOut)
@document_errors(blp, 400, 401, 403, 404)
def create_election(data):
    """Create an election in draft (community administrators); rule settings default to shared/DOMAIN.md."""
    community = get_or_404(Community, data.pop("community_id"))
    return setup.create_election(current_actor(), community, data)


@blp.route("/elections/<int:election_id>")
@bearer_required
@blp.response(200, S.ElectionOut)
@document_errors(blp, 401, 404)
def get_election_(election_id):
    """One election with its settings and timeline."""
    return get_election(election_id)


@blp.route("/elections/<int:election_id>", methods=["PATCH"])
@bearer_required
@blp.arguments(S.ElectionPatch)
@blp.response(200, S.ElectionOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def patch_election(data, election_id):
    """Change seats, schedule or rule settings (while in draft)."""
    data.pop("community_id", None)
    return setup.update_settings(current_actor(), get_election(election_id), data)


@blp.route("/elections/<int:election_id>/status", methods=["POST"])
@bearer_required
@blp.arguments(S.StatusIn)
@blp.response(200, S.ElectionOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def change_status(data, election_id):
    """Move the election along draft → … → published (422 names the rule that forbids it).

    From `counted`, status `voting` opens the further round the count called for (runoff, second round)."""
    return lifecycle.change_status(current_actor(), get_election(election_id), data["status"], data=data)


@blp.route("/elections/<int:election_id>/officials", methods=["POST"])
@bearer_required
@blp.arguments(S.OfficialIn)
@blp.response(201, S.OfficialOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def appoint(data, election_id):
    """Appoint a committee member (7–9) or a counter (not a candidate nor a candidate's near relative)."""
    election = _permitted(election_id, "election.appoint")
    return setup.appoint(current_actor(), election, _person(data["person_id"]), data["role"])


@blp.route("/elections/<int:election_id>/kinship", methods=["POST"])
@bearer_required
@blp.arguments(S.KinshipIn)
@blp.response(201, S.KinshipIn)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def declare_kinship(data, election_id):
    """Record two people as near relatives (for the counters' rule)."""
    setup.declare_kinship(current_actor(), _permitted(election_id), _person(data["person_id"]),
                          _person(data["relative_id"]))
    return data


@blp.route("/elections/<int:election_id>/voters")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(S.VoterOut, "VoterPage"))
@document_errors(blp, 401, 403, 404)
def list_voters(args, election_id):
    """The voter roll (public to the community once published, without households), with applications and
    excuses."""
    election = get_election(election_id)
    if not roll.may_see_roll(current_actor(), election):
        raise Forbidden(_("Only residents of the community and the election's officials may see its roll."))
    page = page_of(roll.roll_query(election), args)
    if not can(current_actor(), "election.view_roll", election):
        page["items"] = [SimpleNamespace(id=r.id, person_id=r.person_id, person=r.person, status=r.status,
                                         is_migrant=None, household=None, promise_signed=None,
                                         approved_by_id=None, approved_at=None, excused_at=r.excused_at)
                         for r in page["items"]]
    roll.mark_excuses(election, page["items"])
    return page


@blp.route("/elections/<int:election_id>/voters", methods=["POST"])
@bearer_required
@blp.arguments(S.VoterIn)
@blp.response(201, S.VoterOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def add_voter(data, election_id):
    """Put a person on the roll (422 naming the rule when ineligible); for a migrant, the committee's approval."""
    return roll.add_voter(current_actor(), _permitted(election_id), _person(data["person_id"]),
                          promise_signed=data["promise_signed"], household=data.get("household"))


@blp.route("/elections/<int:election_id>/voters/<int:person_id>", methods=["DELETE"])
@bearer_required
@blp.response(204)
@document_errors(blp, 401, 403, 404, 422)
def remove_voter(election_id, person_id):
    """Take a person off the roll."""
    roll.remove_voter(current_actor(), get_election(election_id), person_id, "api")


@blp.route("/elections/<int:election_id>/voters/<int:person_id>/excuse", methods=["POST"])
@bearer_required
@blp.response(200, S.VoterOut)
@document_errors(blp, 401, 403, 404, 422)
def excuse_voter(election_id, person_id):
    """Record that a voter said in time they cannot take part (left out of the turnout base)."""
    return roll.excuse_voter(current_actor(), get_election(election_id), person_id)


@blp.route("/elections/<int:election_id>/applications", methods=["POST"])
@bearer_required
@blp.arguments(S.ApplyIn)
@blp.response(201, S.VoterOut)
@document_errors(blp, 400, 401, 404, 409, 422)
def apply(data, election_id):
    """A migrant applies to be on the roll, with the written promise; the committee approves via POST voters."""
    return roll.apply_for_roll(current_actor(), get_election(election_id), data["promise_signed"])


@blp.route("/elections/<int:election_id>/objections")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(S.ObjectionOut, "ObjectionPage"))
@document_errors(blp, 401, 403, 404)
def list_objections(args, election_id):
    """Objections to the roll and their answers."""
    election = get_election(election_id)
    if not roll.may_see_roll(current_actor(), election):
        raise Forbidden(_("Only residents of the community and the election's officials may see its roll."))
    page = page_of(select(RollObjection).where(RollObjection.election_id == election.id)
                   .order_by(RollObjection.filed_at), args)
    if not can(current_actor(), "election.view_roll", election):  # residents see objections, not who filed them
        page["items"] = [SimpleNamespace(**{k: getattr(o, k) for k in S.ObjectionOut().fields if k != "filed_by_id"},
                                         filed_by_id=None) for o in page["items"]]
    return page


@blp.route("/elections/<int:election_id>/objections", methods=["POST"])
@bearer_required
@blp.arguments(S.ObjectionIn)
@blp.response(201, S.ObjectionOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def file_objection(data, election_id):
    """Object to the roll (within the objection period)."""
    subject = _person(data["subject_person_id"]) if data.get("subject_person_id") else None
    return roll.file_objection(current_actor(), get_election(election_id), data["text"], subject)


@blp.route("/elections/<int:election_id>/objections/<int:objection_id>/answer", methods=["POST"])
@bearer_required
@blp.arguments(S.AnswerIn)
@blp.response(200, S.ObjectionOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def answer_objection(data, election_id, objection_id):
    """The committee answers an objection."""
    return roll.answer_objection(current_actor(), _permitted(election_id),
                                 get_or_404(RollObjection, objection_id), data["answer"], data["outcome"])


@blp.route("/elections/<int:election_id>/nominations")
@bearer_required
@blp.response(200, S.NominationOut(many=True))
@document_errors(blp, 401, 404)
def list_nominations(election_id):
    """Nominations with their supporters' count (residents of the community once the roll is out, officials)."""
    election = get_election(election_id)
    if not roll.may_see_roll(current_actor(), election):
        raise Forbidden(_("Only residents of the community and the election's officials may see its roll."))
    return [{"id": n.id, "nominee_id": n.nominee_id, "kind": n.kind, "group_name": n.group_name,
             "supporters": count} for n, count in cands.nominations(election)]


@blp.route("/elections/<int:election_id>/nominations", methods=["POST"])
@bearer_required
@blp.arguments(S.NominationIn)
@blp.response(201, S.NominationOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def nominate(data, election_id):
    """Nominate a voter: kind voters (jointly, the caller first), group or committee."""
    row = cands.nominate(current_actor(), get_election(election_id), _person(data["nominee_id"]), data["kind"],
                         data["group_name"])
    return {"id": row.id, "nominee_id": row.nominee_id, "kind": row.kind, "group_name": row.group_name,
            "supporters": cands.supporters(row)}


@blp.route("/elections/<int:election_id>/nominations/<int:nomination_id>/supports", methods=["POST"])
@bearer_required
@blp.response(201, S.NominationOut)
@document_errors(blp, 401, 403, 404, 409, 422)
def support(election_id, nomination_id):
    """Join a joint nomination (409 the second time)."""
    nomination = get_or_404(Nomination, nomination_id)
    count = cands.support_nomination(current_actor(), get_election(election_id), nomination)
    return {"id": nomination.id, "nominee_id": nomination.nominee_id, "kind": nomination.kind,
            "group_name": nomination.group_name, "supporters": count}


@blp.route("/elections/<int:election_id>/candidates")
@bearer_required
@blp.response(200, S.CandidateOut(many=True))
@document_errors(blp, 401, 403, 404)
def list_candidates(election_id):
    """The candidate list (public once published)."""
    election = get_election(election_id)
    if election.status in ("draft", "roll_published", "nominating") and not can(
            current_actor(), "election.manage", election):
        raise NotFound(_("The candidate list is not published yet."))
    return cands.candidates(election)


@blp.route("/elections/<int:election_id>/candidates", methods=["POST"])
@bearer_required
@blp.arguments(S.PersonRef)
@blp.response(201, S.CandidateOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def add_candidate(data, election_id):
    """Put a nominee on the candidate list (a committee member who stands leaves the committee)."""
    election = get_election(election_id)
    require(current_actor(), "election.manage", election)
    return cands.add_candidate(current_actor(), election, _person(data["person_id"]))



@blp.route("/elections/<int:election_id>/candidates/<int:candidate_id>", methods=["PATCH"])
@bearer_required
@blp.arguments(S.IntroductionIn)
@blp.response(200, S.CandidateOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def update_introduction(data, election_id, candidate_id):
    """Write a candidate's introduction: occupation, statement, the party membership to show (the committee,
    until voting opens). Age and hometown come from the person's record."""
    election = _permitted(election_id)  # before the candidate is looked up
    candidate = get_or_404(Candidate, candidate_id)
    return introductions.update_introduction(current_actor(), election, candidate, data)

from community.elections import api_voting  # noqa: E402,F401  (routes on the same blueprint)
