"""Every text field a person controls, sent each hostile string of tests/hostile.py, then every
page, export and answer where the value comes back: inert, or refused in French, never a 5xx
(ASVS V5.1, V5.2, V5.3), on SQLite and PostgreSQL (where NUL is the classic 500).

FIELDS is the table: one row a field (see tests/hostile.py for how to add one). A World is
built lazily per test: only the people and objects the row asks for.
"""

import io
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.authoring.test_quiz_editor import form_of
from tests.conftest import PASSWORD, csrf_token, log_in
from tests.hostile import (
    ALL,
    CORE,
    FEW,
    HOSTILE_BY_ID,
    SOME,
    assert_csv_inert,
    assert_inert,
    assert_no_server_error,
    assert_shown_escaped,
)
from tests.sessions.conftest import plan
from training.accounts.models import Profession, Role, Territory, User
from training.authoring.authors import add_co_author
from training.authoring.publishing import MAX_CHANGE_NOTE
from training.catalog.models import Enrolment
from training.certificates.services import certificate_of
from training.content.models import Course
from training.csv_export import neutralise
from training.extensions import db
from training.learning import services as learning
from training.monitoring import tokens
from training.plain_text import clean_line
from training.sessions import services as sessions

SLUG = "exemple-cours"


@dataclass
class World:
    """The people and objects of one test, made on first use."""

    app: object
    make_user: Callable
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    _session_id: int | None = None
    _course: bool = False
    _author: bool = False

    def client(self, role: Role) -> FlaskClient:
        if role.value not in self.clients:
            user = self.make_user(role=role, full_name=f"Personne {role.value}")
            client = self.app.test_client()
            assert log_in(client, user.email).status_code == 302
            self.clients[role.value], self.users[role.value] = client, user
        return self.clients[role.value]

    def author(self) -> FlaskClient:
        """The trainer, an author of the example course, its draft opened."""
        if not self._author:
            self.course()
            trainer = self.client(Role.TRAINER)
            with self.app.app_context():
                course = db.session.scalar(sa.select(Course).filter_by(slug=SLUG))
                add_co_author(course, db.session.merge(self.users["trainer"]), None)
                db.session.commit()
            response = trainer.post(
                f"/formateur/formations/{SLUG}/modifier",
                data={"csrf_token": csrf_token(trainer, "/formateur/formations")},
            )
            assert response.status_code == 302
            self._author = True
        return self.clients["trainer"]

    def reference_ids(self) -> tuple[int, int]:
        with self.app.app_context():
            profession = db.session.scalar(sa.select(Profession).filter_by(code="enseignant"))
            territory = db.session.scalar(sa.select(Territory).filter_by(code="bordeaux"))
            return profession.id, territory.id

    def course(self) -> str:
        if not self._course:
            from tests.conftest import ROOT
            from training.content.services import import_courses

            with self.app.app_context():
                import_courses([ROOT / "docs" / "exemple-cours"])
                db.session.commit()
            self._course = True
        return SLUG

    def session_id(self) -> int:
        """A session of the trainer's on the example course, the learner a member of it."""
        if self._session_id is None:
            self.course()
            self.client(Role.TRAINER)
            self.client(Role.LEARNER)
            with self.app.app_context():
                trainer = db.session.merge(self.users["trainer"])
                session = sessions.create_session(trainer, plan())
                sessions.join_session(db.session.merge(self.users["learner"]), session)
                db.session.commit()
                self._session_id = session.id
        return self._session_id

    def certificate_code(self) -> str:
        """The learner completes the example course: their certificate's code."""
        session_id = self.session_id()
        with self.app.app_context():
            learner = db.session.merge(self.users["learner"])
            course = db.session.scalar(sa.select(Course).filter_by(slug=SLUG))
            enrolment = db.session.scalar(
                sa.select(Enrolment).filter_by(user_id=learner.id, course_id=course.id)
            )
            for key in ("01-decouvrir/01-les-trois-elements", "01-decouvrir/02-a-qui-signaler"):
                learning.mark_lesson_done(enrolment, learning.step_of(enrolment, key))
            quiz = learning.step_of(enrolment, "02-verifier/01-quiz")
            attempt = learning.start_attempt(enrolment, quiz)
            learning.submit_attempt(attempt, _correct_answers(quiz))
            db.session.commit()
            code = certificate_of(enrolment).code
        assert session_id
        return code


