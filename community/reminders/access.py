"""Who may call each route of the reminders' pages and API: rows of the access matrix (see community/access.py).

{notification} is a message in the resident's inbox; {reminder} a failed reminder to the resident (community A,
street 1); {feed_token} the resident's private calendar link."""
from __future__ import annotations

from community.access import SIGNED_IN, row

OVERSEE = frozenset({"street_admin", "other_street_admin", "platform_admin"})
OVER_RESIDENT = frozenset({"street_admin", "platform_admin"})

ACCESS_ROWS = [
    # One's own inbox: someone else's message is not found, whoever asks.
    row("GET /inbox/", SIGNED_IN),
    row("GET /inbox/{notification}", {"resident"}, hide=True),
    row("POST /inbox/{notification}/read", {"resident"}, hide=True),
    row("POST /inbox/read-all", SIGNED_IN),
    row("GET /inbox/preferences", SIGNED_IN),
    row("POST /inbox/preferences", SIGNED_IN, form={"email": ""}),
    row("GET /api/v1/notifications", SIGNED_IN),
    row("POST /api/v1/notifications/{notification}/read", {"resident"}, hide=True),
    row("POST /api/v1/notifications/read-all", SIGNED_IN),
    row("GET /api/v1/me/reminder-preferences", SIGNED_IN),
    row("PUT /api/v1/me/reminder-preferences", SIGNED_IN, json={"channels": {}}),
    # The calendar link: made and renewed when signed in; the feed itself opens with the link alone.
    row("GET /calendar", SIGNED_IN),
    row("POST /calendar/renew", SIGNED_IN),
    row("GET /calendar/{feed_token}.ics", public="calendar apps cannot sign in: the private link is the key"),
    # The outbox: platform and street administrators; a reminder outside one's street is not found.
    row("GET /admin/reminders/", OVERSEE),
    row("POST /admin/reminders/{reminder}/resend", OVER_RESIDENT, hide={"other_street_admin"}),
    row("GET /api/v1/reminders", OVERSEE),
    row("POST /api/v1/reminders/{reminder}/resend", OVER_RESIDENT, hide={"other_street_admin"}),
]
