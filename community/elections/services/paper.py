"""Paper ballots from the hall and mobile boxes: issued against the roll, typed in twice, reconciled."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app import db
from community.audit.services import record
from community.authz import require
from community.database import as_local, transactional
from community.elections.models import (
    Election,
    ElectionRound,
    PaperEntry,
    Participation,
)
from community.elections.services.common import (
    clean_candidate_ids,
    current_round,
    flush_or_conflict,
    is_registered,
    lock_election,
    now_or,
    round_candidate_ids,
)
from community.elections.services.roll import ineligible_on_voting_day
from community.elections.services.voting import voting_round
from community.errors import Conflict, DomainError, Forbidden, Invalid
from community.people.models import Person

MAX_SHEET = 100_000  # far above any box; keeps sheet numbers inside the database's integer


def _box(box: str) -> str:
    box = (box or "").strip()
    if not box or len(box) > 30:
        raise Invalid(_("Name the ballot box (hall or a mobile box)."), fields={"box": _("Required")})
    return box


@transactional
def issue_paper_ballot(actor, election: Election, voter: Person, box: str, now: datetime | None = None) -> None:
    """Record that a voter on the roll took a paper ballot (in the hall or from a mobile box)."""
    require(actor, "election.manage", election)
    round_ = voting_round(election, now_or(now))
    if round_ is None:
        raise DomainError(_("Voting is not open now."), code="not_voting")
    if not is_registered(election, voter.id):
        raise Forbidden(_("Rule: only voters on the roll may vote."), code="not_on_roll")
    if problem := ineligible_on_voting_day(election, voter, as_local(round_.opens_at).date()):
        raise problem
    _box(box)
    # The box is not kept with the voter: sheets are entered by box, and a mobile box visiting few
    # voters would otherwise link each of them to their marks.
    flush_or_conflict(Participation(election_id=election.id, round_no=round_.number, voter_id=voter.id,
                                    channel="paper", cast_by_id=actor.id),
                      _("Rule: one ballot per voter; this voter has already voted."), "already_voted")
    record(actor, "election.paper_issued", election, summary=str(voter.id))


def _closed_round(election: Election) -> ElectionRound:
    round_ = current_round(election)
    if round_ is None or round_.status != "closed":
        raise DomainError(_("Paper ballots are entered after voting closes and before the count."),
                          code="wrong_status")
    from community.elections.services.ballot_key import require_sealed

    require_sealed(election, round_)
    return round_


def _marks(round_: ElectionRound, candidate_ids, is_blank: bool) -> list[int]:
    marks = clean_candidate_ids(candidate_ids)
    if is_blank:
        return []
    if not set(marks) <= round_candidate_ids(round_):
        raise DomainError(_("Rule: a ballot may only mark candidates of this round."), code="not_a_candidate")
    return marks


@transactional
def enter_paper_ballot(actor, election: Election, box: str, sheet_no: int, candidate_ids,
                       is_blank: bool = False) -> PaperEntry:
    """A counter types in one paper sheet; each sheet is typed by two counters independently.

    A sheet marking more names than seats is entered as marked and counted as void."""
    require(actor, "election.enter_paper", election)
    lock_election(election)  # before the round's state is read: the supervisors may be opening it right now
    round_ = _closed_round(election)
    if not isinstance(sheet_no, int) or isinstance(sheet_no, bool) or not 1 <= sheet_no <= MAX_SHEET:
        raise Invalid(_("Sheet numbers run from 1 to %(n)d.", n=MAX_SHEET), fields={"sheet_no": _("Invalid value.")})
    box = _box(box)
    marks = _marks(round_, candidate_ids, is_blank)
    typed = db.session.scalars(select(PaperEntry.counter_id).where(
        PaperEntry.election_id == election.id, PaperEntry.round_no == round_.number, PaperEntry.box == box,
        PaperEntry.sheet_no == sheet_no, PaperEntry.kind == "entry")).all()
    if actor.id in typed:
        raise Conflict(_("You have already entered this sheet."), code="already_entered")
    if len(typed) >= 2:
        raise Conflict(_("Two counters have already entered this sheet."), code="sheet_complete")
    row = PaperEntry(election_id=election.id, round_no=round_.number, box=box, sheet_no=sheet_no,
                     counter_id=actor.id, kind="entry", marks=marks, is_blank=bool(is_blank))
    flush_or_conflict(row, _("You have already entered this sheet."), "already_entered")
    return row


def sheets(election: Election, round_no: int | None = None) -> list[dict]:
    """Every paper sheet of a round with its state: single, agreed, differs or resolved."""
    round_no = round_no or election.current_round
    rows = db.session.scalars(select(PaperEntry).where(
        PaperEntry.election_id == election.id, PaperEntry.round_no == round_no)
        .order_by(PaperEntry.box, PaperEntry.sheet_no, PaperEntry.id)).all()
    grouped: dict[tuple[str, int], list[PaperEntry]] = {}
    for row in rows:
        grouped.setdefault((row.box, row.sheet_no), []).append(row)
    result = []
    for (box, sheet_no), entries in grouped.items():
        typed = [e for e in entries if e.kind == "entry"]
        resolution = next((e for e in entries if e.kind == "resolution"), None)
        if resolution:
            state, final = "resolved", resolution
        elif len(typed) < 2:
            state, final = "single", None
        elif (typed[0].marks, typed[0].is_blank) == (typed[1].marks, typed[1].is_blank):
            state, final = "agreed", typed[0]
        else:
            state, final = "differs", None
        result.append({"box": box, "sheet_no": sheet_no, "state": state,
                       "entries": [{"counter_id": e.counter_id, "marks": e.marks, "is_blank": e.is_blank}
                                   for e in typed],
                       "marks": final.marks if final else None, "is_blank": final.is_blank if final else None})
    return result


@transactional
def resolve_sheet(actor, election: Election, box: str, sheet_no: int, candidate_ids, is_blank: bool = False) -> None:
    """The committee settles a sheet the two counters typed differently, after looking at the paper."""
    require(actor, "election.manage", election)
    lock_election(election)  # as for an entry: never beside a round being opened
    round_ = _closed_round(election)
    box = _box(box)
    state = next((s["state"] for s in sheets(election, round_.number)
                  if s["box"] == box and s["sheet_no"] == sheet_no), None)
    if state != "differs":
        raise DomainError(_("Only a sheet the two counters entered differently needs resolving."),
                          code="nothing_to_resolve")
    db.session.add(PaperEntry(election_id=election.id, round_no=round_.number, box=box, sheet_no=sheet_no,
                              counter_id=actor.id, kind="resolution",
                              marks=_marks(round_, candidate_ids, is_blank), is_blank=bool(is_blank)))
    record(actor, "election.paper_resolved", election, summary=f"{box} #{sheet_no}")


def paper_ballots(election: Election, round_: ElectionRound) -> list[tuple[bool, list[int]]]:
    """The reconciled sheets as ballots (is_void, marks); refuses while any sheet is unsettled.
    A blank sheet is cast with no names; a sheet marking more names than seats is void."""
    found = sheets(election, round_.number)
    open_sheets = [s for s in found if s["state"] in ("single", "differs")]
    if open_sheets:
        raise DomainError(ngettext("%(num)d paper ballot is not yet entered by two counters or differs between them.",
                                   "%(num)d paper ballots are not yet entered by two counters or differ between them.",
                                   len(open_sheets)), code="paper_unreconciled")
    return [(True, []) if len(s["marks"]) > round_.seats else (False, s["marks"]) for s in found]


def commit_paper_ballots(election: Election, round_: ElectionRound) -> int:
    """Store the reconciled sheets as ballots, shuffled (rounds whose online ballots are sealed get theirs
    stored together with the online ones when the supervisors open them: see ballot_key)."""
    from community.elections.services.ballot_key import write_shuffled

    ballots = paper_ballots(election, round_)
    write_shuffled(election, round_.number, ballots)
    return len(ballots)
