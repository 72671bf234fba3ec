"""The session pages over HTTP: the form and its bad input, joining, attendance, closing."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token, log_in
from tests.learning.test_queries import counted
from tests.sessions.conftest import join
from training.accounts.models import Territory
from training.catalog.models import Enrolment
from training.certificates.services import paris_today
from training.content.models import Course
from training.extensions import db
from training.sessions.models import Attendance, SessionMember, TrainingSession
from training.timeutils import french_date


@pytest.fixture
def trainer_client(app, trainer):
    client = app.test_client()
    log_in(client, trainer.email)
    return client


def ids(app) -> tuple[int, int]:
    with app.app_context():
        course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
        territory = db.session.scalar(sa.select(Territory).filter_by(code="bordeaux"))
        return course.id, territory.id


def form_data(app, client, **changes) -> dict:
    course_id, territory_id = ids(app)
    today = paris_today()
    data = {
        "name": "Enseignants de Bordeaux",
        "course_id": course_id,
        "territory_id": territory_id,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "capacity": "20",
        "day1_date": (today + timedelta(days=7)).isoformat(),
        "day1_place": "ENM Bordeaux, salle 3",
        "csrf_token": csrf_token(client, "/sessions/nouvelle"),
    }
    return {**data, **changes}


def session_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(TrainingSession.id)))


def test_trainer_creates_a_session_and_sees_its_page(app, trainer_client, example_course):
    response = trainer_client.post("/sessions/nouvelle", data=form_data(app, trainer_client))
    assert response.status_code == 302
    page = trainer_client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(sa.select(TrainingSession))
        assert session.capacity == 20
        assert [d.place for d in session.days] == ["ENM Bordeaux, salle 3"]
        code, display = session.join_code, session.display_code
    assert html.count("<h1") == 1
    assert display in html
    assert f"/sessions/rejoindre/{code}" in html
    assert f'src="/sessions/{session.id}/qr-code.svg"' in html
    assert "Personne n'a encore rejoint la session." in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2000-01-01"}, "La date de fin doit être égale ou postérieure"),
        ({"capacity": "0"}, "Indiquez un nombre de places entre 1 et 10000."),
        ({"capacity": "beaucoup"}, "N&#39;est pas un entier valide."),
        ({"course_id": "999999"}, "N&#39;est pas un choix valide."),
        ({"territory_id": "abc"}, "Choix non valide, ne peut pas être converti."),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"starts_on": "31/02/2027"}, "N&#39;est pas une date valide."),
        ({"day1_place": ""}, "Indiquez le lieu de cette journée."),
        ({"day1_date": "", "day2_place": "Ailleurs"}, "Indiquez la date de cette journée."),
        ({"day1_date": "2099-01-01"}, "entre le début et la fin de la session"),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(
    app, trainer_client, example_course, changes, message
):
    response = trainer_client.post(
        "/sessions/nouvelle", data=form_data(app, trainer_client, **changes)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'id="resume-erreurs"' in html
    assert "<title>Erreur : " in html
    assert session_count(app) == 0


def test_a_form_without_csrf_token_writes_nothing(app, trainer_client, example_course):
    data = form_data(app, trainer_client)
    del data["csrf_token"]
    response = trainer_client.post("/sessions/nouvelle", data=data)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    assert session_count(app) == 0


def test_editing_another_trainers_session_is_404_and_writes_nothing(
    app, make_user, make_session, trainer, login_as
):
    from training.accounts.models import Role

    session_id = make_session(trainer)
    other = login_as(Role.TRAINER)
    data = form_data(app, other, name="Détournée")
    assert other.post(f"/sessions/{session_id}/modifier", data=data).status_code == 404
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).name == "Enseignants de Bordeaux"


def test_owner_edits_a_session(app, trainer_client, make_session, trainer):
    session_id = make_session(trainer)
    form = trainer_client.get(f"/sessions/{session_id}/modifier").get_data(as_text=True)
    assert 'value="Enseignants de Bordeaux"' in form
    data = form_data(app, trainer_client, name="Nouveau nom", capacity="")
    response = trainer_client.post(f"/sessions/{session_id}/modifier", data=data)
    assert response.status_code == 302
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        assert (session.name, session.capacity) == ("Nouveau nom", None)


def test_changing_the_course_after_someone_joined_is_refused(
    app, trainer_client, make_session, trainer, make_user
):
    from tests.learning.conftest import ROOT, import_courses

    import_courses(app, ROOT / "courses" / "socle-commun", ROOT / "courses" / "enseignants")
    session_id = make_session(trainer)
    join(app, make_user(), session_id)
    with app.app_context():
        other_course = db.session.scalar(sa.select(Course).filter_by(slug="enseignants")).id
    data = form_data(app, trainer_client, course_id=other_course)
    response = trainer_client.post(f"/sessions/{session_id}/modifier", data=data)
    assert response.status_code == 422
    assert "La formation ne peut plus être changée" in response.get_data(as_text=True)


# --- joining -----------------------------------------------------------------------------


def code_of(app, session_id: int) -> str:
    with app.app_context():
        return db.session.get(TrainingSession, session_id).join_code


def test_anonymous_is_sent_to_log_in_and_comes_back(app, make_session, trainer, make_user):
    code = code_of(app, make_session(trainer))
    learner = make_user()
    client = app.test_client()
    response = client.get(f"/sessions/rejoindre/{code}")
    assert response.headers["Location"] == f"/connexion?next=/sessions/rejoindre/{code}"
    back = log_in(client, learner.email, next_url=f"/sessions/rejoindre/{code}")
    assert back.headers["Location"] == f"/sessions/rejoindre/{code}"


def test_learner_follows_the_link_and_joins(app, make_session, trainer, login_as):
    session_id = make_session(trainer, days=((paris_today(), "ENM Bordeaux"),))
    code = code_of(app, session_id)
    client = login_as()
    page = client.get(f"/sessions/rejoindre/{code}").get_data(as_text=True)
    assert "Cours d&#39;exemple : le format des fichiers" in page
    assert "Fabienne Formatrice" in page
    assert "ENM Bordeaux" in page
    assert "Rejoindre la session" in page
    response = client.post(
        f"/sessions/rejoindre/{code}",
        data={"csrf_token": csrf_token(client, f"/sessions/rejoindre/{code}")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/formations/exemple-cours/reprendre"
    with app.app_context():
        member = db.session.scalar(sa.select(SessionMember))
        assert member.user_id == client.user.id
        assert db.session.get(Enrolment, member.enrolment_id).user_id == client.user.id
    again = client.get(f"/sessions/rejoindre/{code}").get_data(as_text=True)
    assert "Vous faites partie de cette session" in again
    dashboard = client.get("/mon-parcours").get_data(as_text=True)
    assert "Mes sessions de formation" in dashboard
    assert "Enseignants de Bordeaux" in dashboard


def test_mon_parcours_lists_each_session_with_its_trainer_and_days_in_one_query(
    app, make_session, trainer, login_as
):
    today = paris_today()
    earlier = make_session(trainer, name="Session de printemps", starts_on=today)
    later = make_session(
        trainer,
        name="Session d'automne",
        starts_on=today + timedelta(days=2),
        days=(
            (today + timedelta(days=9), "ENM Paris"),
            (today + timedelta(days=3), "ENM Bordeaux"),
        ),
    )
    client = login_as()
    join(app, client.user, earlier)
    join(app, client.user, later)
    with counted(app) as statements:
        page = client.get("/mon-parcours").get_data(as_text=True)
    items = re.findall(r"<li>([^<]*Session [^<]*)</li>", page)
    assert len(items) == 2, page
    autumn, spring = items
    assert autumn.startswith("Session d&#39;automne, animée par Fabienne Formatrice, du ")
    first_day, second_day = (
        french_date(today + timedelta(days=3)),
        french_date(today + timedelta(days=9)),
    )
    assert autumn.endswith(
        f" — en présentiel : {first_day} (ENM Bordeaux), {second_day} (ENM Paris)"
    )
    assert spring.startswith("Session de printemps, animée par Fabienne Formatrice, du ")
    assert "présentiel" not in spring
    # The sessions, their trainers and their days: one query.
    assert len([s for s in statements if re.search(r"training_sessions|session_days", s)]) == 1


def test_mon_parcours_never_shows_sessions_another_learner_joined(
    app, make_session, trainer, make_user, login_as
):
    session_id = make_session(trainer, days=((paris_today(), "ENM Bordeaux"),))
    join(app, make_user(), session_id)
    page = login_as().get("/mon-parcours").get_data(as_text=True)
    assert "Mes sessions de formation" not in page
    assert "Enseignants de Bordeaux" not in page
    assert "ENM Bordeaux" not in page


def test_dashboard_has_no_session_section_without_sessions(login_as):
    assert "Mes sessions de formation" not in login_as().get("/mon-parcours").get_data(as_text=True)


@pytest.mark.parametrize("state", ["full", "closed", "ended"])
def test_join_page_says_when_the_session_cannot_be_joined(
    app, make_session, trainer, make_user, login_as, state
):
    today = paris_today()
    if state == "ended":
        session_id = make_session(
            trainer, starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=2)
        )
    else:
        session_id = make_session(trainer, capacity=1)
    if state == "full":
        join(app, make_user(), session_id)
    if state == "closed":
        with app.app_context():
            db.session.get(TrainingSession, session_id).closed_at = db.func.now()
            db.session.commit()
    message = {"full": "complète", "closed": "close", "ended": "terminée"}[state]
    code = code_of(app, session_id)
    client = login_as()
    page = client.get(f"/sessions/rejoindre/{code}").get_data(as_text=True)
    assert f"Cette session est {message}" in page
    assert "Rejoindre la session</button>" not in page
    token = csrf_token(client, "/")
    response = client.post(f"/sessions/rejoindre/{code}", data={"csrf_token": token})
    assert response.status_code == 409
    assert f"Cette session est {message}" in response.get_data(as_text=True)
    with app.app_context():
        members = db.session.scalars(sa.select(SessionMember.user_id)).all()
        assert client.user.id not in members


def test_typed_codes_are_forgiving_and_unknown_ones_are_404(app, make_session, trainer, login_as):
    code = code_of(app, make_session(trainer))
    client = login_as()
    typed = f" {code[:4].lower()} - {code[4:]} "
    response = client.get("/sessions/rejoindre", query_string={"code": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/sessions/rejoindre/{code}"
    lower = client.get(f"/sessions/rejoindre/{code.lower()}")
    assert lower.status_code == 301
    unknown = client.get("/sessions/rejoindre", query_string={"code": "ZZZZ-ZZZZ"})
    assert unknown.status_code == 404
    assert "Aucune session ne correspond à ce code" in unknown.get_data(as_text=True)
    malformed = client.get("/sessions/rejoindre", query_string={"code": "O0O0"})
    assert malformed.status_code == 422
    assert "Un code de session compte 8 caractères" in malformed.get_data(as_text=True)
    assert client.get("/sessions/rejoindre/IIIIIIII").status_code == 404


# --- the trainer's actions ---------------------------------------------------------------


def test_owner_ticks_attendance(app, make_session, trainer, trainer_client, make_user):
    session_id = make_session(trainer, days=((paris_today(), "Salle A"),))
    first = join(app, make_user(full_name="Alice"), session_id)
    second = join(app, make_user(full_name="Bruno"), session_id)
    with app.app_context():
        day = db.session.get(TrainingSession, session_id).days[0].id
    page = trainer_client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert f'value="{day}-{first.id}"' in page
    response = trainer_client.post(
        f"/sessions/{session_id}/presences",
        data={
            "csrf_token": csrf_token(trainer_client, f"/sessions/{session_id}"),
            "membre": [str(first.id), str(second.id)],
            "presence": [f"{day}-{first.id}"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        present = dict(
            db.session.execute(sa.select(Attendance.member_id, Attendance.present)).all()
        )
    assert present == {first.id: True, second.id: False}
    page = trainer_client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert re.search(rf'value="{day}-{first.id}" checked', page)


@pytest.mark.parametrize(
    "forged",
    [
        {"membre": ["999999"], "presence": []},
        {"membre": ["abc"], "presence": []},
        {"membre": ["1"], "presence": ["1-x"]},
        {"membre": ["²"], "presence": []},
    ],
)
def test_forged_attendance_is_refused_and_writes_nothing(
    app, make_session, trainer, trainer_client, make_user, forged
):
    session_id = make_session(trainer, days=((paris_today(), "Salle A"),))
    join(app, make_user(), session_id)
    token = csrf_token(trainer_client, f"/sessions/{session_id}")
    response = trainer_client.post(
        f"/sessions/{session_id}/presences", data={"csrf_token": token, **forged}
    )
    assert response.status_code == 400
    assert "Requête" in response.get_data(as_text=True) or "ne correspondent pas" in (
        response.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_another_sessions_member_is_refused_in_french(
    app, make_session, trainer, trainer_client, make_user
):
    session_id = make_session(trainer, days=((paris_today(), "Salle A"),))
    other_id = make_session(trainer)
    foreign = join(app, make_user(), other_id)
    token = csrf_token(trainer_client, f"/sessions/{session_id}")
    response = trainer_client.post(
        f"/sessions/{session_id}/presences",
        data={"csrf_token": token, "membre": [str(foreign.id)]},
    )
    assert response.status_code == 400
    assert "ne correspondent pas aux participants" in response.get_data(as_text=True)


def test_close_and_reopen(app, make_session, trainer, trainer_client):
    session_id = make_session(trainer)
    token = csrf_token(trainer_client, f"/sessions/{session_id}")
    trainer_client.post(f"/sessions/{session_id}/cloture", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).closed_at is not None
    page = trainer_client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Rouvrir la session" in page
    trainer_client.post(f"/sessions/{session_id}/reouverture", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).closed_at is None


def test_post_without_csrf_is_refused(app, make_session, trainer, trainer_client):
    session_id = make_session(trainer)
    assert trainer_client.post(f"/sessions/{session_id}/cloture").status_code == 400
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).closed_at is None


def test_qr_code_is_an_svg_of_the_join_link(app, make_session, trainer, trainer_client):
    session_id = make_session(trainer)
    response = trainer_client.get(f"/sessions/{session_id}/qr-code.svg")
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    svg = response.get_data(as_text=True)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<path" in svg
    assert code_of(app, session_id)[:4] in svg  # in its title


def test_qr_code_encodes_the_join_link(app, make_session, trainer, trainer_client):
    """The image is exactly segno's QR code of the public join link (segno is deterministic)."""
    from training.sessions.views import qr_svg

    session_id = make_session(trainer)
    code = code_of(app, session_id)
    svg = trainer_client.get(f"/sessions/{session_id}/qr-code.svg").get_data()
    title = f"Lien pour rejoindre la session {code[:4]}-{code[4:]}"
    link = f"http://formation.test/sessions/rejoindre/{code}"
    assert svg == qr_svg(link, title)
    assert svg != qr_svg(link + "X", title)


def test_filter_and_sort_on_the_page(app, make_session, trainer, trainer_client, make_user):
    from tests.sessions.conftest import LESSON_1, finish_lesson

    session_id = make_session(trainer)
    started = join(app, make_user(full_name="Zoé Avancée"), session_id)
    join(app, make_user(full_name="Yann Pas-Commencé"), session_id)
    finish_lesson(app, started.enrolment_id, LESSON_1)
    html = trainer_client.get(f"/sessions/{session_id}?statut=en-cours").get_data(as_text=True)
    assert "Zoé Avancée" in html
    assert "Yann Pas-Commencé" not in html
    html = trainer_client.get(f"/sessions/{session_id}?statut=non-commence").get_data(as_text=True)
    assert "Yann Pas-Commencé" in html
    assert "Zoé Avancée" not in html
    html = trainer_client.get(f"/sessions/{session_id}?tri=progression&ordre=desc").get_data(
        as_text=True
    )
    assert html.index("Zoé Avancée") < html.index("Yann Pas-Commencé")
    assert 'aria-sort="descending"' in html
    html = trainer_client.get(f"/sessions/{session_id}?tri=nom").get_data(as_text=True)
    assert html.index("Yann Pas-Commencé") < html.index("Zoé Avancée")
