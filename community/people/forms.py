"""The person form of the administrator pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from community.text_input import CheckedForm


class PersonForm(CheckedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    phone = StringField(_l("Phone number"), validators=[DataRequired(), Length(max=20)],
                        render_kw={"inputmode": "tel"})
    gender = SelectField(_l("Gender"), choices=[("", "—"), ("F", _l("Female")), ("M", _l("Male"))],
                         validators=[Optional()])
    born_on = DateField(_l("Birth date"), validators=[Optional()])
    id_number = StringField(_l("ID-card number"), validators=[Optional(), Length(max=18)],
                            description=_l("Stored encrypted; lists show it masked."))
    hukou_place = StringField(_l("Household registration place"), validators=[DataRequired(), Length(max=100)],
                              description=_l("For example 贵州省毕节市. Outside this county means migrant."))
    community_id = SelectField(_l("Community"), coerce=int, validators=[DataRequired()])
    grid_id = SelectField(_l("Grid"), coerce=int, validators=[Optional()])
    living_since_on = DateField(_l("Living here since"), validators=[Optional()])
    residence_permit_no = StringField(_l("Residence permit number"), validators=[Optional(), Length(max=40)])
    residence_permit_until = DateField(_l("Residence permit valid until"), validators=[Optional()])
    employer = StringField(_l("Employer"), validators=[Optional(), Length(max=100)])
    hometown = StringField(_l("Hometown"), validators=[Optional(), Length(max=60)],
                           description=_l("For hometown-dialect (乡音) groups."))
    has_political_rights = BooleanField(_l("Holds political rights"), default=True)
    submit = SubmitField(_l("Save"))


class ImportForm(CheckedForm):
    file = FileField(_l("Excel file (.xlsx)"),
                     validators=[FileRequired(), FileAllowed(["xlsx"], _l("Only .xlsx files."))])
    submit = SubmitField(_l("Check the file"))


class RoleForm(CheckedForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    scope = SelectField(_l("Scope"), validators=[DataRequired()])
    submit = SubmitField(_l("Grant role"))
