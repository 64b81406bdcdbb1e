"""A branch's roster as .xlsx: import (checked first on the task queue, then all rows or none) and export
(phones masked). The workbook is read by the people import's bounded reader (community/people/workbook.py)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl import Workbook
from sqlalchemy import select

from app import db
from branches import roster
from branches.models import Branch, BranchMember, HomeOrganisation
from community.audit.services import record
from community.background import set_progress
from community.database import as_local, unit_of_work, utcnow
from community.errors import Invalid
from community.people import excel as people_excel
from community.people import identity, workbook
from community.people.models import Person, mask_phone
from community.places.models import Community

COLUMNS = ["姓名", "手机号", "党员状态", "预备期表决日期", "组织关系", "活动证号", "流出地党组织", "入党日期",
           "工作单位"]
REQUIRED = ("姓名", "手机号", "党员状态", "组织关系")
STATUSES = {"正式": "full", "正式党员": "full", "预备": "probationary", "预备党员": "probationary"}
RELATIONSHIPS = {"转入": "transferred", "已转入": "transferred", "组织关系转入": "transferred",
                 "活动证": "card", "流动党员活动证": "card"}
STATUS_NAMES = {"full": "正式党员", "probationary": "预备党员"}
RELATIONSHIP_NAMES = {"transferred": "组织关系转入", "card": "流动党员活动证"}
PREVIEW_ROWS = 50
SHOWN_BAD_ROWS = 500


def work_folder() -> Path:
    """Uploads live beside the people's, and are removed after a day like theirs."""
    return people_excel.work_folder("imports")


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def check_rows(actor, branch: Branch, rows: list[dict]) -> list[dict]:
    """Every row with its member fields or its problems, in a few queries for the whole file."""
    phones = [identity.normalise_phone(str(r.get("手机号") or "")) for r in rows]
    people = {}
    for start in range(0, len(phones), 900):
        chunk = [p for p in phones[start:start + 900] if p]
        people.update({p.phone: p for p in db.session.scalars(
            select(Person).join(Community, Community.id == Person.community_id)
            .where(Person.phone.in_(chunk), Community.street_id == branch.street_id))})
    members = {}
    ids = [p.id for p in people.values()]
    for start in range(0, len(ids), 900):
        members.update({m.person_id: m for m in db.session.scalars(
            select(BranchMember).where(BranchMember.person_id.in_(ids[start:start + 900]),
                                       BranchMember.left_on.is_(None)))})
    organisations = {o.name: o.id for o in db.session.scalars(select(HomeOrganisation))}
    today, seen, checked = as_local(utcnow()).date(), {}, []
    for number, (row, phone) in enumerate(zip(rows, phones, strict=True), start=2):
        problems, fields = [], {}
        person = people.get(phone)
        if person is None:
            problems.append(_("No resident of this street has the phone number in this row."))
        elif person.name != str(row.get("姓名") or "").strip():
            problems.append(_("The phone number belongs to someone of another name."))
        elif person.id in members:
            problems.append(_("Already a current member of a branch; a person belongs to one branch at a time."))
        if phone and phone in seen:
            problems.append(_("The phone number repeats row %(row)d.", row=seen[phone]))
        seen.setdefault(phone, number)
        status = STATUSES.get(str(row.get("党员状态") or "").strip())
        relationship = RELATIONSHIPS.get(str(row.get("组织关系") or "").strip())
        organisation = str(row.get("流出地党组织") or "").strip()
        if status is None:
            problems.append(_("党员状态 must be 正式党员 or 预备党员."))
        if relationship is None:
            problems.append(_("组织关系 must be 组织关系转入 or 流动党员活动证."))
        if organisation and organisation not in organisations:
            problems.append(_("Unknown home-side organisation “%(name)s”.", name=organisation))
        if status and relationship:
            try:
                fields = roster.clean_member({
                    "status": status, "relationship": relationship, "card_number": str(row.get("活动证号") or ""),
                    "probation_voted_on": _iso(row.get("预备期表决日期")), "joined_party_on": _iso(row.get("入党日期")),
                    "home_organisation_id": organisations.get(organisation),
                    "employer": str(row.get("工作单位") or "")}, today)
            except Invalid as error:
                problems.extend(error.fields.values())
        if person is not None and not problems:
            fields["person_id"] = person.id
        checked.append({"row": number, "name": str(row.get("姓名") or ""), "phone": mask_phone(phone),
                        "status": STATUS_NAMES.get(status or "", ""), "fields": fields, "problems": problems})
    return checked


