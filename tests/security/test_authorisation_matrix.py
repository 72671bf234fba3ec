# ruff: noqa: E501 (the table keeps one route per line, with its seven callers)
"""The authorisation matrix (ASVS 4.0.3 V4): every route of the URL map against every kind of
caller, each outcome written in TABLE; a route without its row fails the suite.

One world is built through the services: learner L (enrolled on the example course through
trainer T's session, the course completed, a quiz attempt, a certificate), another learner L2
(enrolled, an attempt of their own left open), trainer T (owner of the course, of a session with
L as member and of the course's open draft), another trainer T2 (a session of their own on the
same course), a monitor M (with an API token) and an admin A. Each URL parameter names an
object of that world, owned by L or T where ownership applies: « other-learner » is L2 calling
L's objects' URLs, « other-trainer » T2 calling T's.

Outcomes: a status code (`302` is a redirection elsewhere than the log-in page); `login`, a
redirection to /connexion (with ?next= the page to come back to: the page asked for, or for a
POST the page of the form, which these requests do not name); `ok`, allowed: any status below 500 but 401, 403 and 404, and
no redirection to the log-in page (POSTs and forms whose answer depends on what is sent); `-`,
not requested, with the reason at the end of the row. POSTs carry the caller's own CSRF token
and nothing else: a refused caller is turned away before anything changes, and `ok` is only
written where an empty form changes nothing (the answer is the form's errors, or a redirection).

The API (token_required) is called without a token: 401 for everyone, the session cookie being
ignored. That a monitor's token is accepted, and a revoked or a former monitor's one refused, is
tested by tests/monitoring/test_api.py; trainers and learners cannot hold a token.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.conftest import csrf_token, log_in
from tests.learning.conftest import SCENARIO, SCENARIO_SLUG, import_scenario_course
from tests.sessions.conftest import plan
from training.accounts.models import Profession, Role, Territory, User, UserSession
from training.authoring import drafts
from training.authoring.authors import add_co_author
from training.catalog import services as catalog
from training.catalog.models import Enrolment
from training.certificates.services import certificate_of
from training.content.models import Course, Question
from training.extensions import db
from training.learning import scenarios
from training.learning import services as learning
from training.monitoring import targets, tokens
from training.sessions import invitations
from training.sessions import services as sessions
from training.sessions.invitation_csv import InvitationRow

CALLERS = (
    "anonymous", "learner", "other-learner", "trainer", "other-trainer", "monitor", "admin",
)  # fmt: skip
SLUG = "exemple-cours"
LESSON = "01-decouvrir/01-les-trois-elements"
OTHER_LESSON = "01-decouvrir/02-a-qui-signaler"
QUIZ = "02-verifier/01-quiz"
#: Outcomes meaning the caller was turned away: requested before the others (see the test).
DENIALS = {"login", "401", "403", "404"}

TABLE = """
endpoint                            method  anonymous  learner  other-learner  trainer  other-trainer  monitor  admin
accounts.active_sessions            GET     login      200      200            200      200            200      200
accounts.change_password            GET     login      200      200            200      200            200      200
accounts.change_password            POST    login      ok       ok             ok       ok             ok       ok
accounts.check_mailbox              GET     200        200      200            200      200            200      200
accounts.confirm_email              GET     400        400      400            400      400            400      400    # an invalid link, for everyone
accounts.end_active_session         POST    login      -        404            404      404            404      404    # another log-in session of L's: L would end it (tests/accounts/test_login_sessions.py)
accounts.end_other_active_sessions  POST    login      -        ok             ok       ok             ok       ok     # L would end the session above; the others have no other one
accounts.forgotten_password         GET     200        200      200            200      200            200      200
accounts.forgotten_password         POST    ok         ok       ok             ok       ok             ok       ok
accounts.login                      GET     200        302      302            302      302            302      302
accounts.login                      POST    ok         ok       ok             ok       ok             ok       ok
accounts.logout                     POST    login      -        -              -        -              -        -      # would log the caller out (tests/accounts/test_login.py)
accounts.profile                    GET     login      200      200            200      200            200      200
accounts.profile                    POST    login      ok       ok             ok       ok             ok       ok
accounts.resend_confirmation        POST    login      ok       ok             ok       ok             ok       ok
accounts.reset_password             GET     400        400      400            400      400            400      400    # an invalid link, for everyone
accounts.reset_password             POST    400        400      400            400      400            400      400    # an invalid link, for everyone
accounts.second_factor              GET     login      302      302            302      302            302      302    # no password typed just before: back to the log-in, or home
accounts.second_factor              POST    login      302      302            302      302            302      302
accounts.two_factor_settings        GET     login      200      200            200      200            200      200
accounts.two_factor_settings        POST    login      ok       ok             ok       ok             ok       ok
accounts.renew_recovery_codes       POST    login      ok       ok             ok       ok             ok       ok     # no code typed: refused with its message
accounts.turn_off_two_factor        POST    login      ok       ok             403      403            403      403    # learners: no code typed, refused with its message; staff cannot turn it off
accounts.signup                     GET     200        302      302            302      302            302      302
accounts.signup                     POST    ok         ok       ok             ok       ok             ok       ok
admin.account                       GET     login      403      403            403      403            403      200
admin.account                       POST    login      403      403            403      403            403      ok
admin.accounts                      GET     login      403      403            403      403            403      200
admin.audit_log                     GET     login      403      403            403      403            403      200
admin.audit_log_csv                 GET     login      403      403            403      403            403      200
admin.deactivate_account            POST    login      403      403            403      403            403      -      # would deactivate L (tests/admin/test_accounts.py)
admin.profession                    GET     login      403      403            403      403            403      200
admin.profession                    POST    login      403      403            403      403            403      ok
admin.reactivate_account            POST    login      403      403            403      403            403      -      # writes an audit event (tests/admin/test_accounts.py)
admin.reactivate_profession         POST    login      403      403            403      403            403      ok
admin.reactivate_territory          POST    login      403      403            403      403            403      ok
admin.reference_data                GET     login      403      403            403      403            403      200
admin.resend_confirmation           POST    login      403      403            403      403            403      ok
admin.reset_two_factor              POST    login      403      403            403      403            403      -      # would end L's sessions (tests/accounts/test_two_factor.py)
admin.retire_profession             POST    login      403      403            403      403            403      -      # would retire it (tests/admin/test_reference_data.py)
admin.retire_territory              POST    login      403      403            403      403            403      -      # would retire it (tests/admin/test_reference_data.py)
admin.territory                     GET     login      403      403            403      403            403      200
admin.territory                     POST    login      403      403            403      403            403      ok
authoring.add_author                POST    login      403      403            403      403            403      ok
authoring.add_file                  POST    login      403      403            ok       403            403      ok
authoring.add_image                 POST    login      403      403            ok       403            403      ok
authoring.add_module                POST    login      403      403            ok       403            403      ok
authoring.add_step                  POST    login      403      403            ok       403            403      ok
authoring.authors_page              GET     login      403      403            200      403            403      200
authoring.course_settings           GET     login      403      403            200      403            403      200
authoring.course_settings           POST    login      403      403            ok       403            403      ok
authoring.courses                   GET     login      403      403            200      200            403      200
authoring.delete_file               POST    login      403      403            ok       403            403      ok
authoring.delete_from_plan          GET     login      403      403            200      403            403      200
authoring.delete_from_plan          POST    login      403      403            ok       403            403      ok
authoring.discard                   POST    login      403      403            -        403            403      -      # would delete T's draft (tests/authoring/test_editor_pages.py)
authoring.draft                     GET     login      403      403            200      403            403      200
authoring.draft_changes             GET     login      403      403            200      403            403      200
authoring.draft_zip                 GET     login      403      403            200      403            403      200
authoring.edit_file                 GET     login      403      403            200      403            403      200
authoring.edit_file                 POST    login      403      403            ok       403            403      ok
authoring.export_gift               GET     login      403      403            200      403            403      200
authoring.history_page              GET     login      403      403            200      403            403      200
authoring.import_gift               GET     login      403      403            200      403            403      200
authoring.import_gift               POST    login      403      403            ok       403            403      ok
authoring.import_zip                GET     login      403      403            200      200            403      200
authoring.import_zip                POST    login      403      403            ok       ok             403      ok
authoring.move_in_plan              POST    login      403      403            ok       403            403      ok
authoring.new_course                GET     login      403      403            200      200            403      200
authoring.new_course                POST    login      403      403            ok       ok             403      ok
authoring.open_draft                POST    login      403      403            ok       403            403      ok
authoring.plan                      GET     login      403      403            200      403            403      200
authoring.preview                   GET     login      403      403            200      403            403      200
authoring.preview_image             GET     login      403      403            200      403            403      200
authoring.publish                   GET     login      403      403            200      403            403      200
authoring.publish                   POST    login      403      403            ok       403            403      ok
authoring.quiz_editor               GET     login      403      403            200      403            403      200
authoring.quiz_editor               POST    login      403      403            ok       403            403      ok
authoring.remove_author             POST    login      403      403            403      403            403      ok
authoring.rename_in_plan            POST    login      403      403            ok       403            403      ok
authoring.review_notes              GET     login      403      403            200      403            403      200
authoring.version_changes           GET     login      403      403            200      403            403      200
authoring.version_zip               GET     login      403      403            200      403            403      200
catalog.catalogue                   GET     200        200      200            200      200            200      200
catalog.course                      GET     200        200      200            200      200            200      200
catalog.enrol                       POST    login      ok       ok             -        -              -        -      # would enrol the caller (tests/learning); L and L2 are enrolled already
catalog.fiche                       GET     200        200      200            200      200            200      200
catalog.fiche_pdf                   GET     200        200      200            200      200            200      200
certificates.admin_detail           GET     login      403      403            403      403            403      200
certificates.admin_list             GET     login      403      403            403      403            403      200
certificates.admin_revoke           GET     login      403      403            403      403            403      200
certificates.admin_revoke           POST    login      403      403            403      403            403      ok
certificates.certificate_pem        GET     200        200      200            200      200            200      200
certificates.jwks                   GET     200        200      200            200      200            200      200
certificates.open_badge             GET     login      200      404            200      404            404      200    # T trains L in a session of the course
certificates.pdf                    GET     login      200      404            200      404            404      200    # T trains L in a session of the course
certificates.public_key_pem         GET     200        200      200            200      200            200      200
certificates.verify                 GET     200        200      200            200      200            200      200
certificates.verify_form            GET     200        200      200            200      200            200      200
health.healthz                      GET     200        200      200            200      200            200      200
health.readyz                       GET     200        200      200            200      200            200      200
learning.attempt                    GET     login      200      404            404      404            404      404
learning.attempt                    POST    login      ok       404            404      404            404      404
learning.dashboard                  GET     login      200      200            200      200            200      200
learning.image                      GET     200        200      200            200      200            200      200
learning.mark_done                  POST    login      ok       ok             403      403            403      403
learning.module                     GET     login      302      302            302      302            302      302
learning.play                       GET     login      200      404            404      404            404      404
learning.play                       POST    login      ok       404            404      404            404      404
learning.resume                     GET     login      302      302            302      302            302      302
learning.start_attempt              POST    login      ok       ok             403      403            403      403
learning.start_play                 POST    login      ok       403            403      403            403      403    # L2 is not enrolled on the scenario's course
learning.step                       GET     login      200      200            302      302            302      302
learning.switch_version             POST    login      ok       ok             403      403            403      403
monitoring.api_documentation        GET     login      403      403            403      403            200      200
monitoring.api_indicators           GET     401        401      401            401      401            401      401
monitoring.api_openapi              GET     200        200      200            200      200            200      200
monitoring.api_tokens               GET     login      403      403            403      403            200      200
monitoring.api_tokens               POST    login      403      403            403      403            ok       ok
monitoring.dashboard                GET     login      403      403            403      403            200      200
monitoring.definitions              GET     login      403      403            403      403            200      200
monitoring.delete_target            POST    login      403      403            403      403            403      -      # would delete it (tests/monitoring/test_targets.py)
monitoring.export                   GET     login      403      403            403      403            200      200
monitoring.import_targets           GET     login      403      403            403      403            403      200
monitoring.import_targets           POST    login      403      403            403      403            403      ok
monitoring.revoke_api_token         POST    login      403      403            403      403            -        404    # M's token: M would revoke it (tests/monitoring/test_api.py)
monitoring.target                   GET     login      403      403            403      403            403      200
monitoring.target                   POST    login      403      403            403      403            403      ok
monitoring.targets                  GET     login      403      403            403      403            403      200
monitoring.targets_template         GET     login      403      403            403      403            403      200
pages.accessibility                 GET     200        200      200            200      200            200      200
pages.certificate_guide             GET     200        200      200            200      200            200      200
pages.help_page                     GET     200        200      200            200      200            200      200
pages.home                          GET     200        200      200            200      200            200      200
pages.legal_notice                  GET     200        200      200            200      200            200      200
pages.privacy                       GET     200        200      200            200      200            200      200
privacy.download_my_data            GET     login      200      200            200      200            200      200
privacy.erase_account               GET     login      200      200            200      200            200      200
privacy.erase_account               POST    login      ok       ok             ok       ok             ok       ok
privacy.my_data                     GET     login      200      200            200      200            200      200
sessions.attendance                 POST    login      403      403            -        404            403      -      # would record attendance (tests/sessions/test_views.py)
sessions.close                      POST    login      403      403            -        404            403      -      # would close T's session (tests/sessions/test_views.py)
sessions.edit_session               GET     login      403      403            200      404            403      200
sessions.edit_session               POST    login      403      403            ok       404            403      ok
sessions.export                     GET     login      403      403            200      404            403      200
sessions.grant_attempt              POST    login      403      403            ok       404            403      ok
sessions.invitation                 GET     200        200      200            200      200            200      200
sessions.invitation                 POST    login      409      409            409      409            409      409    # the link is for another address
sessions.invitations_confirm        POST    login      403      403            ok       404            403      ok
sessions.invitations_template       GET     login      403      403            200      404            403      200
sessions.invitations_upload         GET     login      403      403            200      404            403      200
sessions.invitations_upload         POST    login      403      403            ok       404            403      ok
sessions.join                       GET     login      200      200            200      200            200      200
sessions.join                       POST    login      ok       -              -        -              -        -      # would make the caller a member (tests/sessions/test_views.py); L is one already
sessions.join_form                  GET     login      200      200            200      200            200      200
sessions.my_sessions                GET     login      403      403            200      200            403      200
sessions.new_session                GET     login      403      403            200      200            403      200
sessions.new_session                POST    login      403      403            ok       ok             403      ok
sessions.qr_code                    GET     login      403      403            200      404            403      200
sessions.quiz_statistics            GET     login      403      403            200      404            403      200    # scoped to T's session: T2 teaches the course too
sessions.quiz_statistics_index      GET     login      403      403            200      200            403      200
sessions.remind                     GET     login      403      403            200      404            403      200
sessions.remind                     POST    login      403      403            -        404            403      -      # sends the reminders (tests/sessions/test_follow_up.py)
sessions.reopen                     POST    login      403      403            -        404            403      -      # writes T's session (tests/sessions/test_views.py)
sessions.session_page               GET     login      403      403            200      404            403      200
"""


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    expected: dict[str, str]


def parse_table(text: str) -> dict[tuple[str, str], Row]:
    """The table's rows by (endpoint, method); a malformed row raises ValueError."""
    header, *lines = [line for line in text.strip().splitlines() if line.strip()]
    if header.split() != ["endpoint", "method", *CALLERS]:
        raise ValueError(f"unexpected header: {header!r}")
    rows: dict[tuple[str, str], Row] = {}
    for line in lines:
        cells, _, reason = line.partition("#")
        endpoint, method, *outcomes = cells.split()
        if len(outcomes) != len(CALLERS):
            raise ValueError(f"{len(CALLERS)} outcomes expected: {line!r}")
        if invalid := [o for o in outcomes if o not in {"login", "ok", "-"} and not o.isdigit()]:
            raise ValueError(f"unknown outcome {invalid}: {line!r}")
        if "-" in outcomes and not reason.strip():
            raise ValueError(f"a `-` says why, after a #: {line!r}")
        if outcomes[0] == "-":
            raise ValueError(f"the anonymous visitor is always asked: {line!r}")
        if (endpoint, method) in rows:
            raise ValueError(f"two rows for {endpoint} {method}")
        rows[endpoint, method] = Row(endpoint, method, dict(zip(CALLERS, outcomes, strict=True)))
    return rows


