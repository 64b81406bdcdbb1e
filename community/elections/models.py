"""Resident representative elections (居民代表推选): roll, candidates, rounds, secret ballots.

Secrecy by construction: `Participation` records who took part in a round, `Ballot`
records how someone voted. While a round is open, online ballots exist only sealed
(`sealed_models.SealedBallot`), unreadable without the shares of k vote supervisors.
A ballot has a random key, no voter, no time and no sequence, and on SQLite it is
stored WITHOUT ROWID so that not even a hidden row number orders it. One ballot per
voter is the unique key on participation.
"""
from __future__ import annotations

import secrets

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person
from community.places.models import Community

STATUSES = ["draft", "roll_published", "nominating", "candidates_published", "voting", "closed", "counted",
            "published"]
METHODS = ["every_voter", "household"]
NOMINATION_KINDS = ["voters", "group", "committee"]
CHANNELS = ["online", "paper", "proxy"]


def random_key() -> str:
    """A ballot key: 128 random bits, nothing else."""
    return secrets.token_hex(16)


def new_receipt() -> str:
    """A receipt the voter keeps: 12 characters of an alphabet without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Election(db.Model):
    """One election of resident representatives for a community or one of its residents' groups."""

    __tablename__ = "election"
    __table_args__ = (
        Index("ix_election_community_status", "community_id", "status"),
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("committee_min <= committee_max", name="committee_range"),
        CheckConstraint("max_proxies >= 0", name="max_proxies_nonnegative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(100))
    term: Mapped[str] = mapped_column(String(20))  # nobody is on two rolls of the same term
    residents_group: Mapped[str] = mapped_column(String(60), default="")
    # A residents' group election is bound to the grid (网格) that is the group on the platform:
    # only that grid's residents are on its roll.
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id", ondelete="RESTRICT"), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(12), default="every_voter")
    status: Mapped[str] = mapped_column(String(24), default="draft")
    current_round: Mapped[int] = mapped_column(Integer, default=0)
    # Settings, each with the default of shared/DOMAIN.md.
    min_age: Mapped[int] = mapped_column(Integer, default=18)
    roll_days_before: Mapped[int] = mapped_column(Integer, default=20)
    objection_days: Mapped[int] = mapped_column(Integer, default=5)
    answer_days: Mapped[int] = mapped_column(Integer, default=3)
    candidates_days_before: Mapped[int] = mapped_column(Integer, default=5)
    min_nominators: Mapped[int] = mapped_column(Integer, default=10)
    min_extra_candidates: Mapped[int] = mapped_column(Integer, default=1)
    max_proxies: Mapped[int] = mapped_column(Integer, default=3)
    absence_notice_days: Mapped[int] = mapped_column(Integer, default=2)
    migrant_min_years: Mapped[int] = mapped_column(Integer, default=1)
    migrant_needs_permit: Mapped[bool] = mapped_column(Boolean, default=False)
    committee_min: Mapped[int] = mapped_column(Integer, default=7)
    committee_max: Mapped[int] = mapped_column(Integer, default=9)
    # Days a recall proposal has to gather its fifth of the voters before it lapses (a local default:
    # shared/DOMAIN.md sets no period).
    recall_signature_days: Mapped[int] = mapped_column(Integer, default=30)
    # Schedule and the moments each step was taken.
    voting_opens_at = mapped_column(UTCDateTime)
    voting_closes_at = mapped_column(UTCDateTime)
    nominations_close_at = mapped_column(UTCDateTime)
    roll_published_at = mapped_column(UTCDateTime)
    nominating_at = mapped_column(UTCDateTime)
    candidates_published_at = mapped_column(UTCDateTime)
    closed_at = mapped_column(UTCDateTime)
    counted_at = mapped_column(UTCDateTime)
    published_at = mapped_column(UTCDateTime)
    # The last recount from the ballots (community.elections.services.tally.check): when, and what differed
    # ([kind, params] pairs; [] when the published tally matched). The results pages show it, never recount.
    checked_at = mapped_column(UTCDateTime)
    check_problems: Mapped[list | None] = mapped_column(JSON)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    community: Mapped[Community] = relationship()

    @property
    def authz_scope(self):
        return ("election", self.id)

    @property
    def name(self) -> str:
        return self.title

    @property
    def voting_day(self):
        """The local date voting opens (age and residence are judged on it)."""
        from community.database import as_local

        return as_local(self.voting_opens_at).date() if self.voting_opens_at else None

    @property
    def min_candidates(self) -> int:
        return self.seats + max(self.min_extra_candidates, 1)


class ElectionStep(db.Model):
    """A step of the lifecycle: which status, which round, who, when."""

    __tablename__ = "election_step"
    __table_args__ = (Index("ix_election_step_election", "election_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(24))
    round_no: Mapped[int] = mapped_column(Integer, default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    note: Mapped[str] = mapped_column(String(200), default="")

    actor: Mapped[Person | None] = relationship()


class VoterRecord(db.Model):
    """A line of the voter roll; migrants apply and the committee approves (who and when is kept)."""

    __tablename__ = "voter_record"
    __table_args__ = (
        UniqueConstraint("term", "person_id"),
        Index("ix_voter_record_election_status", "election_id", "status"),
        Index("ix_voter_record_person", "person_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    term: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="registered")  # applied / registered
    household: Mapped[str | None] = mapped_column(String(60))
    is_migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    promise_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    applied_at = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    approved_at = mapped_column(UTCDateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    added_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    excused_at = mapped_column(UTCDateTime)  # told the committee in time they cannot take part

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    approved_by: Mapped[Person | None] = relationship(foreign_keys=[approved_by_id])


class RollObjection(db.Model):
    """An objection to the roll, filed and answered in the platform."""

    __tablename__ = "roll_objection"
    __table_args__ = (Index("ix_roll_objection_election", "election_id", "filed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    filed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    answer_due_at = mapped_column(UTCDateTime, nullable=False)
    answer: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(12))  # upheld / rejected
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    answered_at = mapped_column(UTCDateTime)

    filed_by: Mapped[Person | None] = relationship(foreign_keys=[filed_by_id])
    subject: Mapped[Person | None] = relationship(foreign_keys=[subject_person_id])

    @property
    def answered_late(self) -> bool | None:
        """Whether the answer came after its deadline (None while unanswered)."""
        return None if self.answered_at is None else self.answered_at > self.answer_due_at

    def overdue(self, now) -> bool:
        """Unanswered after its deadline."""
        return self.answered_at is None and now > self.answer_due_at


class Nomination(db.Model):
    """A nomination: jointly by voters (supports), by a residents' group, or by the committee."""

    __tablename__ = "nomination"
    __table_args__ = (UniqueConstraint("election_id", "nominee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    nominee_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    group_name: Mapped[str] = mapped_column(String(60), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    submitted_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    nominee: Mapped[Person] = relationship(foreign_keys=[nominee_id])


class NominationSupport(db.Model):
    """A voter joining a joint nomination, once."""

    __tablename__ = "nomination_support"
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)


class Candidate(db.Model):
    """A candidate on the published list."""

    __tablename__ = "candidate"
    __table_args__ = (UniqueConstraint("election_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="SET NULL"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    added_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    is_elected: Mapped[bool] = mapped_column(Boolean, default=False)
    elected_round: Mapped[int | None] = mapped_column(Integer)
    is_recalled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The introduction the committee enters (age and hometown come from the person's record).
    occupation: Mapped[str] = mapped_column(String(60), default="", server_default="")
    statement: Mapped[str] = mapped_column(String(500), default="", server_default="")
    party: Mapped[str] = mapped_column(String(16), default="", server_default="")  # "" = not shown

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class Kinship(db.Model):
    """Near relatives declared to the committee (counters may not be candidates' near relatives)."""

    __tablename__ = "election_kinship"
    __table_args__ = (UniqueConstraint("election_id", "person_id", "relative_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    relative_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))


class ElectionRound(db.Model):
    """One vote: the first round, a runoff among the tied, or the second round (另行选举)."""

    __tablename__ = "election_round"
    __table_args__ = (UniqueConstraint("election_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(8), default="first")  # first / second / recall
    is_runoff: Mapped[bool] = mapped_column(Boolean, default=False)
    seats: Mapped[int] = mapped_column(Integer)
    opens_at = mapped_column(UTCDateTime, nullable=False)
    closes_at = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(10), default="voting")  # voting / closed / counted
    registered: Mapped[int | None] = mapped_column(Integer)
    excused: Mapped[int | None] = mapped_column(Integer)
    participants: Mapped[int | None] = mapped_column(Integer)
    ballots_returned: Mapped[int | None] = mapped_column(Integer)
    void_ballots: Mapped[int | None] = mapped_column(Integer)
    is_valid: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(40))
    next_plan: Mapped[dict | None] = mapped_column(JSON)  # {"kind", "seats", "candidate_ids"} or None

    tallies: Mapped[list[RoundTally]] = relationship(order_by="RoundTally.candidate_id",
                                                     cascade="all, delete-orphan")


class RoundTally(db.Model):
    """A candidate standing in a round, and the votes counted for them."""

    __tablename__ = "round_tally"
    round_id: Mapped[int] = mapped_column(ForeignKey("election_round.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True)
    votes: Mapped[int | None] = mapped_column(Integer)
    is_elected: Mapped[bool] = mapped_column(Boolean, default=False)

    candidate: Mapped[Candidate] = relationship()


class Participation(db.Model):
    """Who took part in a round. The unique key is what makes a second ballot impossible."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("election_id", "round_no", "voter_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(Integer)
    voter_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    channel: Mapped[str] = mapped_column(String(8), default="online")
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class Ballot(db.Model):
    """How one ballot was marked, once its round is opened for the count (online ballots are sealed until
    then: see sealed_models). Deliberately no voter, no time, no sequence, no receipt."""

    __tablename__ = "ballot"
    __table_args__ = (Index("ix_ballot_election_round", "election_id", "round_no"), {"sqlite_with_rowid": False})
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(Integer)
    is_void: Mapped[bool] = mapped_column(Boolean, default=False)


class BallotMark(db.Model):
    """One name marked on a ballot."""

    __tablename__ = "ballot_mark"
    __table_args__ = (Index("ix_ballot_mark_candidate", "candidate_id"), {"sqlite_with_rowid": False})
    ballot_id: Mapped[str] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True)


class PaperEntry(db.Model):
    """A paper ballot as typed in by one counter; two counters type each sheet independently."""

    __tablename__ = "paper_entry"
    __table_args__ = (
        UniqueConstraint("election_id", "round_no", "box", "sheet_no", "counter_id", "kind"),
        Index("ix_paper_entry_sheet", "election_id", "round_no", "box", "sheet_no"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(Integer)
    box: Mapped[str] = mapped_column(String(30))  # "hall" or "mobile-1"…
    sheet_no: Mapped[int] = mapped_column(Integer)
    counter_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(10), default="entry")  # entry / resolution
    marks: Mapped[list] = mapped_column(JSON, default=list)  # sorted candidate ids
    is_blank: Mapped[bool] = mapped_column(Boolean, default=False)


class ProxyAuthorisation(db.Model):
    """A written proxy (委托) approved by the committee; a proxy carries at most `max_proxies`."""

    __tablename__ = "proxy_authorisation"
    __table_args__ = (
        UniqueConstraint("election_id", "principal_id"),
        UniqueConstraint("election_id", "proxy_id", "slot"),
        CheckConstraint("slot >= 1", name="slot_positive"),
        Index("ix_proxy_authorisation_proxy", "proxy_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    principal_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    proxy_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    slot: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    approved_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    principal: Mapped[Person] = relationship(foreign_keys=[principal_id])
    proxy: Mapped[Person] = relationship(foreign_keys=[proxy_id])


class Recall(db.Model):
    """A proposal to recall (罢免) a representative, its supporters and the committee-entered vote."""

    __tablename__ = "recall"
    __table_args__ = (Index("ix_recall_election", "election_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    proposed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    signatures_due_at = mapped_column(UTCDateTime, nullable=False)  # unsupported by then, the proposal lapses
    status: Mapped[str] = mapped_column(String(10), default="proposed")  # proposed / decided / lapsed
    registered: Mapped[int | None] = mapped_column(Integer)
    votes_cast: Mapped[int | None] = mapped_column(Integer)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    is_valid: Mapped[bool | None] = mapped_column(Boolean)
    is_passed: Mapped[bool | None] = mapped_column(Boolean)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at = mapped_column(UTCDateTime)
    # Voted on the platform: the election round (stage "recall") holding its secret ballots.
    round_no: Mapped[int | None] = mapped_column(Integer)

    candidate: Mapped[Candidate] = relationship()


class RecallSupport(db.Model):
    """A voter supporting a recall proposal, once."""

    __tablename__ = "recall_support"
    recall_id: Mapped[int] = mapped_column(ForeignKey("recall.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
