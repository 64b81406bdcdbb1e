"""`flask bench-data`: 200,000 requests and proposals across the communities, with their supports (about five
each, a few popular ones many more) and their histories; support_count equals the supports stored. Then
1,000,000 reminders of their progress (kind request_update, as the app schedules them: subject request:<id>,
occasion event:<id>) to the people of each request's community: most sent, a tenth due now and waiting in the
outbox (for the dispatch benchmark), a tenth due later, a few cancelled."""
from __future__ import annotations

from datetime import timedelta

from community.bench_data import Loader, resident_count, residents
from community.discussions.board import normalise
from community.discussions.models import Request, RequestEvent, Support
from community.discussions.requests_demo import ITEMS, NOTES

STATUSES = (("submitted", 30), ("accepted", 20), ("on_agenda", 8), ("decided", 10), ("in_progress", 12),
            ("done", 15), ("declined", 5))


def load_requests(loader: Loader) -> None:
    rng, communities = loader.rng, loader.context["communities"]
    total = loader.n(200_000, 20)
    texts = [normalise(f"{item[2]} {item[3]}") for item in ITEMS]
    statuses, weights = [s for s, _w in STATUSES], [w for _s, w in STATUSES]
    requests, supports, events, last_events = [], [], [], [0]
    support_id = event_id = 0
    for rid in range(1, total + 1):
        index = rid % len(ITEMS)
        kind, category, title, body = ITEMS[index][:4]
        community = 1 + rid % communities
        size = resident_count(loader, community)
        offset = rng.randrange(size)
        submitter = residents(loader, community, offset)
        status = rng.choices(statuses, weights)[0]
        created = loader.past(540)
        backers = min(int(rng.paretovariate(1.6) * 2.5), size - 1, 400)
        closed = created + timedelta(days=rng.randint(3, 40)) if status in ("done", "declined") else None
        decided = created + timedelta(days=2) if status in ("decided", "in_progress", "done") else None
        requests.append((rid, kind, title, body, category, community, submitter, rng.random() < 0.85, status,
                         backers, "街道社会事务办" if decided else "", decided, closed, texts[index], created,
                         closed or decided or created))
        for n in range(1, backers + 1):
            support_id += 1
            supports.append((support_id, rid, residents(loader, community, offset + n), created + timedelta(hours=n)))
        event_id += 1
        events.append((event_id, rid, None, "submitted", "", submitter, created))
        last_events.append(event_id + (status != "submitted"))
        if status != "submitted":
            event_id += 1
            events.append((event_id, rid, "submitted", status, NOTES.get(status, ""), None,
                           closed or decided or created + timedelta(days=1)))
    loader.write(Request.__table__, ("id", "kind", "title", "body", "category", "community_id", "submitter_id",
                                     "is_public", "status", "support_count", "responsible", "decided_at",
                                     "closed_at", "search_text", "created_at", "updated_at"), requests)
    loader.write(Support.__table__, ("id", "request_id", "supporter_id", "created_at"), supports)
    loader.write(RequestEvent.__table__, ("id", "request_id", "from_status", "to_status", "note", "actor_id",
                                          "created_at"), events)
    loader.context.update(requests=total, request_events=last_events)


def load_reminders(loader: Loader) -> None:
    from community.discussions.requests_reminders import UPDATE
    from community.reminders.models import Reminder, reminder_key

    rng, requests, communities = loader.rng, loader.context["requests"], loader.context["communities"]
    events, total = loader.context["request_events"], loader.n(1_000_000, 50)

    def rows():
        for rem in range(1, total + 1):
            rid, k = 1 + (rem - 1) % requests, (rem - 1) // requests
            community = 1 + rid % communities
            recipient = residents(loader, community, rid + k)
            subject, occasion = f"request:{rid}", f"event:{events[rid]}"
            draw = rng.random()
            created = loader.past(300)
            if draw < 0.1:  # due now, waiting to be dispatched
                state, due, sent = "pending", loader.now - timedelta(minutes=rng.randint(1, 50)), None
            elif draw < 0.2:
                state, due, sent = "pending", loader.now + timedelta(hours=rng.randint(1, 400)), None
            elif draw < 0.22:
                state, due, sent = "cancelled", created, None
            else:
                state, due, sent = "sent", created, created + timedelta(seconds=rng.randint(1, 120))
            yield (rem, reminder_key(UPDATE, subject, occasion, recipient, "inbox"), UPDATE, subject, occasion,
                   recipient, "inbox", due, state, {"event_id": events[rid]}, int(sent is not None), sent,
                   created, sent or created)
    loader.write(Reminder.__table__, ("id", "key", "kind", "subject", "occasion", "recipient_id", "channel",
                                      "due_at", "state", "payload", "attempts", "sent_at", "created_at",
                                      "updated_at"), rows())
