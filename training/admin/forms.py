"""Administration forms."""

from datetime import date

from wtforms import BooleanField, DateField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from training.accounts.forms import REQUIRED
from training.accounts.models import ROLE_LABELS, Role
from training.audit.labels import action_choices
from training.forms import PLACEHOLDER, FrenchForm, optional_int

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]
CODE_RULE = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message="Le code ne contient que des minuscules sans accent, des chiffres et des tirets.",
)


class AccountFilterForm(FrenchForm):
    """Read from the query string (GET), hence no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Rechercher (nom ou adresse)", validators=[Optional(), Length(max=100)])
    role = SelectField("Rôle", validators=[Optional()])
    territory = SelectField("Territoire", coerce=optional_int, validators=[Optional()])
    profession = SelectField("Profession", coerce=optional_int, validators=[Optional()])

    def load_choices(self, professions, territories) -> None:
        self.role.choices = [SelectChoice("", "Tous les rôles")] + ROLE_CHOICES
        self.territory.choices = [SelectChoice("", "Tous les territoires")] + [
            SelectChoice(t.id, t.name) for t in territories
        ]
        self.profession.choices = [SelectChoice("", "Toutes les professions")] + [
            SelectChoice(p.id, p.name) for p in professions
        ]


class RoleForm(FrenchForm):
    role = SelectField(
        "Rôle",
        # A required list starts with an empty option (HTML validity); the current role is selected.
        choices=[PLACEHOLDER, *ROLE_CHOICES],
        validators=[InputRequired(REQUIRED)],
    )


class TerritoryForm(FrenchForm):
    name = StringField("Nom", validators=[InputRequired(REQUIRED), Length(max=120)])
    code = StringField(
        "Code",
        description="Identifiant stable utilisé dans les exports, par exemple « lyon ». "
        "Il ne peut plus être modifié ensuite.",
        validators=[InputRequired(REQUIRED), Length(max=40), CODE_RULE],
    )
    is_pilot = BooleanField("Territoire pilote du plan national")


class ProfessionForm(FrenchForm):
    name = StringField("Nom", validators=[InputRequired(REQUIRED), Length(max=120)])
    code = StringField(
        "Code",
        description="Identifiant stable utilisé dans les fichiers de cours (audiences). "
        "Il ne peut plus être modifié ensuite.",
        validators=[InputRequired(REQUIRED), Length(max=40), CODE_RULE],
    )


#: Dates the audit log filter accepts: a typing error such as « 0202 » is refused in words.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _plausible_day(_form, field) -> None:
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError("Saisissez une date entre 2000 et 2099, par exemple 28/11/2026.")


class DayField(DateField):
    """A date input that never shows back a value it could not read: the browser's date input
    holds a valid date or nothing."""

    def _value(self) -> str:
        return "" if self.process_errors else super()._value()


class AuditFilterForm(FrenchForm):
    """Read from the query string (GET), hence no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField("Action", validators=[Optional()])
    person = SearchField(
        "Auteur ou autrice (nom ou adresse)", validators=[Optional(), Length(max=100)]
    )
    date_from = DayField("Du", validators=[Optional(), _plausible_day])
    date_to = DayField("Au", validators=[Optional(), _plausible_day])

    def load_choices(self) -> None:
        self.action.choices = [SelectChoice("", "Toutes les actions")] + [
            SelectChoice(code, label) for code, label in action_choices()
        ]

    def validate_date_to(self, field) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError("La date de fin précède la date de début.")
