"""The person picker's rules: whom a form may choose, found by name, and the person a submitted form names.

Every form that chooses a person (an election's voters, committee, candidates and paper ballots; a meeting's
invitees; roles; a branch's members) uses the macro `person_picker` (templates/_picker.html, its usage is
documented there), its script static/js/picker.js, the search `GET /api/v1/people/picker` (picker_api.py) and,
on the server, `picked_person`. The search and the submitted form follow the same rule:

- the caller must be allowed `action` in the form's scope (`can(actor, action, scope)`), checked before any
  lookup, and `action` must be registered as a picking action (`actions_of(..., picking={...})`), so a role
  that never chooses people cannot be used to list them; an action registered with `picker_rule` (searchers who
  hold no role, e.g. a voter nominating a neighbour) has its own check and its own set of people instead;
- only people of that scope's community are found (of its street, for a scope that sits in a street but no
  community, e.g. a branch), active accounts only;
- a name matches by prefix, a phone number only when typed whole (a prefix would rebuild a masked number);
- at most 10 suggestions, each with its community, masked phone and age to tell namesakes apart.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from app import db
from community.authz import require, scope_chain
from community.database import as_local, prefix_match, utcnow, valid_id
from community.errors import Invalid
from community.people import identity
from community.people.models import Person
from community.places.models import Community

MAX_SUGGESTIONS = 10
MAX_TYPED = 50


class NotPicked(Invalid):
    """The picker field names nobody in the scope (`field` says which): the form asks to pick again."""

    def __init__(self, message: str, field: str):
        super().__init__(message, fields={field: message})
        self.field = field


class PickAmong(NotPicked):
    """The typed name fits several people: the form shows them (`choices`) for the user to choose one."""

    code = "choose_person"

    def __init__(self, message: str, field: str, choices: list[dict]):
        super().__init__(message, field)
        self.choices = choices


def _findable(actor, action: str, scope: tuple[str, int]):
    """Check that `actor` may pick for `action` in `scope` (before any lookup); the SQL condition on whom."""
    from community.registry import registry

    if action not in registry().picking_actions:
        raise Invalid(_("This form does not choose people."), fields={"action": _("Invalid value.")})
    rule = registry().picker_rules.get(action)
    if rule is not None:
        return rule(actor, scope)
    require(actor, action, scope)
    return _in_area(area_of(scope))


def area_of(scope: tuple[str, int]) -> tuple[str, int] | None:
    """The community (or, failing one, the street) a scope sits in; None for the whole platform."""
    if scope[0] == "platform":
        return None
    for kind, ident in scope_chain(scope):
        if kind in ("community", "street"):
            return kind, ident
    return ("none", 0)


def _in_area(area):
    if area is None:
        return Person.id.is_not(None)
    kind, ident = area
    if kind == "community":
        return Person.community_id == ident
    if kind == "street":
        return Person.community_id.in_(select(Community.id).where(Community.street_id == ident))
    return false()


def _ages(action: str) -> bool:
    from community.registry import registry

    return action not in registry().picker_rules


def _people(findable):
    return (select(Person).where(findable, Person.is_active_account.is_(True))
            .options(joinedload(Person.community)).order_by(Person.name_key, Person.id))


def _matching(statement, typed: str):
    phone = identity.normalise_phone(typed)
    if identity.PHONE_PATTERN.match(phone):
        return statement.where(Person.phone == phone)
    return statement.where(prefix_match(Person.name, typed))


def suggestion(person: Person, today: date, ages: bool = True) -> dict:
    """What the picker shows of a person: name, community, masked phone and age (never the whole number); no
    age for searchers who hold no role (a picker rule's, e.g. a voter)."""
    age = person.age_on(today) if ages else None
    details = [person.community.name if person.community else "", person.phone_masked,
               ngettext("%(num)d year old", "%(num)d years old", age) if age is not None else ""]
    return {"id": person.id, "name": person.name, "community": person.community.name if person.community else "",
            "phone": person.phone_masked, "age": age, "details": " · ".join(d for d in details if d)}


def search(actor, q: str | None, scope: tuple[str, int], action: str, now=None) -> list[dict]:
    """Up to 10 people of the scope's community whose name starts with `q` (or whose whole phone it is);
    the permission is checked first, so a stranger learns nothing, not even whether anybody matched."""
    findable = _findable(actor, action, scope)
    typed = (q or "").strip()
    if not typed:
        return []
    if len(typed) > MAX_TYPED:
        raise Invalid(_("Type at most %(n)d characters.", n=MAX_TYPED), fields={"q": _("Too long.")})
    today = as_local(now or utcnow()).date()
    rows = db.session.scalars(_matching(_people(findable), typed).limit(MAX_SUGGESTIONS)).unique().all()
    return [suggestion(person, today, _ages(action)) for person in rows]


def picked_person(actor, form, scope: tuple[str, int], action: str, field: str = "person", now=None) -> Person:
    """The person a picker field of a submitted form names, by the one rule every form follows.

    The permission comes first. A person chosen from the suggestions (`<field>_id`) is taken when they are in
    the scope and the text still shows their name (or the prefix that offered them); otherwise the typed text
    is resolved in the scope: a whole phone number, then the exact name, then a name prefix. One match is the
    person; several raise PickAmong with the namesakes (the page shows them to choose from); none raises
    NotPicked (an Invalid) beside the field.
    """
    people = _people(_findable(actor, action, scope))
    typed = (form.get(field) or "").strip()[:MAX_TYPED]
    chosen = form.get(f"{field}_id") or ""
    if chosen.isascii() and chosen.isdigit() and valid_id(int(chosen)):
        person = db.session.scalars(people.where(Person.id == int(chosen))).unique().first()
        # The text shows the chosen person: their name (a suggestion), or the prefix that offered the namesakes.
        if person is not None and (not typed or person.name.startswith(typed)
                                   or identity.normalise_phone(typed) == person.phone):
            return person
    if not typed:
        raise NotPicked(_("Type a name and choose the person from the list."), field)
    found = db.session.scalars(people.where(Person.name == typed).limit(MAX_SUGGESTIONS + 1)).unique().all()
    if not found:
        found = db.session.scalars(_matching(people, typed).limit(MAX_SUGGESTIONS + 1)).unique().all()
    if len(found) == 1:
        return found[0]
    if not found:
        message = _("Nobody called “%(q)s” was found here. Check the name, or type the whole phone number.",
                    q=typed)
        raise NotPicked(message, field)
    today = as_local(now or utcnow()).date()
    message = _("Several people are called “%(q)s”. Choose one below (their community, phone and age tell them "
                "apart).", q=typed)
    raise PickAmong(message, field, [suggestion(person, today, _ages(action)) for person in found[:MAX_SUGGESTIONS]])