def _correct_answers(step) -> dict[int, list[int]]:
    from training.content.models import Question

    questions = db.session.scalars(sa.select(Question).filter_by(step_id=step.id)).all()
    return {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}


# --- what the test checks on every answer ---------------------------------------------------


def check(response, value: str, *, shown: bool = False):
    """No 5xx; HTML inert (and, if `shown`, the value escaped in it); CSV without formulas."""
    assert_no_server_error(response)
    body = response.get_data()
    if response.mimetype == "text/html":
        page = body.decode()
        assert_inert(page, value)
        if shown:
            assert_shown_escaped(page, value)
    elif response.mimetype in ("text/csv",):
        assert_csv_inert(body)
    return response


def fetch_all(client: FlaskClient, urls: Iterable[str], value: str) -> None:
    for url in urls:
        response = client.get(url)
        check(response, value)
        if url.endswith(".pdf") and response.status_code == 200:
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
            assert "\x00" not in text
            assert "\u202e" not in text


def stored(value: str, max_length: int) -> bool:
    """Whether a one-line field of that length keeps the value (else it is refused)."""
    return 0 < len(clean_line(value)) <= max_length


# --- the fields -------------------------------------------------------------------------------


def submit_signup(world: World, value: str, what: str):
    client = world.app.test_client()
    profession_id, territory_id = world.reference_ids()
    data = {
        "email": f"nouvelle-{uuid.uuid4().hex[:6]}@exemple.fr",
        "full_name": "Nadia Benali",
        "profession_id": profession_id,
        "territory_id": territory_id,
        "organisation": "Collège",
        "password": "une phrase de passe assez longue",
        "password_confirmation": "une phrase de passe assez longue",
        "consent": "y",
        "csrf_token": csrf_token(client, "/inscription"),
    }
    data[what] = value
    response = check(client.post("/inscription", data=data), value)
    if what == "email" or not stored(value, 200):
        assert response.status_code in (302, 422)
    else:
        assert response.status_code == 302
    admin = world.client(Role.ADMIN)
    fetch_all(admin, ["/admin/comptes", "/admin/comptes?q=Nadia", "/admin/journal"], value)
    fetch_all(admin, ["/admin/journal.csv"], value)


def submit_profile(world: World, value: str, what: str):
    if what == "full_name":
        world.session_id()
    learner = world.client(Role.LEARNER)
    profession_id, territory_id = world.reference_ids()
    data = {
        "full_name": "Nadia Benali",
        "profession_id": profession_id,
        "territory_id": territory_id,
        "organisation": "",
        "csrf_token": csrf_token(learner, "/compte"),
    }
    data[what] = value
    response = check(learner.post("/compte", data=data), value)
    kept = stored(value, 200)
    assert response.status_code == (302 if kept else 422)
    if not kept:
        return
    check(learner.get("/compte"), value, shown=True)
    user_id = world.users["learner"].id
    admin = world.client(Role.ADMIN)
    fetch_all(admin, ["/admin/comptes", f"/admin/comptes/{user_id}", "/admin/journal"], value)
    check(admin.get(f"/admin/comptes/{user_id}"), value, shown=True)
    fetch_all(admin, ["/admin/journal.csv"], value)
    fetch_all(learner, ["/compte/mes-donnees", "/compte/mes-donnees.json"], value)
    if what == "full_name":
        trainer = world.client(Role.TRAINER)
        session_id = world.session_id()
        check(trainer.get(f"/sessions/{session_id}"), value, shown=True)
        exports = [f"/sessions/{session_id}/participants.{f}" for f in ("csv", "ods")]
        fetch_all(trainer, exports, value)
        csv_text = trainer.get(exports[0]).get_data().decode("utf-8-sig")
        assert neutralise(clean_line(value)) in csv_text.replace('""', '"')


def submit_profile_certificate(world: World, value: str):
    """A name that reaches a certificate: the PDF, the verification page, the admin's pages."""
    code = world.certificate_code()
    learner = world.client(Role.LEARNER)
    profession_id, territory_id = world.reference_ids()
    data = {
        "full_name": value,
        "profession_id": profession_id,
        "territory_id": territory_id,
        "csrf_token": csrf_token(learner, "/compte"),
    }
    check(learner.post("/compte", data=data), value)
    fetch_all(learner, [f"/attestations/{code}.pdf", f"/verifier/{code}"], value)
    admin = world.client(Role.ADMIN)
    fetch_all(admin, ["/admin/attestations", f"/admin/attestations/{code}"], value)
    fetch_all(admin, [f"/admin/attestations?q={quote(value[:100])}"], value)


