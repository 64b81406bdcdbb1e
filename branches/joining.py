"""A mobile party member asks to join a branch; the secretary accepts (the member goes on the roster) or
declines with a reason. Either way the member is told through the outbox (community.reminders)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app import db
from branches import roster
from branches.models import Branch, JoinRequest
from community.audit.services import record
from community.authz import require
from community.database import flush_or_conflict, transactional, utcnow
from community.errors import Conflict, Invalid
from community.reminders import Message, ReminderKind

KIND = "branch_join_decision"


@transactional
def ask_to_join(person, branch: Branch, card_number: str, home_organisation_id, note: str = "") -> JoinRequest:
    """A party member living here asks to join a branch with their mobile-member card; one open request at a
    time (the database's partial unique index), and not while they are a current member of a branch."""
    problems = {}
    card_number, note = (card_number or "").strip(), (note or "").strip()
    if not card_number or len(card_number) > 40:
        problems["card_number"] = _("Give the number of your mobile-member card (流动党员活动证).")
    if len(note) > 500:
        problems["note"] = _("At most %(n)d characters.", n=500)
    try:
        fields = roster.clean_member({"relationship": "card", "card_number": card_number or "-",
                                      "home_organisation_id": home_organisation_id}, date.today())
    except Invalid as error:
        problems.update({k: v for k, v in error.fields.items() if k == "home_organisation_id"})
        fields = {}
    if problems:
        raise Invalid(_("Please correct the marked fields."), fields=problems)
    if roster.current_membership(person.id) is not None:
        raise Conflict(_("You are already a current member of a branch."), code="already_member")
    request_ = JoinRequest(branch_id=branch.id, person_id=person.id, card_number=card_number, note=note,
                           home_organisation_id=fields["home_organisation_id"])
    flush_or_conflict(request_, _("You already have a request waiting; wait for the secretary's answer."),
                      code="request_pending")
    return request_


def pending_requests(branch_id: int) -> list[JoinRequest]:
    """The branch's open requests, oldest first (one query)."""
    return db.session.scalars(select(JoinRequest).where(JoinRequest.branch_id == branch_id,
                                                        JoinRequest.state == "pending")
                              .options(joinedload(JoinRequest.person), joinedload(JoinRequest.home_organisation))
                              .order_by(JoinRequest.created_at, JoinRequest.id).limit(200)).all()


def _decide(actor, request_: JoinRequest, state: str, reason: str) -> None:
    """Mark the request decided, only if it is still pending (a conditional UPDATE: two secretaries answering
    at once decide it once)."""
    done = db.session.execute(update(JoinRequest).where(JoinRequest.id == request_.id,
                                                        JoinRequest.state == "pending")
                              .values(state=state, reason=reason, decided_by_id=actor.id, decided_at=utcnow()))
    if done.rowcount != 1:
        raise Conflict(_("This request has already been answered."), code="already_decided")
    db.session.refresh(request_)


@transactional
def accept(actor, request_: JoinRequest, today: date):
    """The secretary accepts: the member goes on the roster with their card (full member; the secretary may
    correct the status on the roster) and is notified."""
    require(actor, "branch_member.manage", request_.branch)
    _decide(actor, request_, "accepted", "")
    member = roster.add_member(actor, request_.branch, request_.person, {
        "status": "full", "relationship": "card", "card_number": request_.card_number,
        "home_organisation_id": request_.home_organisation_id}, today)
    _notify(request_)
    record(actor, "branch_join.accept", request_.branch, summary=request_.person.name)
    return member


@transactional
def decline(actor, request_: JoinRequest, reason: str) -> None:
    """The secretary declines, with a reason the member reads."""
    require(actor, "branch_member.manage", request_.branch)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise Invalid(_("Say why, so that the member knows what to do (at most 500 characters)."),
                      fields={"reason": _("Say why, so that the member knows what to do.")})
    _decide(actor, request_, "declined", reason)
    _notify(request_)
    record(actor, "branch_join.decline", request_.branch, summary=request_.person.name)


def _notify(request_: JoinRequest) -> None:
    from community.reminders.services import notify

    notify(KIND, f"branch_join:{request_.id}", request_.state, [request_.person_id],
           payload={"request_id": request_.id})


def render(reminders: list) -> dict[int, Message]:
    """Word the decisions: one query for the whole batch."""
    ids = {int((r.payload or {}).get("request_id") or 0) for r in reminders}
    found = {j.id: j for j in db.session.scalars(select(JoinRequest).where(JoinRequest.id.in_(ids))
                                                 .options(joinedload(JoinRequest.branch)))}
    messages = {}
    for reminder in reminders:
        request_ = found.get(int((reminder.payload or {}).get("request_id") or 0))
        if request_ is None or request_.state == "pending":
            continue
        if request_.state == "accepted":
            messages[reminder.id] = Message(_("%(branch)s accepted you", branch=request_.branch.name),
                                            _("You are now on the roster of %(branch)s.",
                                              branch=request_.branch.name), "/branches/join")
        else:
            messages[reminder.id] = Message(_("%(branch)s declined your request", branch=request_.branch.name),
                                            _("The secretary's reason: %(reason)s", reason=request_.reason),
                                            "/branches/join")
    return messages


JOIN_KIND = ReminderKind(label=_l("Answer to a request to join a branch"), render=render,
                         description=_l("When a branch secretary accepts or declines your request to join."))
