"""The rules of branches and their rosters: kinds, the three-full-member rule, pairings, members, positions.

Every service takes the acting person and checks its permission (community.authz) before any lookup whose
answer could tell something. "One current branch per person" is the database's partial unique index
(branches/models.py); a clash, even between two simultaneous requests, becomes a Conflict with a message.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app import db
from branches.models import (
    BRANCH_KINDS,
    MAX_UNITS,
    MEMBER_STATUSES,
    MIN_FULL_MEMBERS,
    RELATIONSHIPS,
    Branch,
    BranchHomeOrganisation,
    BranchMember,
    HomeOrganisation,
    Position,
)
from community.audit.services import record
from community.authz import can, require
from community.database import flush_or_conflict, transactional, valid_id
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.people.models import Person
from community.places.models import Street


class BranchRule(DomainError):
    """A rule of the branches refused the request (422)."""

    code = "branch_rule"


def get_or_404(model, object_id):
    """The row, or NotFound (never an error for an absurd id)."""
    found = db.session.get(model, object_id) if valid_id(object_id) else None
    if found is None:
        raise NotFound(_("Not found."))
    return found


# ------------------------------------------------------------------------------------------------ branches
def full_member_counts(branch_ids) -> dict[int, int]:
    """branch id -> number of current full members, in one query for any number of branches."""
    ids = list(branch_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(BranchMember.branch_id, func.count()).where(
            BranchMember.branch_id.in_(ids), BranchMember.left_on.is_(None), BranchMember.status == "full")
        .group_by(BranchMember.branch_id)).all()
    counts = dict.fromkeys(ids, 0)
    counts.update({branch_id: count for branch_id, count in rows})
    return counts


def meets_rule(branch: Branch, full_members: int) -> bool:
    """A branch (not a service station) needs at least 3 full members."""
    return branch.kind == "station" or full_members >= MIN_FULL_MEMBERS


def rule_message(branch: Branch, full_members: int) -> str:
    """In words, why a branch does not meet the rule and what to do; empty when it does."""
    if meets_rule(branch, full_members):
        return ""
    if branch.kind == "mobile":
        return ngettext("Only %(num)d full member: a single-unit branch needs at least 3, so it cannot be set up "
                        "yet. Form a joint branch with other units, or wait until it has 3 full members.",
                        "Only %(num)d full members: a single-unit branch needs at least 3, so it cannot be set up "
                        "yet. Form a joint branch with other units, or wait until it has 3 full members.",
                        full_members)
    return ngettext("Only %(num)d full member: a joint branch too needs at least 3 full members across its units.",
                    "Only %(num)d full members: a joint branch too needs at least 3 full members across its units.",
                    full_members)


def _clean_branch(data: dict) -> dict:
    """The branch fields, checked: name, kind, units (joint: 2–5 names), opening hours and services."""
    problems = {}
    name = (data.get("name") or "").strip()
    if not name:
        problems["name"] = _("Give the branch a name.")
    elif len(name) > 100:
        problems["name"] = _("At most %(n)d characters.", n=100)
    kind = data.get("kind") or "mobile"
    if kind not in BRANCH_KINDS:
        problems["kind"] = _("Choose a mobile branch, a joint branch or a service station.")
    units = data.get("units") or []
    if isinstance(units, str):
        units = units.replace("，", "\n").replace(",", "\n").replace("、", "\n").splitlines()
    units = list(dict.fromkeys(u.strip()[:100] for u in units if isinstance(u, str) and u.strip()))
    if kind == "joint" and not 2 <= len(units) <= MAX_UNITS:
        problems["units"] = _("A joint branch unites 2 to 5 units: write each unit's name on its own line.")
    hours = (data.get("opening_hours") or "").strip()
    if len(hours) > 200:
        problems["opening_hours"] = _("At most %(n)d characters.", n=200)
    services = (data.get("services") or "").strip()
    if len(services) > 2000:
        problems["services"] = _("At most %(n)d characters.", n=2000)
    if kind == "station" and not hours:
        problems["opening_hours"] = _("Say when the service station is open, e.g. 每周一至周五 9:00–17:00.")
    if problems:
        raise Invalid(_("Please correct the marked fields."), fields=problems)
    return {"name": name, "kind": kind, "units": units if kind == "joint" else [],
            "opening_hours": hours if kind == "station" else "", "services": services if kind == "station" else ""}


@transactional
def create_branch(actor, street_id, data: dict) -> Branch:
    """A street administrator sets up a branch of their street: a mobile branch, a joint branch or a station."""
    require(actor, "branch.create", ("street", street_id) if valid_id(street_id) else None)
    street = get_or_404(Street, street_id)
    fields = _clean_branch(data)
    branch = Branch(street_id=street.id, **fields)
    flush_or_conflict(branch, _("This street already has a branch called “%(name)s”.", name=fields["name"]),
                      field="name")
    record(actor, "branch.create", branch, summary=branch.name)
    return branch


@transactional
def update_branch(actor, branch: Branch, data: dict) -> Branch:
    """Change a branch's name, kind, units, hours or services (street administrators)."""
    require(actor, "branch.edit", branch)
    fields = _clean_branch(data)
    if fields["kind"] == "mobile" and branch.kind != "mobile":
        full = full_member_counts([branch.id])[branch.id]
        if full < MIN_FULL_MEMBERS:  # a joint branch or a station becomes a single-unit branch only with 3
            raise BranchRule(ngettext("Only %(num)d full member: a single-unit branch needs at least 3. Keep it a "
                                      "joint branch, or wait until it has 3 full members.",
                                      "Only %(num)d full members: a single-unit branch needs at least 3. Keep it a "
                                      "joint branch, or wait until it has 3 full members.", full), fields={"kind": _(
                                   "A single-unit branch needs at least 3 full members.")})
    for key, value in fields.items():
        setattr(branch, key, value)
    flush_or_conflict(None, _("This street already has a branch called “%(name)s”.", name=fields["name"]),
                      field="name")
    record(actor, "branch.edit", branch, summary=branch.name)
    return branch


