"""The branch part of the access matrix's world (tests/community/test_access_matrix.py): a mobile branch of
street 1 with one member and one open request to join, and another branch of street 1 whose secretary is the
identity "other_secretary"."""
from __future__ import annotations

from app import db
from branches.models import Branch, BranchMember, HomeOrganisation, JoinRequest
from tests.factories import make_people

KEYS = frozenset({"branch", "branch_member", "join_request"})


def build(street_1, community_a, who: dict) -> dict:
    """The branch, its member and a request to join; the placeholders' ids. Adds the identities "secretary"
    (of the branch), "other_secretary" (of another branch of street 1) and "liaison" (of the member's home-side
    organisation) to `who`."""
    from tests.factories import grant
    branch = Branch(street_id=street_1.id, name="贵州流动党支部", kind="mobile")
    home = HomeOrganisation(name="鸭溪镇党委", region="贵州省遵义市")
    other = Branch(street_id=street_1.id, name="四川流动党支部", kind="mobile")  # same street, another branch
    db.session.add_all([branch, home, other])
    db.session.flush()
    member_person, asking = make_people(community_a, 2, "矩阵党员")
    member = BranchMember(branch_id=branch.id, person_id=member_person.id, status="full", relationship="transferred")
    request_ = JoinRequest(branch_id=branch.id, person_id=asking.id, card_number="流字001",
                           home_organisation_id=home.id)
    db.session.add_all([member, request_])
    member.home_organisation_id = home.id
    secretary, = make_people(None, 1, "支部书记")
    liaison, = make_people(None, 1, "联络员")
    other_secretary, = make_people(None, 1, "另一支部书记")
    grant(secretary, "secretary", "branch", branch.id)
    grant(other_secretary, "secretary", "branch", other.id)
    grant(liaison, "liaison", "home_organisation", home.id)
    who.update({"secretary": secretary, "other_secretary": other_secretary, "liaison": liaison})
    db.session.commit()
    return {"branch": branch.id, "branch_member": member.id, "join_request": request_.id}
