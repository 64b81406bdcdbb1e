"""Marshmallow schemas of the elections API (shared/API.md)."""
from __future__ import annotations

import marshmallow as ma

from community.apitools import Id, PageArgs, PageFields, StrictBoolean, between
from community.database import LOCAL_ZONE, utcnow
from community.elections.models import METHODS, NOMINATION_KINDS, STATUSES

F = ma.fields


def _time(**kwargs):
    return F.AwareDateTime(default_timezone=LOCAL_ZONE, **kwargs)


class ElectionSettings(ma.Schema):
    min_age = F.Integer(strict=True)
    roll_days_before = F.Integer(strict=True)
    objection_days = F.Integer(strict=True)
    answer_days = F.Integer(strict=True)
    candidates_days_before = F.Integer(strict=True)
    min_nominators = F.Integer(strict=True)
    min_extra_candidates = F.Integer(strict=True)
    max_proxies = F.Integer(strict=True)
    absence_notice_days = F.Integer(strict=True)
    migrant_min_years = F.Integer(strict=True)
    migrant_needs_permit = StrictBoolean()
    committee_min = F.Integer(strict=True)
    committee_max = F.Integer(strict=True)
    recall_signature_days = F.Integer(strict=True, metadata={
        "description": "days a recall proposal has to gather a fifth of the voters before it lapses"})


class ElectionIn(ElectionSettings):
    title = F.String(required=True, validate=ma.validate.Length(min=1, max=100))
    community_id = Id(required=True, strict=True)
    seats = F.Integer(required=True, strict=True, validate=between(1, 200))
    term = F.String(validate=ma.validate.Length(max=20))
    residents_group = F.String(validate=ma.validate.Length(max=60))
    grid_id = Id(allow_none=True, metadata={"description": "the grid that is the residents' group, if any"})
    method = F.String(validate=ma.validate.OneOf(METHODS))
    voting_opens_at = _time(allow_none=True)
    voting_closes_at = _time(allow_none=True)
    nominations_close_at = _time(allow_none=True)


class ElectionPatch(ElectionSettings):
    """Only the fields sent change (marshmallow has no `partial` Meta option: nothing here is required)."""
    title = F.String(validate=ma.validate.Length(min=1, max=100))
    community_id = Id(strict=True, metadata={"description": "ignored: an election stays in its community"})
    seats = F.Integer(strict=True, validate=between(1, 200))
    term = F.String(validate=ma.validate.Length(max=20))
    residents_group = F.String(validate=ma.validate.Length(max=60))
    grid_id = Id(allow_none=True, metadata={"description": "the grid that is the residents' group, if any"})
    method = F.String(validate=ma.validate.OneOf(METHODS))
    voting_opens_at = _time(allow_none=True)
    voting_closes_at = _time(allow_none=True)
    nominations_close_at = _time(allow_none=True)


class ElectionOut(ElectionSettings):
    id = F.Integer()
    title = F.String()
    community_id = F.Integer()
    term = F.String()
    residents_group = F.String()
    grid_id = F.Integer(allow_none=True)
    seats = F.Integer()
    method = F.String()
    status = F.String(metadata={"description": " → ".join(STATUSES)})
    current_round = F.Integer()
    voting_opens_at = F.AwareDateTime(allow_none=True)
    voting_closes_at = F.AwareDateTime(allow_none=True)
    nominations_close_at = F.AwareDateTime(allow_none=True)
    roll_published_at = F.AwareDateTime(allow_none=True)
    candidates_published_at = F.AwareDateTime(allow_none=True)
    closed_at = F.AwareDateTime(allow_none=True)
    counted_at = F.AwareDateTime(allow_none=True)
    published_at = F.AwareDateTime(allow_none=True)


class ElectionArgs(PageArgs):
    community_id = Id()
    status = F.String(validate=ma.validate.OneOf(STATUSES))


class StatusIn(ma.Schema):
    status = F.String(required=True, validate=ma.validate.OneOf(STATUSES))
    opens_at = _time(metadata={"description": "for a further round: when it opens (default now)"})
    closes_at = _time(metadata={"description": "for a further round: when it closes"})


class VoterIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    promise_signed = StrictBoolean(load_default=False,
                               metadata={"description": "a migrant's written promise not to register elsewhere"})
    household = F.String(validate=ma.validate.Length(max=60), allow_none=True)


class VoterOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    name = F.Function(lambda r: r.person.name)
    status = F.String(metadata={"description": "applied or registered"})
    is_migrant = F.Boolean()
    household = F.String(allow_none=True)
    promise_signed = F.Boolean()
    approved_by_id = F.Integer(allow_none=True)
    approved_at = F.AwareDateTime(allow_none=True)
    excused = F.Function(lambda r: r.excused_at is not None)
    excuse_counts = F.Boolean(allow_none=True, metadata={
        "description": "the excuse came at least absence_notice_days before the voting day that applies, so the "
                       "voter is left out of the turnout base; false when too late; null without an excuse or "
                       "voting day"})


