"""Session forms, with French messages."""

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from training.accounts.forms import REQUIRED
from training.forms import PLACEHOLDER, FrenchForm, optional_int
from training.sessions.invitation_csv import MAX_CSV_BYTES, MAX_ROWS
from training.sessions.services import NAME_MAX_LENGTH, PLACE_MAX_LENGTH
from training.sessions.table import STATUS_LABELS

#: Rows of in-person days in the form: enough for the blended sessions of the plan, without
#: JavaScript to add rows.
DAY_ROWS = 4
MAX_CAPACITY = 10_000


class SessionForm(FrenchForm):
    name = StringField(
        "Nom de la session",
        description="Par exemple « Enseignants de Bordeaux, printemps 2027 ».",
        validators=[InputRequired(REQUIRED), Length(max=NAME_MAX_LENGTH)],
    )
    course_id = SelectField("Formation", coerce=optional_int, validators=[InputRequired(REQUIRED)])
    territory_id = SelectField(
        "Territoire", coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    starts_on = DateField("Date de début", validators=[InputRequired(REQUIRED)])
    ends_on = DateField("Date de fin", validators=[InputRequired(REQUIRED)])
    capacity = IntegerField(
        "Nombre de places (facultatif)",
        description="Laissez vide pour ne pas limiter le nombre de participants.",
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_CAPACITY,
                message=f"Indiquez un nombre de places entre 1 et {MAX_CAPACITY}.",
            ),
        ],
    )

    def load_choices(self, versions, territories) -> None:
        self.course_id.choices = [PLACEHOLDER] + [
            SelectChoice(version.course_id, version.title) for version in versions
        ]
        self.territory_id.choices = [PLACEHOLDER] + [
            SelectChoice(territory.id, territory.name) for territory in territories
        ]

    def day_fields(self) -> list[tuple[int, DateField, StringField]]:
        """(number, date field, place field) of each row of in-person days."""
        return [
            (number, self[f"day{number}_date"], self[f"day{number}_place"])
            for number in range(1, DAY_ROWS + 1)
        ]

    def days(self) -> list[tuple]:
        """(date, place) of the rows filled in, once validated."""
        return [
            (date_field.data, place_field.data)
            for _, date_field, place_field in self.day_fields()
            if date_field.data
        ]

    def fill_days(self, days) -> None:
        for (_, date_field, place_field), day in zip(self.day_fields(), days, strict=False):
            date_field.data, place_field.data = day.held_on, day.place

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        starts, ends = self.starts_on.data, self.ends_on.data
        if starts and ends and ends < starts:
            self.ends_on.errors.append(
                "La date de fin doit être égale ou postérieure à la date de début."
            )
            valid = False
        seen = set()
        for _, date_field, place_field in self.day_fields():
            held_on, place = date_field.data, (place_field.data or "").strip()
            if held_on and not place:
                place_field.errors.append("Indiquez le lieu de cette journée.")
            elif place and not held_on and not date_field.errors:
                date_field.errors.append("Indiquez la date de cette journée.")
            elif held_on and starts and ends and not starts <= held_on <= ends:
                date_field.errors.append(
                    "Cette journée doit se tenir entre le début et la fin de la session."
                )
            elif held_on and held_on in seen:
                date_field.errors.append("Une autre journée a déjà cette date.")
            if held_on:
                seen.add(held_on)
            valid = valid and not date_field.errors and not place_field.errors
        return valid


for _number in range(1, DAY_ROWS + 1):
    setattr(
        SessionForm,
        f"day{_number}_date",
        DateField(f"Date de la journée {_number}", validators=[Optional()]),
    )
    setattr(
        SessionForm,
        f"day{_number}_place",
        StringField(
            f"Lieu de la journée {_number}",
            description="Adresse et salle.",
            validators=[Optional(), Length(max=PLACE_MAX_LENGTH)],
        ),
    )


class JoinCodeForm(FrenchForm):
    """Read from the query string (GET), hence no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(
        "Code de la session",
        description="8 caractères, par exemple ABCD-EFGH.",
        validators=[InputRequired(REQUIRED), Length(max=20)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class ProgressFilterForm(FrenchForm):
    """Read from the query string (GET), hence no CSRF token."""

    class Meta:
        csrf = False

    statut = SelectField(
        "Statut",
        choices=[SelectChoice("", "Tous les statuts")]
        + [SelectChoice(code, label) for code, label in STATUS_LABELS.items()],
        validators=[Optional()],
    )


class InvitationUploadForm(FrenchForm):
    file = FileField(
        "Fichier CSV des personnes à inviter",
        description=f"Encodé en UTF-8, au plus 200 Ko et {MAX_ROWS} lignes.",
        validators=[
            FileRequired("Choisissez un fichier CSV."),
            FileAllowed(["csv", "txt"], "Choisissez un fichier au format CSV (nom en .csv)."),
            FileSize(
                MAX_CSV_BYTES,
                message="Le fichier dépasse 200 Ko : découpez-le en plusieurs fichiers.",
            ),
        ],
        render_kw={"accept": ".csv,text/csv"},
    )


class InvitationConfirmForm(FrenchForm):
    """The file's text, carried from the preview to the confirmation and checked again."""

    content = HiddenField(validators=[InputRequired(), Length(max=MAX_CSV_BYTES)])