def submit_login(world: World, value: str):
    client = world.app.test_client()
    data = {"email": value, "password": "x", "csrf_token": csrf_token(client, "/connexion")}
    response = check(client.post("/connexion", data=data), value)
    assert response.status_code == 422


def submit_second_factor(world: World, value: str):
    """The code typed after the password (a trainer's account, which always asks for one)."""
    client = world.app.test_client()
    trainer = world.make_user(role=Role.TRAINER)
    data = {"email": trainer.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/connexion", data=data).location.endswith("/connexion/code")
    data = {"code": value, "csrf_token": csrf_token(client, "/connexion/code")}
    response = check(client.post("/connexion/code", data=data), value)
    assert response.status_code == 422


def submit_enrolment_code(world: World, value: str):
    """The first code typed when a learner turns the second factor on."""
    client = world.client(Role.LEARNER)
    url = "/compte/double-authentification"
    data = {"code": value, "csrf_token": csrf_token(client, url)}
    response = check(client.post(url, data=data), value)
    assert response.status_code == 422


def submit_forgotten(world: World, value: str):
    client = world.app.test_client()
    data = {"email": value, "csrf_token": csrf_token(client)}
    response = check(client.post("/mot-de-passe-oublie", data=data), value)
    assert response.status_code in (302, 422)


def submit_query(role: Role, url: str) -> Callable:
    def submit(world: World, value: str):
        client = world.client(role)
        if "{session}" in url:
            world.session_id()
        check(client.get(url.format(session=world._session_id, q=quote(value))), value)

    return submit


def submit_reference(kind: str) -> Callable:
    def submit(world: World, value: str):
        admin = world.client(Role.ADMIN)
        url = "/admin/territoires/nouveau" if kind == "territory" else "/admin/professions/nouvelle"
        data = {"name": value, "code": f"code-{uuid.uuid4().hex[:6]}"}
        data["csrf_token"] = csrf_token(admin, url)
        response = check(admin.post(url, data=data), value)
        assert response.status_code == (302 if stored(value, 120) else 422)
        check(admin.get("/admin/referentiels"), value, shown=stored(value, 120))
        fetch_all(admin, ["/inscription", "/admin/comptes", "/suivi", "/suivi/export.csv"], value)
        check_api(world, value)

    return submit


def check_api(world: World, value: str) -> None:
    """The monitoring API's JSON, read with a monitor's token: no 5xx, valid JSON."""
    world.client(Role.MONITOR)
    with world.app.app_context():
        _, token = tokens.create_token(db.session.merge(world.users["monitor"]), "Tableur")
        db.session.commit()
    response = world.app.test_client().get(
        "/api/v1/indicators", headers={"Authorization": f"Bearer {token}"}
    )
    assert_no_server_error(response)
    assert response.status_code == 200
    assert response.get_json() is not None


def submit_token_name(world: World, value: str):
    monitor = world.client(Role.MONITOR)
    data = {"name": value, "csrf_token": csrf_token(monitor, "/compte/jetons-api")}
    response = check(monitor.post("/compte/jetons-api", data=data), value)
    assert response.status_code in (200, 422)
    assert response.status_code == (200 if stored(value, tokens.NAME_MAX_LENGTH) else 422)
    check(monitor.get("/compte/jetons-api"), value, shown=response.status_code == 200)


def submit_session(what: str) -> Callable:
    def submit(world: World, value: str):
        world.course()
        trainer = world.client(Role.TRAINER)
        with world.app.app_context():
            course_id = db.session.scalar(sa.select(Course.id).filter_by(slug=SLUG))
        _, territory_id = world.reference_ids()
        data = {
            "name": "Session de test",
            "course_id": course_id,
            "territory_id": territory_id,
            "starts_on": "2030-01-01",
            "ends_on": "2030-02-01",
            "day1_date": "2030-01-05",
            "day1_place": "Salle 1",
            "csrf_token": csrf_token(trainer, "/sessions/nouvelle"),
        }
        data[what] = value
        response = check(trainer.post("/sessions/nouvelle", data=data), value)
        if response.status_code != 302:
            assert response.status_code == 422
            return
        session_url = response.headers["Location"]
        check(trainer.get(session_url), value, shown=what != "starts_on")
        fetch_all(
            trainer, ["/sessions", f"{session_url}/modifier", f"{session_url}/relance"], value
        )
        fetch_all(trainer, [f"{session_url}/participants.{f}" for f in ("csv", "ods")], value)
        fetch_all(trainer, [f"{session_url}/qr-code.svg"], value)
        svg = trainer.get(f"{session_url}/qr-code.svg").get_data(as_text=True)
        assert "<script" not in svg.lower()
        assert "onload=" not in svg.lower()

    return submit


def submit_revocation(world: World, value: str):
    code = world.certificate_code()
    admin = world.client(Role.ADMIN)
    url = f"/admin/attestations/{code}/revocation"
    data = {"reason": value, "csrf_token": csrf_token(admin, url)}
    response = check(admin.post(url, data=data), value)
    assert response.status_code in (302, 422)
    anonymous = world.app.test_client()
    check(anonymous.get(f"/verifier/{code}"), value)
    fetch_all(admin, [f"/admin/attestations/{code}", "/admin/journal", "/admin/journal.csv"], value)


DRAFT = f"/formateur/brouillons/{SLUG}"
LESSON = "01-decouvrir/01-les-trois-elements.md"
QUIZ = "02-verifier/01-quiz.md"
#: The draft's pages where its texts come back, and the learner-facing preview of a step.
DRAFT_PAGES = (
    DRAFT,
    f"{DRAFT}/plan",
    f"{DRAFT}/modifications",
    f"{DRAFT}/parametres",
    f"{DRAFT}/publier",
    f"/formateur/formations/{SLUG}/apercu/01-decouvrir/01-les-trois-elements",
    f"/formateur/formations/{SLUG}/apercu/02-verifier/01-quiz",
    f"{DRAFT}/quiz/{QUIZ}",
    f"{DRAFT}/gift/{QUIZ}",
)


def draft_revision(world: World) -> int:
    from training.authoring.models import CourseDraft

    with world.app.app_context():
        return db.session.scalar(sa.select(CourseDraft.revision).filter_by(slug=SLUG))


def submit_new_course(what: str) -> Callable:
    def submit(world: World, value: str):
        world.course()
        trainer = world.client(Role.TRAINER)
        url = "/formateur/formations/nouvelle"
        data = {"title": "Nouvelle formation", "slug": f"nouvelle-{uuid.uuid4().hex[:6]}"}
        data[what] = value
        data["csrf_token"] = csrf_token(trainer, url)
        response = check(trainer.post(url, data=data), value)
        assert response.status_code in (302, 422)
        fetch_all(trainer, ["/formateur/formations"], value)
        if response.status_code == 302:
            check(trainer.get(response.headers["Location"]), value)

    return submit


def submit_file_text(world: World, value: str):
    author = world.author()
    url = f"{DRAFT}/fichiers/{LESSON}"
    text = f"---\ntitle: Leçon\n---\n\n{value}\n\n<{value}>\n\n![image]({value})\n"
    for action in ("apercu", "enregistrer"):
        data = {
            "csrf_token": csrf_token(author, url),
            "revision": draft_revision(world),
            "text": text,
            "action": action,
        }
        check(author.post(url, data=data), value)
    fetch_all(author, [url, *DRAFT_PAGES], value)


def submit_settings(what: str) -> Callable:
    def submit(world: World, value: str):
        author = world.author()
        url = f"{DRAFT}/parametres"
        form = form_of(author.get(url).get_data(as_text=True))
        form[what] = value
        form["csrf_token"] = csrf_token(author, url)
        response = check(author.post(url, data=form), value)
        assert response.status_code in (302, 422)
        fetch_all(author, DRAFT_PAGES, value)
        fetch_all(world.client(Role.LEARNER), ["/formations", f"/formations/{SLUG}/"], value)

    return submit


def submit_plan_title(world: World, value: str):
    author = world.author()
    data = {
        "csrf_token": csrf_token(author, f"{DRAFT}/plan"),
        "revision": draft_revision(world),
        "path": LESSON,
        "title": value,
    }
    response = check(author.post(f"{DRAFT}/plan/renommer", data=data), value)
    assert response.status_code in (302, 422)
    fetch_all(author, DRAFT_PAGES, value)


def submit_change_note(world: World, value: str):
    """The draft changed, an admin publishes it (confirming the example's review note) with a
    hostile change note: shown inert in the history, or refused in French (too long)."""
    author = world.author()
    data = {
        "csrf_token": csrf_token(author, f"{DRAFT}/plan"),
        "revision": draft_revision(world),
        "path": LESSON,
        "title": "Les trois éléments de la traite, revus",
    }
    assert author.post(f"{DRAFT}/plan/renommer", data=data).status_code == 302
    admin = world.client(Role.ADMIN)
    url = f"{DRAFT}/publier"
    data = {
        "csrf_token": csrf_token(admin, url),
        "revision": draft_revision(world),
        "change_note": value,
        "confirm_review_notes": "y",
    }
    response = check(admin.post(url, data=data), value)
    assert response.status_code == (422 if len(value) > MAX_CHANGE_NOTE else 302)
    history = f"/formateur/formations/{SLUG}/versions"
    fetch_all(admin, [history, f"{history}/2/modifications"], value)


def submit_new_file_name(world: World, value: str):
    """A new step whose module folder or file name is hostile: refused in French."""
    author = world.author()
    for fields in (
        {"module": value, "name": "03-lecon"},
        {"module": "01-decouvrir", "name": value},
    ):
        data = {
            "csrf_token": csrf_token(author, DRAFT),
            "revision": draft_revision(world),
            "kind": "lesson",
            **fields,
        }
        response = check(author.post(f"{DRAFT}/fichiers", data=data), value)
        assert response.status_code == 302
        check(author.get(response.location), value)
    fetch_all(author, DRAFT_PAGES, value)


def submit_co_author(world: World, value: str):
    """An admin names a hostile address as a course's co-author: refused in French."""
    world.course()
    admin = world.client(Role.ADMIN)
    url = f"/formateur/formations/{SLUG}/auteurs"
    response = check(
        admin.post(url, data={"csrf_token": csrf_token(admin, url), "email": value}), value
    )
    assert response.status_code == 422
    fetch_all(admin, [url], value)


def submit_quiz(*names: str) -> Callable:
    def submit(world: World, value: str):
        author = world.author()
        url = f"{DRAFT}/quiz/{QUIZ}"
        form = form_of(author.get(url).get_data(as_text=True))
        for name in names:
            form[name] = value
        form["action"] = "enregistrer"
        response = check(author.post(url, data=form), value)
        assert response.status_code in (302, 422)
        fetch_all(author, DRAFT_PAGES, value)

    return submit


def upload(client: FlaskClient, url: str, content: str, filename: str, **fields):
    fields = {"file": FileStorage(io.BytesIO(content.encode()), filename), **fields}
    fields["csrf_token"] = csrf_token(client, url)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def submit_gift(world: World, value: str):
    author = world.author()
    url = f"{DRAFT}/importer-gift"
    one_line = value.replace("\n", " ").replace("{", "\\{").replace("}", "\\}").replace("=", "\\=")
    gift = f"::Q1:: {one_line} {{\n={one_line}\n~Faux #{one_line}\n}}\n"
    response = upload(
        author,
        url,
        gift,
        f"{value[:50]}.gift",
        revision=str(draft_revision(world)),
        module="02-verifier",
        name="",
        title=value[:300],
    )
    check(response, value)
    if response.status_code == 302:
        fetch_all(author, [response.headers["Location"], *DRAFT_PAGES], value)


def submit_image(world: World, value: str):
    """An image whose file name is hostile, then an SVG carrying the value in a script and an
    attribute: stored under a safe name and listed inert, or refused in French."""
    from PIL import Image

    author = world.author()
    url = f"{DRAFT}/images"
    png = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(png, "PNG")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" onload="{escape(value)}">'
        f"<script>{escape(value)}</script></svg>"
    ).encode()
    for content, filename in ((png.getvalue(), f"{value[:80]}.png"), (svg, "schema.svg")):
        fields = {
            "image": FileStorage(io.BytesIO(content), filename),
            "revision": str(draft_revision(world)),
            "csrf_token": csrf_token(author, DRAFT),
        }
        boundary, body = encode_multipart(fields)
        content_type = f"multipart/form-data; boundary={boundary}"
        response = check(author.post(url, data=body, content_type=content_type), value)
        assert response.status_code == 302
        check(author.get(response.location), value)
    fetch_all(author, DRAFT_PAGES, value)


