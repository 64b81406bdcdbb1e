"""What the branches tell the core about people: party membership, for the elections' composition.

A person counts as a party member when they are a current member (``left_on`` null) of a branch; as a mobile
party member (流动党员) when they hold a mobile-member card (relationship ``card``: their relationship stays
with their home organisation) or sit, transferred, in a mobile or joint branch (流动党支部, made of members who
came from elsewhere). A member transferred into a party-mass service station counts as a party member only.
"""
from __future__ import annotations

from sqlalchemy import select

from app import db
from branches.models import Branch, BranchMember


def party_membership(person_ids) -> dict[int, str]:
    """{person_id: "mobile" | "member"} for the current members among `person_ids`, one query per 900 ids."""
    ids = list(dict.fromkeys(int(i) for i in person_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        rows = db.session.execute(
            select(BranchMember.person_id, BranchMember.relationship, Branch.kind)
            .join(Branch, Branch.id == BranchMember.branch_id)
            .where(BranchMember.person_id.in_(ids[start:start + 900]), BranchMember.left_on.is_(None))).all()
        for person_id, relationship, kind in rows:
            found[person_id] = "mobile" if relationship == "card" or kind in ("mobile", "joint") else "member"
    return found
