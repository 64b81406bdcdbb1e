"""JSON API of the elections: ballots, receipts, proxies, paper ballots, results, reminders, recall."""
from __future__ import annotations

from flask_babel import gettext as _

from community.apitools import bearer_required, current_actor, document_errors, page_of
from community.authz import can, require
from community.elections import schemas as S
from community.elections.api import _permitted, _person, blp
from community.elections.models import Candidate, Recall
from community.elections.rules import REMINDER_AUDIENCE, reminder_moments
from community.elections.schemas import BallotKeyOut, KeyShareOut, OpenedOut, SharesIn
from community.elections.services import ballot_key, paper, recall, roll, tally, voting
from community.elections.services.common import get_election, get_or_404
from community.errors import NotFound


@blp.route("/elections/<int:election_id>/ballots", methods=["POST"])
@bearer_required
@blp.arguments(S.BallotIn)
@blp.response(201, S.ReceiptOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def cast_ballot(data, election_id):
    """Cast a secret ballot: 201 {receipt}; 409 second ballot; 403 not on roll; 422 too many marks or not voting now."""
    election = get_election(election_id)
    principal = _person(data["on_behalf_of"]) if data.get("on_behalf_of") else None
    receipt = voting.cast_ballot(current_actor(), election, data["candidate_ids"], on_behalf_of=principal)
    return {"receipt": receipt}


@blp.route("/elections/<int:election_id>/receipts")
@bearer_required
@blp.arguments(S.ReceiptPageArgs, location="query")
@blp.response(200, S.ReceiptsOut)
@document_errors(blp, 400, 401, 404)
def list_receipts(args, election_id):
    """Every receipt, sorted by its value (an order that reveals nothing), while voting and after; a page at a
    time (up to 100), the next by the `next` cursor."""
    election = get_election(election_id)
    if not voting.receipts_public(election):
        raise NotFound(_("The receipts board opens when voting opens."))
    return page_of(voting.receipts_query(election), args, keyset=True)


@blp.route("/elections/<int:election_id>/receipts/<string:receipt>")
@bearer_required
@blp.response(200, S.ReceiptCheckOut)
@document_errors(blp, 401, 404)
def check_receipt(election_id, receipt):
    """Check that a receipt is on the board (an unknown receipt is refused and logged)."""
    return voting.check_receipt(current_actor(), get_election(election_id), receipt[:40])


@blp.route("/elections/<int:election_id>/proxies")
@bearer_required
@blp.response(200, S.ProxyOut(many=True))
@document_errors(blp, 401, 404)
def list_proxies(election_id):
    """The published list of who delegated their vote to whom."""
    election = get_election(election_id)
    if not roll.may_see_roll(current_actor(), election):  # like the roll: strangers learn nothing
        raise NotFound(_("The roll is not published yet."))
    return voting.proxies(election)


@blp.route("/elections/<int:election_id>/proxies", methods=["POST"])
@bearer_required
@blp.arguments(S.ProxyIn)
@blp.response(201, S.ProxyOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def approve_proxy(data, election_id):
    """Record a written proxy approved by the committee (at most 3 per proxy by default)."""
    return voting.approve_proxy(current_actor(), _permitted(election_id), _person(data["principal_id"]),
                                _person(data["proxy_id"]), data["note"])


@blp.route("/elections/<int:election_id>/paper-participation", methods=["POST"])
@bearer_required
@blp.arguments(S.PaperIssueIn)
@blp.response(201, S.PaperIssueIn)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def issue_paper(data, election_id):
    """Record that a voter took a paper ballot in the hall or from a mobile box (409 if they already voted)."""
    paper.issue_paper_ballot(current_actor(), _permitted(election_id), _person(data["person_id"]), data["box"])
    return data


@blp.route("/elections/<int:election_id>/paper-ballots")
@bearer_required
@blp.response(200, S.SheetOut(many=True))
@document_errors(blp, 401, 403, 404)
def list_sheets(election_id):
    """Paper sheets of the current round: single, agreed, differs (flagged) or resolved."""
    election = get_election(election_id)
    actor = current_actor()
    if can(actor, "election.manage", election):
        return paper.sheets(election)
    require(actor, "election.enter_paper", election)
    # A counter sees only their own typing: the second entry of a sheet must not be copied from the first.
    found = paper.sheets(election)
    for sheet in found:
        sheet["entries"] = [e for e in sheet["entries"] if e["counter_id"] == actor.id]
        if sheet["state"] != "agreed" and sheet["state"] != "resolved":
            sheet["marks"] = sheet["is_blank"] = None
    return found


@blp.route("/elections/<int:election_id>/paper-ballots", methods=["POST"])
@bearer_required
@blp.arguments(S.PaperEntryIn)
@blp.response(201, S.SheetOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def enter_paper(data, election_id):
    """A counter enters one paper sheet; two counters enter each sheet independently."""
    election = get_election(election_id)
    row = paper.enter_paper_ballot(current_actor(), election, data["box"], data["sheet_no"], data["candidate_ids"],
                                   data["blank"])
    return next(s for s in paper.sheets(election) if s["box"] == row.box and s["sheet_no"] == row.sheet_no)


@blp.route("/elections/<int:election_id>/paper-ballots/resolve", methods=["POST"])
@bearer_required
@blp.arguments(S.PaperEntryIn)
@blp.response(200, S.SheetOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def resolve_paper(data, election_id):
    """The committee settles a sheet the counters entered differently."""
    election = get_election(election_id)
    paper.resolve_sheet(current_actor(), election, data["box"], data["sheet_no"], data["candidate_ids"],
                        data["blank"])
    box = data["box"].strip()
    return next(s for s in paper.sheets(election) if s["box"] == box and s["sheet_no"] == data["sheet_no"])


@blp.route("/elections/<int:election_id>/results")
@bearer_required
@blp.response(200, S.ResultsOut)
@document_errors(blp, 401, 404)
def results(election_id):
    """{registered, ballots_cast, valid, tallies, vacancies, rounds, composition}: anyone after publication,
    the committee once counted. `integrity_problems` is the recount from the ballots (empty when sound)."""
    election = get_election(election_id)
    if election.status != "published" and not (
            election.status == "counted" and can(current_actor(), "election.manage", election)):
        raise NotFound(_("The results are not published yet."))
    return tally.results(election)


@blp.route("/elections/<int:election_id>/reminders")
@bearer_required
@blp.response(200, S.ReminderOut(many=True))
@document_errors(blp, 401, 403, 404)
def reminders(election_id):
    """When this election's reminders fall due (for the scheduler)."""
    election = get_election(election_id)
    require(current_actor(), "election.manage", election)
    return [{"kind": kind, "due_at": due, "audience": REMINDER_AUDIENCE[kind]}
            for kind, due in reminder_moments(election)]


def _recall_out(row: Recall) -> dict:
    return {"id": row.id, "candidate_id": row.candidate_id, "reason": row.reason,
            "status": recall.recall_state(get_election(row.election_id), row),
            "signatures_due_at": row.signatures_due_at,
            "supporters": recall.recall_supporters(row), "registered": row.registered,
            "votes_cast": row.votes_cast, "votes_for": row.votes_for, "is_valid": row.is_valid,
            "is_passed": row.is_passed, "round_no": row.round_no}


@blp.route("/elections/<int:election_id>/recalls", methods=["POST"])
@bearer_required
@blp.arguments(S.RecallIn)
@blp.response(201, S.RecallOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def propose_recall(data, election_id):
    """A voter proposes to recall a representative."""
    election = get_election(election_id)
    candidate = get_or_404(Candidate, data["candidate_id"])
    return _recall_out(recall.propose_recall(current_actor(), election, candidate, data["reason"]))


@blp.route("/elections/<int:election_id>/recalls/<int:recall_id>/supports", methods=["POST"])
@bearer_required
@blp.response(201, S.RecallOut)
@document_errors(blp, 401, 403, 404, 409)
def support_recall(election_id, recall_id):
    """Support a recall proposal (at least one fifth of the voters are needed)."""
    row = get_or_404(Recall, recall_id)
    recall.support_recall(current_actor(), get_election(election_id), row)
    return _recall_out(row)


@blp.route("/elections/<int:election_id>/recalls/<int:recall_id>/result", methods=["POST"])
@bearer_required
@blp.arguments(S.RecallDecisionIn)
@blp.response(200, S.RecallOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def decide_recall(data, election_id, recall_id):
    """Enter the recall vote: valid with more than half of the voters voting, passes with more than half."""
    election = _permitted(election_id)
    row = get_or_404(Recall, recall_id)
    return _recall_out(recall.decide_recall(current_actor(), election, row, data["votes_cast"], data["votes_for"]))


@blp.route("/elections/<int:election_id>/ballot-key")
@bearer_required
@blp.response(200, BallotKeyOut)
@document_errors(blp, 401, 403, 404)
def ballot_key_status(election_id):
    """The current round's key: fingerprint, k of n, which supervisor holds which share and has seen it."""
    election = get_election(election_id)
    actor = current_actor()
    if not can(actor, "election.open_ballots", election):
        require(actor, "election.manage", election)
    status = ballot_key.key_status(election)
    if status is None:
        raise NotFound(_("This round has no ballot key."))
    return status


@blp.route("/elections/<int:election_id>/ballot-key/my-share", methods=["POST"])
@bearer_required
@blp.response(201, KeyShareOut)
@document_errors(blp, 401, 404, 409, 422)
def reveal_my_share(election_id):
    """Show a vote supervisor their share of the round's key, once (409 afterwards): write it down."""
    return ballot_key.reveal_share(current_actor(), get_election(election_id))


@blp.route("/elections/<int:election_id>/ballot-key/open", methods=["POST"])
@bearer_required
@blp.arguments(SharesIn)
@blp.response(200, OpenedOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def open_sealed_ballots(data, election_id):
    """k supervisors' shares open the closed round's sealed ballots for the count; 400 names each bad share
    (`shares.N`: typing mistake caught by its checksum, entered twice, too few); 422 shares that do not open."""
    return ballot_key.open_ballots(current_actor(), get_election(election_id), data["shares"])


@blp.route("/elections/<int:election_id>/recalls/<int:recall_id>/vote", methods=["POST"])
@bearer_required
@blp.arguments(S.RecallVoteIn)
@blp.response(201, S.RecallOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def open_recall_vote(data, election_id, recall_id):
    """Hold the recall vote on the platform by secret ballot (a round of stage "recall": mark the name to recall,
    leave the ballot blank to keep); close and count it with POST …/status, as for any round."""
    election = get_election(election_id)
    require(current_actor(), "election.manage", election)
    row = get_or_404(Recall, recall_id)
    recall.open_recall_vote(current_actor(), election, row, data.get("opens_at"), data.get("closes_at"))
    return _recall_out(row)