def submit_erasure(world: World, value: str):
    """The account erasure form with a hostile password, then a hostile choice for the
    certificates: refused in French, and the account is still there."""
    from training.privacy.forms import WITHDRAW

    learner = world.client(Role.LEARNER)
    url = "/compte/suppression"
    for fields in (
        {"password": value, "certificates": WITHDRAW},
        {"password": PASSWORD, "certificates": value},
    ):
        data = {"csrf_token": csrf_token(learner, url), **fields}
        assert check(learner.post(url, data=data), value).status_code == 422
    assert learner.get("/mon-parcours").status_code == 200


def submit_targets_csv(world: World, value: str):
    admin = world.client(Role.ADMIN)
    cell = '"' + value.replace('"', '""') + '"'
    content = f"territoire;profession;population;source;année\nparis;magistrat;450;{cell};2025\n"
    for text in (content, f"territoire;profession;population;source;année\n{cell};x;1;s;2025\n"):
        response = check(upload(admin, "/admin/populations-cibles/import", text, "p.csv"), value)
        assert response.status_code in (302, 422)
    fetch_all(admin, ["/admin/populations-cibles", "/suivi", "/suivi/export.csv"], value)
    fetch_all(admin, ["/suivi/export.ods", "/admin/journal"], value)
    check_api(world, value)


