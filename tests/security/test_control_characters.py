"""Control and bidirectional characters never reach the database, a page, a PDF or an e-mail
(V5.1.3, V5.1.4, V5.2.3): removed from every text field, a path holding one is a 404."""

import pytest
import sqlalchemy as sa
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired

from tests.accounts.test_signup_and_confirmation import find_user, signup_data
from tests.conftest import csrf_token
from training.accounts.models import Role
from training.forms import FrenchForm
from training.plain_text import clean_line, clean_text
from training.sessions.invitation_csv import parse_invitations_csv

REQUIRED = "Ce champ est obligatoire."


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Nadia Benali  ", "Nadia Benali"),
        ("Nadia\x00 Benali", "Nadia Benali"),
        ("\u202eilaneB aidaN", "ilaneB aidaN"),
        ("\u2066Nadia\u2069 \u200eBenali\u200f", "Nadia Benali"),
        ("Nadia\r\nBenali", "Nadia Benali"),
        ("Nadia\tBenali\x1b[31m\x85", "Nadia Benali[31m"),
        ("Nade\u0300ge", "Nad\u00e8ge"),
        ("\u00a0 \t\u3000", ""),
    ],
)
def test_one_line_keeps_only_printable_text(typed, kept):
    assert clean_line(typed) == kept


def test_several_lines_keep_their_line_breaks_and_tabs():
    assert clean_text(" Ligne 1\r\n\tLigne 2\rLigne\x00 3\u202e\n") == "Ligne 1\n\tLigne 2\nLigne 3"


class SampleForm(FrenchForm):
    class Meta:
        csrf = False

    name = StringField(validators=[InputRequired(REQUIRED)])
    notes = TextAreaField()
    password = PasswordField()


def test_every_text_field_is_cleaned_before_its_validators_but_passwords(app):
    with app.test_request_context(
        method="POST",
        data={"name": "\u202e\x00  ", "notes": "a\r\nb\x00", "password": " mot\x00 de passe "},
    ):
        form = SampleForm()
        assert not form.validate()
        assert form.errors == {"name": [REQUIRED]}
        assert form.notes.data == "a\nb"
        assert form.password.data == " mot\x00 de passe "


def test_sign_up_stores_the_name_without_control_or_bidi_characters(app, client, mailbox):
    data = signup_data(client, app, full_name="Nadia\x00 \u202eBenali\n", organisation="\x07")
    assert client.post("/inscription", data=data).status_code == 302
    user = find_user(app, "nadia.benali@exemple.fr")
    assert user.full_name == "Nadia Benali"
    assert user.organisation is None
    body = mailbox.to("nadia.benali@exemple.fr")[0].get_content()
    assert "Bonjour Nadia Benali," in body


@pytest.mark.parametrize("name", ["   ", "\u00a0\t", "\u202e\u202c"])
def test_a_name_of_only_spaces_is_refused_as_empty(app, client, name):
    response = client.post("/inscription", data=signup_data(client, app, full_name=name))
    assert response.status_code == 422
    assert REQUIRED in response.get_data(as_text=True)
    assert find_user(app, "nadia.benali@exemple.fr") is None


@pytest.mark.parametrize(
    ("email", "password"),
    [("agent\x00@exemple.fr", "x"), ("\x00", "x"), ("agent@exemple.fr", "mot\x00de passe")],
)
def test_log_in_with_a_nul_byte_is_a_french_form_error(client, make_user, email, password):
    make_user("agent@exemple.fr")
    response = client.post(
        "/connexion",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Adresse électronique ou mot de passe incorrect." in page or REQUIRED in page


def test_admin_search_with_a_nul_byte_answers(login_as):
    admin = login_as(Role.ADMIN, full_name="Alice Administratrice")
    response = admin.get("/admin/comptes?q=Alice%00")
    assert response.status_code == 200
    assert "Alice Administratrice" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/formations/%00/", "/verifier/TEH-%00", "/sessions/rejoindre/%1b", "/static/css/app%00.css"],
)
def test_a_path_with_a_control_character_is_a_french_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page non trouvée" in response.get_data(as_text=True)


def test_a_signed_in_path_with_a_control_character_is_a_french_404(login_as):
    response = login_as().get("/formations/%00/reprendre")
    assert response.status_code == 404
    assert "Page non trouvée" in response.get_data(as_text=True)


def test_no_stored_name_holds_a_control_character(app, client, mailbox):
    """What the cleaning guarantees, read back from the database itself."""
    client.post("/inscription", data=signup_data(client, app, full_name="A\x00B\u202e C"))
    with app.app_context():
        from training.accounts.models import User
        from training.extensions import db

        names = db.session.scalars(sa.select(User.full_name)).all()
    assert names == ["AB C"]


def test_names_read_from_an_uploaded_file_are_cleaned_too():
    """The names of an invitation file end up in e-mails and on certificates (V5.2.3)."""
    rows = parse_invitations_csv(
        'courriel;prénom;nom\nines@exemple.fr;"Inès\nMarie";\u202eMoreau\x00\n', {}
    )
    assert [row.full_name for row in rows] == ["Inès Marie Moreau"]
