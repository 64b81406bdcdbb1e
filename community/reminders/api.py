"""JSON API of the reminders: one's inbox and channels, and the administrators' view of the outbox."""
from __future__ import annotations

from community.apitools import (
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_of,
    page_schema,
)
from community.reminders import inbox, oversight
from community.reminders import schemas as S
from community.reminders.models import Reminder

blp = api_blueprint("reminders_api", "Reminders: one's in-app messages (站内信) and channels; the outbox")


@blp.route("/notifications")
@bearer_required
@blp.arguments(S.NotificationArgs, location="query")
@blp.response(200, page_schema(S.NotificationOut, "NotificationPage"))
@document_errors(blp, 400, 401)
def notifications(args):
    """One's messages, newest first; `?unread=1` for the unread ones only."""
    return page_of(inbox.messages_query(current_actor(), args["unread"]), args, keyset=True)


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@bearer_required
@blp.response(200, S.NotificationOut)
@document_errors(blp, 401, 404)
def read(notification_id):
    """Mark one of one's messages read (anyone else's is not found, whether it exists or not)."""
    return inbox.mark_read(current_actor(), notification_id)


@blp.route("/notifications/read-all", methods=["POST"])
@bearer_required
@blp.response(200, S.ReadAllOut)
@document_errors(blp, 401)
def read_all():
    """Mark every unread message read."""
    return {"marked": inbox.mark_all_read(current_actor())}


def _preferences(person) -> dict:
    chosen = inbox.preferences_of(person)
    return {"email": person.email, "kinds": [
        {"kind": name, "label": spec.label, "description": spec.description,
         "channels_available": ["inbox", *inbox.optional_channels(spec)], "channels": sorted(chosen[name])}
        for name, spec in inbox.kinds().items()]}


@blp.route("/me/reminder-preferences")
@bearer_required
@blp.response(200, S.PreferencesOut)
@document_errors(blp, 401)
def get_preferences():
    """Each registered kind of reminder with its label, description, channels offered and chosen."""
    return _preferences(current_actor())


@blp.route("/me/reminder-preferences", methods=["PUT"])
@bearer_required
@blp.arguments(S.PreferencesIn, required=True)
@blp.response(200, S.PreferencesOut)
@document_errors(blp, 400, 401)
def put_preferences(data):
    """Choose channels per kind and the e-mail address; e-mail without an address is a 400 on `email`.

    Pending reminders follow: a channel switched on gets the reminders of the kind still waiting, one switched
    off cancels them."""
    actor = current_actor()
    chosen = inbox.preferences_of(actor)
    chosen.update({kind: set(channels) for kind, channels in data["channels"].items()})
    inbox.set_preferences(actor, chosen, data["email"] if "email" in data else actor.email)
    return _preferences(actor)


def _reminder_out(rows: list[Reminder]) -> list[dict]:
    people = oversight.with_recipients(rows)
    out = []
    for row in rows:
        person = people.get(row.recipient_id)
        out.append({**{name: getattr(row, name) for name in (
            "id", "kind", "subject", "occasion", "channel", "state", "due_at", "expires_at", "attempts",
            "last_error", "sent_at", "recipient_id")},
            "recipient_name": person.name if person else "", "recipient_phone": person.phone_masked if person else ""})
    return out


@blp.route("/reminders")
@bearer_required
@blp.arguments(S.ReminderArgs, location="query")
@blp.response(200, S.RemindersOut)
@document_errors(blp, 400, 401, 403)
def reminders(args):
    """Administrators (platform, street: their street's residents only): counts by kind, channel and state, and
    a page of reminders filtered by state (default failed and expired), kind and channel."""
    actor = current_actor()
    counts = oversight.state_counts(actor)
    states = (args["state"],) if args.get("state") else oversight.PROBLEMS
    page = page_of(oversight.reminders_query(actor, states, args.get("kind"), args.get("channel")), args,
                   keyset=True)
    items = page.pop("items")
    return {"counts": [{"kind": kind, "channel": channel, "counts": row}
                       for (kind, channel), row in counts["rows"].items()],
            "totals": counts["totals"], "items": _reminder_out(items), **page}


@blp.route("/reminders/<int:reminder_id>/resend", methods=["POST"])
@bearer_required
@blp.response(200, S.OutboxReminderOut)
@document_errors(blp, 401, 403, 404, 422)
def resend(reminder_id):
    """Send a failed reminder again: back to pending, attempts reset, audited (422 unless it failed)."""
    return _reminder_out([oversight.resend(current_actor(), reminder_id)])[0]
