"""Query budgets: every list page and API list runs as many SQL statements for 9 rows as for 3 (no N+1).

LISTS is the one table of every list route: for each, a URL and a builder that adds n rows of what it lists,
seen by the platform administrator the test signs in as. NOT_LISTS names every other GET route with a one-word
reason; a GET route in neither fails test_every_get_route_is_declared, so a new list cannot be forgotten.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from app import db
from community.database import unit_of_work, utcnow
from tests.factories import grant, login, make_community, make_people, make_person, make_street, token_for

_unique = itertools.count(1)


@dataclass
class World:
    client: object
    street: object
    a: object
    admin: object
    headers: dict
    ids: dict = field(default_factory=dict)

    def once(self, name: str, make: Callable[[], int]) -> int:
        """The id of a parent row (a branch, an election …), made the first time it is asked for."""
        if name not in self.ids:
            self.ids[name] = make()
            db.session.commit()
        return self.ids[name]


def _add(rows) -> None:
    db.session.add_all(rows)
    db.session.commit()


def _soon(days: int = 7):
    return utcnow() + timedelta(days=days)


# ---------------------------------------------------------------- builders: add n rows of what a list shows

def people(w: World, n: int) -> None:
    make_people(w.a, n, f"居民{next(_unique)}-")


def ledger(w: World, n: int) -> None:
    from volunteers.ledger import post_entry

    with unit_of_work():
        for _ in range(n):
            post_entry(w.admin.id, 5, "activity", source_type="test_activity", source_id=next(_unique),
                       category="volunteer_service", hours=1, reason="测试活动")


def scorers(w: World, n: int) -> None:  # the leaderboard: n more people with points this month
    from volunteers.ledger import post_entry

    found = make_people(w.a, n, f"志愿者{next(_unique)}-")
    with unit_of_work():
        for person in found:
            post_entry(person.id, 5, "activity", source_type="test_activity", source_id=next(_unique),
                       category="volunteer_service", reason="测试活动")


def notifications(w: World, n: int) -> None:
    from community.reminders.models import Notification

    _add(Notification(person_id=w.admin.id, kind="test", title=f"通知{next(_unique)}") for _ in range(n))


def reminders(w: World, n: int) -> None:
    from community.reminders.models import Reminder

    _add(Reminder(key=f"test-{next(_unique)}", kind="test", subject="s", occasion="o", recipient_id=w.admin.id,
                  channel="sms", due_at=utcnow(), state="failed", last_error="gateway down") for _ in range(n))


def audit(w: World, n: int) -> None:
    from community.audit.models import AuditEntry

    _add(AuditEntry(actor_id=w.admin.id, action="person.view", object_type="person", object_id=w.admin.id,
                    summary="查看") for _ in range(n))


def activities(w: World, n: int) -> None:
    from volunteers.activities import Activity

    _add(Activity(title=f"海滩清洁{next(_unique)}", category="volunteer_service", community_id=w.a.id, place="东门",
                  starts_at=_soon(), ends_at=_soon() + timedelta(hours=2), capacity=20) for _ in range(n))


def declarations(w: World, n: int) -> None:
    from volunteers.activities import Declaration

    _add(Declaration(person_id=p.id, community_id=w.a.id, category="volunteer_service", content="帮老人买菜",
                     place="东门", served_on=date.today(), hours=1) for p in make_people(w.a, n, "申报人"))


def _activity(w: World) -> int:
    from volunteers.activities import Activity

    return w.once("activity", lambda: _flushed(Activity(
        title="海滩清洁", category="volunteer_service", community_id=w.a.id, place="东门", starts_at=_soon(),
        ends_at=_soon() + timedelta(hours=2), capacity=100)))


def signups(w: World, n: int) -> None:
    from volunteers.activities import Signup

    activity = _activity(w)
    _add(Signup(activity_id=activity, person_id=p.id, state="signed_up") for p in make_people(w.a, n, "报名"))


def _flushed(row) -> int:
    db.session.add(row)
    db.session.flush()
    return row.id


def _branch(w: World) -> int:
    from branches.models import Branch

    return w.once("branch", lambda: _flushed(Branch(street_id=w.street.id, name="贵州流动党支部", kind="mobile")))


def _home(w: World) -> int:
    from branches.models import BranchHomeOrganisation, HomeOrganisation

    def make():
        home = _flushed(HomeOrganisation(name="鸭溪镇党委", region="贵州省遵义市"))
        db.session.add(BranchHomeOrganisation(branch_id=_branch(w), home_organisation_id=home))
        return home
    return w.once("home", make)


def members(w: World, n: int) -> None:
    from branches.models import BranchMember

    branch, home = _branch(w), _home(w)
    _add(BranchMember(branch_id=branch, person_id=p.id, status="full", relationship="transferred",
                      home_organisation_id=home) for p in make_people(w.a, n, "党员"))


def dues(w: World, n: int) -> None:
    from branches.dues import DuesMonth, DuesPayment
    from branches.models import BranchMember

    members(w, n)
    month = date.today().replace(day=1)
    for m in db.session.scalars(db.select(BranchMember).order_by(BranchMember.id.desc()).limit(n)).all():
        payment = DuesPayment(branch_id=m.branch_id, member_id=m.id, person_id=m.person_id, category="student",
                              monthly_amount=0.2, total=0.2, first_month=month, months=1, paid_on=date.today())
        db.session.add(payment)
        db.session.flush()
        db.session.add(DuesMonth(payment_id=payment.id, branch_id=m.branch_id, person_id=m.person_id, month=month,
                                 amount=0.2))
    db.session.commit()


def transfers(w: World, n: int) -> None:
    from branches.transfers import Transfer

    branch = _branch(w)
    _add(Transfer(person_id=p.id, from_branch_id=branch, to_organisation="贵州省遵义市鸭溪镇党委",
                  issued_on=date.today(), valid_until=date.today() + timedelta(days=90))
         for p in make_people(w.a, n, "转出"))


def branches(w: World, n: int) -> None:
    from branches.models import Branch

    _add(Branch(street_id=w.street.id, name=f"支部{next(_unique)}", kind="mobile") for _ in range(n))


def homes(w: World, n: int) -> None:
    from branches.models import BranchHomeOrganisation, HomeOrganisation

    branch = _branch(w)
    found = [HomeOrganisation(name=f"镇党委{next(_unique)}", region="贵州省") for _ in range(n)]
    _add(found)
    _add(BranchHomeOrganisation(branch_id=branch, home_organisation_id=h.id) for h in found)


def flags(w: World, n: int) -> None:
    from branches.flags import Flag
    from branches.models import BranchMember

    members(w, n)
    rows = db.session.scalars(db.select(BranchMember).order_by(BranchMember.id.desc()).limit(n)).all()
    _add(Flag(member_id=m.id, kind="no_dues", raised_on=date.today()) for m in rows)


def elections(w: World, n: int) -> None:
    from community.elections.models import Election

    _add(Election(community_id=w.a.id, title=f"居委会选举{next(_unique)}", term=f"第{next(_unique)}届", seats=2)
         for _ in range(n))


def _election(w: World, status: str = "roll_published") -> int:
    from community.elections.models import Election

    return w.once("election", lambda: _flushed(Election(community_id=w.a.id, title="第十二届居委会选举",
                                                        term="第十二届", seats=2, status=status)))


def voters(w: World, n: int) -> None:
    from community.elections.models import VoterRecord

    election = _election(w)
    _add(VoterRecord(election_id=election, person_id=p.id, term="第十二届") for p in make_people(w.a, n, "选民"))


def _voting_election(w: World) -> int:
    from community.elections.models import Election

    return w.once("voting", lambda: _flushed(Election(community_id=w.a.id, title="第十二届居委会选举（投票中）",
                                                      term="第十二届", seats=2, status="voting", current_round=1)))


def receipts(w: World, n: int) -> None:
    from community.elections.sealed_models import BallotReceipt

    election = _voting_election(w)
    _add(BallotReceipt(receipt=f"R{next(_unique):011d}", election_id=election, round_no=1) for _ in range(n))


def sheets(w: World, n: int) -> None:
    from community.elections.models import PaperEntry

    election = _voting_election(w)
    _add(PaperEntry(election_id=election, round_no=1, box="hall", sheet_no=next(_unique), counter_id=w.admin.id,
                    marks=[]) for _ in range(n))


def candidates(w: World, n: int) -> None:
    from community.elections.models import Candidate

    election = _election(w)
    _add(Candidate(election_id=election, person_id=p.id, occupation="个体户") for p in make_people(w.a, n, "候选人"))


def nominations(w: World, n: int) -> None:
    from community.elections.models import Nomination

    election = _election(w)
    _add(Nomination(election_id=election, nominee_id=p.id, kind="joint") for p in make_people(w.a, n, "被提名人"))


def objections(w: World, n: int) -> None:
    from community.elections.models import RollObjection

    election = _election(w)
    _add(RollObjection(election_id=election, filed_by_id=p.id, subject_person_id=p.id, text="名单有误",
                       answer_due_at=_soon(3)) for p in make_people(w.a, n, "异议人"))


def proxies(w: World, n: int) -> None:
    from community.elections.models import ProxyAuthorisation

    election = _election(w)
    found = make_people(w.a, 2 * n, "委托")
    _add(ProxyAuthorisation(election_id=election, principal_id=principal.id, proxy_id=proxy.id, slot=1)
         for principal, proxy in zip(found[::2], found[1::2], strict=True))


def requests_(w: World, n: int) -> None:
    from community.discussions.models import Request

    _add(Request(kind="request", title=f"楼道堆物{next(_unique)}", body="楼道堆满杂物", category="safety",
                 community_id=w.a.id, submitter_id=w.admin.id, status="accepted", search_text="楼道堆物")
         for _ in range(n))


def meetings(w: World, n: int) -> None:
    from community.meetings.models import Meeting

    _add(Meeting(kind="discussion", scope_type="community", scope_id=w.a.id, title=f"议事会{next(_unique)}",
                 starts_at=_soon(), ends_at=_soon() + timedelta(hours=2), place="社区会议室") for _ in range(n))


def cases(w: World, n: int) -> None:
    from community.discussions.mediation_models import MediationCase

    _add(MediationCase(community_id=w.a.id, mediator_id=w.admin.id, kind="neighbours", title=f"邻里纠纷{next(_unique)}",
                       opened_on=date.today()) for _ in range(n))


def group(w: World, n: int) -> None:
    from community.discussions.mediation_models import GroupMember
    from community.roles.models import RoleGrant

    found = make_people(w.a, n, "议事")
    _add(RoleGrant(person_id=p.id, role="discussion_member", scope_type="community", scope_id=w.a.id) for p in found)
    _add(GroupMember(community_id=w.a.id, person_id=p.id, group_role="party_member") for p in found)


def roles(w: World, n: int) -> None:
    from community.roles.models import RoleGrant

    _add(RoleGrant(person_id=p.id, role="community_admin", scope_type="community", scope_id=w.a.id)
         for p in make_people(w.a, n, "管理"))


def streets(w: World, n: int) -> None:
    for _ in range(n):
        make_street(f"街道{next(_unique)}")


def communities(w: World, n: int) -> None:
    for _ in range(n):
        make_community(w.street, f"社区{next(_unique)}")


def organisations(w: World, n: int) -> None:
    from volunteers.points_models import Organisation

    _add(Organisation(name=f"企业{next(_unique)}", kind="enterprise", community_id=w.a.id) for _ in range(n))


def _organisation(w: World) -> int:
    from volunteers.points_models import Organisation

    return w.once("organisation", lambda: _flushed(Organisation(name="东门企业", kind="enterprise",
                                                                community_id=w.a.id)))


def org_members(w: World, n: int) -> None:
    from volunteers.points_models import OrganisationMember

    organisation = _organisation(w)
    _add(OrganisationMember(organisation_id=organisation, person_id=p.id) for p in make_people(w.a, n, "队员"))


def quotas(w: World, n: int) -> None:
    from volunteers.points_models import Quota

    organisation = _organisation(w)
    year = date.today().year
    _add(Quota(organisation_id=organisation, period=f"{year + next(_unique)}", starts_on=date(year, 1, 1),
               ends_on=date(year, 12, 31), points=100) for _ in range(n))


def items(w: World, n: int) -> None:
    from volunteers.redemptions import CatalogueItem

    _add(CatalogueItem(street_id=w.street.id, name=f"洗衣液{next(_unique)}", points=10, stock=5) for _ in range(n))


def redemptions(w: World, n: int) -> None:
    from volunteers.redemptions import CatalogueItem, Redemption

    item = w.once("item", lambda: _flushed(CatalogueItem(street_id=w.street.id, name="米", points=10, stock=99)))
    _add(Redemption(item_id=item, person_id=w.admin.id, community_id=w.a.id, points=10) for _ in range(n))


def allocations(w: World, n: int) -> None:
    from volunteers.allocation import Allocation

    _add(Allocation(street_id=w.street.id, title=f"公租房{next(_unique)}", places=2, opens_at=utcnow(),
                    closes_at=_soon()) for _ in range(n))


def applications(w: World, n: int) -> None:
    from volunteers.allocation import Allocation, AllocationApplication

    allocation = w.once("allocation", lambda: _flushed(Allocation(
        street_id=w.street.id, title="公租房", places=2, opens_at=utcnow() - timedelta(days=9),
        closes_at=utcnow() - timedelta(days=1), state="notice")))
    _add(AllocationApplication(allocation_id=allocation, person_id=p.id, rank=next(_unique))
         for p in make_people(w.a, n, "申请人"))


def certificates(w: World, n: int) -> None:
    from volunteers.certificates import Certificate

    _add(Certificate(person_id=w.admin.id, token=f"tok{next(_unique)}", name="管理员", hours=2, issuer="爵溪街道",
                     issued_on=date.today()) for _ in range(n))


# ---------------------------------------------------------------- the table

@dataclass(frozen=True)
class Listed:
    url: str                          # {placeholders}: ids of the world (made by the builder)
    add: Callable[[World, int], None]


LISTS: dict[str, Listed] = {
    # community
    "people.index": Listed("/admin/people/", people),
    "people_api.list_people": Listed("/api/v1/people", people),
    "people_picker_api.search_people": Listed("/api/v1/people/picker?q=居民&scope_type=platform&action=person.list",
                                              people),
    "audit.index": Listed("/admin/audit/", audit),
    "roles.index": Listed("/admin/roles/", roles),
    "roles_api.list_roles": Listed("/api/v1/roles", roles),
    "places.index": Listed("/admin/places/", communities),
    "places_api.list_streets": Listed("/api/v1/streets", streets),
    "places_api.list_communities": Listed("/api/v1/communities", communities),
    "reminders.index": Listed("/inbox/", notifications),
    "reminders_api.notifications": Listed("/api/v1/notifications", notifications),
    "reminders.admin": Listed("/admin/reminders/", reminders),
    "reminders_api.reminders": Listed("/api/v1/reminders", reminders),
    "elections.index": Listed("/elections/", elections),
    "elections_api.list_elections": Listed("/api/v1/elections", elections),
    "elections.roll_page": Listed("/elections/{election}/roll", voters),
    "elections_api.list_voters": Listed("/api/v1/elections/{election}/voters", voters),
    "elections.receipts": Listed("/elections/{voting}/receipts", receipts),
    "elections_api.list_receipts": Listed("/api/v1/elections/{voting}/receipts", receipts),
    "elections_api.list_sheets": Listed("/api/v1/elections/{voting}/paper-ballots", sheets),
    "elections_api.list_candidates": Listed("/api/v1/elections/{election}/candidates", candidates),
    "elections_api.list_nominations": Listed("/api/v1/elections/{election}/nominations", nominations),
    "elections_api.list_objections": Listed("/api/v1/elections/{election}/objections", objections),
    "elections.proxies": Listed("/elections/{election}/proxies", proxies),
    "elections_api.list_proxies": Listed("/api/v1/elections/{election}/proxies", proxies),
    "meetings.index": Listed("/meetings/", meetings),
    "meetings_api.list_meetings": Listed("/api/v1/meetings", meetings),
    "requests.board": Listed("/requests/", requests_),
    "requests_api.board": Listed("/api/v1/requests", requests_),
    "mediation.index": Listed("/mediation/", cases),
    "mediation_api.list_cases": Listed("/api/v1/mediation/cases", cases),
    "discussion_group.page": Listed("/discussions/group/{community}", group),
    "mediation_api.get_group": Listed("/api/v1/communities/{community}/discussion-group", group),
    # branches
    "branches.index": Listed("/admin/branches/", branches),
    "branch_life.board": Listed("/admin/branches/compliance", branches),
    "branch_dues.branches": Listed("/admin/branches/dues", branches),
    "roster.page": Listed("/admin/branches/{branch}", members),
    "branches_api.list_members": Listed("/api/v1/branches/{branch}/members", members),
    "branch_dues.dues": Listed("/admin/branches/{branch}/dues", members),
    "branch_dues_api.list_arrears": Listed("/api/v1/branches/{branch}/arrears", members),
    "branch_dues_api.list_dues": Listed("/api/v1/branches/{branch}/dues", dues),
    "branch_liaison.members": Listed("/liaison/{home}/", members),
    "branch_liaison_api.home_members": Listed("/api/v1/home-organisations/{home}/members", members),
    "branch_liaison.paired": Listed("/admin/branches/{branch}/home-organisations", homes),
    "roster.organisations": Listed("/admin/branches/home-organisations", homes),
    "branch_life.flags": Listed("/admin/branches/flags", flags),
    "branches.members": Listed("/admin/branches/members", members),
    "branch_transfers.transfers": Listed("/admin/branches/{branch}/transfers", transfers),
    "branch_dues_api.list_transfers": Listed("/api/v1/branches/{branch}/transfers", transfers),
    # volunteers
    "points.person": Listed("/points/people/{admin}", ledger),
    "points_api.person_points": Listed("/api/v1/people/{admin}/points", ledger),
    "points.leaderboard": Listed("/points/leaderboard", scorers),
    "points_api.leaderboard": Listed("/api/v1/leaderboard?community_id={community}", scorers),
    "activities.index": Listed("/activities/", activities),
    "volunteer_activities_api.list_activities": Listed("/api/v1/activities", activities),
    "activities.organised": Listed("/activities/organised", activities),
    "activities.declarations": Listed("/activities/declarations", declarations),
    "volunteer_activities_api.get_roster": Listed("/api/v1/activities/{activity}/roster", signups),
    "points_admin.organisations": Listed("/admin/points/organisations", organisations),
    "points_api.list_organisations": Listed("/api/v1/organisations", organisations),
    "points_api.list_members": Listed("/api/v1/organisations/{organisation}/members", org_members),
    "points_admin.organisation": Listed("/admin/points/organisations/{organisation}", org_members),
    "points_api.list_quotas": Listed("/api/v1/organisations/{organisation}/quotas", quotas),
    "volunteer_uses.catalogue": Listed("/volunteers/catalogue", items),
    "volunteer_redemptions_api.list_items": Listed("/api/v1/redemption-items", items),
    "volunteer_redemptions_api.mine": Listed("/api/v1/redemptions", redemptions),
    "volunteer_redemptions_api.pending": Listed("/api/v1/redemptions/pending", redemptions),
    "volunteer_uses.approvals": Listed("/volunteers/approvals", redemptions),
    "volunteer_allocations.index": Listed("/volunteers/allocations/", allocations),
    "volunteer_allocations_api.list_allocations": Listed("/api/v1/allocations", allocations),
    "volunteer_allocations.page": Listed("/volunteers/allocations/{allocation}", applications),
    "volunteer_allocations_api.detail": Listed("/api/v1/allocations/{allocation}", applications),
    "volunteer_certificates.mine": Listed("/volunteers/certificates/", certificates),
    "volunteer_certificates_api.mine": Listed("/api/v1/certificates", certificates),
}

NOT_LISTS: dict[str, str] = {
    "home.index": "dashboard", "home.healthz": "probe", "accounts.login": "form", "accounts.change_password": "form",
    "accounts_api.me": "object", "api-docs.openapi_json": "document", "roles_api.catalogue": "constants",
    "people.detail": "object", "people.edit": "form", "people.create": "form", "people.import_people": "form",
    "people.import_check": "job", "people.template": "download", "people.job": "job", "people.job_progress": "job",
    "people.job_download": "download", "people.me": "object", "people.my_data": "download",
    "people_api.get_person": "object", "places_api.get_community": "object", "places_api.get_street": "object",
    "reminders.open_message": "object", "reminders.preferences": "form", "reminders_api.get_preferences": "object",
    "reminders.calendar": "form", "reminders.calendar_feed": "feed",
    "elections.detail": "object", "elections.announcement": "download",
    "elections.receipt": "object", "elections.results": "object",
    "elections.results_xlsx": "download", "elections.vote": "form", "elections_manage.create": "form",
    "elections_manage.manage": "object", "elections_manage.settings": "form",
    "elections_manage.introduction_page": "form", "elections_manage.paper_entry": "form",
    "elections_manage.open_ballots": "form", "elections_manage.my_share": "form",
    "elections_api.get_election_": "object", "elections_api.ballot_key_status": "object",
    "elections_api.check_receipt": "object", "elections_api.reminders": "object", "elections_api.results": "object",
    "meetings.detail": "object", "meetings.ics": "download", "meetings.cancel": "form", "meetings.create": "form",
    "meetings_api.get_meeting": "object", "meetings_api.meeting_ics": "download",
    "mediation_api.get_agenda": "object", "mediation_api.get_case": "object", "mediation_api.figures": "figures",
    "mediation.detail": "object", "mediation.new": "form",
    "discussion_group.index": "redirect", "discussion_agenda.page": "object", "discussion_figures.page": "figures",
    "discussion_figures.job": "job", "discussion_figures.download": "download",
    "requests.detail": "object", "requests.photo": "download", "requests.new": "form",
    "requests.export_job": "job", "requests.export_download": "download", "requests_api.detail": "object",
    "roster.edit": "form", "roster.new": "form", "roster.import_roster": "form",
    "roster.import_check": "job", "roster.job": "job", "branch_dashboard.branch_dashboard": "figures",
    "branch_dashboard.street_dashboard": "figures", "branch_dues.pay": "form", "branch_dues.export_job": "job",
    "branch_dues.export_download": "download", "branch_life.branch_life": "object",
    "branch_life_api.branch_compliance": "object", "branch_transfers.issue": "form",
    "branch_transfers.incoming": "form", "branch_transfers.letter": "download",
    "branch_dues_api.letter": "download", "branch_join.join": "form",
    "branch_liaison.home": "redirect", "branch_liaison.report_job": "job", "branch_liaison.report_download": "download",
    "activities.detail": "object", "activities.create": "form", "activities.declare": "form",
    "activities.change": "form", "activities.cancel_activity": "form",
    "activity_checkin.code_screen": "object", "activity_checkin.scan": "form",
    "volunteer_activities_api.get_activity": "object", "volunteer_activities_api.checkin_code": "object",
    "points.mine": "redirect", "points.scorer": "form", "points.grant_form": "form",
    "points_admin.caps": "form", "quantified.page": "form", "points_api.get_organisation": "object",
    "volunteer_uses.redeem": "form", "volunteer_uses.export_job": "job", "volunteer_uses.export_download": "download",
    "volunteer_certificates.pdf": "download", "volunteer_certificates_api.pdf": "download",
    "volunteer_certificates_api.verify": "object", "certificate_verify.verify": "object",
    "kiosk.welcome": "kiosk", "kiosk.home": "kiosk", "kiosk.my_code": "kiosk", "kiosk.my_code_json": "kiosk",
}


def test_every_get_route_is_declared(app):
    """Each GET route is a list of LISTS or has its reason in NOT_LISTS; nothing is declared twice or stale."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if "GET" in rule.methods and rule.endpoint != "static"}
    assert not set(LISTS) & set(NOT_LISTS)
    assert sorted(endpoints - set(LISTS) - set(NOT_LISTS)) == []
    assert sorted((set(LISTS) | set(NOT_LISTS)) - endpoints) == []
    assert all(reason and " " not in reason for reason in NOT_LISTS.values())


