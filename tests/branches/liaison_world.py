"""The two-place management part of the access matrix's world (tests/community/test_access_matrix.py): the
home-side organisation of the world's "liaison" ({home_organisation}: that of {branch_member}) paired with
{branch}, and its monthly report ({report_job}) made by the liaison; only its maker may open or download it."""
from __future__ import annotations

from app import db
from branches.models import BranchHomeOrganisation, BranchMember

KEYS = frozenset({"home_organisation", "report_job"})


def build(branch_part: dict, who: dict) -> dict:
    """Pair the member's organisation with the branch and make its report as the liaison; the placeholders."""
    from community.background import start_job

    organisation_id = db.session.get(BranchMember, branch_part["branch_member"]).home_organisation_id
    db.session.add(BranchHomeOrganisation(branch_id=branch_part["branch"], home_organisation_id=organisation_id))
    db.session.commit()
    liaison = who["liaison"]
    job = start_job(liaison.id, "branches.home_report", liaison.id, organisation_id, "2026-12-01", None)
    return {"home_organisation": organisation_id, "report_job": job}
