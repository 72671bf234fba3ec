"""Invitations by CSV, reminders, extra attempts and quiz statistics, through the pages and
with the mails read back from the test SMTP server."""

import html
import io
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token, log_in
from tests.learning.conftest import QUIZ
from tests.sessions.conftest import enrolment_of, join, take_quiz
from training.audit.models import AuditEvent
from training.extensions import db
from training.learning.grants import ExtraAttempt
from training.sessions.models import Invitation, Reminder, SessionMember

PASSWORD = "une phrase facile à retenir, difficile à deviner"


@pytest.fixture
def owner(app, trainer):
    client = app.test_client()
    log_in(client, trainer.email)
    return client


def upload(client, session_id: int, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        f"/sessions/{session_id}/invitations",
        data={
            "csrf_token": csrf_token(client, f"/sessions/{session_id}/invitations"),
            "file": (io.BytesIO(data), "participants.csv"),
        },
        content_type="multipart/form-data",
    )


def confirm(client, session_id: int, preview_html: str):
    content = re.search(r'name="content" type="hidden" value="([^"]*)"', preview_html).group(1)
    return client.post(
        f"/sessions/{session_id}/invitations/confirmer",
        data={"csrf_token": csrf_token(client), "content": html.unescape(content)},
    )


def members(app, session_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(SessionMember.id)).where(SessionMember.session_id == session_id)
        )


def test_invitations_preview_then_apply_and_mail(
    app, owner, trainer, make_session, make_user, mailbox
):
    session_id = make_session(trainer)
    known = make_user("known@exemple.fr", full_name="Karim Connu")
    csv_text = (
        "courriel;prénom;nom;profession\n"
        f"{known.email};Karim;Connu;enseignant\n"
        "new@exemple.fr;Inès;Moreau;enseignant\n"
    )
    preview = upload(owner, session_id, csv_text)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Ajout à la session (compte existant)" in html
    assert "Invitation par courriel à créer son compte" in html
    assert members(app, session_id) == 0
    assert not mailbox.messages

    response = confirm(owner, session_id, html)
    assert response.status_code == 302
    assert members(app, session_id) == 1
    assert mailbox.to(known.email)[-1]["Subject"].startswith("Vous participez à la session")
    invitation_mail = mailbox.to("new@exemple.fr")[-1]
    assert "Fabienne Formatrice vous invite" in invitation_mail.get_content()

    # The invited person follows the link, signs up prefilled, and joins at once.
    visitor = app.test_client()
    link = urlsplit(mailbox.last_link("new@exemple.fr")).path
    page = visitor.get(link).get_data(as_text=True)
    signup = re.search(r'href="(/inscription\?invitation=[^"]+)"', page).group(1)
    form = visitor.get(signup.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="new@exemple.fr"' in form
    assert 'value="Inès Moreau"' in form
    with app.app_context():
        from training.accounts.models import Profession, Territory

        profession = db.session.scalar(sa.select(Profession).filter_by(code="enseignant"))
        territory = db.session.scalar(sa.select(Territory).filter_by(code="bordeaux"))
        assert f'<option selected value="{territory.id}">' in form
    response = visitor.post(
        signup.replace("&amp;", "&"),
        data={
            "csrf_token": csrf_token(visitor, signup.replace("&amp;", "&")),
            "email": "new@exemple.fr",
            "full_name": "Inès Moreau",
            "profession_id": profession.id,
            "territory_id": territory.id,
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
            "consent": "y",
        },
    )
    assert response.headers["Location"] == link
    response = visitor.post(link, data={"csrf_token": csrf_token(visitor, link)})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert members(app, session_id) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(Invitation.accepted_at)) is not None
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="session.invited"))
        assert event.details == {"added": 1, "invited": 1, "unchanged": 0}


def test_a_file_with_errors_changes_nothing_and_names_lines(
    app, owner, trainer, make_session, mailbox
):
    session_id = make_session(trainer)
    response = upload(owner, session_id, "courriel;prénom;nom\nok@exemple.fr;A;B\nnope;A;B\n")
    assert response.status_code == 422
    assert "Ligne 3 : adresse électronique « nope » invalide." in response.get_data(as_text=True)
    for hostile in (
        "courriel;prénom;nom\né@x.fr;Inès;Moreau\n".encode("cp1252"),
        b"\xff\xfe\x00garbage",
        "courriel;prénom;nom\n" + "a@exemple.fr;A;B\n" * 3,
    ):
        response = upload(owner, session_id, hostile)
        assert response.status_code == 422
        assert "Ligne" in response.get_data(as_text=True)
    assert not mailbox.messages
    assert members(app, session_id) == 0


def test_capacity_refuses_the_whole_file(app, owner, trainer, make_session, make_user, mailbox):
    session_id = make_session(trainer, capacity=1)
    first, second = make_user("one@exemple.fr"), make_user("two@exemple.fr")
    text = f"courriel;prénom;nom\n{first.email};A;B\n{second.email};C;D\nnew@exemple.fr;E;F\n"
    html = upload(owner, session_id, text).get_data(as_text=True)
    assert "La session n&#39;a plus que 1 place libre, pour 2 comptes" in html
    assert "Confirmer et envoyer" not in html
    # Posting the confirmation anyway (another tab, a forged form) applies nothing.
    response = owner.post(
        f"/sessions/{session_id}/invitations/confirmer",
        data={"csrf_token": csrf_token(owner), "content": text},
        follow_redirects=True,
    )
    assert "Rien n&#39;a été fait" in response.get_data(as_text=True)
    assert members(app, session_id) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0
    assert not mailbox.messages


