"""Administration forms."""

from wtforms import BooleanField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from training.accounts.forms import REQUIRED
from training.accounts.models import ROLE_LABELS, Role
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
