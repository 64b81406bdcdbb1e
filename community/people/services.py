"""Adding, changing, viewing and listing people, with the personal-data rules (PIPL)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import db
from community.accounts.services import end_all_sessions, generate_password, hash_password, password_problem
from community.audit.services import record
from community.authz import can, community_condition, is_platform_admin, require
from community.database import prefix_match, transactional, utcnow, valid_id
from community.errors import Conflict, Invalid
from community.people import identity
from community.people.models import Person
from community.places.models import Community, Grid

TEXT_LIMITS = {"name": 50, "hukou_place": 100, "employer": 100, "hometown": 60, "residence_permit_no": 40}
EDITABLE = ("name", "phone", "gender", "born_on", "hukou_place", "community_id", "grid_id", "living_since_on",
            "residence_permit_no", "residence_permit_until", "employer", "hometown", "has_political_rights")


def _as_date(value, field: str, errors: dict):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors[field] = _("Use a date such as 2019-05-01.")
        return None


def clean_person_fields(data: dict, *, creating: bool) -> dict:
    """Check and normalise a person's fields; raise Invalid naming every bad field at once."""
    errors: dict[str, str] = {}
    out: dict = {}
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            value = (data.get(field) or "").strip() if isinstance(data.get(field), (str, type(None))) else None
            if value is None:
                errors[field] = _("Must be text.")
            elif len(value) > limit:
                errors[field] = _("At most %(n)d characters.", n=limit)
            else:
                out[field] = value or None
    for field in ("name", "hukou_place"):
        if (creating or field in data) and not out.get(field):
            errors[field] = _("Required")
    if creating or "phone" in data:
        phone = identity.normalise_phone(data.get("phone"))
        if not identity.PHONE_PATTERN.match(phone):
            errors["phone"] = _("A mainland mobile number has 11 digits and starts with 1.")
        out["phone"] = phone
    if "gender" in data and data["gender"] not in (None, ""):
        if data["gender"] not in ("M", "F"):
            errors["gender"] = _("Gender is M or F.")
        out["gender"] = data["gender"]
    for source, target in (("born_on", "born_on"), ("living_since_on", "living_since_on"),
                           ("residence_permit_until", "residence_permit_until")):
        if source in data:
            out[target] = _as_date(data[source], source, errors)
    if out.get("born_on") and out["born_on"] > date.today():
        errors["born_on"] = _("The birth date is in the future.")
    if out.get("living_since_on") and out["living_since_on"] > date.today():
        errors["living_since_on"] = _("The date moved here is in the future.")
    if data.get("id_number"):
        number = identity.normalise_id_number(str(data["id_number"]))
        problem = identity.id_number_problem(number)
        if problem:
            errors["id_number"] = str(problem)
        else:
            out["id_number"] = number
            out.setdefault("gender", identity.gender_of(number))
            if not out.get("born_on"):
                out["born_on"] = identity.birth_date_of(number)
            elif out["born_on"] != identity.birth_date_of(number):
                errors["born_on"] = _("The birth date does not match the ID number.")
    if "has_political_rights" in data:
        out["has_political_rights"] = bool(data["has_political_rights"])
    _clean_place(data, out, errors, creating)
    if errors:
        raise Invalid(_("Please correct the marked fields."), fields=errors)
    return out


def _clean_place(data: dict, out: dict, errors: dict, creating: bool) -> None:
    if creating or "community_id" in data:
        community = db.session.get(Community, data["community_id"]) if valid_id(data.get("community_id")) else None
        if community is None:
            errors["community_id"] = _("Choose an existing community.")
        out["community_id"] = community.id if community else None
    if data.get("grid_id"):
        grid = db.session.get(Grid, data["grid_id"]) if valid_id(data["grid_id"]) else None
        if grid is None or (out.get("community_id") and grid.community_id != out["community_id"]):
            errors["grid_id"] = _("The grid is not in this community.")
        out["grid_id"] = grid.id if grid else None
    elif "grid_id" in data:
        out["grid_id"] = None


def derive_migrant(person: Person) -> None:
    """Migrant (新居民) = household registration outside the street's county."""
    with db.session.no_autoflush:  # a pending duplicate must reach _flush_person, not fail here
        community = db.session.get(Community, person.community_id) if person.community_id else None
        county = community.street.county if community else ""
    person.is_migrant = is_migrant_by_place(person.hukou_place, county)


def is_migrant_by_place(hukou_place: str | None, county: str) -> bool:
    """The rule itself, for one person or a million (`flask bench-data`)."""
    return bool(county) and county not in (hukou_place or "")


def _apply(person: Person, fields: dict) -> None:
    for name in EDITABLE:
        if name in fields:
            setattr(person, name, fields[name])
    if fields.get("id_number"):
        person.set_id_number(fields["id_number"])
    derive_migrant(person)


def _flush_person(person: Person) -> None:
    """Flush; a duplicate phone or ID number that slipped past refuse_taken (a simultaneous request) gets the
    neutral answer, which says nothing about who holds it."""
    try:
        db.session.flush()
    except IntegrityError as error:  # the unit of work the refusal leaves rolls back
        raise _neutral_refusal("id_number" if "id_number" in str(error.orig) else "phone") from None


def may_see(actor, community_id: int | None) -> bool:
    """Whether a person in that community (None: in none) is inside the actor's scope, so may be named."""
    if community_id is None:
        return is_platform_admin(actor)
    return can(actor, "person.view", ("community", community_id))


def _neutral_refusal(field: str) -> Invalid:
    message = _("This number cannot be registered. Check it, or ask the street office.")
    return Invalid(_("Please correct the marked fields."), fields={field: message})


