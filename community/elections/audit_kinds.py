"""How the audit log words an election's rows (see community/audit/kinds.py), in the reader's language."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

# The notes record_step stores (codes, and the creation note as older rows stored it, in Chinese), worded in
# the reader's language; "recall <id>" is a recall vote.
STEP_NOTES = {"created": _l("created"), "已创建": _l("created"), "runoff": _l("Runoff among tied candidates"),
              "repeat": _l("voting again"), "second": _l("Second round (另行选举)")}


def _step(entry, names: dict) -> str:
    """A lifecycle step stored as "title: status note": the title and the note in words, without the codes."""
    status = entry.action.rsplit(".", 1)[1]
    title, _sep, rest = (entry.summary or "").partition(f": {status}")
    note = rest.strip()
    if re.fullmatch(r"recall \d+", note):
        note = _("recall vote")
    elif note in STEP_NOTES:
        note = str(STEP_NOTES[note])
    return f"{title} · {note}" if note else title


def _refusal(entry, names: dict) -> str:
    """A refusal stored as "rule_code: message": the message only."""
    code, sep, message = (entry.summary or "").partition(": ")
    return message if sep and re.fullmatch(r"[a-z_]+", code) else entry.summary or ""


def _roll_built(entry, names: dict) -> str:
    """Stored as "added 12": worded again with ngettext."""
    found = re.fullmatch(r"added (\d+)", entry.summary or "")
    return ngettext("%(num)d voter added", "%(num)d voters added", int(found[1])) if found else entry.summary or ""


# The reasons an election's role.revoke rows store (manage_forms.dismiss, candidates.add_candidate): English
# msgids, marked here for the catalogue, that the audit log words in the reader's language (kinds._role);
# tests/community/elections/test_audit_words.py fails if a caller's text and these drift apart.
REVOKE_REASONS = (_l("removed on the manage page"), _l("became a candidate"))
NOMINATED_BY = {"voters": _l("joint nomination by voters"), "committee": _l("nominated by the committee")}


def _named(entry, names: dict) -> str:
    """Stored as "<person id> <name>": the name."""
    found = re.fullmatch(r"\d+ (.+)", entry.summary or "", re.S)
    return found[1] if found else entry.summary or ""


def _nominated(entry, names: dict) -> str:
    """Stored as "<id> <name> (<kind>)", a group's name in detail: the name and who nominated, in words."""
    found = re.fullmatch(r"\d+ (.+) \(([a-z]+)\)", entry.summary or "", re.S)
    if not found:
        return entry.summary or ""
    if found[2] == "group":
        group = (entry.detail or {}).get("group")
        by = _("residents' group “%(group)s”", group=group) if group else _("a residents' group")
    else:
        by = str(NOMINATED_BY.get(found[2], ""))
    return " · ".join(part for part in (found[1], by) if part)


def _proxy(entry, names: dict) -> str:
    """The two names kept in detail (older rows kept only record numbers: the label says it all)."""
    detail = entry.detail or {}
    if detail.get("principal") and detail.get("proxy"):
        return _("%(proxy)s votes for %(principal)s", proxy=detail["proxy"], principal=detail["principal"])
    return ""


def _removed(entry, names: dict) -> str:
    """Stored as "<person id>: <reason typed by the committee>": the reason."""
    found = re.fullmatch(r"\d+: ?(.*)", entry.summary or "", re.S)
    return found[1] if found else entry.summary or ""


def _introduced(entry, names: dict) -> str:
    return (entry.detail or {}).get("name") or ""


def _opened(entry, names: dict) -> str:
    """Stored as "round 1: 30 opened, 0 unreadable, 2 paper"."""
    found = re.fullmatch(r"round (\d+): (\d+) opened, (\d+) unreadable, (\d+) paper", entry.summary or "")
    if not found:
        return ""
    round_no, opened, unreadable, paper = (int(n) for n in found.groups())
    return " · ".join((_("Round %(n)d", n=round_no),
                       ngettext("%(num)d online ballot opened", "%(num)d online ballots opened", opened),
                       ngettext("%(num)d unreadable", "%(num)d unreadable", unreadable),
                       ngettext("%(num)d paper ballot", "%(num)d paper ballots", paper)))


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
    reg.audit_kind("election.ballots_opened", _l("Ballots opened for the count"), _opened)
    reg.audit_kind("election.candidate_add", _l("Candidate added"), _named)
    reg.audit_kind("election.candidate_introduction", _l("Candidate introduction written"), _introduced)
    reg.audit_kind("election.candidate_remove", _l("Candidate removed"), lambda entry, names: "")
    reg.audit_kind("election.kinship", _l("Near relatives recorded"), lambda entry, names: "")
    reg.audit_kind("election.nominate", _l("Candidate nominated"), _nominated)
    reg.audit_kind("election.objection", _l("Objection to the voter roll"))
    reg.audit_kind("election.objection_answer", _l("Objection answered"), lambda entry, names: "")
    reg.audit_kind("election.paper_issued", _l("Paper ballot issued"), lambda entry, names: "")
    reg.audit_kind("election.paper_resolved", _l("Paper ballot sheet resolved"))
    reg.audit_kind("election.proxy", _l("Proxy vote approved"), _proxy)
    reg.audit_kind("election.recall_decided", _l("Recall decided"), _recall)
    reg.audit_kind("election.recall_lapsed", _l("Recall lapsed"), _recall)
    reg.audit_kind("election.recall_proposed", _l("Recall proposed"), _recall)
    reg.audit_kind("election.roll_apply", _l("Asked to be on the voter roll"))
    reg.audit_kind("election.roll_build", _l("Voter roll built"), _roll_built)
    reg.audit_kind("election.settings", _l("Election settings changed"), lambda entry, names: "")
    reg.audit_kind("election.share_shown", _l("Key share shown to its supervisor"), _share)
    reg.audit_kind("election.voter_add", _l("Voter added to the roll"), _named)
    reg.audit_kind("election.voter_excused", _l("Voter excused"), lambda entry, names: "")
    reg.audit_kind("election.voter_remove", _l("Voter removed from the roll"), _removed)
    from community.elections.models import STATUSES

    for status in STATUSES:
        reg.audit_kind(f"election.{status}", _StepLabel(status), _step)
    reg.audit_kind("election.*", _l("Election step"), _step)  # a step added later, until it has its label
