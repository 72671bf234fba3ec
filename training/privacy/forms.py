"""The account deletion form."""

from wtforms import PasswordField, RadioField, SelectChoice
from wtforms.validators import InputRequired

from training.accounts.forms import REQUIRED
from training.forms import FrenchForm

WITHDRAW = "retirer"
KEEP = "garder"


class EraseAccountForm(FrenchForm):
    certificates = RadioField(
        "Vos attestations",
        choices=[
            SelectChoice(
                WITHDRAW, "Les retirer : elles sont révoquées et votre nom en est effacé."
            ),
            SelectChoice(
                KEEP, "Les garder vérifiables, avec votre nom, jusqu'à leur fin de validité."
            ),
        ],
        default=WITHDRAW,
        validators=[InputRequired("Choisissez ce que deviennent vos attestations.")],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[InputRequired(REQUIRED)],
        description="Pour confirmer que c'est bien vous.",
        render_kw={"autocomplete": "current-password"},
    )
