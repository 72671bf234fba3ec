"""Forms of the web editor. Every change carries the draft's revision it was made on."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from training.authoring.publishing import MAX_CHANGE_NOTE
from training.forms import FrenchForm


class RevisionForm(FrenchForm):
    """A change made on a given revision of the draft (optimistic locking)."""

    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class FileForm(RevisionForm):
    text = TextAreaField("Contenu du fichier", validators=[InputRequired()])


class PathForm(RevisionForm):
    path = HiddenField(validators=[InputRequired()])


class NewFileForm(RevisionForm):
    module = StringField(
        "Dossier du module",
        description="Un dossier existant ou nouveau, par exemple 02-reperer.",
        validators=[InputRequired(), Length(max=100)],
    )
    name = StringField(
        "Nom du fichier",
        description="Numéro d'ordre et nom court, sans « .md » : par exemple 03-cas-pratique.",
        validators=[InputRequired(), Length(max=100)],
    )
    kind = SelectField(
        "Type d'étape",
        choices=[
            SelectChoice("lesson", "Leçon"),
            SelectChoice("quiz", "Quiz"),
            SelectChoice("module", "Présentation du module"),
        ],
    )


class ImageForm(RevisionForm):
    image = FileField(
        "Image (PNG, JPEG, GIF, WebP ou SVG, 1 Mo au plus)",
        validators=[FileRequired("Choisissez une image.")],
    )


class PublishForm(RevisionForm):
    change_note = TextAreaField(
        "Note de version",
        description="Ce qui change pour les apprenants, en une ou deux phrases : elle figure "
        "dans l'historique de la formation.",
        validators=[InputRequired(), Length(max=MAX_CHANGE_NOTE)],
    )
    confirm_review_notes = BooleanField(
        "Je confirme la publication malgré les points « À valider » (administrateurs)"
    )


class NewCourseForm(FrenchForm):
    title = StringField("Titre de la formation", validators=[InputRequired(), Length(max=200)])
    slug = StringField(
        "Nom court",
        description="Il forme l'adresse de la formation et ne change plus : lettres minuscules "
        "sans accent, chiffres et tirets, par exemple traite-et-sante.",
        validators=[InputRequired(), Length(max=80)],
    )
