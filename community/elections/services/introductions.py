"""Candidate introductions: what the committee writes about each candidate, and what the record gives."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from community.audit.services import record
from community.authz import require
from community.database import as_local, transactional, utcnow
from community.elections.models import Candidate, Election
from community.elections.services.common import require_status
from community.errors import Invalid, NotFound

# Party membership is shown only when the committee says so (the candidate's choice). The branch rosters
# belong to the branches package, which elections may not read, so the committee enters what the
# candidate declares.
PARTY_LABELS = {"": _l("Not shown"), "member": _l("Member of the Communist Party of China (中共党员)"),
                "probationary": _l("Probationary party member (中共预备党员)"),
                "mobile": _l("Mobile party member (流动党员)")}
LIMITS = {"occupation": 60, "statement": 500}
# Introductions may change until voting opens: every voter reads the same text.
EDITABLE = ("draft", "roll_published", "nominating", "candidates_published")


def _clean(data: dict) -> dict:
    """The fields given, trimmed and checked; errors by field name."""
    clean, fields = {}, {}
    for name, limit in LIMITS.items():
        if name in data:
            value = " ".join(str(data[name] or "").split()) if name == "occupation" else str(data[name] or "").strip()
            if len(value) > limit:
                fields[name] = _("At most %(n)d characters.", n=limit)
            clean[name] = value
    if "party" in data:
        value = data["party"] or ""
        if value not in PARTY_LABELS:
            fields["party"] = _("Invalid value.")
        clean["party"] = value
    if fields:
        raise Invalid(_("Please correct the marked fields."), fields=fields)
    return clean


@transactional
def update_introduction(actor, election: Election, candidate: Candidate, data: dict) -> Candidate:
    """The committee writes a candidate's occupation, statement and the party membership to show."""
    require(actor, "election.manage", election)
    if candidate.election_id != election.id:
        raise NotFound(_("No such candidate."))
    require_status(election, *EDITABLE)
    for name, value in _clean(data).items():
        setattr(candidate, name, value)
    record(actor, "election.candidate_introduction", election, summary=f"{candidate.person_id}",
           detail={"name": candidate.person.name})
    return candidate


def introduction_day(election: Election) -> date:
    """The day ages are counted on: the voting day, or today before one is set."""
    return election.voting_day or as_local(utcnow()).date()


def introduction(candidate: Candidate, day: date) -> dict:
    """What a voter reads about a candidate; the person must be loaded (no query here). `facts` are the
    short items in reading order: age, hometown, occupation, party membership (when shown)."""
    person = candidate.person
    age = person.age_on(day)
    party_label = str(PARTY_LABELS[candidate.party]) if candidate.party and candidate.party in PARTY_LABELS else ""
    facts = [ngettext("%(num)d year old", "%(num)d years old", age) if age is not None else "",
             _("from %(place)s", place=person.hometown) if person.hometown else "",
             candidate.occupation or "", party_label]
    return {"age": age, "hometown": person.hometown or "", "occupation": candidate.occupation or "",
            "statement": candidate.statement or "", "party": candidate.party or None,
            "party_label": party_label, "facts": [fact for fact in facts if fact]}