def submit_invitations(world: World, value: str):
    session_id = world.session_id()
    trainer = world.client(Role.TRAINER)
    url = f"/sessions/{session_id}/invitations"
    cell = '"' + value.replace('"', '""') + '"'
    content = f"courriel;prénom;nom\ninvitee@exemple.fr;{cell};{cell}\n{cell};Anne;Roy\n"
    response = check(upload(trainer, url, content, "invitations.csv"), value)
    assert response.status_code in (200, 422)
    content = f"courriel;prénom;nom\ninvitee@exemple.fr;{cell};{cell}\n"
    response = check(upload(trainer, url, content, "invitations.csv"), value)
    if response.status_code == 200:
        data = {"content": content, "csrf_token": csrf_token(trainer, url)}
        check(trainer.post(f"{url}/confirmer", data=data), value)
    fetch_all(trainer, [f"/sessions/{session_id}", f"/sessions/{session_id}/relance"], value)
    fetch_all(trainer, [f"/sessions/{session_id}/participants.csv"], value)


def submit_zip_name(world: World, value: str):
    """A zip whose course folder and file names are hostile: refused in French, or inert."""
    import zipfile

    world.course()
    trainer = world.client(Role.TRAINER)
    # Python's zipfile cuts a name at NUL: the other characters are written as they are.
    name = value[:100].replace("/", "-").replace("\x00", "")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{name}/course.md", f"---\ntitle: {name}\n---\n")
        archive.writestr(f"{name}/01-{name}/01-{name}.md", f"---\ntitle: {name}\n---\n\nT\n")
    url = "/formateur/formations/importer-zip"
    fields = {"file": FileStorage(io.BytesIO(buffer.getvalue()), f"{name}.zip")}
    fields["csrf_token"] = csrf_token(trainer, url)
    boundary, body = encode_multipart(fields)
    content_type = f"multipart/form-data; boundary={boundary}"
    check(trainer.post(url, data=body, content_type=content_type), value)
    fetch_all(trainer, ["/formateur/formations"], value)