@transactional
def create_home_organisation(actor, name: str, region: str) -> HomeOrganisation:
    """A home-side party organisation (流出地党组织), e.g. a town party committee in Zunyi."""
    require(actor, "home_organisation.create")
    name, region = (name or "").strip(), (region or "").strip()
    problems = {}
    if not name or len(name) > 100:
        problems["name"] = _("Give the organisation's name (at most 100 characters).")
    if len(region) > 100:
        problems["region"] = _("At most %(n)d characters.", n=100)
    if problems:
        raise Invalid(_("Please correct the marked fields."), fields=problems)
    organisation = HomeOrganisation(name=name, region=region)
    flush_or_conflict(organisation, _("“%(name)s” of %(region)s is already registered.", name=name, region=region),
                      field="name")
    record(actor, "home_organisation.create", organisation, summary=name, object_type="home_organisation")
    return organisation


@transactional
def pair(actor, branch: Branch, home_organisation_id) -> BranchHomeOrganisation:
    """Pair a branch with a home-side organisation (两地管): a second pairing of the same two is a Conflict."""
    require(actor, "branch.pair", branch)
    organisation = get_or_404(HomeOrganisation, home_organisation_id)
    pairing = BranchHomeOrganisation(branch_id=branch.id, home_organisation_id=organisation.id)
    flush_or_conflict(pairing, _("%(branch)s is already paired with %(org)s.", branch=branch.name,
                                 org=organisation.name))
    record(actor, "branch.pair", branch, summary=organisation.name)
    return pairing


def pairings(branch_ids) -> dict[int, list[HomeOrganisation]]:
    """branch id -> its paired home-side organisations, one query."""
    ids = list(branch_ids)
    found: dict[int, list[HomeOrganisation]] = {i: [] for i in ids}
    if ids:
        rows = db.session.execute(select(BranchHomeOrganisation.branch_id, HomeOrganisation)
                                  .join(HomeOrganisation)
                                  .where(BranchHomeOrganisation.branch_id.in_(ids))
                                  .order_by(HomeOrganisation.name)).all()
        for branch_id, organisation in rows:
            found[branch_id].append(organisation)
    return found


