"""Account forms, with French messages."""

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from training.accounts import services
from training.accounts.passwords import password_problem
from training.forms import PLACEHOLDER, FrenchForm, optional_int

REQUIRED = "Ce champ est obligatoire."
EMAIL_FORMAT = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."


def _email_field(label: str = "Adresse électronique", *, check_format: bool = True) -> EmailField:
    validators = [InputRequired(REQUIRED), Length(max=254)]
    if check_format:
        validators.append(Email(EMAIL_FORMAT))
    return EmailField(
        label,
        validators=validators,
        description="Format attendu : nom@domaine.fr",
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _check_password_policy(_form, field) -> None:
    if problem := password_problem(field.data or ""):
        raise ValidationError(problem)


def _new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired(REQUIRED), _check_password_policy],
        description="Au moins 12 caractères. Une phrase facile à retenir convient très bien.",
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(REQUIRED),
            EqualTo("password", "Les deux mots de passe ne sont pas identiques."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ReferenceChoicesMixin:
    """Profession and territory choices read from the reference data, never hard-coded.

    Retired ones are not offered, except those of `keep` (the account or record being edited,
    with `profession` and `territory` attributes), which it may keep."""

    def load_reference_choices(self, keep: object | None = None) -> None:
        professions = services.offered_professions(getattr(keep, "profession", None))
        territories = services.offered_territories(getattr(keep, "territory", None))
        self.profession_id.choices = [PLACEHOLDER] + [
            SelectChoice(p.id, p.name) for p in professions
        ]
        self.territory_id.choices = [PLACEHOLDER] + [
            SelectChoice(t.id, t.name) for t in territories
        ]


def _profession_field() -> SelectField:
    return SelectField("Profession", coerce=optional_int, validators=[InputRequired(REQUIRED)])


def _territory_field() -> SelectField:
    return SelectField(
        "Territoire d'exercice", coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )


def _full_name_field() -> StringField:
    return StringField(
        "Nom et prénom",
        validators=[InputRequired(REQUIRED), Length(max=200)],
        description="Tel qu'il apparaîtra sur vos attestations.",
        render_kw={"autocomplete": "name"},
    )


def _organisation_field() -> StringField:
    return StringField(
        "Structure ou service (facultatif)",
        validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )


class SignupForm(ReferenceChoicesMixin, FrenchForm):
    email = _email_field()
    full_name = _full_name_field()
    profession_id = _profession_field()
    territory_id = _territory_field()
    organisation = _organisation_field()
    password = _new_password_field("Mot de passe")
    password_confirmation = _confirmation_field("Confirmez le mot de passe")
    consent = BooleanField(
        "J'ai lu la politique de confidentialité et j'accepte le traitement de mes données.",
        validators=[InputRequired("Vous devez accepter la politique de confidentialité.")],
    )


class LoginForm(FrenchForm):
    #: Any stored address may log in: the format check refuses reserved domains such as
    #: `.local`, which the demo accounts use; a wrong address gets the usual message.
    email = _email_field(check_format=False)
    password = PasswordField(
        "Mot de passe",
        validators=[InputRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgottenPasswordForm(FrenchForm):
    email = _email_field()


class ResetPasswordForm(FrenchForm):
    password = _new_password_field("Nouveau mot de passe")
    password_confirmation = _confirmation_field("Confirmez le nouveau mot de passe")


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        "Mot de passe actuel",
        validators=[InputRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(ReferenceChoicesMixin, FrenchForm):
    full_name = _full_name_field()
    profession_id = _profession_field()
    territory_id = _territory_field()
    organisation = _organisation_field()


class EmptyForm(FrenchForm):
    """A form with only its CSRF token, for POST buttons (log out, resend a link)."""


class SecondFactorForm(FrenchForm):
    """The second step of a log-in: the application's code, or a recovery code."""

    code = StringField(
        "Code de vérification",
        validators=[InputRequired(REQUIRED), Length(max=40)],
        description=(
            "Les 6 chiffres affichés par votre application d'authentification, "
            "ou l'un de vos codes de secours (format : ABCDE-FGHJK)."
        ),
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class EnrolmentCodeForm(FrenchForm):
    """Turning the second factor on: the code the application shows once the key is added."""

    code = StringField(
        "Code à 6 chiffres affiché par l'application",
        validators=[InputRequired(REQUIRED), Length(max=40)],
        description="Format attendu : 6 chiffres, par exemple 123456.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )
