"""The branch part of the access matrix's world (tests/community/test_access_matrix.py): a mobile branch of
street 1 with one member and one open request to join."""
from __future__ import annotations

from app import db
from branches.models import Branch, BranchMember, HomeOrganisation, JoinRequest
from tests.factories import make_people

KEYS = frozenset({"branch", "branch_member", "join_request"})


def build(street_1, community_a) -> dict:
    """The branch, its member and a request to join; the placeholders' ids."""
    branch = Branch(street_id=street_1.id, name="贵州流动党支部", kind="mobile")
    home = HomeOrganisation(name="鸭溪镇党委", region="贵州省遵义市")
    db.session.add_all([branch, home])
    db.session.flush()
    member_person, asking = make_people(community_a, 2, "党员")
    member = BranchMember(branch_id=branch.id, person_id=member_person.id, status="full", relationship="transferred")
    request_ = JoinRequest(branch_id=branch.id, person_id=asking.id, card_number="流字001",
                           home_organisation_id=home.id)
    db.session.add_all([member, request_])
    db.session.commit()
    return {"branch": branch.id, "branch_member": member.id, "join_request": request_.id}
