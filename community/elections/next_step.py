"""What a step of the election does, said in plain words before it is taken: the manage page's "Next step"
asks first (no step can be undone), in its own section, with the same choice again to confirm it."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from community.elections.services.common import current_round, moment, status_label
from community.templating import local_time


def _when(value) -> str:
    return local_time(value) or "—"


def consequence(election, step: str, data: dict) -> str:
    """One step's effect on the residents, voters and committee, ending with what can no longer be changed."""
    if step == "roll_published":
        return _("Once the voter roll is published, it is open to the residents of this community and the voters "
                 "are told; it cannot be withdrawn.")
    if step == "nominating":
        return _("Once nominations open, voters and residents' groups nominate candidates; the election cannot go "
                 "back to an earlier step.")
    if step == "candidates_published":
        return _("Once the candidate list is published, every voter sees it; nominations end, and neither the "
                 "candidates nor the voter roll can be changed any more.")
    if step == "voting" and election.status == "counted":
        return _("Round %(n)d opens for voting until %(closes)s: the voters vote again, and it cannot be called "
                 "off.", n=(current_round(election).number + 1), closes=_when(moment(data.get("closes_at"),
                                                                                        "closes_at")))
    if step == "voting":
        return _("Once voting opens, voters cast their ballots until %(closes)s and the ballot key is shared among "
                 "the supervisors; voting cannot be called off.", closes=_when(election.voting_closes_at))
    if step == "closed":
        return _("Once voting closes, nobody can vote any more, online or on paper; voting cannot be reopened.")
    if step == "counted":
        return _("Once the ballots are counted, the result of this round is recorded and cannot be changed.")
    if step == "published":
        return _("Once the results are published, every resident of this community can see them and the voters "
                 "are told; they cannot be withdrawn.")
    return ""


BUTTONS = {
    "roll_published": lambda: _("Yes, publish the voter roll"),
    "nominating": lambda: _("Yes, open nominations"),
    "candidates_published": lambda: _("Yes, publish the candidate list"),
    "voting": lambda: _("Yes, open voting"),
    "closed": lambda: _("Yes, close voting"),
    "counted": lambda: _("Yes, count the ballots"),
    "published": lambda: _("Yes, publish the results"),
}


def confirmation(election, target: str, steps: list[str], data: dict, form) -> dict:
    """The confirmation step for moving `election` to `target` through `steps` (the manage page's `confirm`):
    what each step does, and the same choice again with `confirmed`."""
    text = " ".join(consequence(election, step, data) for step in steps)
    if len(steps) > 1:
        text = _("This takes these steps at once: %(steps)s.",
                 steps=_(", ").join(status_label(step) for step in steps)) + " " + text
    fields = {key: form.get(key) for key in ("status", "opens_at", "closes_at") if form.get(key)}
    return {"section": "next-step", "text": text, "button": BUTTONS[target](),
            "action": url_for("elections_manage.status", election_id=election.id),
            "fields": {**fields, "confirmed": "1"}}