def submit_scenario_decision(world: World, value: str):
    """A decision whose stage, number and choice are hostile: refused in French, nothing
    recorded, the play's page unchanged."""
    import tempfile
    from pathlib import Path

    from tests.learning.conftest import SCENARIO, SCENARIO_SLUG, import_scenario_course

    learner = world.client(Role.LEARNER)
    with tempfile.TemporaryDirectory() as folder:
        import_scenario_course(world.app, Path(folder))
    start = f"/formations/{SCENARIO_SLUG}/{SCENARIO}/mise-en-situation"
    learner.post(
        f"/formations/{SCENARIO_SLUG}/inscription", data={"csrf_token": csrf_token(learner)}
    )
    response = learner.post(start, data={"csrf_token": csrf_token(learner)})
    assert response.status_code == 302, response.status_code
    play = response.location
    for form in (
        {"etape": value, "decision": "0", "choix": "1"},
        {"etape": "accueil", "decision": value, "choix": "1"},
        {"etape": "accueil", "decision": "0", "choix": value},
    ):
        check(learner.post(play, data={**form, "csrf_token": csrf_token(learner)}), value)
    fetch_all(learner, [play], value)


@dataclass(frozen=True)
class Field:
    id: str
    submit: Callable[[World, str], None]
    strings: tuple[str, ...] = ALL