# ------------------------------------------------------------------------------------------------ members
def _date(value, field: str, problems: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems[field] = _("Write the date as YYYY-MM-DD.")
        return None


def probation_end(voted_on: date) -> date:
    """One year from the general meeting's vote (29 February: the next year's 28 February)."""
    try:
        return voted_on.replace(year=voted_on.year + 1)
    except ValueError:
        return voted_on.replace(year=voted_on.year + 1, day=28)


def clean_member(data: dict, today: date) -> dict:
    """The member fields, checked; Invalid names every bad field at once."""
    problems: dict[str, str] = {}
    status = data.get("status") or "full"
    if status not in MEMBER_STATUSES:
        problems["status"] = _("Choose full or probationary.")
    relationship = data.get("relationship") or "transferred"
    if relationship not in RELATIONSHIPS:
        problems["relationship"] = _("Choose transferred or a mobile-member card.")
    joined_party_on = _date(data.get("joined_party_on"), "joined_party_on", problems)
    voted_on = _date(data.get("probation_voted_on"), "probation_voted_on", problems)
    joined_branch_on = _date(data.get("joined_branch_on"), "joined_branch_on", problems) or today
    if joined_party_on and joined_party_on > today:
        problems["joined_party_on"] = _("The date lies in the future.")
    if status == "probationary" and voted_on is None and "probation_voted_on" not in problems:
        problems["probation_voted_on"] = _("A probationary member needs the date of the general meeting's vote: "
                                           "the one-year term runs from it.")
    card = (data.get("card_number") or "").strip()
    if relationship == "card" and not card:
        problems["card_number"] = _("A mobile member needs the number of their mobile-member card (流动党员活动证).")
    if len(card) > 40:
        problems["card_number"] = _("At most %(n)d characters.", n=40)
    home_id = data.get("home_organisation_id")
    if home_id in ("", None):
        home_id = None
    elif not (isinstance(home_id, int) or str(home_id).isdigit()) or not valid_id(int(home_id)):
        problems["home_organisation_id"] = _("Choose the home-side organisation from the list.")
    elif db.session.get(HomeOrganisation, int(home_id)) is None:
        problems["home_organisation_id"] = _("Choose the home-side organisation from the list.")
    if relationship == "card" and home_id is None and "home_organisation_id" not in problems:
        problems["home_organisation_id"] = _("A mobile member keeps their relationship at home: choose the "
                                             "home-side organisation.")
    employer = (data.get("employer") or "").strip()
    if len(employer) > 100:
        problems["employer"] = _("At most %(n)d characters.", n=100)
    if problems:
        raise Invalid(_("Please correct the marked fields."), fields=problems)
    return {"status": status, "relationship": relationship, "joined_party_on": joined_party_on,
            "probation_ends_on": probation_end(voted_on) if status == "probationary" else None,
            "card_number": card if relationship == "card" else None,
            "home_organisation_id": int(home_id) if home_id is not None else None,
            "employer": employer, "joined_branch_on": joined_branch_on}


def current_membership(person_id: int) -> BranchMember | None:
    """The person's current membership (of one branch at most)."""
    return db.session.scalar(select(BranchMember).where(BranchMember.person_id == person_id,
                                                        BranchMember.left_on.is_(None)))


def _clash_message(actor, existing: BranchMember, branch: Branch) -> str:
    if existing.branch_id == branch.id:
        return _("%(name)s is already a member of this branch.", name=existing.person.name)
    if can(actor, "branch_member.list", existing):
        return _("%(name)s is a current member of %(branch)s; a person belongs to one branch at a time. "
                 "Transfer them first.", name=existing.person.name, branch=existing.branch.name)
    return _("%(name)s is a current member of another branch; a person belongs to one branch at a time. "
             "Ask that branch's secretary to transfer them.", name=existing.person.name)


@transactional
def add_member(actor, branch: Branch, person: Person, data: dict, today: date) -> BranchMember:
    """Put a person on the branch's roster; a duplicate or a second current branch is refused with a Conflict,
    checked first for the message and enforced by the database's unique index for simultaneous requests."""
    require(actor, "branch_member.add", branch)
    fields = clean_member(data, today)
    existing = current_membership(person.id)
    if existing is not None:
        raise Conflict(_clash_message(actor, existing, branch), code="already_member",
                       fields={"person_id": _clash_message(actor, existing, branch)})
    member = BranchMember(branch_id=branch.id, person_id=person.id, **fields)
    flush_or_conflict(member, _("%(name)s is already a current member of a branch; a person belongs to one branch "
                                "at a time.", name=person.name), code="already_member", field="person_id")
    record(actor, "branch_member.add", branch, summary=person.name, detail={"member_id": member.id})
    return member


@transactional
def add_position(actor, member: BranchMember, title: str, place: str, since) -> Position:
    """A part-time position the member holds in a town or village (大管家, 网格员…)."""
    require(actor, "branch_member.manage", member.branch)
    problems: dict[str, str] = {}
    title, place = (title or "").strip(), (place or "").strip()
    if not title or len(title) > 60:
        problems["title"] = _("Give the position, e.g. 大管家 or 网格员 (at most 60 characters).")
    if len(place) > 100:
        problems["place"] = _("At most %(n)d characters.", n=100)
    since_on = _date(since, "since", problems)
    if problems:
        raise Invalid(_("Please correct the marked fields."), fields=problems)
    position = Position(member_id=member.id, title=title, place=place, since=since_on)
    db.session.add(position)
    db.session.flush()
    record(actor, "branch_member.position", member.branch, summary=f"{member.person.name} {title}")
    return position


def may_see_phone(actor, branch: Branch) -> bool:
    """The secretary and the street see members' phones; committee members and liaisons see them masked."""
    return can(actor, "branch_member.phone", branch)


def roster_query(branch_id: int, *, actor=None, current_only: bool = True):
    """The members of a branch the actor may list (a liaison: only their own organisation's), by name."""
    from sqlalchemy.orm import joinedload, selectinload

    from community.authz import any_scope_condition

    statement = (select(BranchMember).join(BranchMember.person).where(BranchMember.branch_id == branch_id)
                 .options(joinedload(BranchMember.person), joinedload(BranchMember.home_organisation),
                          selectinload(BranchMember.positions))
                 .order_by(Person.name_key, BranchMember.id))
    if current_only:
        statement = statement.where(BranchMember.left_on.is_(None))
    if actor is not None:
        allowed = any_scope_condition(actor, "branch_member.list", BranchMember.authz_columns())
        if allowed is not None:
            statement = statement.where(allowed)
    return statement


def followed_branch_or_404(actor, branch_id: int) -> Branch:
    """For a liaison: the branch when one of their organisation's members (current or past) sits in it, else
    the same NotFound as for an id no branch has (one query)."""
    from community.authz import any_scope_condition

    allowed = any_scope_condition(actor, "branch_member.list", BranchMember.authz_columns())
    statement = select(Branch).where(Branch.id == branch_id, select(BranchMember.id).where(
        BranchMember.branch_id == Branch.id, *([allowed] if allowed is not None else [])).exists())
    found = db.session.scalar(statement) if valid_id(branch_id) else None
    if found is None:
        raise NotFound(_("Not found."))
    return found


def officers(branch_ids) -> dict[int, dict[str, list[Person]]]:
    """branch id -> {"secretary": [...], "branch_committee": [...]}: the role holders, one query."""
    from community.roles.models import RoleGrant

    ids = list(branch_ids)
    found = {i: {"secretary": [], "branch_committee": []} for i in ids}
    if ids:
        rows = db.session.execute(select(RoleGrant.scope_id, RoleGrant.role, Person).join(
            Person, Person.id == RoleGrant.person_id).where(
            RoleGrant.scope_type == "branch", RoleGrant.scope_id.in_(ids),
            RoleGrant.role.in_(("secretary", "branch_committee"))).order_by(Person.name_key)).all()
        for scope_id, role, person in rows:
            found[scope_id][role].append(person)
    return found
