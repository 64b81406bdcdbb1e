"""Kinds of meeting: what packages register with `registry(app).meeting_kind(name, MeetingKind(...))`.

A kind says where its meetings sit (the scope type), who manages them (an action held in that scope), how its
quorum and its resolutions are decided, how often it must be held, whether invitees vote, and who "all
members" are when a manager invites everyone at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Tally:
    """The counts a rule decides on. `entitled`: invitees who vote (those entitled to attend and vote);
    `present`: of them, those present; for a resolution, `yes`/`no`/`abstain` too."""

    entitled: int
    present: int
    yes: int = 0
    no: int = 0
    abstain: int = 0


@dataclass(frozen=True)
class Rule:
    """A quorum or resolution rule: a label for the pages and a test on a Tally."""

    label: object
    test: Callable[[Tally], bool]

    def __call__(self, tally: Tally) -> bool:
        return self.test(tally)


# "More than half": exactly half is not enough (2 × count > total).
MORE_THAN_HALF_PRESENT = Rule(_l("More than half of the voting members present"),
                              lambda t: 2 * t.present > t.entitled)
MORE_THAN_HALF_OF_COMMITTEE = Rule(_l("More than half of the committee present"),
                                   lambda t: 2 * t.present > t.entitled)
YES_FROM_MORE_THAN_HALF_ENTITLED = Rule(_l("Yes votes from more than half of those entitled to attend"),
                                        lambda t: 2 * t.yes > t.entitled)
YES_FROM_MORE_THAN_HALF_PRESENT = Rule(_l("Yes votes from more than half of the voting members present"),
                                       lambda t: 2 * t.yes > t.present)


@dataclass(frozen=True)
class MeetingKind:
    """One kind of meeting.

    `members(scope_id)` -> {person_id: votes} for "invite all members" (None: invite one by one), and
    `members_label` the button's words; `frequency`: "monthly" / "quarterly" / "yearly" or None;
    `quorum` / `resolution`: Rules, or None where the kind has none (a resolution then simply passes when
    recorded, as a discussion's decisions do); `has_hometown`: 乡音说事 sessions carry a hometown group.
    """

    label: object
    scope_type: str
    manage_action: str
    quorum: Rule | None = None
    resolution: Rule | None = YES_FROM_MORE_THAN_HALF_PRESENT
    frequency: str | None = None
    invitees_vote: bool = True
    members: Callable[[int], dict[int, bool]] | None = None
    members_label: object = _l("Invite all members")
    has_hometown: bool = False
    description: object = ""


FREQUENCY_LABELS = {"monthly": _l("Monthly"), "quarterly": _l("Quarterly"), "yearly": _l("Yearly")}


def meeting_kinds() -> dict[str, MeetingKind]:
    """The kinds registered with the current app."""
    from community.registry import registry

    return registry().meeting_kinds


def kind_of(name: str) -> MeetingKind | None:
    return meeting_kinds().get(name)