FIELDS = (
    Field("signup-name", lambda w, v: submit_signup(w, v, "full_name"), CORE),
    Field("signup-organisation", lambda w, v: submit_signup(w, v, "organisation"), FEW),
    Field("signup-email", lambda w, v: submit_signup(w, v, "email"), CORE),
    Field("profile-name", lambda w, v: submit_profile(w, v, "full_name")),
    Field("profile-organisation", lambda w, v: submit_profile(w, v, "organisation"), CORE),
    Field("certificate-name", submit_profile_certificate, FEW),
    Field("account-erasure", submit_erasure, CORE),
    Field("login-email", submit_login, CORE),
    Field("forgotten-email", submit_forgotten, CORE),
    Field("second-factor-code", submit_second_factor, CORE),
    Field("enrolment-code", submit_enrolment_code, FEW),
    Field("admin-search", submit_query(Role.ADMIN, "/admin/comptes?q={q}"), CORE),
    Field("audit-person", submit_query(Role.ADMIN, "/admin/journal?person={q}"), CORE),
    Field("audit-csv-person", submit_query(Role.ADMIN, "/admin/journal.csv?person={q}"), FEW),
    Field("audit-dates", submit_query(Role.ADMIN, "/admin/journal?date_from={q}&action={q}"), FEW),
    Field("certificate-search", submit_query(Role.ADMIN, "/admin/attestations?q={q}"), FEW),
    Field("join-code", submit_query(Role.LEARNER, "/sessions/rejoindre?code={q}"), CORE),
    Field("verify-code", submit_query(Role.LEARNER, "/verifier?code={q}"), CORE),
    Field("progress-filter", submit_query(Role.TRAINER, "/sessions/{session}?statut={q}"), FEW),
    Field("territory-name", submit_reference("territory"), CORE),
    Field("profession-name", submit_reference("profession"), FEW),
    Field("token-name", submit_token_name, CORE),
    Field("session-name", submit_session("name"), CORE),
    Field("session-place", submit_session("day1_place"), FEW),
    Field("session-date", submit_session("starts_on"), FEW),
    Field("revocation-reason", submit_revocation, FEW),
    Field("targets-csv", submit_targets_csv, CORE),
    Field("invitations-csv", submit_invitations, CORE),
    Field("new-course-title", submit_new_course("title"), CORE),
    Field("new-course-slug", submit_new_course("slug"), FEW),
    Field("file-editor", submit_file_text, SOME),
    Field("settings-title", submit_settings("title"), CORE),
    Field("settings-summary", submit_settings("summary"), SOME),
    Field("plan-title", submit_plan_title, CORE),
    Field("new-file-name", submit_new_file_name, CORE),
    Field("publish-change-note", submit_change_note, CORE),
    Field("co-author-email", submit_co_author, CORE),
    Field("quiz-question", submit_quiz("questions-0-prompt", "questions-0-context"), SOME),
    Field("quiz-choice", submit_quiz("questions-0-choices-0-text", "title"), CORE),
    Field(
        "quiz-feedback",
        submit_quiz("questions-0-choices-0-feedback", "questions-0-explanation", "intro"),
        SOME,
    ),
    Field("gift-upload", submit_gift, CORE),
    Field("image-upload", submit_image, CORE),
    Field("scenario-decision", submit_scenario_decision, CORE),
    Field("zip-names", submit_zip_name, FEW),
)


#: HOSTILE_CORPUS=full runs every string of each row; by default, those of QUICK only (a
#: markup break-out, NUL, a formula, 100 kB), to keep the suite fast.
FULL = os.environ.get("HOSTILE_CORPUS") == "full"
QUICK = ("attr-break", "nul", "formula-eq", "long")


@pytest.mark.parametrize(
    ("row", "hostile"),
    [
        pytest.param(row, HOSTILE_BY_ID[string], id=f"{row.id}-{string}")
        for row in FIELDS
        for string in row.strings
        if FULL or string in QUICK
    ],
)
def test_a_hostile_string_comes_back_inert_or_refused_in_french(app, make_user, row, hostile):
    row.submit(World(app, make_user), hostile.value)
