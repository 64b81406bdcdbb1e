"""How the audit log words an election's rows (see community/audit/kinds.py), in the reader's language."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


def _step(entry, names: dict) -> str:
    """A lifecycle step stored as "title: status note": the title and the note, without the status code."""
    status = entry.action.rsplit(".", 1)[1]
    title, _sep, rest = (entry.summary or "").partition(f": {status}")
    return f"{title} · {rest.strip()}" if rest.strip() else title


def _refusal(entry, names: dict) -> str:
    """A refusal stored as "rule_code: message": the message only."""
    code, sep, message = (entry.summary or "").partition(": ")
    return message if sep and re.fullmatch(r"[a-z_]+", code) else entry.summary or ""


def _roll_built(entry, names: dict) -> str:
    """Stored as "added 12": worded again with ngettext."""
    found = re.fullmatch(r"added (\d+)", entry.summary or "")
    return ngettext("%(num)d voter added", "%(num)d voters added", int(found[1])) if found else entry.summary or ""


def _share(entry, names: dict) -> str:
    found = re.fullmatch(r"round (\d+) share (\d+)", entry.summary or "")
    return _("Round %(round)s, share %(share)s", round=found[1], share=found[2]) if found else ""


def _recall(entry, names: dict) -> str:
    found = re.match(r"candidate (\d+)", entry.summary or "")
    return _("Candidate no. %(id)s", id=found[1]) if found else ""


class _StepLabel:
    """A lifecycle step's label, worded when shown (like a lazy string) in the reader's language."""

    def __init__(self, status: str):
        self.status = status

    def __str__(self) -> str:
        from community.elections.services.common import status_label

        return _("Election step: %(status)s", status=status_label(self.status))


def register(reg) -> None:
    """The election package's kinds of audit rows."""
    reg.audit_kind("election.ballot_refused", _l("Ballot refused"), _refusal)
    reg.audit_kind("election.ballots_opened", _l("Ballots opened for the count"))
    reg.audit_kind("election.candidate_add", _l("Candidate added"))
    reg.audit_kind("election.candidate_remove", _l("Candidate removed"), lambda entry, names: "")
    reg.audit_kind("election.kinship", _l("Near relatives recorded"))
    reg.audit_kind("election.nominate", _l("Candidate nominated"))
    reg.audit_kind("election.objection", _l("Objection to the voter roll"))
    reg.audit_kind("election.objection_answer", _l("Objection answered"), lambda entry, names: "")
    reg.audit_kind("election.paper_issued", _l("Paper ballot issued"), lambda entry, names: "")
    reg.audit_kind("election.paper_resolved", _l("Paper ballot sheet resolved"))
    reg.audit_kind("election.proxy", _l("Proxy vote approved"))
    reg.audit_kind("election.recall_decided", _l("Recall decided"), _recall)
    reg.audit_kind("election.recall_lapsed", _l("Recall lapsed"), _recall)
    reg.audit_kind("election.recall_proposed", _l("Recall proposed"), _recall)
    reg.audit_kind("election.roll_apply", _l("Asked to be on the voter roll"))
    reg.audit_kind("election.roll_build", _l("Voter roll built"), _roll_built)
    reg.audit_kind("election.settings", _l("Election settings changed"), lambda entry, names: "")
    reg.audit_kind("election.share_shown", _l("Key share shown to its supervisor"), _share)
    reg.audit_kind("election.voter_add", _l("Voter added to the roll"))
    reg.audit_kind("election.voter_excused", _l("Voter excused"), lambda entry, names: "")
    reg.audit_kind("election.voter_remove", _l("Voter removed from the roll"))
    from community.elections.models import STATUSES

    for status in STATUSES:
        reg.audit_kind(f"election.{status}", _StepLabel(status), _step)
    reg.audit_kind("election.*", _l("Election step"), _step)  # a step added later, until it has its label