ROWS = parse_table(TABLE)


def routes_of(app) -> dict[tuple[str, str], list]:
    """(endpoint, method) -> its rules (a few endpoints have two: « new » and « edit »)."""
    routes: dict[tuple[str, str], list] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.setdefault((rule.endpoint, method), []).append(rule)
    return routes


def test_the_table_has_a_row_for_every_route_and_no_other(app):
    routes = set(routes_of(app))
    differences = [
        f"\n  {endpoint} {method}: {why}"
        for pairs, why in (
            (routes - set(ROWS), "no row in TABLE"),
            (set(ROWS) - routes, "no such route"),
        )
        for endpoint, method in sorted(pairs)
    ]
    assert differences == [], "TABLE and the URL map differ:" + "".join(differences)


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    #: Each URL parameter's value, by name.
    params: dict[str, object]
    #: Per endpoint: parameters with another value (a tuple: each value is requested).
    overrides: dict[str, dict[str, object]] = field(default_factory=dict)
    #: Per endpoint: a query string.
    queries: dict[str, dict[str, object]] = field(default_factory=dict)


def _correct_answers(step) -> dict[int, list[int]]:
    questions = db.session.scalars(sa.select(Question).where(Question.step_id == step.id))
    return {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}


def build_world(app, make_user, folder: Path) -> World:
    """The people and their objects, made through the services (example course imported; the
    scenario course imported from a copy made in `folder`, L enrolled on it and playing)."""
    users = {
        "learner": make_user(role=Role.LEARNER, full_name="Léa Apprenante"),
        "other-learner": make_user(role=Role.LEARNER, full_name="Louis Autre-Apprenant"),
        "trainer": make_user(role=Role.TRAINER, full_name="Thérèse Formatrice"),
        "other-trainer": make_user(role=Role.TRAINER, full_name="Théo Autre-Formateur"),
        "monitor": make_user(role=Role.MONITOR, full_name="Maëlle Suivi"),
        "admin": make_user(role=Role.ADMIN, full_name="Adèle Admin"),
    }
    with app.app_context():
        people = {name: db.session.get(User, user.id) for name, user in users.items()}
        learner, other_learner = people["learner"], people["other-learner"]
        trainer, admin = people["trainer"], people["admin"]
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        add_co_author(course, trainer, admin, as_owner=True)
        session = sessions.create_session(trainer, plan())
        sessions.create_session(people["other-trainer"], plan(name="La session de T2"))
        invited = invitations.invite(
            trainer, session, [InvitationRow(2, "invitee@exemple.fr", "Inès", "Moreau", None)]
        )
        drafts.open_draft(SLUG, trainer)
        # L: a member of T's session, the course completed, hence a certificate.
        enrolment = db.session.get(Enrolment, sessions.join_session(learner, session).enrolment_id)
        for key in (LESSON, OTHER_LESSON):
            learning.mark_lesson_done(enrolment, learning.step_of(enrolment, key))
        quiz = learning.step_of(enrolment, QUIZ)
        attempt = learning.start_attempt(enrolment, quiz)
        learning.submit_attempt(attempt, _correct_answers(quiz))
        # L: a scenario played from the catalogue.
        import_scenario_course(app, folder)
        scenario_course = db.session.scalar(sa.select(Course).filter_by(slug=SCENARIO_SLUG))
        scenario_enrolment = catalog.enrol(learner, scenario_course)
        play = scenarios.start_play(
            scenario_enrolment, learning.step_of(scenario_enrolment, SCENARIO)
        )
        # L2: enrolled from the catalogue, the first lesson done and an attempt left open.
        other = catalog.enrol(other_learner, course)
        learning.mark_lesson_done(other, learning.step_of(other, LESSON))
        learning.start_attempt(other, learning.step_of(other, QUIZ))
        token, _plaintext = tokens.create_token(people["monitor"], "Tableur du suivi")
        territory = db.session.scalar(sa.select(Territory).filter_by(code="bordeaux"))
        profession = db.session.scalar(sa.select(Profession).filter_by(code="enseignant"))
        target = targets.save_target(
            None, territory=territory, profession=profession, population=1200,
            source="Rectorat", year=2025, actor=admin,
        )  # fmt: skip
        db.session.commit()
        certificate = certificate_of(enrolment)
        assert certificate is not None
        params = {
            "slug": SLUG,
            "module_key": LESSON.split("/")[0],
            "name": LESSON.split("/")[1],
            "path": f"{LESSON}.md",
            "filename": "trois-elements.svg",
            "quiz_key": QUIZ,
            "number": 1,
            "fmt": "csv",
            "attempt_id": attempt.id,
            "play_id": play.id,
            "code": certificate.code,
            "session_id": session.id,
            "user_id": learner.id,
            "token_id": token.id,
            "target_id": target.id,
            "territory_id": territory.id,
            "profession_id": profession.id,
            # Mailed links (e-mail confirmation, password reset): an invalid one.
            "token": "lien-invalide",
        }
        overrides = {
            "learning.start_attempt": {"module_key": "02-verifier", "name": "01-quiz"},
            "learning.start_play": dict(
                zip(("module_key", "name"), SCENARIO.split("/"), strict=True), slug=SCENARIO_SLUG
            ),
            "authoring.quiz_editor": {"path": f"{QUIZ}.md"},
            "authoring.export_gift": {"path": f"{QUIZ}.md"},
            "sessions.join": {"code": session.join_code},
            "sessions.invitation": {"token": invited.invited[0].token},
            "sessions.export": {"fmt": ("csv", "ods")},
            "monitoring.export": {"fmt": ("csv", "ods", "xlsx")},
        }
        queries = {
            "sessions.quiz_statistics": {"session": session.id},
            "authoring.delete_from_plan": {"chemin": f"{LESSON}.md"},
        }
    return World(users, params, overrides, queries)