class ApplyIn(ma.Schema):
    promise_signed = StrictBoolean(required=True)


class ObjectionIn(ma.Schema):
    text = F.String(required=True, validate=ma.validate.Length(min=1, max=2000))
    subject_person_id = Id(strict=True, allow_none=True)


class AnswerIn(ma.Schema):
    answer = F.String(required=True, validate=ma.validate.Length(min=1, max=2000))
    outcome = F.String(required=True, validate=ma.validate.OneOf(["upheld", "rejected"]))


class ObjectionOut(ma.Schema):
    id = F.Integer()
    filed_by_id = F.Integer(allow_none=True)
    subject_person_id = F.Integer(allow_none=True)
    text = F.String()
    filed_at = F.AwareDateTime()
    answer_due_at = F.AwareDateTime()
    answer = F.String(allow_none=True)
    outcome = F.String(allow_none=True)
    answered_at = F.AwareDateTime(allow_none=True)
    answered_late = F.Boolean(allow_none=True, metadata={"description": "answered after answer_due_at; null "
                                                                       "while unanswered"})
    overdue = F.Function(lambda o: o.overdue(utcnow()),
                         metadata={"description": "unanswered and past answer_due_at"})


class NominationIn(ma.Schema):
    nominee_id = Id(required=True, strict=True)
    kind = F.String(load_default="voters", validate=ma.validate.OneOf(NOMINATION_KINDS))
    group_name = F.String(load_default="", validate=ma.validate.Length(max=60))


class NominationOut(ma.Schema):
    id = F.Integer()
    nominee_id = F.Integer()
    kind = F.String()
    group_name = F.String()
    supporters = F.Integer()


class PersonRef(ma.Schema):
    person_id = Id(required=True, strict=True)


class IntroductionOut(ma.Schema):
    age = F.Integer(allow_none=True, metadata={"description": "on the voting day, from the person's record"})
    hometown = F.String(metadata={"description": "from the person's record"})
    occupation = F.String()
    statement = F.String()
    party = F.String(allow_none=True, metadata={"description": "null: not shown; member, probationary, mobile"})
    party_label = F.String()


class _Introduced:
    """A candidate with its introduction beside it, for dumping."""

    def __init__(self, candidate, day):
        from community.elections.services.introductions import introduction

        self._candidate = candidate
        self.introduction = introduction(candidate, day)

    def __getattr__(self, name):
        return getattr(self._candidate, name)


class CandidateOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    name = F.Function(lambda c: c.person.name)
    is_migrant = F.Function(lambda c: c.person.is_migrant)
    is_elected = F.Boolean()
    elected_round = F.Integer(allow_none=True)
    is_recalled = F.Boolean()
    introduction = F.Nested(IntroductionOut, metadata={"description": "what voters read about the candidate"})

    @ma.pre_dump
    def _introduce(self, candidate, **_kwargs):
        """The introduction's day is the election's, looked up once per election and dump (a list of candidates
        loaded the election once per candidate: the session's identity map holds objects weakly, and once the
        view had returned nothing else held the election)."""
        from app import db
        from community.elections.models import Election
        from community.elections.services.introductions import introduction_day

        days = self.__dict__.setdefault("_days", {})
        if candidate.election_id not in days:
            days[candidate.election_id] = introduction_day(db.session.get(Election, candidate.election_id))
        return _Introduced(candidate, days[candidate.election_id])


class IntroductionIn(ma.Schema):
    occupation = F.String(validate=ma.validate.Length(max=60))
    statement = F.String(validate=ma.validate.Length(max=500))
    party = F.String(allow_none=True, validate=ma.validate.OneOf(["", "member", "probationary", "mobile"]),
                     metadata={"description": "null or \"\": not shown"})


class OfficialIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    role = F.String(required=True, validate=ma.validate.OneOf(["election_committee", "counter"]))


class OfficialOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    role = F.String()


class KinshipIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    relative_id = Id(required=True, strict=True)


class BallotIn(ma.Schema):
    candidate_ids = F.List(Id(strict=True), required=True)
    on_behalf_of = F.Integer(strict=True, allow_none=True,
                             metadata={"description": "the voter whose approved proxy you are"})


class ReceiptOut(ma.Schema):
    receipt = F.String()


class ReceiptPageArgs(PageArgs):
    per_page = F.Integer(load_default=100, validate=ma.validate.Range(min=1, max=100))


class ReceiptsOut(PageFields):
    items = F.List(F.String())


class ReceiptCheckOut(ma.Schema):
    receipt = F.String()
    round = F.Integer()
    found = F.Boolean()


class ProxyIn(ma.Schema):
    principal_id = Id(required=True, strict=True)
    proxy_id = Id(required=True, strict=True)
    note = F.String(load_default="", validate=ma.validate.Length(max=200))


