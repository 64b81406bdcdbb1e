"""Sealed ballots and the round's key, split among the vote supervisors (监票人).

While a round is open, an online ballot exists only as a `SealedBallot`: a random key, the round
and a fixed-length ciphertext sealed to the round's public key. Nothing in the database can open it:
the private key is kept only wrapped (`BallotKey.wrapped_private_key`), and the wrapping key exists
only as shares held by people. At the count, k supervisors type their shares in; the sealed ballots
are opened, written as plaintext `Ballot` rows with new keys in random order, and deleted.
Receipts live on their own board (`BallotReceipt`) and are never written next to a plaintext ballot.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.elections.models import random_key
from community.people.models import Person


class SealedBallot(db.Model):
    """An online ballot while its round is open: no voter, no time, no sequence, nothing readable."""

    __tablename__ = "sealed_ballot"
    __table_args__ = (Index("ix_sealed_ballot_election_round", "election_id", "round_no"),
                      {"sqlite_with_rowid": False})
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class BallotReceipt(db.Model):
    """A receipt on the public board: proof that a ballot was accepted, never what it says."""

    __tablename__ = "ballot_receipt"
    __table_args__ = (Index("ix_ballot_receipt_election_round", "election_id", "round_no"),
                      {"sqlite_with_rowid": False})
    receipt: Mapped[str] = mapped_column(String(16), primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(Integer)


class BallotKey(db.Model):
    """A round's public key and its wrapped private key; the wrapping key exists only as shares."""

    __tablename__ = "ballot_key"
    __table_args__ = (UniqueConstraint("election_id", "round_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(Integer)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_private_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # dropped once the round is opened
    threshold: Mapped[int] = mapped_column(Integer)  # k
    holders: Mapped[int] = mapped_column(Integer)  # n
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    opened_at = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    opened_count: Mapped[int | None] = mapped_column(Integer)  # sealed ballots opened
    unreadable: Mapped[int | None] = mapped_column(Integer)  # sealed ballots that did not open (tampering)
    receipt_mismatches: Mapped[int | None] = mapped_column(Integer)  # board vs receipts inside the ballots


class KeyShare(db.Model):
    """Who holds share number n of a round's key. The share itself is kept only until its holder has
    seen it once, encrypted under the application's secret (not in the database), then erased."""

    __tablename__ = "ballot_key_share"
    __table_args__ = (UniqueConstraint("election_id", "round_no", "holder_id"),
                      UniqueConstraint("election_id", "round_no", "number"))
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(Integer)
    holder_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    held: Mapped[bytes | None] = mapped_column(LargeBinary)
    shown_at = mapped_column(UTCDateTime)

    holder: Mapped[Person] = relationship()
