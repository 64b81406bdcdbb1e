"""What the audit log shows for each kind of row: a label and a summary, in the reader's language.

Rows keep what they stored (`action` is a code such as "person.view"; `summary` and `detail` as written);
the page never shows the code. Each package registers its kinds with `reg.audit_kind(action, label,
summary=fn)`; `fn(entry, names)` renders the summary at display time from the stored row, so a row written
by a Chinese-speaking administrator reads in English for an English reader. An action ending in ".*" names
a family (an election's lifecycle steps: "election.voting", "election.closed"…).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from community.registry import registry

# role.grant / role.revoke rows store "name: role @ scope_type:scope_id[ reason]".
ROLE_SUMMARY = re.compile(r"^(?P<name>.*): (?P<role>[a-z_]+) @ (?P<type>[a-z_]+):(?P<id>\d+)(?: (?P<reason>.*))?$",
                          re.S)


@dataclass(frozen=True)
class AuditKind:
    """A kind of audit row: its label, and how to word its summary (None: the stored summary as it is)."""

    label: object
    summary: object = None


def kind_of(action: str) -> AuditKind | None:
    """The registered kind of an action, exact name first, then its family ("election.*")."""
    kinds = registry().audit_kinds
    return kinds.get(action) or kinds.get(action.rsplit(".", 1)[0] + ".*")


def label_of(action: str) -> str:
    """The action in the reader's language; an unregistered one gets a generic label, never its code."""
    kind = kind_of(action)
    return str(kind.label) if kind else _("Other action")


def role_scopes(entries) -> list[tuple[str, int]]:
    """The scopes named by the role rows of a page, to look their names up in one query per scope type."""
    scopes = set()
    for entry in entries:
        found = entry.action.startswith("role.") and ROLE_SUMMARY.match(entry.summary or "")
        if found and found["type"] != "platform":
            scopes.add((found["type"], int(found["id"])))
    return sorted(scopes)


def summary_of(entry, names: dict) -> str:
    """The row's summary in the reader's language (`names`: scope names looked up for the page)."""
    kind = kind_of(entry.action)
    if kind is not None and kind.summary is not None:
        return kind.summary(entry, names)
    return entry.summary or ""


def _role(entry, names: dict) -> str:
    """"Wang Fang · Community administrator · Community 东门社区" from the stored code form."""
    found = ROLE_SUMMARY.match(entry.summary or "")
    if not found:
        return entry.summary or ""
    reg = registry()
    role = reg.roles.get(found["role"])
    scope = reg.scope_types.get(found["type"])
    place = str(scope.label) if scope else ""
    if found["type"] != "platform":
        place = f"{place} {names.get((found['type'], int(found['id'])), '')}".strip()
    # A package's stored reason is an English msgid it marked for translation (the election's "became a
    # candidate"): worded in the reader's language; any other text is shown as it is.
    reason = _(found["reason"]) if found["reason"] else ""
    parts = [found["name"], str(role.label) if role else _("Other role"), place, reason]
    return " · ".join(part for part in parts if part)


def _imported(entry, names: dict) -> str:
    """"3 people imported", counted from detail["rows"] (older rows: their stored summary)."""
    rows = (entry.detail or {}).get("rows")
    if not isinstance(rows, int):
        return entry.summary or ""
    return ngettext("%(num)d person imported", "%(num)d people imported", rows)


def _exported(entry, names: dict) -> str:
    """"1 person exported", counted from detail["rows"] (older rows: their stored summary)."""
    rows = (entry.detail or {}).get("rows")
    if not isinstance(rows, int):
        return entry.summary or ""
    return ngettext("%(num)d person exported", "%(num)d people exported", rows)


def _nothing(entry, names: dict) -> str:
    """Rows whose stored summary is only codes (field names): the label says it all."""
    return ""


def register_core(reg) -> None:
    """The civic core's kinds of audit rows."""
    reg.audit_kind("account.create_admin", _l("Administrator created on the command line"))
    reg.audit_kind("account.login", _l("Signed in"))
    reg.audit_kind("account.login_failed", _l("Failed sign-in"))
    reg.audit_kind("account.password_changed", _l("Changed own password"))
    reg.audit_kind("account.password_reset", _l("Issued a one-time password"))
    reg.audit_kind("account.token_issued", _l("API token issued"))
    reg.audit_kind("account.token_revoked", _l("API token revoked"))
    reg.audit_kind("street.create", _l("Street created"))
    reg.audit_kind("community.create", _l("Community created"))
    reg.audit_kind("community.rename", _l("Community renamed"))
    reg.audit_kind("grid.create", _l("Grid created"))
    reg.audit_kind("person.create", _l("Person added"))
    reg.audit_kind("person.update", _l("Person's details changed"))
    reg.audit_kind("person.activate", _l("Account reactivated"))
    reg.audit_kind("person.deactivate", _l("Account deactivated"))
    reg.audit_kind("person.view", _l("Person's record viewed"))
    reg.audit_kind("person.reveal_id_number", _l("Full ID number shown"))
    reg.audit_kind("person.export_own", _l("Own data downloaded"))
    reg.audit_kind("person.import", _l("People imported"), _imported)
    reg.audit_kind("person.export", _l("People exported"), _exported)
    reg.audit_kind("role.grant", _l("Role granted"), _role)
    reg.audit_kind("role.revoke", _l("Role revoked"), _role)
    reg.audit_kind("calendar.renew", _l("Calendar feed address renewed"))
    reg.audit_kind("reminder.resend", _l("Reminder sent again"))
    reg.audit_kind("reminder.preferences", _l("Reminder preferences changed"), _nothing)  # stored as kind:channel codes
