"""Forms of the web editor. Every change carries the draft's revision it was made on."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
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
            SelectChoice("scenario", "Mise en situation"),
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


class CourseSettingsForm(RevisionForm):
    """The settings of course.md. Values are checked by the course checker, not here, so that
    the form gives the messages of `flask courses check` (see settings.py)."""

    title = StringField("Titre de la formation", description="Clé « title » de course.md.")
    summary = TextAreaField(
        "Résumé",
        description="Une ou deux phrases, affichées sur la carte du catalogue (clé « summary »).",
    )
    audiences = SelectMultipleField(
        "Publics",
        description="Les professions à qui la formation est proposée en premier (clé "
        "« audiences »).",
        validate_choice=False,
    )
    prerequisites = SelectMultipleField(
        "Prérequis",
        description="Les formations à terminer avant de s'inscrire à celle-ci depuis le catalogue"
        " (clé « prerequisites ») ; aucune coche : aucun prérequis.",
        validate_choice=False,
    )
    estimated_minutes = StringField(
        "Durée estimée, en minutes",
        description="La durée de la formation entière (clé « estimated_minutes »).",
        render_kw={"inputmode": "numeric"},
    )
    pass_mark = StringField(
        "Note de réussite des quiz, en pourcentage",
        description="De 0 à 100, sauf quiz qui fixe la sienne (clé « pass_mark »).",
        render_kw={"inputmode": "numeric"},
    )
    certificate_validity_months = StringField(
        "Validité de l'attestation, en mois",
        description="Vide : l'attestation n'expire pas (clé « certificate_validity_months »).",
        render_kw={"inputmode": "numeric"},
    )
    content_notice = TextAreaField(
        "Avertissement sur le contenu",
        description="Affiché avant la première leçon, pour un contenu sensible ; vide : aucun "
        "(clé « content_notice »).",
    )


class PlanTitleForm(PathForm):
    """A new title for a module (its folder) or a step (its file)."""

    title = StringField("Titre", validators=[InputRequired(), Length(max=200)])


class MoveForm(PathForm):
    direction = SelectField(
        choices=[SelectChoice("haut", "Monter"), SelectChoice("bas", "Descendre")]
    )


class NewModuleForm(RevisionForm):
    title = StringField("Titre du nouveau module", validators=[InputRequired(), Length(max=200)])


class NewStepForm(RevisionForm):
    module = HiddenField(validators=[InputRequired()])
    title = StringField("Titre de la nouvelle étape", validators=[InputRequired(), Length(max=200)])
    kind = SelectField(
        "Type d'étape",
        choices=[
            SelectChoice("lesson", "Leçon"),
            SelectChoice("quiz", "Quiz"),
            SelectChoice("scenario", "Mise en situation"),
        ],
    )


class CoAuthorForm(FrenchForm):
    """A trainer made co-author of a course by an admin, named by the address of their account."""

    email = EmailField(
        "Adresse électronique du compte à ajouter",
        description="Le compte doit avoir le rôle de formateur. Format attendu : nom@domaine.fr",
        validators=[InputRequired(), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RemoveCoAuthorForm(FrenchForm):
    user_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
