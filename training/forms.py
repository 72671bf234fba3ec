"""The base of every form: WTForms' own messages in French, text cleaned before any field reads
it, and helpers shared by features."""

from collections.abc import Callable

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, SelectChoice, StringField, TextAreaField
from wtforms.fields.core import Field

from training.plain_text import clean_line, clean_text

PLACEHOLDER = SelectChoice(
    "", "Sélectionnez une option", render_kw={"disabled": True, "hidden": True}
)


class FrenchForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

        def wrap_formdata(self, form, formdata):
            """The submitted values with every text field's cleaned (training.plain_text).

            Cleaning the input itself, rather than each field's data, means every validator
            sees the cleaned text: InputRequired refuses a name made only of spaces.
            """
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            cleaned = MultiDict(formdata)
            for field in form:
                clean = _cleaner_of(field)
                if clean is not None and field.name in cleaned:
                    values = cleaned.getlist(field.name)
                    cleaned.setlist(
                        field.name, [clean(v) if isinstance(v, str) else v for v in values]
                    )
            return cleaned


def _cleaner_of(field: Field) -> Callable[[str], str] | None:
    """Passwords are left as typed: spaces in them are the user's choice. A hidden field may
    carry a text of several lines from one page to the next (an uploaded file's content)."""
    if isinstance(field, PasswordField) or not isinstance(field, StringField):
        return None
    if isinstance(field, TextAreaField | HiddenField):
        return clean_text
    return clean_line


def optional_int(value: object) -> int | None:
    """Coerce a select's value, keeping the empty placeholder as None instead of an error."""
    if value in ("", None):
        return None
    return int(value)
