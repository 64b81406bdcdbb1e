"""The meeting pages' forms (WTForms; errors beside their fields, what was typed kept)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from community.text_input import CheckedForm

TIME_FORMAT = "%Y-%m-%dT%H:%M"


class MeetingForm(CheckedForm):
    scope_id = SelectField(_l("Organised by"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)],
                        description=_l("For example 2026年第四季度支部党员大会"))
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    hometown = StringField(_l("Hometown group (乡音说事), if any"), validators=[Optional(), Length(max=60)])
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=6000)],
                           description=_l("One item per line."))
    reminder_first = IntegerField(_l("First reminder, hours before"), default=24,
                                  validators=[Optional(), NumberRange(min=0, max=720)])
    reminder_second = IntegerField(_l("Second reminder, minutes before"), default=60,
                                   validators=[Optional(), NumberRange(min=0, max=1440)])

    def data_for_service(self) -> dict:
        """The fields as create_meeting expects them."""
        offsets = []
        if self.reminder_first.data is not None:
            offsets.append(self.reminder_first.data * 60)
        if self.reminder_second.data is not None:
            offsets.append(self.reminder_second.data)
        return {"title": self.title.data, "starts_at": self.starts_at.data, "ends_at": self.ends_at.data,
                "place": self.place.data, "hometown": self.hometown.data or "", "agenda": self.agenda.data or "",
                "reminder_offsets_minutes": offsets}


class MoveForm(CheckedForm):
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=300)],
                         description=_l("The invitees are told of the change and of this reason."))


class CancelForm(CheckedForm):
    reason = StringField(_l("Reason for cancelling"), validators=[DataRequired(), Length(max=300)],
                         description=_l("The invitees are told at once; their reminders are withdrawn."))


class MinutesForm(CheckedForm):
    chair_id = SelectField(_l("Chair"), coerce=int, validators=[Optional()])
    recorder_id = SelectField(_l("Recorder"), coerce=int, validators=[Optional()])
    topics = TextAreaField(_l("Topics"), validators=[Optional(), Length(max=5000)])
    speeches = TextAreaField(_l("Speeches"), validators=[Optional(), Length(max=20000)],
                             description=_l("Who said what, briefly."))


class ResolutionForm(CheckedForm):
    text = StringField(_l("Resolution"), validators=[DataRequired(), Length(max=500)])
    votes_yes = IntegerField(_l("Yes"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)])
    votes_no = IntegerField(_l("No"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)])
    votes_abstain = IntegerField(_l("Abstain"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)])
    responsible = StringField(_l("Responsible unit or person"), validators=[Optional(), Length(max=100)])
    due_on = DateField(_l("Deadline"), validators=[Optional()])
