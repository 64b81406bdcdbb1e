"""The organisational-life part of the access matrix's world: an open flag on the roster world's member."""
from __future__ import annotations

from app import db
from branches.flags import Flag
from community.database import utcnow

KEYS = frozenset({"branch_flag"})


def build(member_id: int) -> dict:
    """An open out-of-contact flag on the branch member; the placeholder's id."""
    flag = Flag(member_id=member_id, kind="out_of_contact", raised_on=utcnow().date())
    db.session.add(flag)
    db.session.commit()
    return {"branch_flag": flag.id}
