"""Importing people from .xlsx (preview first, then all or nothing) and exporting them."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select

from app import db
from community.audit.services import record
from community.authz import can
from community.background import set_progress
from community.database import unit_of_work
from community.errors import Invalid
from community.people import identity, workbook
from community.people.models import Person
from community.people.services import clean_person_fields, may_see
from community.places.models import Community, Grid, Street

# Column header (Chinese, as street offices write them) -> field.
COLUMNS = {
    "姓名": "name", "手机号": "phone", "性别": "gender", "出生日期": "born_on", "身份证号": "id_number",
    "户籍地": "hukou_place", "社区": "community", "网格": "grid", "来此居住日期": "living_since_on",
    "居住证号": "residence_permit_no", "工作单位": "employer", "家乡": "hometown",
}
REQUIRED = ("姓名", "手机号", "户籍地", "社区")
GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F"}
MAX_ROWS = workbook.MAX_ROWS
PROGRESS_EVERY = 200
EXPORT_BATCH = 1000


KEEP_FILES_SECONDS = 24 * 3600


def work_folder(name: str) -> Path:
    """instance/<name> for uploads and exports; files older than a day are removed (personal data)."""
    import time

    folder = Path(current_app.instance_path) / name
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_FILES_SECONDS
    for old in [*folder.glob("*.xlsx"), *folder.glob("*.json")]:
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


EXAMPLE_PHONES = [f"1380000{n:04d}" for n in range(100, 120)]


def example_row(actor) -> list:
    """The template's example row, filled so that it imports as it is for this administrator: a community
    they may add people to (written street/community, which names one) and a phone number nobody holds."""
    from community.authz import scope_condition

    statement = select(Community, Street.name).join(Street).order_by(Community.id).limit(1)
    condition = scope_condition(actor, "person.create", "community", Community.id)
    if condition is not None:
        statement = statement.where(condition)
    found = db.session.execute(statement).first()
    community = f"{found[1]}/{found[0].name}" if found else ""
    taken = set(db.session.scalars(select(Person.phone).where(Person.phone.in_(EXAMPLE_PHONES))))
    phone = next((p for p in EXAMPLE_PHONES if p not in taken), EXAMPLE_PHONES[0])
    return ["李晓", phone, "女", "1999-03-02", "", "贵州省毕节市", community, "", "2023-05-01", "", "爵溪针织厂",
            "毕节"]


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    """Header and rows of the first sheet; Invalid when it is not a workbook we can use or exceeds the limits."""
    return workbook.read_rows(path, REQUIRED, list(COLUMNS))


def check_rows(actor, rows: list[dict]) -> list[dict]:
    """Every row with its cleaned fields or its problems; looks things up in a few queries, not per row."""
    # Names are unique per street only: "东门社区" may name several; "爵溪街道/东门社区" names one.
    communities: dict[str, list[Community]] = {}
    for community, street_name in db.session.execute(select(Community, Street.name).join(Street)):
        communities.setdefault(community.name, []).append(community)
        communities.setdefault(f"{street_name}/{community.name}", []).append(community)
    grids = {(g.community_id, g.name): g for g in db.session.scalars(select(Grid))}
    # Normalised as clean_person_fields does, so "138-1234-5678" finds a registered 13812345678.
    phones = [identity.normalise_phone(r.get("手机号")) for r in rows]
    phone_holders = holders_by(Person.phone, phones)
    digests = {}
    for r in rows:
        number = identity.normalise_id_number(str(r.get("身份证号") or ""))
        if number:
            digests[number] = identity.digest_id_number(number)
    id_holders = holders_by(Person.id_number_digest, list(set(digests.values())))
    seen: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    checked = []
    for number, row in enumerate(rows, start=2):
        problems: list[str] = []
        data = {field: row.get(header) for header, field in COLUMNS.items() if header in row}
        community_name = str(data.pop("community", "") or "")
        candidates = communities.get(community_name, [])
        allowed = [c for c in candidates if can(actor, "person.create", c)]
        community = allowed[0] if len(allowed) == 1 else None
        grid_name = data.pop("grid", None)
        if not candidates:
            problems.append(_("Unknown community “%(name)s”.", name=row.get("社区") or ""))
        elif not allowed:
            problems.append(_("You may not add people to %(name)s.", name=community_name))
        elif community is None:
            problems.append(_("Several communities are called “%(name)s”; write it as street/community.",
                              name=community_name))
        else:
            data["community_id"] = community.id
            if grid_name:
                grid = grids.get((community.id, str(grid_name)))
                if grid is None:
                    problems.append(_("Unknown grid “%(name)s” in this community.", name=grid_name))
                else:
                    data["grid_id"] = grid.id
        if data.get("gender"):
            data["gender"] = GENDERS.get(str(data["gender"]), "?")
        for key in ("born_on", "living_since_on"):
            if isinstance(data.get(key), date):
                data[key] = data[key].isoformat()
        fields = {}
        try:
            fields = clean_person_fields({k: v for k, v in data.items() if k != "community_id"}
                                         | {"community_id": data.get("community_id", -1)}, creating=True)
        except Invalid as error:
            problems.extend(_("%(field)s: %(problem)s", field=_field_label(k), problem=v)
                            for k, v in error.fields.items() if k != "community_id")
        phone = fields.get("phone")
        if phone and phone in phone_holders:
            if may_see(actor, phone_holders[phone]):
                problems.append(_("The phone number %(phone)s is already registered.", phone=phone))
            else:
                problems.append(cannot_import_message())
        if phone and phone in seen:
            problems.append(_("The phone number repeats row %(row)d.", row=seen[phone]))
        if phone:
            seen.setdefault(phone, number)
        id_number = fields.get("id_number")
        if id_number:
            holder = id_holders.get(digests.get(id_number), False)
            if holder is not False:
                if may_see(actor, holder):
                    problems.append(_field_label("id_number") + ": "
                                    + _("A person with this ID number already exists."))
                elif cannot_import_message() not in problems:
                    problems.append(cannot_import_message())
            if id_number in seen_ids:
                problems.append(_("The ID number repeats row %(row)d.", row=seen_ids[id_number]))
            seen_ids.setdefault(id_number, number)
        checked.append({"row": number, "name": row.get("姓名") or "", "fields": fields, "problems": problems})
    return checked


def cannot_import_message() -> str:
    """The one refusal for a row clashing with someone the actor may not see: it says nothing about them."""
    return _("This row cannot be imported. Check the phone number and ID number, or ask the street office.")


def holders_by(column, values: list) -> dict:
    """value -> community id (None: no community) of the people holding one of `values` in `column`."""
    found: dict = {}
    values = [v for v in values if v]
    for start in range(0, len(values), 900):
        chunk = values[start:start + 900]
        found.update(db.session.execute(select(column, Person.community_id).where(column.in_(chunk))).tuples().all())
    return found


def _field_label(field: str) -> str:
    labels = {v: k for k, v in COLUMNS.items()}
    return labels.get(field, field)


PREVIEW_ROWS = 50
SHOWN_BAD_ROWS = 500


def check_upload(job_id: str, actor_id: int, path: str) -> None:
    """The preview, as a background job: read and check an uploaded workbook, keep a summary beside it
    (masked phones only), and keep the workbook only when every row is good."""
    import json

    from community.people.models import mask_phone

    upload = Path(path)
    actor = db.session.get(Person, actor_id)
    try:
        _header, rows = read_rows(upload)
    except Invalid:
        upload.unlink(missing_ok=True)
        raise
    checked = check_rows(actor, rows)
    db.session.rollback()
    bad = [row for row in checked if row["problems"]]
    summary = {
        "token": upload.stem.split("-", 1)[1] if not bad and checked else None,
        "total": len(checked), "bad_count": len(bad),
        "bad": [{"row": r["row"], "name": str(r["name"]), "problems": r["problems"]} for r in bad[:SHOWN_BAD_ROWS]],
        "preview": [{"row": r["row"], "name": str(r["name"]), "phone": mask_phone(r["fields"].get("phone")),
                     "hukou_place": r["fields"].get("hukou_place") or ""} for r in checked[:PREVIEW_ROWS]],
    }
    if bad or not checked:
        upload.unlink(missing_ok=True)
    target = upload.with_suffix(".json")
    target.write_text(json.dumps(summary, ensure_ascii=False, default=str))
    set_progress(job_id, total=len(checked), done=len(checked), state="done", file=target.name)


def load_check(name: str) -> dict | None:
    """The summary check_upload kept, or None when it has expired. A refused file's summary is shown once
    and removed (it names people); a good file's stays until the import is confirmed."""
    import json

    path = work_folder("imports") / Path(name or "").name
    if not name or not path.is_file():
        return None
    summary = json.loads(path.read_text())
    if not summary.get("token"):
        path.unlink(missing_ok=True)
    return summary


