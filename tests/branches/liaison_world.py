"""The two-place management part of the access matrix's world (tests/community/test_access_matrix.py): a
home-side organisation paired with the world's branch, with one member there, and its monthly report made by
the platform administrator (liaisons and secretaries are tested in tests/branches/test_liaison.py)."""
from __future__ import annotations

from app import db
from branches.models import BranchHomeOrganisation, BranchMember, HomeOrganisation
from tests.factories import make_people

KEYS = frozenset({"home_organisation", "report_job"})


def build(branch_id: int, community_a, owner) -> dict:
    """The organisation, its pairing and member, and a finished report job of `owner`; the placeholders' ids."""
    from community.background import start_job

    organisation = HomeOrganisation(name="遵义市新舟镇党委", region="贵州省遵义市")
    db.session.add(organisation)
    db.session.flush()
    (person,) = make_people(community_a, 1, "在外党员")
    db.session.add_all([BranchHomeOrganisation(branch_id=branch_id, home_organisation_id=organisation.id),
                        BranchMember(branch_id=branch_id, person_id=person.id, home_organisation_id=organisation.id)])
    db.session.commit()
    job = start_job(owner.id, "branches.home_report", owner.id, organisation.id, "2026-12-01", None)
    return {"home_organisation": organisation.id, "report_job": job}
