"""The activity pages' forms (WTForms; errors beside their fields, what was typed kept)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community.text_input import CheckedForm

TIME_FORMAT = "%Y-%m-%dT%H:%M"


def category_choices():
    """The catalogue, labelled in the reader's language."""
    from volunteers.activities_setup import CATEGORY_LABELS

    return [(name, label) for name, label in CATEGORY_LABELS.items()]


class ActivityForm(CheckedForm):
    community_id = SelectField(_l("Community"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)],
                        description=_l("For example 周六海滩清洁"))
    category = SelectField(_l("Category"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[DataRequired()])
    capacity = IntegerField(_l("Number of places"), validators=[InputRequired()],
                            description=_l("When they are taken, volunteers join the waiting list."))
    points_rule = SelectField(_l("Points"), choices=[("per_hour", _l("Per hour of service")),
                                                     ("fixed", _l("A fixed amount"))])
    points = IntegerField(_l("How many points"), validators=[Optional()], default=10)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])

    def data_for_service(self) -> dict:
        """The fields as create_activity expects them."""
        field = "points_per_hour" if self.points_rule.data == "per_hour" else "points"
        return {"title": self.title.data, "category": self.category.data, "place": self.place.data,
                "starts_at": self.starts_at.data, "ends_at": self.ends_at.data, "capacity": self.capacity.data,
                "points_rule": self.points_rule.data, field: self.points.data if self.points.data is not None
                else 0, "description": self.description.data or ""}


class DeclarationForm(CheckedForm):
    content = StringField(_l("What you did"), validators=[DataRequired(), Length(max=300)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    served_on = DateField(_l("Day"), validators=[DataRequired()])
    hours = DecimalField(_l("Hours"), places=2, validators=[DataRequired()])
    organisation_id = SelectField(_l("Confirmed by (optional)"), coerce=int, validators=[Optional()],
                                  description=_l("Your community's organisers confirm it; or the scorers of an "
                                                 "organisation you belong to (your employer, your grid)."))


class ActivityMoveForm(CheckedForm):
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=300)],
                         description=_l("Everyone signed up or waiting is told of the change and of this reason."))


class ActivityCancelForm(CheckedForm):
    reason = StringField(_l("Reason for cancelling"), validators=[DataRequired(), Length(max=300)],
                         description=_l("Everyone signed up or waiting is told at once; their reminders are "
                                        "withdrawn."))