def urls_of(world: World, rule) -> list[str]:
    """The URLs of `rule` naming the world's objects (one per value of a tuple of values);
    LookupError for a parameter the world has no value for."""
    values = {**world.params, **world.overrides.get(rule.endpoint, {})}
    if missing := rule.arguments - values.keys():
        raise LookupError(f"no value in the world for {', '.join(sorted(missing))}")
    combinations: list[dict[str, object]] = [{}]
    for name in sorted(rule.arguments):
        value = values[name]
        choices = value if isinstance(value, tuple) else (value,)
        combinations = [{**named, name: choice} for named in combinations for choice in choices]
    query = world.queries.get(rule.endpoint)
    suffix = f"?{urlencode(query)}" if query else ""
    return [rule.build(named, append_unknown=False)[1] + suffix for named in combinations]


def is_login_redirect(response) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return response.status_code in (301, 302, 303, 307, 308) and location.path == "/connexion"


def matches(expected: str, response) -> bool:
    if expected == "login":
        return response.status_code == 302 and is_login_redirect(response)
    if expected == "ok":
        refused = response.status_code in (401, 403, 404) or is_login_redirect(response)
        return response.status_code < 500 and not refused
    return response.status_code == int(expected) and not is_login_redirect(response)


def described(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code} → {location}" if location else str(response.status_code)


