"""The forms that bring a file into the trainers' space: a Moodle GIFT question bank made into
a quiz of a draft, and a course's zip archive made into a draft."""

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length

from training.authoring.forms import RevisionForm
from training.content.archive import MAX_ARCHIVE_BYTES
from training.content.gift import MAX_GIFT_BYTES
from training.forms import FrenchForm


class GiftImportForm(RevisionForm):
    file = FileField(
        "Fichier GIFT",
        description="Exporté de Moodle (Banque de questions, Exporter, format GIFT) : un"
        " fichier texte en UTF-8 de 1 Mo au plus.",
        validators=[
            FileRequired("Choisissez un fichier GIFT."),
            FileSize(
                MAX_GIFT_BYTES,
                message="Le fichier dépasse 1 Mo : exportez la banque catégorie par catégorie.",
            ),
        ],
        render_kw={"accept": ".gift,.txt,text/plain"},
    )
    #: The draft's module folders, set by the view (the field refuses any other value).
    module = SelectField("Module")
    name = StringField(
        "Nom du fichier du quiz (facultatif)",
        description="Numéro d'ordre et nom court, sans « .md », par exemple 03-quiz-final ;"
        " vide : le quiz est ajouté après la dernière étape du module.",
        validators=[Length(max=100)],
    )
    title = StringField(
        "Titre du quiz (facultatif)",
        description="Vide : le nom du fichier GIFT.",
        validators=[Length(max=200)],
    )
    partial = BooleanField(
        "Importer les autres questions",
        description="Si certaines questions ne peuvent pas être reprises (numériques,"
        " d'appariement…) : importer les autres, et lister celles laissées de côté.",
    )


class ZipImportForm(FrenchForm):
    file = FileField(
        "Archive zip du cours",
        description="Le dossier du cours compressé, nommé d'après son nom court et contenant"
        " course.md et les modules, comme les archives téléchargées depuis cet espace.",
        validators=[
            FileRequired("Choisissez une archive zip."),
            FileAllowed(["zip"], "Choisissez une archive au format zip (nom en .zip)."),
            FileSize(
                MAX_ARCHIVE_BYTES,
                message=f"L'archive dépasse {MAX_ARCHIVE_BYTES // (1024 * 1024)} Mo.",
            ),
        ],
        render_kw={"accept": ".zip,application/zip"},
    )
