"""Pure rules of the election: voter eligibility and reminder moments.

Each refusal carries a code and a sentence naming the rule, so pages and the API can
show which rule refused it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from community.anniversaries import whole_years


def eligibility_problems(person, election, voting_day: date) -> list[tuple[str, str]]:
    """Every rule that keeps `person` off this election's roll, as (code, message); empty means eligible.

    Checks age on voting day, political rights, living in the community and, for migrants,
    the residence rule (and a residence permit where the election requires one). The
    committee's approval, the written promise and the one-roll-per-term rule are checked
    by the service, because they need the database or the committee's act.
    """
    problems = []
    age = person.age_on(voting_day)
    if age is None:
        problems.append(("age_unknown", _("Rule: voters must be %(n)d or older on voting day, and the birth date "
                                          "is not on record.", n=election.min_age)))
    elif age < election.min_age:
        problems.append(("too_young", _("Rule: voters must be %(n)d or older on voting day (%(day)s).",
                                        n=election.min_age, day=voting_day.isoformat())))
    if not person.has_political_rights:
        problems.append(("no_political_rights", _("Rule: a person deprived of political rights cannot vote.")))
    if person.community_id != election.community_id:
        problems.append(("not_resident", _("Rule: voters must live in the community of the election.")))
    elif getattr(election, "grid_id", None) and person.grid_id != election.grid_id:
        problems.append(("not_in_group", _("Rule: this election covers one residents' group; voters must live in "
                                           "it.")))
    if person.is_migrant:
        since = person.living_since_on
        if since is None or whole_years(since, voting_day) < election.migrant_min_years:
            problems.append(("migrant_residence", ngettext(
                "Rule: a migrant registered elsewhere qualifies after living here %(num)d year or more by voting day.",
                "Rule: a migrant registered elsewhere qualifies after living here %(num)d years or more by voting day.",
                election.migrant_min_years)))
        if election.migrant_needs_permit and not person.residence_permit_no:
            problems.append(("migrant_permit", _("Rule: this election requires migrants to hold a residence "
                                                 "permit (居住证).")))
    return problems


def excuse_deadline(voting_day: date, notice_days: int) -> date:
    """The last day on which a voter may tell the committee they cannot take part."""
    return voting_day - timedelta(days=notice_days)


def nominations_close_at(election) -> datetime | None:
    """When nominations close: as set, else when the candidate list is (or must at the latest be) published."""
    if election.nominations_close_at:
        return election.nominations_close_at
    if election.voting_opens_at:
        latest = election.voting_opens_at - timedelta(days=election.candidates_days_before)
        return min(latest, election.candidates_published_at) if election.candidates_published_at else latest
    return None


def objections_close_at(election) -> datetime | None:
    """The end of the period for objections to the roll, counted from its publication."""
    if not election.roll_published_at:
        return None
    return election.roll_published_at + timedelta(days=election.objection_days)


def reminder_moments(election) -> list[tuple[str, datetime]]:
    """The reminders the scheduler will send for this election, as (kind, due time in UTC), by time.

    roll_published: when the roll is published (to the roll); nominations_closing: 24 h before
    nominations close (to the voters); voting_open: when voting opens (to the voters);
    voting_closing: 24 h before voting closes (to voters who have not voted yet);
    results_published: when results are published (to the voters). Only moments known yet appear.
    """
    moments = []
    if election.roll_published_at:
        moments.append(("roll_published", election.roll_published_at))
    closing = nominations_close_at(election)
    if closing and election.roll_published_at:
        moments.append(("nominations_closing", max(closing - timedelta(hours=24), election.roll_published_at)))
    if election.voting_opens_at:
        moments.append(("voting_open", election.voting_opens_at))
    if election.voting_closes_at:
        due = election.voting_closes_at - timedelta(hours=24)
        if election.voting_opens_at:
            due = max(due, election.voting_opens_at)
        moments.append(("voting_closing", due))
    if election.published_at:
        moments.append(("results_published", election.published_at))
    return sorted(moments, key=lambda m: m[1])


REMINDER_AUDIENCE = {
    "roll_published": "roll",
    "nominations_closing": "roll",
    "voting_open": "roll",
    "voting_closing": "roll_not_voted",
    "results_published": "roll",
}


def age_band(age: int | None) -> str:
    """The age bands of the composition table."""
    if age is None:
        return "unknown"
    if age <= 35:
        return "18-35"
    if age <= 50:
        return "36-50"
    if age <= 60:
        return "51-60"
    return "61+"