def check_upload(job_id: str, actor_id: int, branch_id: int, path: str) -> None:
    """The preview, as a background job: every bad row, or the first rows and a token to confirm with."""
    upload = Path(path)
    actor, branch = db.session.get(Person, actor_id), db.session.get(Branch, branch_id)
    try:
        _header, rows = workbook.read_rows(upload, REQUIRED, COLUMNS)
    except Invalid:
        upload.unlink(missing_ok=True)
        raise
    checked = check_rows(actor, branch, rows)
    db.session.rollback()
    bad = [r for r in checked if r["problems"]]
    summary = {"token": upload.stem.split("-", 1)[1] if not bad and checked else None,
               "total": len(checked), "bad_count": len(bad),
               "bad": [{"row": r["row"], "name": r["name"], "problems": r["problems"]} for r in bad[:SHOWN_BAD_ROWS]],
               "preview": [{"row": r["row"], "name": r["name"], "phone": r["phone"], "status": r["status"]}
                           for r in checked[:PREVIEW_ROWS]]}
    if bad or not checked:
        upload.unlink(missing_ok=True)
    target = upload.with_suffix(".json")
    target.write_text(json.dumps(summary, ensure_ascii=False, default=str))
    set_progress(job_id, total=len(checked), done=len(checked), state="done", file=target.name)


def load_check(name: str | None) -> dict | None:
    """The summary check_upload kept (a refused file's is shown once), or None once it has expired."""
    return people_excel.load_check(name)


def import_roster(job_id: str, actor_id: int, branch_id: int, path: str) -> None:
    """The confirmed import: every row is written, or none (a row no longer valid refuses the whole file)."""
    actor, branch = db.session.get(Person, actor_id), db.session.get(Branch, branch_id)
    try:
        _header, rows = workbook.read_rows(Path(path), REQUIRED, COLUMNS)
        checked = check_rows(actor, branch, rows)
    finally:
        Path(path).unlink(missing_ok=True)
    db.session.rollback()
    if any(r["problems"] for r in checked):
        bad = sum(1 for r in checked if r["problems"])
        set_progress(job_id, state="failed", error=ngettext("%(num)d row is no longer valid; nothing was imported.",
                                                              "%(num)d rows are no longer valid; nothing was imported.",
                                                              bad))
        return
    with unit_of_work():
        actor, branch = db.session.get(Person, actor_id), db.session.get(Branch, branch_id)
        from community.authz import require

        require(actor, "branch_member.manage", branch)
        from community.database import flush_or_conflict

        db.session.add_all([BranchMember(branch_id=branch.id, **r["fields"]) for r in checked])
        flush_or_conflict(None, _("Someone in the file joined a branch meanwhile; nothing was imported."))
        summary = ngettext("%(num)d member imported", "%(num)d members imported", len(checked))
        record(actor, "branch_member.import", branch, summary=summary)
    set_progress(job_id, done=len(checked), total=len(checked), state="done")


def export_roster(job_id: str, actor_id: int, branch_id: int) -> None:
    """The roster the actor may list, phones masked, as .xlsx; the export is logged."""
    actor, branch = db.session.get(Person, actor_id), db.session.get(Branch, branch_id)
    members = db.session.scalars(roster.roster_query(branch.id, actor=actor)).unique().all()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员名册")
    sheet.append([*COLUMNS, "兼职"])
    for m in members:
        vote = (m.probation_ends_on.replace(year=m.probation_ends_on.year - 1)
                if m.probation_ends_on and not (m.probation_ends_on.month == 2 and m.probation_ends_on.day == 29)
                else m.probation_ends_on)
        values = [m.person.name, m.person.phone_masked, STATUS_NAMES[m.status], vote,
                  RELATIONSHIP_NAMES[m.relationship], m.card_number or "",
                  m.home_organisation.name if m.home_organisation else "", m.joined_party_on, m.employer,
                  "、".join(f"{p.title}（{p.place}）" if p.place else p.title for p in m.positions)]
        sheet.append([people_excel._text_cell(sheet, value) for value in values])
    db.session.rollback()
    target = people_excel.work_folder("exports") / f"{job_id}.xlsx"
    book.save(target)
    with unit_of_work():
        record(db.session.get(Person, actor_id), "branch_member.export", db.session.get(Branch, branch_id),
               summary=ngettext("%(num)d member exported", "%(num)d members exported", len(members)))
    set_progress(job_id, done=len(members), total=len(members), state="done", file=target.name)
