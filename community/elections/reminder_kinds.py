"""How the elections' reminders are worded, and the kinds a person chooses channels for.

Each render takes a batch of reminder rows and loads their elections in one query; the wording gives the
full date, the weekday and the time in Asia/Shanghai ("2026年12月5日（星期六）08:00"), read from the live
election so that a moved time is shown as it now stands.
"""
from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import db
from community.elections.models import Election, ElectionRound
from community.elections.rules import nominations_close_at, objections_close_at


def full_moment(moment) -> str:
    """A date with its weekday and time, in the current language ("2026年12月5日（星期六）08:00")."""
    if moment is None:
        return ""
    return format_datetime(moment, _("EEEE, d MMMM y, HH:mm"))


def _elections(reminders) -> dict[int, Election]:
    ids = {r.payload.get("election_id") for r in reminders if r.payload}
    ids.discard(None)
    return {e.id: e for e in db.session.scalars(select(Election).where(Election.id.in_(ids)))} if ids else {}


def _rounds(reminders) -> dict[tuple[int, int], ElectionRound]:
    """The rounds named by the rows (their own closing times), in one query."""
    ids = {r.payload.get("election_id") for r in reminders if r.payload}
    ids.discard(None)
    if not ids:
        return {}
    rows = db.session.scalars(select(ElectionRound).where(ElectionRound.election_id.in_(ids)))
    return {(row.election_id, row.number): row for row in rows}


def _closing(election: Election, rounds: dict, number: int):
    found = rounds.get((election.id, number))
    return (found.opens_at, found.closes_at) if found else (election.voting_opens_at, election.voting_closes_at)


def _render(word):
    """A batch renderer from `word(election, reminder, rounds) -> (title, body)`."""
    def render(reminders) -> dict:
        from community.reminders.kinds import Message

        elections, rounds = _elections(reminders), _rounds(reminders)
        messages = {}
        for reminder in reminders:
            election = elections.get((reminder.payload or {}).get("election_id"))
            if election is None:
                continue
            title, body = word(election, reminder, rounds)
            messages[reminder.id] = Message(title=title, body=body, url=f"/elections/{election.id}")
        return messages
    return render


def _roll_published(election, reminder, rounds):
    closes = objections_close_at(election)
    body = _("You are on the voter roll of “%(t)s”. Voting opens %(opens)s.", t=election.title,
             opens=full_moment(election.voting_opens_at))
    if closes and election.objection_days:
        body += " " + _("Objections to the roll may be filed until %(when)s.", when=full_moment(closes))
    return _("Voter roll published: %(t)s", t=election.title), body


def _objection_deadline(election, reminder, rounds):
    return (_("Objections to the roll close soon: %(t)s", t=election.title),
            _("Objections to the voter roll of “%(t)s” may be filed until %(when)s. Check that your line is "
              "right.", t=election.title, when=full_moment(objections_close_at(election))))


def _nominations_closing(election, reminder, rounds):
    return (_("Nominations close soon: %(t)s", t=election.title),
            _("Nominations for “%(t)s” close %(when)s.", t=election.title,
              when=full_moment(nominations_close_at(election))))


def _candidates_published(election, reminder, rounds):
    return (_("Candidate list published: %(t)s", t=election.title),
            _("The candidates of “%(t)s” are published. Voting opens %(opens)s.", t=election.title,
              opens=full_moment(election.voting_opens_at)))


def _voting_open(election, reminder, rounds):
    opens, closes = _closing(election, rounds, (reminder.payload or {}).get("round") or 1)
    return (_("Voting is open: %(t)s", t=election.title),
            _("Voting for “%(t)s” opens %(opens)s and closes %(closes)s. Vote on your phone or at the polling "
              "station.", t=election.title, opens=full_moment(opens), closes=full_moment(closes)))


def _voting_closing(election, reminder, rounds):
    _opens, closes = _closing(election, rounds, (reminder.payload or {}).get("round") or 1)
    return (_("Last day to vote: %(t)s", t=election.title),
            _("You have not voted yet in “%(t)s”. Voting closes %(closes)s.", t=election.title,
              closes=full_moment(closes)))


def _results_published(election, reminder, rounds):
    return (_("Results published: %(t)s", t=election.title),
            _("The results of “%(t)s” are published. See who was elected.", t=election.title))


def register(reg) -> None:
    """The elections' reminder kinds, with their label and who gets them when (for the preferences page)."""
    from community.reminders.kinds import ReminderKind

    kinds = {
        "election_roll_published": (_l("Voter roll published"), _l("To everyone on the roll, when it is published."),
                                    _roll_published),
        "election_objection_deadline": (_l("Objections to the roll close"),
                                        _l("To everyone on the roll, 24 hours before objections close."),
                                        _objection_deadline),
        "election_nominations_closing": (_l("Nominations closing"),
                                         _l("To everyone on the roll, 24 hours before nominations close."),
                                         _nominations_closing),
        "election_candidates_published": (_l("Candidate list published"),
                                          _l("To everyone on the roll, when the candidates are published."),
                                          _candidates_published),
        "election_voting_open": (_l("Voting open"), _l("To everyone on the roll, when voting opens."), _voting_open),
        "election_voting_closing": (_l("Last day to vote"),
                                    _l("To voters who have not voted, 24 hours before voting closes."),
                                    _voting_closing),
        "election_results_published": (_l("Election results published"),
                                       _l("To everyone on the roll, when the results are published."),
                                       _results_published),
    }
    for name, (label, description, word) in kinds.items():
        reg.reminder_kind(name, ReminderKind(label=label, render=_render(word), description=description))

