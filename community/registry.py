"""The one way a package plugs into Tongxin: a `Registry` kept per application.

`create_app` puts a fresh Registry at ``app.extensions["tongxin"]``; every package's ``init_app(app)``
(the core's own parts, elections, branches, volunteers…) declares through it what it brings: scope types,
roles, actions, menu links, home-page cards, demo-data steps, appointers, page and API blueprints,
background tasks, reminder kinds and access-matrix rows. ``finalize()`` then checks that the parts fit
(every role an action names exists, every scope type a role is held in exists…) and refuses to build the
app otherwise. Code reaches the registry through ``registry()`` (the current app's).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

EXTENSION = "tongxin"
SELF = "self"  # in an action's roles: the object belongs to the acting person (see authz_owner_id)


class RegistryError(RuntimeError):
    """Packages that do not fit together; raised while the app is created."""


@dataclass(frozen=True)
class ScopeType:
    """A kind of scope: its model, and its parent scope in SQL.

    `parent` is a column of `model` (``Community.street_id``) or a SQL expression over it (a correlated
    scalar select) giving the id of the parent scope, of type `parent_type`. `grant_action` is what an
    actor needs within a scope of this type to hand out roles held in it.
    """

    name: str
    model: type | None
    label: object
    parent_type: str | None = None
    parent: object = None
    grant_action: str = "role.grant"


@dataclass(frozen=True)
class Role:
    """A role and the scope types it is held in; `administers`: its holders administer their scope (covers);
    `platform_granted`: only platform administrators hand it out."""

    name: str
    label: object
    scope_types: frozenset
    administers: bool = False
    platform_granted: bool = False


@dataclass(frozen=True)
class MenuLink:
    """A menu entry; shown when `visible(person)` is true (or always, when None)."""

    label: object
    endpoint: str
    visible: Callable | None = None


@dataclass
class Registry:
    """What every package registered with one application."""

    scope_types: dict[str, ScopeType] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    actions: dict[str, frozenset] = field(default_factory=dict)
    account_actions: set[str] = field(default_factory=set)
    picking_actions: set[str] = field(default_factory=set)
    picker_rules: dict[str, Callable] = field(default_factory=dict)
    action_owners: dict[str, str] = field(default_factory=dict)
    menu_links: list[MenuLink] = field(default_factory=list)
    home_cards: list[Callable] = field(default_factory=list)
    demo_steps: list[Callable] = field(default_factory=list)
    bench_steps: list[tuple[str, Callable]] = field(default_factory=list)
    appointers: dict[str, tuple[Callable, Callable]] = field(default_factory=dict)
    tasks: dict[str, Callable] = field(default_factory=dict)
    reminder_kinds: dict[str, object] = field(default_factory=dict)
    scheduled_jobs: dict[str, dict] = field(default_factory=dict)
    meeting_kinds: dict[str, object] = field(default_factory=dict)
    calendar_sources: list[Callable] = field(default_factory=list)
    meeting_cancelled_listeners: list[Callable] = field(default_factory=list)
    approval_sources: list[Callable] = field(default_factory=list)
    party_membership_sources: list[Callable] = field(default_factory=list)
    access_rows: list = field(default_factory=list)
    audit_kinds: dict[str, object] = field(default_factory=dict)
    sealed_tables: dict[str, object] = field(default_factory=dict)
    integrity_checks: dict[str, tuple[object, Callable]] = field(default_factory=dict)
    app: Flask | None = field(default=None, repr=False)
    finalized: bool = False

    # ------------------------------------------------------------------ authorisation
    def scope_type(self, name: str, model, label, *, parent: tuple[str, object] | None = None,
                   grant_action: str = "role.grant") -> None:
        """Declare a scope type: ``parent=("street", Community.street_id)`` says how to reach its parent."""
        self._unique(name, self.scope_types, "scope type")
        parent_type, parent_expr = parent if parent else (None, None)
        self.scope_types[name] = ScopeType(name, model, label, parent_type, parent_expr, grant_action)

    def role(self, name: str, label, scope_types, *, administers: bool = False, platform_granted: bool = False,
             appoint: Callable | None = None, dismiss: Callable | None = None) -> None:
        """Declare a role held in `scope_types`; `appoint(actor, person, scope_id)` and `dismiss(actor, grant)`
        replace the generic granting for roles with rules of their own (an election's committee)."""
        self._unique(name, self.roles, "role")
        self.roles[name] = Role(name, label, frozenset(scope_types), administers, platform_granted)
        if appoint or dismiss:
            if not (appoint and dismiss):
                raise RegistryError(f"role {name!r}: an appointer needs both appoint and dismiss")
            self.appointers[name] = (appoint, dismiss)

    def actions_of(self, package: str, actions: dict[str, set[str]], *, account: set[str] = frozenset(),
                   picking: set[str] = frozenset()) -> None:
        """Declare actions (name -> roles that may do it; "self" for the owner of the object).

        `account`: actions on a person's account, where the actor must also cover the person's roles.
        `picking`: actions whose forms choose people with the person picker (community/people/picker.py): whoever
        may do one in a scope may search the people of that scope's community (or street) by name."""
        for name, roles in actions.items():
            if name in self.actions:
                raise RegistryError(f"action {name!r} is registered twice: by {self.action_owners[name]} "
                                    f"and by {package}; action names must be unique")
            self.actions[name] = frozenset(roles)
            self.action_owners[name] = package
        self.account_actions |= set(account)
        self.picking_actions |= set(picking)

    def picker_rule(self, action: str, rule: Callable) -> None:
        """A picking action whose searchers hold no role: `rule(actor, scope)` refuses (raises Forbidden or a
        DomainError) unless the actor may search, and returns the SQL condition on Person of whom they may find
        (e.g. a voter on an election's roll finds the other voters on it), in place of can() and the community."""
        self._unique(action, self.picker_rules, "picker rule")
        self.picking_actions.add(action)
        self.picker_rules[action] = rule

    # ------------------------------------------------------------------ pages and the rest
    def menu_link(self, label, endpoint: str, visible: Callable | None = None) -> None:
        self.menu_links.append(MenuLink(label, endpoint, visible))

    def home_card(self, cards: Callable) -> None:
        """`cards(person)` -> list of {"title", "body", "url"} for the home page."""
        self.home_cards.append(cards)

    def demo_step(self, step: Callable) -> None:
        """`step(context)`, run by `flask seed-demo` in registration order."""
        self.demo_steps.append(step)

    def bench_step(self, name: str, step: Callable) -> None:
        """`step(loader)`, run by `flask bench-data` after the places and people, in registration order: bulk-load
        the package's tables at the loader's scale (community/bench_data.py)."""
        self.bench_steps.append((name, step))

    def blueprint(self, blueprint, **options) -> None:
        """A blueprint of pages (CSRF-protected forms)."""
        self._require_app().register_blueprint(blueprint, **options)

    def api_blueprint(self, blueprint) -> None:
        """A blueprint of the JSON API: added to the OpenAPI description and exempt from CSRF (bearer tokens)."""
        from app import api, csrf

        self._require_app()
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)

    def task(self, name: str, fn: Callable) -> None:
        """A background task, run by the task queue under `name`."""
        self._unique(name, self.tasks, "background task")
        self.tasks[name] = fn

    def reminder_kind(self, name: str, spec) -> None:
        """A kind of reminder (`community.reminders.ReminderKind`: label, how to word it, urgency…)."""
        self._unique(name, self.reminder_kinds, "reminder kind")
        self.reminder_kinds[name] = spec

    def scheduled_job(self, task: str, **cron) -> None:
        """Have `flask scheduler` queue the registered task `task` (with the time as its argument) at the
        CronTrigger fields `cron` (Asia/Shanghai), e.g. ``scheduled_job("branches.dues_reminders", day=20,
        hour=10, minute=0)``."""
        self._unique(task, self.scheduled_jobs, "scheduled job")
        self.scheduled_jobs[task] = cron

    def meeting_kind(self, name: str, spec) -> None:
        """A kind of meeting (`community.meetings.MeetingKind`: label, scope type, quorum rule, managing action)."""
        self._unique(name, self.meeting_kinds, "meeting kind")
        self.meeting_kinds[name] = spec

    def meeting_cancelled(self, listener: Callable) -> None:
        """`listener(actor, meeting, reason, now)` runs inside community.meetings' cancellation, in its unit of
        work (a refusal cancels nothing): packages undo what they hung on the meeting without meetings knowing."""
        self.meeting_cancelled_listeners.append(listener)

    def calendar_source(self, source: Callable) -> None:
        """`source(person_id, start, end)` -> the person's calendar events (meetings, deadlines) for the
        personal .ics feed: a list of `community.calendar.CalendarEvent`."""
        self.calendar_sources.append(source)

    def approval_source(self, source: Callable) -> None:
        """`source()` -> [(person_id, label, count, url)]: approvals waiting for each person, for the daily
        digest at 09:00 on working days. One or a few queries for everyone, never one per person."""
        self.approval_sources.append(source)

    def audit_kind(self, action: str, label, summary: Callable | None = None) -> None:
        """How the audit log shows rows of `action` ("x.*": a family): a label, and `summary(entry, names)`
        wording the stored row in the reader's language (community/audit/kinds.py)."""
        from community.audit.kinds import AuditKind

        self._unique(action, self.audit_kinds, "audit kind")
        self.audit_kinds[action] = AuditKind(label, summary)

    def party_membership_source(self, source: Callable) -> None:
        """`source(person_ids)` -> {person_id: "mobile" | "member"} for those who are party members (the branch
        rosters): the elections' composition counts party members and mobile party members from it."""
        self.party_membership_sources.append(source)

    def sealed_table(self, table, label) -> None:
        """An append-only table (with `id` and `created_at`) whose rows `flask integrity` seals in a keyed hash
        chain, so a row changed or deleted afterwards is found (community/integrity.py)."""
        self._unique(table.name, self.sealed_tables, "sealed table")
        self.sealed_tables[table.name] = (table, label)

    def integrity_check(self, name: str, label, check: Callable) -> None:
        """`check()` -> list of problems (sentences) found in stored data, e.g. a balance that is not the sum of
        its entries; run by `flask integrity check`."""
        self._unique(name, self.integrity_checks, "integrity check")
        self.integrity_checks[name] = (label, check)

    def access(self, rows) -> None:
        """Rows of the access matrix for the package's routes (see community/access.py)."""
        self.access_rows.extend(rows)

    # ------------------------------------------------------------------ checks
    def finalize(self) -> None:
        """Refuse an app whose packages do not fit: unknown roles or scope types, cycles of scopes."""
        problems = []
        for name, roles in self.actions.items():
            for role in sorted(roles - {SELF} - self.roles.keys()):
                problems.append(f"action {name!r} (from {self.action_owners[name]}) names the unknown role {role!r}")
        for role in self.roles.values():
            for scope_type in sorted(role.scope_types - self.scope_types.keys()):
                problems.append(f"role {role.name!r} is held in the unknown scope type {scope_type!r}")
        for scope in self.scope_types.values():
            if scope.parent_type and scope.parent_type not in self.scope_types:
                problems.append(f"scope type {scope.name!r} has the unknown parent type {scope.parent_type!r}")
            elif scope.grant_action not in self.actions:
                problems.append(f"scope type {scope.name!r} names the unknown action {scope.grant_action!r}")
            seen, current = [], scope.name
            while current and current not in seen:
                seen.append(current)
                current = getattr(self.scope_types.get(current), "parent_type", None)
            if current:
                problems.append(f"scope type {scope.name!r} is its own ancestor: {' → '.join(seen)}")
        for task in sorted(self.scheduled_jobs.keys() - self.tasks.keys()):
            problems.append(f"scheduled job {task!r} is not a registered task")
        for action in sorted(self.account_actions - self.actions.keys()):
            problems.append(f"account action {action!r} is not a registered action")
        if problems:
            raise RegistryError("The packages do not fit together:\n  " + "\n  ".join(problems))
        self.finalized = True

    def ancestors(self, scope_type: str) -> list[str]:
        """The scope type and the types above it, innermost first."""
        chain = []
        while scope_type and scope_type not in chain:
            chain.append(scope_type)
            scope_type = self.scope_types[scope_type].parent_type if scope_type in self.scope_types else None
        return chain

    def _unique(self, name: str, existing: dict, what: str) -> None:
        if name in existing:
            raise RegistryError(f"{what} {name!r} is registered twice")

    def _require_app(self) -> Flask:
        if self.app is None:
            raise RegistryError("this registry belongs to no application")
        return self.app


def init_registry(app: Flask) -> Registry:
    """Give the app its own, empty registry."""
    registry_ = Registry(app=app)
    app.extensions[EXTENSION] = registry_
    return registry_


def registry(app: Flask | None = None) -> Registry:
    """The registry of `app` (default: the current application)."""
    return (app or current_app).extensions[EXTENSION]
