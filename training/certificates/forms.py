"""Certificate forms: typing a code to verify it, searching and revoking (admins)."""

from wtforms import SearchField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from training.certificates.services import REVOCATION_REASON_MAX_LENGTH
from training.forms import FrenchForm


class VerificationForm(FrenchForm):
    """Read from the query string (GET): anyone, without an account or a session."""

    class Meta:
        csrf = False

    code = StringField(
        "Code de l'attestation",
        description="Il figure en bas à gauche de l'attestation, par exemple TEH-7K3M-9QX2-P4AT. "
        "Majuscules, minuscules, espaces et tirets sont acceptés.",
        validators=[InputRequired("Saisissez le code de l'attestation."), Length(max=60)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class CertificateSearchForm(FrenchForm):
    class Meta:
        csrf = False

    q = SearchField(
        "Rechercher (code ou nom du titulaire)", validators=[Optional(), Length(max=100)]
    )


class RevocationForm(FrenchForm):
    reason = TextAreaField(
        "Motif de la révocation",
        description="Il sera affiché publiquement sur la page de vérification de l'attestation : "
        "rédigez-le pour la personne qui la vérifie, sans donnée personnelle superflue.",
        validators=[
            DataRequired("Indiquez le motif de la révocation."),
            Length(
                max=REVOCATION_REASON_MAX_LENGTH,
                message=f"Le motif ne peut pas dépasser {REVOCATION_REASON_MAX_LENGTH} caractères.",
            ),
        ],
    )
