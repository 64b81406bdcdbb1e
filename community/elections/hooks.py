"""What the elections add to the home page."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app import db
from community.database import utcnow
from community.elections.models import Election, Participation, VoterRecord
from community.elections.rules import eligibility_problems


def _committee_task(election: Election, voters: int, candidates: int) -> str:
    """What the committee has to do next, in one sentence."""
    from community.database import as_local

    when = as_local(election.voting_opens_at).strftime("%Y-%m-%d %H:%M") if election.voting_opens_at else "—"
    closes = as_local(election.voting_closes_at).strftime("%Y-%m-%d %H:%M") if election.voting_closes_at else "—"
    tasks = {
        "draft": ngettext("Next: build the voter roll (%(num)d voter so far) and publish it.",
                          "Next: build the voter roll (%(num)d voters so far) and publish it.", voters),
        "roll_published": _("Next: open nominations."),
        "nominating": _("Next: put the candidates on the list (%(n)d, at least %(m)d needed).", n=candidates,
                        m=election.min_candidates),
        "candidates_published": _("Next: open voting when it is due (%(when)s).", when=when),
        "voting": _("Voting is open until %(when)s.", when=closes),
        "closed": _("Next: open the sealed ballots and count them."),
        "counted": _("Next: publish the results."),
    }
    return tasks.get(election.status, "")


def committee_panels(person) -> list[dict]:
    """A card per election the person runs as a committee member, straight to its manage page (one query for
    the elections, one for their counts)."""
    from sqlalchemy import func

    from community.elections.models import Candidate
    from community.roles.models import RoleGrant

    elections = db.session.scalars(select(Election).join(RoleGrant, (RoleGrant.scope_id == Election.id) & (
        RoleGrant.scope_type == "election")).where(
        RoleGrant.person_id == person.id, RoleGrant.role == "election_committee",
        Election.status != "published").order_by(Election.id.desc()).limit(5)).all()
    if not elections:
        return []
    ids = [e.id for e in elections]
    voters = dict(db.session.execute(select(VoterRecord.election_id, func.count()).where(
        VoterRecord.election_id.in_(ids), VoterRecord.status == "registered")
        .group_by(VoterRecord.election_id)).all())
    candidates = dict(db.session.execute(select(Candidate.election_id, func.count()).where(
        Candidate.election_id.in_(ids)).group_by(Candidate.election_id)).all())
    return [{"title": _("You run the election: %(t)s", t=e.title),
             "body": _committee_task(e, voters.get(e.id, 0), candidates.get(e.id, 0)),
             "url": url_for("elections_manage.manage", election_id=e.id)} for e in elections]


def home_panels(person) -> list[dict]:
    """Cards: the elections one runs; vote now, you are on the roll, you may apply to be on the roll."""
    return committee_panels(person) + resident_panels(person)


def resident_panels(person) -> list[dict]:
    """Cards of a resident: vote now, you are on the roll, you may apply to be on the roll."""
    if not getattr(person, "community_id", None):
        return []
    elections = db.session.scalars(select(Election).where(
        Election.community_id == person.community_id,
        Election.status.in_(["draft", "roll_published", "nominating", "candidates_published", "voting",
                             "counted", "published"])).order_by(Election.id.desc()).limit(5)).all()
    if not elections:
        return []
    ids = [e.id for e in elections]
    on_roll = dict(db.session.execute(select(VoterRecord.election_id, VoterRecord.status).where(
        VoterRecord.election_id.in_(ids), VoterRecord.person_id == person.id)).all())
    voted = set(db.session.scalars(select(Participation.election_id).join(
        Election, Election.id == Participation.election_id).where(
        Participation.election_id.in_(ids), Participation.voter_id == person.id,
        Participation.round_no == Election.current_round)))
    panels = []
    for election in elections:
        url = url_for("elections.detail", election_id=election.id)
        status = on_roll.get(election.id)
        if election.status == "voting" and status == "registered" and election.id not in voted:
            panels.append({"title": _("Voting is open: %(t)s", t=election.title),
                           "body": _("You are on the roll. Vote now on your phone; it takes a minute."),
                           "url": url_for("elections.vote", election_id=election.id)})
        elif election.status == "published":
            panels.append({"title": _("Results published: %(t)s", t=election.title),
                           "body": _("See who was elected."), "url": url_for("elections.results",
                                                                             election_id=election.id)})
        elif status == "registered" and election.status != "draft":
            panels.append({"title": _("You are on the roll: %(t)s", t=election.title),
                           "body": _("See the timeline and the candidates."), "url": url})
        elif status == "applied":
            panels.append({"title": _("Your application is waiting: %(t)s", t=election.title),
                           "body": _("The election committee will decide on it."), "url": url})
        elif (status is None and person.is_migrant and election.status in ("roll_published", "nominating")
              and not eligibility_problems(person, election, election.voting_day or utcnow().date())):
            panels.append({"title": _("You may apply to be on the roll: %(t)s", t=election.title),
                           "body": _("You have lived here long enough to vote as a new resident."), "url": url})
    return panels