def import_people(job_id: str, actor_id: int, path: str) -> None:
    """The confirmed import, as one transaction: every row is written, or none.

    The rows are read, checked and prepared (ID numbers encrypted) with no transaction open, reporting
    progress; then they are written and committed at once.
    """
    actor = db.session.get(Person, actor_id)
    try:
        _header, rows = read_rows(Path(path))
        checked = check_rows(actor, rows)
    except Invalid:
        Path(path).unlink(missing_ok=True)
        raise
    counties = {c.id: county for c, county in db.session.execute(select(Community, Street.county).join(Street))}
    db.session.rollback()  # reading done: hold no transaction (on SQLite, no write lock) while preparing
    bad = [r for r in checked if r["problems"]]
    set_progress(job_id, total=len(checked), done=0)
    if bad:  # the data changed since the preview: refuse the whole file
        Path(path).unlink(missing_ok=True)
        set_progress(job_id, state="failed", error=ngettext("%(num)d row is no longer valid; nothing was imported.",
                                                              "%(num)d rows are no longer valid; nothing was imported.",
                                                              len(bad)))
        return
    people = []
    for index, row in enumerate(checked, start=1):
        fields = dict(row["fields"])
        number = fields.pop("id_number", None)
        person = Person(**fields, must_change_password=True)
        if number:
            person.set_id_number(number)
        county = counties.get(person.community_id, "")
        person.is_migrant = bool(county) and county not in (person.hukou_place or "")  # as derive_migrant
        people.append(person)
        if index % PROGRESS_EVERY == 0:
            set_progress(job_id, done=index - 1)
    with unit_of_work():  # every row and the audit row, or nothing
        for start in range(0, len(people), 1000):
            db.session.add_all(people[start:start + 1000])
            db.session.flush()
        actor = db.session.get(Person, actor_id)
        record(actor, "person.import", None, object_type="person",
               summary=ngettext("%(num)d person imported", "%(num)d people imported", len(checked)),
               detail={"rows": len(checked), "file": Path(path).name})
    Path(path).unlink(missing_ok=True)
    set_progress(job_id, done=len(checked), state="done")