@pytest.fixture
def world(app, make_user, example_course, tmp_path) -> World:
    world = build_world(app, make_user, tmp_path)
    # L logs in on another browser too: that login session is one of L's objects.
    learner = world.users["learner"]
    assert log_in(app.test_client(), learner.email).status_code == 302
    with app.app_context():
        spare = db.session.scalar(
            sa.select(sa.func.max(UserSession.id)).filter_by(user_id=learner.id)
        )
    world.overrides["accounts.end_active_session"] = {"session_id": spare}
    return world


@pytest.fixture
def clients(app, world) -> dict[str, FlaskClient]:
    """A test client per caller, logged in once (the anonymous one not at all), with the CSRF
    token of its own session in `client.csrf`."""
    clients = {"anonymous": app.test_client()}
    for caller, user in world.users.items():
        clients[caller] = app.test_client()
        assert log_in(clients[caller], user.email).status_code == 302, caller
    for client in clients.values():
        client.csrf = csrf_token(client)
    return clients


def test_every_caller_gets_the_outcome_the_table_gives(app, world, clients):
    routes = routes_of(app)
    cells = [
        (row, caller, expected)
        for (endpoint, method), row in ROWS.items()
        if (endpoint, method) in routes
        for caller, expected in row.expected.items()
        if expected != "-"
    ]
    # Refusals first, so that no allowed request, even one meant to change nothing, can
    # decide them.
    cells.sort(key=lambda cell: cell[2] not in DENIALS)
    mismatches, asked = [], 0
    for row, caller, expected in cells:
        client = clients[caller]
        for rule in routes[row.endpoint, row.method]:
            try:
                urls = urls_of(world, rule)
            except LookupError as error:
                mismatches.append((row.endpoint, row.method, caller, expected, error, rule.rule))
                continue
            for url in urls:
                if row.method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={"csrf_token": client.csrf})
                asked += 1
                if not matches(expected, response):
                    got = described(response)
                    mismatches.append((row.endpoint, row.method, caller, expected, got, url))
    report = "".join(
        f"\n  {endpoint} {method} as {caller}: expected {expected}, got {got} ({url})"
        for endpoint, method, caller, expected, got, url in mismatches
    )
    assert not mismatches, f"{len(mismatches)} of {asked} requests disagree with TABLE:{report}"