def test_an_invitation_for_another_address_is_refused(app, trainer, make_session, login_as):
    from training.sessions import invitations
    from training.sessions.invitation_csv import InvitationRow
    from training.sessions.models import TrainingSession

    session_id = make_session(trainer)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        row = InvitationRow(2, "someone@exemple.fr", "Inès", "Moreau", None)
        token = invitations.invite(db.session.merge(trainer), session, [row]).invited[0].token
        db.session.commit()
    stranger = login_as()
    url = f"/sessions/invitation/{token}"
    response = stranger.post(url, data={"csrf_token": csrf_token(stranger, url)})
    assert response.status_code == 409
    assert "adressée à someone@exemple.fr" in response.get_data(as_text=True)
    assert app.test_client().get("/sessions/invitation/forged").status_code == 404


def test_reminders_at_most_one_a_day(app, owner, trainer, make_session, make_user, mailbox):
    session_id = make_session(trainer)
    idle, busy = make_user(full_name="Inès Idle"), make_user(full_name="Bruno Busy")
    join(app, idle, session_id)
    join(app, busy, session_id)
    preview = owner.get(f"/sessions/{session_id}/relance").get_data(as_text=True)
    assert "Inès Idle" in preview
    assert "Bruno Busy" in preview
    assert "Rappel : votre formation vous attend" in preview
    url = f"/sessions/{session_id}/relance"
    for _ in range(2):
        assert owner.post(url, data={"csrf_token": csrf_token(owner, url)}).status_code == 302
    assert len(mailbox.to(idle.email)) == 1
    assert len(mailbox.to(busy.email)) == 1
    assert "pas encore terminée" in mailbox.to(idle.email)[0].get_content()
    assert "Personnes déjà relancées aujourd'hui" in owner.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reminder.id))) == 2


def test_reminders_skip_deactivated_accounts(app, owner, trainer, make_session, make_user, mailbox):
    from training.accounts.models import User
    from training.accounts.services import deactivate_user

    session_id = make_session(trainer)
    idle, gone = make_user(full_name="Inès Idle"), make_user(full_name="Denis Désactivé")
    join(app, idle, session_id)
    join(app, gone, session_id)
    with app.app_context():
        deactivate_user(None, db.session.get(User, gone.id))
        db.session.commit()

    url = f"/sessions/{session_id}/relance"
    preview = owner.get(url).get_data(as_text=True)
    recipients = preview.split("<h2>Destinataires</h2>", 1)[1].split("<h2>Message</h2>", 1)[0]
    assert "<li>Inès Idle</li>" in recipients
    assert "<li>Denis Désactivé</li>" not in recipients
    assert "Comptes désactivés, qui ne reçoivent pas de rappel : Denis Désactivé." in recipients
    assert "Envoyer le rappel à 1 participant</button>" in preview

    assert owner.post(url, data={"csrf_token": csrf_token(owner, url)}).status_code == 302
    assert len(mailbox.to(idle.email)) == 1
    assert mailbox.to(gone.email) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reminder.id))) == 1


def test_grant_an_extra_attempt(app, owner, trainer, make_session, login_as):
    session_id = make_session(trainer)
    learner = login_as(full_name="Lou Bloquée")
    member = join(app, learner.user, session_id)
    enrolment = enrolment_of(app, member)
    grant = {"octroi": f"{member.id}:{QUIZ}"}
    url = f"/sessions/{session_id}/tentative-supplementaire"
    assert owner.post(url, data={**grant, "csrf_token": csrf_token(owner)}).status_code == 400
    for _ in range(3):
        take_quiz(app, enrolment.id, [False, False, False])
    page = owner.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Accorder une tentative" in page
    assert owner.post(url, data={**grant, "csrf_token": csrf_token(owner)}).status_code == 302
    # A second click finds nothing left to grant.
    assert owner.post(url, data={**grant, "csrf_token": csrf_token(owner)}).status_code == 400
    step_page = learner.get(f"/formations/exemple-cours/{QUIZ}").get_data(as_text=True)
    assert "3 utilisées sur 4 (dont 1 accordée" in step_page
    assert "Nouvelle tentative" in step_page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExtraAttempt.id))) == 1
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="session.attempt_granted"))
        assert event.details["trainer"] == "Fabienne Formatrice"
    take_quiz(app, enrolment.id, [True, True, True])


def test_quiz_statistics_page(app, owner, trainer, make_session, make_user):
    session_id = make_session(trainer)
    url = f"/sessions/statistiques/exemple-cours/{QUIZ}"
    for index in range(5):
        member = join(app, make_user(), session_id)
        take_quiz(app, enrolment_of(app, member).id, [True, index % 2 == 0, index < 4])
        if index == 3:
            assert "il en faut au moins 5" in owner.get(url).get_data(as_text=True)
    html = owner.get(url).get_data(as_text=True)
    assert "Premières tentatives</dt><dd>5</dd>" in html
    assert "Presque tout le monde répond juste" in html
    assert owner.get(f"{url}?session={session_id}").status_code == 200
    assert owner.get(f"{url}?session=999999").status_code == 404
    assert "Les trois éléments" in owner.get("/sessions/statistiques").get_data(as_text=True)