# ---------------------------------------------------------------- the budget

@pytest.fixture
def world(client, places):
    admin = make_person(places["east"], name="管理员")
    grant(admin, "platform_admin")
    headers = token_for(client, admin)
    login(client, admin)
    return World(client, places["street"], places["east"], admin, headers)


def _run(w: World, url: str) -> tuple[int, int]:
    """(statements, answer length) of one GET of the list."""
    counted = []

    def listener(*_args):
        counted.append(1)

    headers = w.headers if url.startswith("/api/") else {}
    db.session.commit()  # each GET starts its own transaction and reads what it shows afresh, as a request does
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = w.client.get(url, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return len(counted), len(response.get_data())


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_a_list_runs_as_many_statements_for_9_rows_as_for_3(world, endpoint):
    listed = LISTS[endpoint]
    listed.add(world, 3)
    ids = {"admin": world.admin.id, "community": world.a.id, **world.ids}
    url = listed.url.format(**ids)
    _run(world, url)  # warm: what a first request loads once (the session, caches)
    three, shown_three = _run(world, url)
    listed.add(world, 6)
    nine, shown_nine = _run(world, url)
    assert shown_nine > shown_three, f"{endpoint}: the builder's rows are not in the list"
    assert nine == three, f"{endpoint}: {three} statements for 3 rows, {nine} for 9"
