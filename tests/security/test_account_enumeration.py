"""Sign-up and the forgotten-password form tell nobody which addresses have an account
(OWASP WSTG-IDNT-04, account enumeration; ASVS 4.0.3 has no numbered requirement for it): the
same answer, the same work and one e-mail, whether or not the address is known; only its owner,
reading the mailbox, learns which case it was."""

import re
from contextlib import contextmanager

import sqlalchemy as sa

from tests.accounts.test_signup_and_confirmation import find_user, signup_data
from tests.conftest import csrf_token
from training.accounts import services
from training.accounts.models import User
from training.extensions import db


def followed(client, response) -> str:
    """The page the redirection leads to, without what differs from one session to the next."""
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.sub(r'name="csrf_token"(?: type="hidden")? value="[^"]+"', "", html)


def cookie_names(response) -> list[str]:
    return sorted(header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie"))


@contextmanager
def counted_queries(app):
    """The SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def account_row(app, email: str) -> dict:
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(email=email))
        return {column.name: getattr(user, column.key) for column in User.__mapper__.columns}


def test_signing_up_with_a_taken_address_answers_like_a_new_sign_up(
    app, make_user, mailbox, monkeypatch
):
    """The address already has an account: the same page as for a new account, the password
    hashed all the same (the costly step of a sign-up), the account left untouched, and its
    owner told by e-mail how to log in or reset their password."""
    make_user("nadia.benali@exemple.fr", full_name="Nadia Benali")
    before = account_row(app, "nadia.benali@exemple.fr")
    hashed = []
    real_hash = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda pw: hashed.append(pw) or real_hash(pw))

    newcomer, intruder = app.test_client(), app.test_client()
    new = newcomer.post(
        "/inscription", data=signup_data(newcomer, app, email="ines.moreau@exemple.fr")
    )
    hashed_for_new = len(hashed)
    taken = intruder.post(
        "/inscription",
        data=signup_data(
            intruder,
            app,
            email="NADIA.Benali@exemple.fr",
            full_name="Quelqu'un d'autre",
            password="une autre phrase de passe choisie",
            password_confirmation="une autre phrase de passe choisie",
        ),
    )

    assert new.status_code == taken.status_code == 302
    assert new.headers["Location"] == taken.headers["Location"]
    assert cookie_names(new) == cookie_names(taken)
    assert hashed_for_new == 1
    assert len(hashed) == 2
    new_page = followed(newcomer, new).replace("ines.moreau@exemple.fr", "ADRESSE")
    taken_page = followed(intruder, taken).replace("nadia.benali@exemple.fr", "ADRESSE")
    assert new_page == taken_page
    assert "Consultez votre messagerie" in taken_page
    for client in (newcomer, intruder):  # neither is logged in
        assert client.get("/compte").status_code == 302

    assert account_row(app, "nadia.benali@exemple.fr") == before
    with app.app_context():
        others = sa.select(sa.func.count()).where(User.full_name.like("Quelqu%"))
        assert db.session.scalar(others) == 0
    [confirmation] = mailbox.to("ines.moreau@exemple.fr")
    assert confirmation["Subject"] == "Confirmez votre adresse électronique"
    [notice] = mailbox.to("nadia.benali@exemple.fr")
    body = notice.get_content()
    assert "Quelqu'un a voulu créer un compte avec votre adresse" in body
    assert "http://formation.test/connexion" in body
    assert "http://formation.test/mot-de-passe/nouveau/" in body


def test_the_notice_links_follow_site_url(app, make_user, mailbox, monkeypatch):
    """Links mailed to the owner are built on SITE_URL (training.urls), like every mailed link."""
    monkeypatch.setitem(app.config, "SITE_URL", "https://formation.exemple.gouv.fr")
    make_user("nadia.benali@exemple.fr")
    client = app.test_client()
    client.post("/inscription", data=signup_data(client, app, email="nadia.benali@exemple.fr"))
    links = re.findall(r"https?://\S+", mailbox.to("nadia.benali@exemple.fr")[-1].get_content())
    assert len(links) == 2
    assert all(link.startswith("https://formation.exemple.gouv.fr/") for link in links)


def test_the_reset_link_of_the_notice_works(app, make_user, mailbox):
    """The owner who had forgotten the account can choose a new password from the notice."""
    make_user("nadia.benali@exemple.fr")
    client = app.test_client()
    client.post("/inscription", data=signup_data(client, app, email="nadia.benali@exemple.fr"))
    link = mailbox.last_link("nadia.benali@exemple.fr")
    assert "/mot-de-passe/nouveau/" in link
    assert client.get(link).status_code == 200


def test_forgotten_password_answers_and_works_the_same_for_an_unknown_address(
    app, make_user, mailbox
):
    """Known or not, the address gets the same redirection and page, the same database work,
    and one e-mail: a reset link for an account, a note saying there is none otherwise."""
    make_user("agent@exemple.fr")
    known_client, unknown_client = app.test_client(), app.test_client()
    known_data = {"email": "agent@exemple.fr", "csrf_token": csrf_token(known_client)}
    unknown_data = {"email": "inconnu@exemple.fr", "csrf_token": csrf_token(unknown_client)}

    with counted_queries(app) as known_queries:
        known = known_client.post("/mot-de-passe-oublie", data=known_data)
    with counted_queries(app) as unknown_queries:
        unknown = unknown_client.post("/mot-de-passe-oublie", data=unknown_data)

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert cookie_names(known) == cookie_names(unknown)
    assert followed(known_client, known) == followed(unknown_client, unknown)
    assert len(known_queries) == len(unknown_queries)
    [reset] = mailbox.to("agent@exemple.fr")
    [note] = mailbox.to("inconnu@exemple.fr")
    assert reset["Subject"] == note["Subject"]
    assert "/mot-de-passe/nouveau/" in reset.get_content()
    assert "Aucun compte" in note.get_content()
    assert "/mot-de-passe/nouveau/" not in note.get_content()
    assert find_user(app, "inconnu@exemple.fr") is None
