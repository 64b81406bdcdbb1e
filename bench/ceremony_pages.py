"""Do the pages added with the key ceremony, the recall vote, the ballot, the import check, the branches, the
election's manage page and the person picker stay as fast with a whole community as with a tenth of it?

One database per size holds: an election of N voters, counted from N opened ballots and published (its
results page); a second one of N voters, closed with N ballots still sealed (the count page where the
supervisors type their shares, and a supervisor's share page); a third open for voting, with one candidate per
ten voters and N receipts (the ballot page and the receipts board); a checked import workbook of N rows (the check
result page); B branches with M members (the branches list and the members list). Each page is timed as a
multiple of /healthz in the same run, with its SQL statements per request; the statement count must not grow
with the rows (checked, and printed as "grows!" when it does).
"""
from __future__ import annotations

import io
import os
import secrets
import sys
from datetime import date, timedelta

from sqlalchemy import insert, select, text

from bench.common import PASSWORD, compare, people, signed_in, street_with

QUICK = "--quick" in sys.argv
# Full: 2,000 voters and ballots per election, 200 branches with 5,000 members, a 2,000-row workbook.
FULL = {"voters": 2000, "branches": 200, "members": 5000, "rows": 2000}
SCALES = [0.1, 0.25] if QUICK else [0.1, 1.0]


def _election(admin, community, committee, voter_ids: list[int], title: str, term: str, candidates: int = 8,
              close: bool = True):
    """An election whose voters all voted online, closed (unless `close` is False): its N ballots sealed to the
    round's key."""
    from app import db
    from community.database import utcnow
    from community.elections import ballot_crypto
    from community.elections.models import Participation, VoterRecord, new_receipt, random_key
    from community.elections.sealed_models import BallotReceipt, SealedBallot
    from community.elections.services import ballot_key, lifecycle, setup
    from community.elections.services import candidates as cands
    from community.people.models import Person

    now = utcnow()
    election = setup.create_election(admin, community, {
        "title": title, "seats": 5, "voting_opens_at": now - timedelta(minutes=5),
        "voting_closes_at": now + timedelta(days=1), "roll_days_before": 0, "candidates_days_before": 0,
        "committee_min": 2, "term": term})
    for person in committee:
        setup.appoint(admin, election, person, "election_committee")
    db.session.execute(insert(VoterRecord), [
        {"election_id": election.id, "person_id": pid, "term": election.term, "status": "registered",
         "is_migrant": False, "promise_signed": False, "added_by_id": admin.id, "added_at": now}
        for pid in voter_ids])
    db.session.commit()
    candidates = [cands.add_candidate(admin, election, db.session.get(Person, pid))
                  for pid in voter_ids[:candidates]]
    lifecycle.change_status(admin, election, "voting")
    key = ballot_key.round_key(election)
    db.session.execute(insert(Participation), [{"election_id": election.id, "round_no": 1, "voter_id": pid,
                                                "channel": "online"} for pid in voter_ids])
    sealed, receipts = [], []
    for n, _pid in enumerate(voter_ids):
        receipt = new_receipt()
        chosen = [c.id for c in candidates[n % 3:n % 3 + 5]]
        sealed.append({"id": random_key(), "election_id": election.id, "round_no": 1,
                       "sealed": ballot_crypto.seal_ballot(key.public_key, 5, receipt, chosen)})
        receipts.append({"receipt": receipt, "election_id": election.id, "round_no": 1})
    db.session.execute(insert(SealedBallot), sealed)
    db.session.execute(insert(BallotReceipt), receipts)
    db.session.commit()
    if close:
        lifecycle.change_status(admin, election, "closed")  # everyone on the roll voted: it may close early
    return election


