"""Marshmallow schemas of the reminders API: the inbox, one's channels, the administrators' view."""
from __future__ import annotations

import marshmallow as ma

from community.apitools import PageArgs, PageFields
from community.reminders.kinds import CHANNELS
from community.reminders.models import STATES

F = ma.fields


class NotificationArgs(PageArgs):
    unread = F.Boolean(load_default=False, metadata={"description": "1: only the unread messages"})


class NotificationOut(ma.Schema):
    id = F.Integer()
    kind = F.String()
    title = F.String()
    body = F.String()
    url = F.String(metadata={"description": "a path in the app, or empty"})
    created_at = F.AwareDateTime()
    read_at = F.AwareDateTime(allow_none=True)
    is_read = F.Function(lambda n: n.read_at is not None)


class ReadAllOut(ma.Schema):
    marked = F.Integer(metadata={"description": "how many unread messages were marked read"})


class KindPreference(ma.Schema):
    kind = F.String()
    label = F.Function(lambda k: str(k["label"]))
    description = F.Function(lambda k: str(k["description"]))
    channels_available = F.List(F.String(), metadata={"description": "the inbox is always on"})
    channels = F.List(F.String(), metadata={"description": "the channels chosen (inbox included)"})


class PreferencesOut(ma.Schema):
    email = F.String(allow_none=True)
    kinds = F.List(F.Nested(KindPreference))


class PreferencesIn(ma.Schema):
    email = F.String(allow_none=True, validate=ma.validate.Length(max=254), metadata={
        "description": "omitted: kept as it is; null or empty: removed (then e-mail cannot be chosen)"})
    channels = F.Dict(keys=F.String(), values=F.List(F.String(validate=ma.validate.OneOf(CHANNELS))),
                      load_default=dict, metadata={
                          "description": "kind → channels wanted; kinds omitted keep their choice"})


class ReminderArgs(PageArgs):
    state = F.String(validate=ma.validate.OneOf(STATES), metadata={"description": "default: failed and expired"})
    kind = F.String(validate=ma.validate.Length(max=40))
    channel = F.String(validate=ma.validate.OneOf(CHANNELS))


class CountOut(ma.Schema):
    kind = F.String()
    channel = F.String()
    counts = F.Dict(keys=F.String(), values=F.Integer(), metadata={"description": "state → number"})


class OutboxReminderOut(ma.Schema):
    id = F.Integer()
    kind = F.String()
    subject = F.String()
    occasion = F.String()
    channel = F.String()
    state = F.String()
    due_at = F.AwareDateTime()
    expires_at = F.AwareDateTime(allow_none=True)
    attempts = F.Integer()
    last_error = F.String(allow_none=True)
    sent_at = F.AwareDateTime(allow_none=True)
    recipient_id = F.Integer()
    recipient_name = F.String()
    recipient_phone = F.String(metadata={"description": "masked: 138****1234"})


class RemindersOut(PageFields):
    counts = F.List(F.Nested(CountOut))
    totals = F.Dict(keys=F.String(), values=F.Integer())
    items = F.List(F.Nested(OutboxReminderOut))
