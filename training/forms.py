"""The base of every form: WTForms' own messages in French, and helpers shared by features."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice

PLACEHOLDER = SelectChoice(
    "", "Sélectionnez une option", render_kw={"disabled": True, "hidden": True}
)


class FrenchForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")


def optional_int(value: object) -> int | None:
    """Coerce a select's value, keeping the empty placeholder as None instead of an error."""
    if value in ("", None):
        return None
    return int(value)
