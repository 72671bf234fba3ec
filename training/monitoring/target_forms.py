"""Forms of the target populations (admins): one target, and a CSV file to import."""

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from training.accounts.forms import REQUIRED, ReferenceChoicesMixin
from training.forms import FrenchForm, optional_int
from training.monitoring.target_csv import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    MAX_POPULATION,
    MAX_YEAR,
    MIN_YEAR,
    SOURCE_MAX_LENGTH,
)
from training.numbers import french_number


class TargetForm(ReferenceChoicesMixin, FrenchForm):
    territory_id = SelectField(
        "Territoire", coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    profession_id = SelectField(
        "Profession", coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    population = IntegerField(
        "Population cible",
        description="Nombre de professionnels de cette profession sur ce territoire, "
        "en chiffres, par exemple 12500.",
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                min=1,
                max=MAX_POPULATION,
                message=f"Indiquez un nombre entier de 1 à {french_number(MAX_POPULATION)}.",
            ),
        ],
    )
    source = StringField(
        "Source",
        description="D'où vient le chiffre, par exemple « DEPP, bilan social 2025 ». "
        "Elle est affichée à côté de la couverture.",
        validators=[DataRequired(REQUIRED), Length(max=SOURCE_MAX_LENGTH)],
    )
    year = IntegerField(
        "Année",
        description="Année que décrit le chiffre, par exemple 2025.",
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                min=MIN_YEAR,
                max=MAX_YEAR,
                message=f"Indiquez une année de {MIN_YEAR} à {MAX_YEAR}.",
            ),
        ],
    )


class TargetImportForm(FrenchForm):
    file = FileField(
        "Fichier CSV",
        description=f"Encodé en UTF-8, au plus 1 Mo et {french_number(MAX_CSV_ROWS)} lignes.",
        validators=[
            FileRequired("Choisissez un fichier CSV."),
            FileAllowed(["csv"], "Choisissez un fichier au format CSV (nom en .csv)."),
            FileSize(
                MAX_CSV_BYTES,
                message="Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers.",
            ),
        ],
        render_kw={"accept": ".csv,text/csv"},
    )
