"""The election set-up form of the committee's pages."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from community.text_input import CheckedForm


class ElectionForm(CheckedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=100)],
                        description=_l("For example 2026年东门社区居民代表推选"))
    community_id = SelectField(_l("Community"), coerce=int, validators=[DataRequired()])
    residents_group = StringField(_l("Residents' group (居民小组), if the election covers only one"),
                                  validators=[Optional(), Length(max=60)])
    grid_id = SelectField(_l("The residents' group's grid: only its residents vote"), coerce=int, default=0,
                          validators=[Optional()])
    term = StringField(_l("Term"), validators=[Optional(), Length(max=20)],
                       description=_l("Nobody is on two rolls of the same term. Default: the year of voting."))
    seats = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=200)],
                         description=_l("Practice: roughly one representative per 5–15 households."))
    method = SelectField(_l("Who votes"), choices=[("every_voter", _l("Every voter")),
                                                   ("household", _l("One voter per household (户代表)"))])
    voting_opens_at = DateTimeLocalField(_l("Voting opens"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    voting_closes_at = DateTimeLocalField(_l("Voting closes"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    roll_days_before = IntegerField(_l("Roll published at least … days before voting"), default=20,
                                    validators=[NumberRange(min=0, max=90)])
    objection_days = IntegerField(_l("Objections within … days"), default=5, validators=[NumberRange(min=0, max=30)])
    answer_days = IntegerField(_l("Answers within … days"), default=3, validators=[NumberRange(min=0, max=30)])
    candidates_days_before = IntegerField(_l("Candidates published at least … days before voting"), default=5,
                                          validators=[NumberRange(min=0, max=60)])
    min_nominators = IntegerField(_l("Voters needed for a joint nomination"), default=10,
                                  validators=[NumberRange(min=1, max=100)])
    max_proxies = IntegerField(_l("Votes one proxy may carry"), default=3, validators=[NumberRange(min=0, max=10)])
    migrant_min_years = IntegerField(_l("Years a migrant must have lived here"), default=1,
                                     validators=[NumberRange(min=0, max=10)])
    migrant_needs_permit = BooleanField(_l("Migrants need a residence permit (居住证)"))
    recall_signature_days = IntegerField(_l("Days a recall proposal has to gather a fifth of the voters"),
                                         default=30, validators=[NumberRange(min=1, max=365)])
    submit = SubmitField(_l("Create the election"))

    def settings(self) -> dict:
        """The fields as the service expects them."""
        names = ("title", "residents_group", "grid_id", "term", "seats", "method", "voting_opens_at",
                 "voting_closes_at", "roll_days_before", "objection_days", "answer_days", "candidates_days_before",
                 "min_nominators", "max_proxies", "migrant_min_years", "migrant_needs_permit",
                 "recall_signature_days")
        data = {name: getattr(self, name).data for name in names if getattr(self, name).data not in (None, "")}
        data["grid_id"] = data.get("grid_id") or None
        return data


class IntroductionForm(CheckedForm):
    """What the committee writes about a candidate (age and hometown come from the person's record)."""

    occupation = StringField(_l("Occupation"), validators=[Optional(), Length(max=60)],
                             description=_l("For example 针织厂质检员"))
    statement = TextAreaField(_l("What they will do"), validators=[Optional(), Length(max=500)],
                              description=_l("A few sentences in the candidate's own words, at most 500 characters."))
    party = SelectField(_l("Party membership shown on the ballot"), default="",
                        description=_l("Shown only if the candidate wishes."))
    submit = SubmitField(_l("Save the introduction"))
