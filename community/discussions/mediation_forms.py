"""Forms of the mediation, group, agenda pages (WTForms; errors beside their fields, what was typed kept)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from community.text_input import CheckedForm

KIND_LABELS = {
    "neighbours": _l("Between neighbours"),
    "landlord_tenant": _l("Landlord and tenant"),
    "labour": _l("Worker and employer"),
    "other": _l("Other dispute"),
}
OUTCOME_LABELS = {
    "settled": _l("Settled"),
    "partly": _l("Partly settled"),
    "failed": _l("Not settled"),
    "referred": _l("Referred elsewhere"),
}
PARTY_ROWS = 4  # the form's party rows; the API takes up to ten


class CaseForm(CheckedForm):
    kind = SelectField(_l("Kind of dispute"), validators=[DataRequired()],
                       choices=[("", "—"), *KIND_LABELS.items()])
    title = StringField(_l("What the dispute is about"), validators=[DataRequired(), Length(max=80)],
                        description=_l("For example 押金退还纠纷（出租房）"))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    opened_on = DateField(_l("Opened on"), validators=[Optional()])


class SessionForm(CheckedForm):
    held_on = DateField(_l("Date"), validators=[Optional()], description=_l("Leave empty for today."))
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)],
                          description=_l("What each side said and what was agreed."))


class OutcomeForm(CheckedForm):
    outcome = SelectField(_l("Outcome"), validators=[DataRequired()],
                          choices=[("", "—"), *OUTCOME_LABELS.items()])
    outcome_note = TextAreaField(_l("What was agreed"), validators=[Optional(), Length(max=2000)])
    referred_to = StringField(_l("Referred to"), validators=[Optional(), Length(max=100)],
                              description=_l("For a referred case: the court, labour arbitration or office."))


class ResolutionItemForm(CheckedForm):
    decision = TextAreaField(_l("Decision taken"), validators=[DataRequired(), Length(max=500)])
    responsible = StringField(_l("Responsible unit"), validators=[Optional(), Length(max=100)],
                              description=_l("A unit (社区居委会, 租赁服务站…), a person below, or both."))
    deadline = DateField(_l("Deadline"), validators=[DataRequired()])