def refuse_taken(actor, fields: dict, except_id: int | None = None) -> None:
    """Refuse a phone or ID number someone else holds. The holder is named as a duplicate (409) only when
    inside the actor's scope; otherwise the answer is a neutral 400, so an administrator of one street
    cannot learn who is registered in another. The database's unique keys still decide."""
    checks = []
    if fields.get("phone"):
        checks.append(("phone", Person.phone, fields["phone"], _("A person with this phone number already exists.")))
    if fields.get("id_number"):
        checks.append(("id_number", Person.id_number_digest, identity.digest_id_number(fields["id_number"]),
                       _("A person with this ID number already exists.")))
    for field, column, value, message in checks:
        statement = select(Person.community_id).where(column == value)
        if except_id:
            statement = statement.where(Person.id != except_id)
        holder = db.session.execute(statement.limit(1)).first()
        if holder is None:
            continue
        if may_see(actor, holder.community_id):
            raise Conflict(message, fields={field: message})
        raise _neutral_refusal(field)


@transactional
def create_person(actor, data: dict) -> tuple[Person, str | None]:
    """Add a person to a community; returns the person and a generated password, if any."""
    fields = clean_person_fields(data, creating=True)
    require(actor, "person.create", ("community", fields["community_id"]))
    generated = None
    password = data.get("password") or None
    if password:
        problem = password_problem(password, fields["phone"])
        if problem:
            raise Invalid(problem, fields={"password": problem})
    else:
        password = generated = generate_password()
    refuse_taken(actor, fields)
    person = Person(password_hash=hash_password(password), must_change_password=generated is not None)
    db.session.add(person)
    _apply(person, fields)
    _flush_person(person)
    record(actor, "person.create", person, summary=person.name)
    return person, generated


@transactional
def update_person(actor, person: Person, data: dict) -> Person:
    """Change a person's details; moving to another community needs rights in both."""
    require(actor, "person.edit", person)
    if data.get("grid_id") and "community_id" not in data:  # the grid must be in the person's community
        data = dict(data, community_id=person.community_id)
    fields = clean_person_fields(data, creating=False)
    if fields.get("community_id") and fields["community_id"] != person.community_id:
        require(actor, "person.edit", ("community", fields["community_id"]))
        fields.setdefault("grid_id", None)  # the old community's grid does not move along
    refuse_taken(actor, fields, except_id=person.id)
    changed = sorted(k for k in fields if k != "id_number" and getattr(person, k, None) != fields[k])
    if "id_number" in fields:
        changed.append("id_number")
    _apply(person, fields)
    _flush_person(person)
    person.updated_at = utcnow()
    record(actor, "person.update", person, summary=person.name, detail={"fields": changed})
    return person


@transactional
def set_active(actor, person: Person, active: bool) -> None:
    """Deactivate (or reactivate) a person's account; nobody is ever deleted with their history."""
    require(actor, "person.edit", person)
    person.is_active_account = active
    if not active:
        end_all_sessions(person)  # a deactivated account is signed out everywhere at once
    record(actor, "person.activate" if active else "person.deactivate", person, summary=person.name)


@transactional
def view_person(actor, person: Person) -> Person:
    """Open a person's record; viewing someone else's personal data is logged."""
    require(actor, "person.view", person)
    if actor.id != person.id:
        record(actor, "person.view", person, summary=person.name)
    return person


@transactional
def reveal_id_number(actor, person: Person) -> str | None:
    """Show the full ID number to an administrator; always logged."""
    require(actor, "person.edit", person)
    record(actor, "person.reveal_id_number", person, summary=person.name)
    return identity.decrypt_id_number(person.id_number_cipher)


def people_query(actor, q: str | None = None, community_id: int | None = None, is_migrant: bool | None = None):
    """The people the actor may list, filtered in SQL, in pinyin order of their names (Person.name_key)."""
    statement = select(Person).order_by(Person.name_key, Person.id)
    allowed = community_condition(actor, "person.list", Person.community_id)
    if allowed is not None:
        statement = statement.where(allowed)
    if community_id:
        statement = statement.where(Person.community_id == community_id)
    if is_migrant is not None:
        statement = statement.where(Person.is_migrant.is_(is_migrant))
    if q and q.strip():
        # A phone number is found only when it is typed whole: a prefix search would rebuild a masked number
        # (138****1234) digit by digit. Names match by prefix.
        phone = identity.normalise_phone(q)
        if identity.PHONE_PATTERN.match(phone):
            statement = statement.where(Person.phone == phone)
        else:
            statement = statement.where(prefix_match(Person.name, q.strip()))
    return statement


@transactional
def own_data(person: Person) -> dict:
    """Everything the platform holds about a person, for their own export (PIPL)."""
    record(person, "person.export_own", person, summary=person.name)
    return {
        "name": person.name, "phone": person.phone, "gender": person.gender,
        "born_on": person.born_on.isoformat() if person.born_on else None,
        "id_number": identity.decrypt_id_number(person.id_number_cipher),
        "hukou_place": person.hukou_place, "is_migrant": person.is_migrant,
        "community": person.community.name if person.community else None,
        "grid": person.grid.name if person.grid else None,
        "living_since_on": person.living_since_on.isoformat() if person.living_since_on else None,
        "residence_permit_no": person.residence_permit_no,
        "residence_permit_until": person.residence_permit_until.isoformat() if person.residence_permit_until else None,
        "employer": person.employer, "hometown": person.hometown,
        "created_at": person.created_at.isoformat(),
    }
