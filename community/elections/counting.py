"""Counting one round: pure functions of the numbers, tested without a database.

Rules (shared/DOMAIN.md): a round is void if more ballots come back than voters took
part, invalid unless more than half of the registered voters (less those excused in
time) cast a ballot. In the first round a candidate needs more than half of the
ballots cast; the highest win when more pass than there are seats; a tie at the
last seat goes to a runoff among the tied. In the second round (另行选举) the most
votes win but at least one third of the ballots is needed. A runoff is won by
the most votes.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RoundOutcome:
    is_valid: bool
    reason: str  # "ok", "more_ballots_than_voters", "turnout"
    elected: list[int] = field(default_factory=list)
    runoff: list[int] = field(default_factory=list)  # tied at the last seat
    runoff_seats: int = 0
    unfilled: int = 0


def majority_needed(ballots_cast: int) -> int:
    """Fewest votes that are more than half of the ballots: 5 → 3, 6 → 4."""
    return ballots_cast // 2 + 1


def third_needed(ballots_cast: int) -> int:
    """Fewest votes that are at least one third of the ballots: 9 → 3, 10 → 4."""
    return -(-ballots_cast // 3)


def turnout_valid(ballots_cast: int, registered: int, excused: int = 0) -> bool:
    """More than half of the registered voters (excused ones left out) cast ballots; exactly half is not enough."""
    base = max(registered - excused, 0)
    return base > 0 and ballots_cast * 2 > base


def pick(votes: dict[int, int], eligible: list[int], seats: int) -> tuple[list[int], list[int], int]:
    """Highest first among `eligible`: (elected, tied at the last seat, seats left for the tied)."""
    ranked = sorted(eligible, key=lambda c: (-votes.get(c, 0), c))
    if len(ranked) <= seats:
        return ranked, [], 0
    cutoff = votes.get(ranked[seats - 1], 0)
    above = [c for c in ranked if votes.get(c, 0) > cutoff]
    tied = [c for c in ranked if votes.get(c, 0) == cutoff]
    if len(above) + len(tied) <= seats:
        return above + tied, [], 0
    return above, tied, seats - len(above)


def count_round(*, stage: str, is_runoff: bool, seats: int, registered: int, excused: int, participants: int,
                ballots_cast: int, votes: dict[int, int]) -> RoundOutcome:
    """Apply the validity and election rules to one round's numbers."""
    if ballots_cast > participants:
        return RoundOutcome(False, "more_ballots_than_voters", unfilled=seats)
    if not turnout_valid(ballots_cast, registered, excused):
        return RoundOutcome(False, "turnout", unfilled=seats)
    if is_runoff:
        eligible = [c for c, v in votes.items() if v > 0]
    elif stage == "second":
        eligible = [c for c, v in votes.items() if v >= third_needed(ballots_cast) and v > 0]
    else:
        eligible = [c for c, v in votes.items() if v >= majority_needed(ballots_cast)]
    elected, tied, tied_seats = pick(votes, eligible, seats)
    unfilled = seats - len(elected) - tied_seats
    return RoundOutcome(True, "ok", elected, tied, tied_seats, unfilled)


def second_round_field(first_votes: dict[int, int], unelected: list[int], unfilled: int, extra: int) -> list[int]:
    """Who stands in the second round: the next unelected by first-round votes, one more than the seats
    (contested), with anyone tied at the cut-off included."""
    ranked = sorted(unelected, key=lambda c: (-first_votes.get(c, 0), c))
    size = unfilled + max(extra, 1)
    if len(ranked) <= size:
        return ranked
    cutoff = first_votes.get(ranked[size - 1], 0)
    return [c for c in ranked if first_votes.get(c, 0) >= cutoff]


def recall_outcome(registered: int, votes_cast: int, votes_for: int) -> tuple[bool, bool]:
    """(valid, passed): valid with more than half of the registered voting; passes with more than half of those."""
    valid = registered > 0 and votes_cast * 2 > registered
    return valid, valid and votes_for * 2 > votes_cast


def recall_may_be_proposed(registered: int, proposers: int) -> bool:
    """A recall needs at least one fifth of the voters to propose it."""
    return registered > 0 and proposers * 5 >= registered