class ProxyOut(ma.Schema):
    id = F.Integer()
    principal_id = F.Integer()
    principal_name = F.Function(lambda p: p.principal.name)
    proxy_id = F.Integer()
    proxy_name = F.Function(lambda p: p.proxy.name)
    approved_at = F.AwareDateTime()


class PaperIssueIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    box = F.String(load_default="hall", validate=ma.validate.Length(min=1, max=30))


class PaperEntryIn(ma.Schema):
    box = F.String(load_default="hall", validate=ma.validate.Length(min=1, max=30))
    sheet_no = F.Integer(required=True, strict=True, validate=between(1, 100_000))
    candidate_ids = F.List(Id(strict=True), load_default=list)
    blank = StrictBoolean(load_default=False)


class SheetOut(ma.Schema):
    box = F.String()
    sheet_no = F.Integer()
    state = F.String(metadata={"description": "single, agreed, differs or resolved"})
    entries = F.List(F.Dict())
    marks = F.List(F.Integer(), allow_none=True)
    is_blank = F.Boolean(allow_none=True)


class TallyOut(ma.Schema):
    candidate_id = F.Integer()
    person_id = F.Integer()
    name = F.String()
    votes = F.Integer()
    elected = F.Boolean()
    elected_round = F.Integer(allow_none=True)
    is_migrant = F.Boolean()


class ResultsOut(ma.Schema):
    election_id = F.Integer()
    status = F.String()
    seats = F.Integer()
    registered = F.Integer()
    excused = F.Integer(allow_none=True, metadata={"description": "excused in time: left out of the turnout base"})
    turnout_base = F.Integer(metadata={"description": "registered less excused: what turnout divides by"})
    ballots_cast = F.Integer(allow_none=True)
    participants = F.Integer(allow_none=True)
    void_ballots = F.Integer(allow_none=True)
    turnout = F.Float(metadata={"description": "ballots cast / turnout_base; valid needs more than 0.5"})
    valid = F.Boolean()
    tallies = F.List(F.Nested(TallyOut))
    vacancies = F.Integer()
    next_round_due = F.Boolean()
    rounds = F.List(F.Dict())
    composition = F.Dict()
    integrity_problems = F.List(F.String(), metadata={"description": "what the last recount from the stored "
                                "ballots found (empty when it matched); the recount runs at the count, at "
                                "publication and every hour, never per request"})
    integrity_checked_at = F.AwareDateTime(allow_none=True, metadata={"description": "when that recount ran"})


class ReminderOut(ma.Schema):
    kind = F.String()
    due_at = F.AwareDateTime()
    audience = F.String()


class RecallIn(ma.Schema):
    candidate_id = Id(required=True, strict=True)
    reason = F.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class RecallDecisionIn(ma.Schema):
    votes_cast = F.Integer(required=True, strict=True, validate=between(0))
    votes_for = F.Integer(required=True, strict=True, validate=between(0))


class RecallVoteIn(ma.Schema):
    opens_at = _time(metadata={"description": "when the recall vote opens (default now)"})
    closes_at = _time(required=True, metadata={"description": "when it closes"})


class RecallOut(ma.Schema):
    id = F.Integer()
    candidate_id = F.Integer()
    reason = F.String()
    status = F.String(metadata={"description": "proposed (collecting support), lapsed (too few supporters by "
                                               "signatures_due_at) or decided"})
    signatures_due_at = F.AwareDateTime()
    supporters = F.Integer()
    registered = F.Integer(allow_none=True)
    votes_cast = F.Integer(allow_none=True)
    votes_for = F.Integer(allow_none=True)
    is_valid = F.Boolean(allow_none=True)
    is_passed = F.Boolean(allow_none=True)
    round_no = F.Integer(allow_none=True, metadata={"description": "the election round of its platform vote"})


class KeyHolderOut(ma.Schema):
    person_id = F.Integer()
    name = F.String()
    number = F.Integer()
    shown = F.Boolean()


class BallotKeyOut(ma.Schema):
    round = F.Integer()
    fingerprint = F.String()
    threshold = F.Integer()
    holders = F.List(F.Nested(KeyHolderOut))
    opened = F.Boolean()
    opened_count = F.Integer(allow_none=True)
    sealed = F.Integer()


class KeyShareOut(ma.Schema):
    round = F.Integer()
    number = F.Integer()
    share = F.String()
    threshold = F.Integer()
    holders = F.Integer()
    fingerprint = F.String()


class SharesIn(ma.Schema):
    shares = F.List(F.String(validate=ma.validate.Length(max=200)), required=True,
                    validate=ma.validate.Length(min=1, max=50))


class OpenedOut(ma.Schema):
    round = F.Integer()
    opened = F.Integer()
    paper = F.Integer()
    unreadable = F.Integer()
    receipt_mismatches = F.Integer()