EXPORT_HEADERS = ["姓名", "手机号", "性别", "出生日期", "身份证号", "户籍地", "新居民", "社区", "网格",
                  "来此居住日期", "居住证号", "工作单位", "家乡"]


def _text_cell(sheet, value):
    """Text that starts with "=" stays text: a resident's name must never become a formula in Excel."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def export_people(job_id: str, actor_id: int, filters: dict) -> None:
    """Write the people the actor may list to .xlsx, masked, in batches with short transactions between
    which progress is reported."""
    from community.people.services import people_query

    actor = db.session.get(Person, actor_id)
    statement = people_query(actor, filters.get("q"), filters.get("community_id"), filters.get("is_migrant"))
    ids = list(db.session.scalars(statement.with_only_columns(Person.id)))
    communities = {c.id: c.name for c in db.session.scalars(select(Community))}
    grids = {g.id: g.name for g in db.session.scalars(select(Grid))}
    db.session.rollback()
    set_progress(job_id, total=len(ids), done=0)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_l("People")))
    sheet.append(EXPORT_HEADERS)
    done = 0
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = ids[start:start + EXPORT_BATCH]
        # The actor's scope is applied again: someone moved out of it since the count is not written.
        found = {p.id: p for p in db.session.scalars(statement.where(Person.id.in_(batch)))}
        for person in (found[i] for i in batch if i in found):
            values = [person.name, person.phone_masked, {"M": "男", "F": "女"}.get(person.gender or "", ""),
                      person.born_on, person.id_number_masked or "", person.hukou_place,
                      "是" if person.is_migrant else "否", communities.get(person.community_id, ""),
                      grids.get(person.grid_id, ""), person.living_since_on, person.residence_permit_no or "",
                      person.employer or "", person.hometown or ""]
            sheet.append([_text_cell(sheet, value) for value in values])
            done += 1
        db.session.rollback()  # ends the batch's transaction and forgets its rows
        set_progress(job_id, done=done)
    folder = work_folder("exports")
    target = folder / f"{job_id}.xlsx"
    book.save(target)
    with unit_of_work():
        actor = db.session.get(Person, actor_id)
        record(actor, "person.export", None, object_type="person",
               summary=ngettext("%(num)d person exported", "%(num)d people exported", done),
               detail={"rows": done, "filters": {k: v for k, v in filters.items() if v is not None}})
    set_progress(job_id, done=done, total=done, state="done", file=target.name)