def _seed(scale: float) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.background import start_job
    from community.database import utcnow
    from community.elections.services import ballot_key, lifecycle
    from community.elections.services.common import current_round
    from community.people.models import Person
    from community.roles.models import RoleGrant

    voters, n_branches = int(FULL["voters"] * scale), int(FULL["branches"] * scale)
    n_members, n_rows = int(FULL["members"] * scale), int(FULL["rows"] * scale)
    street, (community,) = street_with("东门社区")
    password = hash_password(PASSWORD)
    admin = Person(name="管理员", phone="13800000000", password_hash=password, hukou_place="")
    committee = [Person(name=f"委员{n}", phone=f"1380000001{n}", password_hash=password, community=community,
                        hukou_place="浙江省宁波市象山县", born_on=date(1970, 1, 1)) for n in range(3)]
    db.session.add_all([admin, *committee])
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    db.session.commit()
    voter_ids = people(community, voters, "选民", 0)

    published = _election(admin, community, committee, voter_ids, "已公布的选举", "2025")
    round_ = current_round(published)
    shares = ballot_key.ceremony_shares(published, 1, 2, utcnow())
    ballot_key.open_round_ballots(admin, published, round_, ballot_key.round_key(published), shares)
    db.session.commit()
    for step in ("counted", "published"):
        lifecycle.change_status(admin, published, step)
    sealed = _election(admin, community, committee, voter_ids, "密封中的选举", "2026")
    # Open for voting: the ballot lists one candidate per 10 voters (20 or 200), the board N receipts.
    voting = _election(admin, community, committee, voter_ids, "投票中的选举", "2027",
                       candidates=max(8, voters // 10), close=False)

    from branches.models import Branch, BranchMember, HomeOrganisation

    db.session.execute(insert(Branch), [{"street_id": street.id, "name": f"第{n:03d}流动党支部"}
                                        for n in range(n_branches)])
    homes = [HomeOrganisation(name=f"家乡党组织{n}", region="贵州省") for n in range(20)]
    db.session.add_all(homes)
    db.session.flush()
    branch_ids = list(db.session.scalars(select(Branch.id).order_by(Branch.id)))
    member_ids = people(community, n_members, "党员", 1_000_000)
    db.session.execute(insert(BranchMember), [
        {"branch_id": branch_ids[0], "person_id": pid, "home_organisation_id": homes[n % 20].id,
         "status": "full", "relationship": "card" if n % 2 else "transferred", "card_number": f"流字{n}"}
        for n, pid in enumerate(member_ids)])  # one branch holds every member: its roster is the large page
    db.session.commit()

    job_id = start_job(admin.id, "import_check", admin.id, _workbook(admin.id, n_rows))
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"published": published.id, "sealed": sealed.id, "voting": voting.id, "job": job_id,
            "supervisor": committee[0].phone, "branch": branch_ids[0]}


def _workbook(owner_id: int, n: int) -> str:
    """A checked upload as the import page saves it: n valid rows."""
    from openpyxl import Workbook

    from community.people import excel

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机号", "性别", "出生日期", "身份证号", "户籍地", "社区", "网格", "来此居住日期",
                  "居住证号", "工作单位", "家乡"])
    for i in range(n):
        sheet.append([f"新居民{i:05d}", f"186{i:08d}", "女", "1995-08-20", "", "贵州省毕节市", "东门社区", "",
                      "2023-05-01", "", "爵溪针织厂", "毕节"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = excel.work_folder("imports") / f"{owner_id}-{secrets.token_urlsafe(12)}.xlsx"
    path.write_bytes(buffer.getvalue())
    return str(path)


def _pages(app, world: dict) -> dict:
    admin, supervisor = signed_in(app, "13800000000"), signed_in(app, world["supervisor"])
    return {
        "key share page (supervisor)": (supervisor, f"/elections/{world['sealed']}/ballot-key/share", None),
        "open sealed ballots page": (admin, f"/elections/{world['sealed']}/ballot-key/open", None),
        "results, opened round": (admin, f"/elections/{world['published']}/results", None),
        "ballot page (voting open)": (admin, f"/elections/{world['voting']}/vote", None),
        "receipts board (voting open)": (admin, f"/elections/{world['voting']}/receipts", None),
        "import check result": (admin, f"/admin/people/import/check/{world['job']}", None),
        "election manage page": (admin, f"/elections/{world['sealed']}/manage", None),
        "person picker search": (admin, f"/api/v1/people/picker?scope_type=election&scope_id={world['sealed']}"
                                        "&action=election.manage&q=选民0", None),
        "branches list": (admin, "/admin/branches/", None),
        "branch members list": (admin, "/admin/branches/members", None),
        "branch page with its roster": (admin, f"/admin/branches/{world['branch']}", None),
        "join a branch (resident)": (admin, "/branches/join", None),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    return compare("key ceremony, results, ballot, import check, branches; v = voters and ballots, m = branch "
                   "members", SCALES, lambda s: f"{int(FULL['voters'] * s):,}v/{int(FULL['members'] * s):,}m",
                   _seed, _pages)


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
