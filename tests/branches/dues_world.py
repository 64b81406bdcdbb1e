"""The dues' and transfers' part of the access-matrix world (tests/community/test_access_matrix.py):
{dues_branch}, a branch of street 1 with one member ({dues_member}) whose letter out ({transfer}) to an
outside organisation waits for its receipt, and the month's dues list made on the task queue by the street
administrator ({dues_job}). The matrix's secretaries ("secretary", "other_secretary") are of other branches,
so they are refused it; its own secretary's access is tested in test_dues.py and test_transfers.py."""
from __future__ import annotations

from app import db
from branches.models import Branch, BranchMember
from branches.transfers import Transfer
from community.database import utcnow
from tests.factories import make_person

KEYS = frozenset({"dues_branch", "dues_member", "transfer", "dues_job"})


def build(street, community, who: dict) -> dict:
    """The rows, committed, and the month's dues list made by the street administrator ({dues_job}: only its
    maker may open or download it); their ids by placeholder."""
    from branches.dues_excel import TASK
    from community.background import start_job

    branch = Branch(street_id=street.id, name="党费测试流动党支部")
    db.session.add(branch)
    db.session.flush()
    member = BranchMember(branch_id=branch.id, person_id=make_person(community, name="党费党员").id)
    db.session.add(member)
    db.session.flush()
    today = utcnow().date()
    transfer = Transfer(person_id=member.person_id, member_id=member.id, from_branch_id=branch.id,
                        to_organisation="贵州省安顺市某村党支部", issued_on=today, valid_until=today)
    db.session.add(transfer)
    db.session.commit()
    admin = who["street_admin"]
    job = start_job(admin.id, TASK, admin.id, branch.id, today.replace(day=1).isoformat())
    db.session.commit()
    return {"dues_branch": branch.id, "dues_member": member.id, "transfer": transfer.id, "dues_job": job}
