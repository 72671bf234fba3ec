"""The indicators API: personal tokens, the same figures as the dashboard, JSON errors, the
rate limit, and an OpenAPI document that describes what is really served."""

import hashlib
import json
import re
from datetime import date, timedelta
from html import unescape

import jsonschema
import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate as validate_openapi

from tests.conftest import csrf_token
from tests.monitoring.conftest import this_month
from training.accounts import services as accounts
from training.accounts.models import Role, User
from training.audit.models import AuditEvent
from training.extensions import db
from training.monitoring import periods, tokens
from training.monitoring.api_schema import PERIOD_PATTERN
from training.monitoring.filters import GROUP_LABELS
from training.monitoring.indicators import COLUMN_CODES
from training.monitoring.models import ApiToken
from training.timeutils import as_aware, utcnow

API = "/api/v1/indicators"
OPENAPI = "/api/v1/openapi.json"
TOKENS_PAGE = "/compte/jetons-api"
NEW_TOKEN = re.compile(r'id="nouveau-jeton"[^>]*value="(teh_[^"]+)"')


def new_token(app, user: User, name: str = "Outil de suivi") -> str:
    """A token of `user`, created through the service and committed; its plaintext."""
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, user.id), name)
        db.session.commit()
    return plaintext


def call(app, token: str | None = None, query: str = "", *, path: str = API, method="get"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return getattr(app.test_client(), method)(path + query, headers=headers)


def set_role(app, user: User, role: Role) -> None:
    with app.app_context():
        accounts.change_role(None, db.session.get(User, user.id), role)
        db.session.commit()


@pytest.fixture
def monitor(login_as):
    return login_as(Role.MONITOR)


@pytest.fixture
def openapi_document(app) -> dict:
    return call(app, path=OPENAPI).get_json()


def schema_of(document: dict, model: str) -> dict:
    """A JSON Schema validating one model of the document (its $refs resolved inside it)."""
    return {"$ref": f"#/components/schemas/{model}", "components": document["components"]}


# --- tokens ---------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_only_its_hash_is_stored(app, monitor):
    response = monitor.post(
        TOKENS_PAGE, data={"name": "Tableur de la Miprof", "csrf_token": csrf_token(monitor)}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    plaintext = NEW_TOKEN.search(html).group(1)
    assert "ne sera plus jamais affiché" in unescape(html)

    listing = monitor.get(TOKENS_PAGE).get_data(as_text=True)
    assert "Tableur de la Miprof" in listing
    assert plaintext[: tokens.DISPLAY_PREFIX_LENGTH] in listing
    assert plaintext not in listing
    assert 'id="nouveau-jeton"' not in listing

    with app.app_context():
        stored = db.session.execute(sa.text("SELECT * FROM api_tokens")).all()
        events = db.session.scalars(sa.select(AuditEvent.details)).all()
    assert len(stored) == 1
    assert plaintext not in repr(stored)
    assert plaintext not in repr(events)
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
        assert token.user_id == monitor.user.id
    assert call(app, plaintext).status_code == 200


def test_an_empty_name_is_refused_in_french(monitor):
    response = monitor.post(TOKENS_PAGE, data={"name": "  ", "csrf_token": csrf_token(monitor)})
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in response.get_data(as_text=True)
    assert not NEW_TOKEN.search(response.get_data(as_text=True))


def test_names_are_required_short_and_unique_among_active_tokens(app, make_user):
    user = make_user(role=Role.MONITOR)
    with app.app_context():
        owner = db.session.get(User, user.id)
        for name, message in [("", "Donnez un nom"), ("x" * 101, "100 caractères")]:
            with pytest.raises(tokens.TokenError, match=message):
                tokens.create_token(owner, name)
        first, _ = tokens.create_token(owner, "Tableur")
        with pytest.raises(tokens.TokenError, match="déjà un jeton actif nommé"):
            tokens.create_token(owner, " tableur ")
        tokens.revoke_token(owner, first.id)
        again, _ = tokens.create_token(owner, "Tableur")
        assert again.id != first.id
        assert again.name == "Tableur"


def test_at_most_ten_active_tokens(app, make_user):
    user = make_user(role=Role.ADMIN)
    with app.app_context():
        owner = db.session.get(User, user.id)
        created = [tokens.create_token(owner, f"Outil {n}")[0] for n in range(10)]
        with pytest.raises(tokens.TokenError, match="déjà 10 jetons actifs"):
            tokens.create_token(owner, "Outil 11")
        tokens.revoke_token(owner, created[0].id)
        tokens.create_token(owner, "Outil 11")
        assert len(tokens.tokens_of(owner)) == 10


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_only_monitors_and_admins_can_have_a_token(app, make_user, role):
    user = make_user(role=role)
    with app.app_context(), pytest.raises(tokens.TokenError, match="Seuls les observateurs"):
        tokens.create_token(db.session.get(User, user.id), "Outil")


def test_a_revoked_token_gets_401_and_both_changes_are_audited(app, monitor):
    plaintext = new_token(app, monitor.user, "Script du vendredi")
    assert call(app, plaintext).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    response = monitor.post(
        f"{TOKENS_PAGE}/{token_id}/revoquer", data={"csrf_token": csrf_token(monitor, TOKENS_PAGE)}
    )
    assert response.status_code == 302
    page = monitor.get(TOKENS_PAGE).get_data(as_text=True)
    assert "Le jeton « Script du vendredi » est révoqué" in unescape(page)
    assert "Script du vendredi</td>" not in page

    response = call(app, plaintext)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"
    with app.app_context():
        actions = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.details)
            .where(AuditEvent.action.like("api_token.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in actions] == [
        ("api_token.created", {"name": "Script du vendredi"}),
        ("api_token.revoked", {"name": "Script du vendredi"}),
    ]


def test_someone_elses_token_cannot_be_revoked(app, monitor, make_user):
    other = make_user(role=Role.MONITOR)
    plaintext = new_token(app, other)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    for missing in (token_id, token_id + 1000):
        response = monitor.post(
            f"{TOKENS_PAGE}/{missing}/revoquer",
            data={"csrf_token": csrf_token(monitor, TOKENS_PAGE)},
        )
        assert response.status_code == 404
    assert call(app, plaintext).status_code == 200


def test_a_user_no_longer_monitor_gets_403(app, make_user):
    user = make_user(role=Role.MONITOR)
    plaintext = new_token(app, user)
    set_role(app, user, Role.LEARNER)
    response = call(app, plaintext)
    assert response.status_code == 403
    assert response.get_json()["error"] == {
        "code": "forbidden",
        "message": "Accès refusé : le titulaire de ce jeton n'a pas, ou plus, le rôle "
        "d'observateur ou d'administrateur.",
    }
    set_role(app, user, Role.MONITOR)
    assert call(app, plaintext).status_code == 200


def test_last_use_is_written_at_most_once_a_minute(app, make_user):
    user = make_user(role=Role.MONITOR)
    plaintext = new_token(app, user)
    start = utcnow()
    with app.app_context():
        assert tokens.user_for_token(plaintext, start).id == user.id
        token = db.session.scalar(sa.select(ApiToken))
        assert as_aware(token.last_used_at) == start
        tokens.user_for_token(plaintext, start + timedelta(seconds=59))
        assert as_aware(token.last_used_at) == start
        tokens.user_for_token(plaintext, start + timedelta(seconds=61))
        assert as_aware(token.last_used_at) == start + timedelta(seconds=61)
        assert tokens.user_for_token("teh_" + plaintext[4:][::-1]) is None
        assert tokens.user_for_token(plaintext[4:]) is None


def test_the_api_call_is_remembered_as_the_tokens_last_use(app, monitor):
    plaintext = new_token(app, monitor.user)
    assert "Jamais" in monitor.get(TOKENS_PAGE).get_data(as_text=True)
    assert call(app, plaintext).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None
    assert "Jamais" not in monitor.get(TOKENS_PAGE).get_data(as_text=True)


def test_a_browser_session_without_a_token_gets_401(monitor):
    response = monitor.get(API + f"?periode={this_month()}")
    assert response.status_code == 401
    assert response.is_json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# --- figures --------------------------------------------------------------------------------


def html_table(html: str, caption: str) -> dict[str, list[str]]:
    """The table of the page whose caption starts with `caption`: row label -> cell texts."""
    for table in re.findall(r"<table[^>]*>(.*?)</table>", html, re.S):
        found = re.search(r"<caption>(.*?)</caption>", table, re.S)
        if found and unescape(found.group(1)).startswith(caption):
            rows = {}
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1], re.S):
                texts = [
                    " ".join(unescape(re.sub(r"<[^>]+>", "", cell)).split())
                    for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
                ]
                rows[texts[0]] = texts[1:]
            return rows
    raise AssertionError(f"no table « {caption} »")


def normalised(text: str) -> str:
    return " ".join(text.split())


QUERIES = [
    "?periode={month}",
    "?periode={month}&par=profession",
    "?periode={month}&par=formation&territoire=pilotes",
    "?periode={month}&territoire=marseille&profession=enseignant&formation=exemple-cours",
    "?periode=plage&du={month}&au={month}&territoire=bordeaux",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_api_gives_the_dashboards_figures(app, monitor, population, query):
    query = query.format(month=this_month())
    plaintext = new_token(app, monitor.user)
    html = monitor.get("/suivi" + query).get_data(as_text=True)
    response = call(app, plaintext, query)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()

    api_rows = {
        row["label"]: [normalised(row["cells"][code]["text"]) for code in COLUMN_CODES]
        for row in data["rows"]
    }
    assert api_rows == html_table(html, "Indicateurs")
    funnel = {
        stage["label"]: [
            normalised(stage[name]["text"]) for name in ("count", "share", "median_days")
        ]
        for stage in data["funnel"]
    }
    assert funnel == html_table(html, "Parcours des inscriptions")
    assert [column["code"] for column in data["columns"]] == list(COLUMN_CODES)
    assert data["period"]["value"] in query
    assert data["threshold"] == 5
    assert data["suppression_rule"].startswith("Secret statistique : un effectif de 1 à 4")


def test_rows_are_keyed_by_their_code_and_numbers_match_their_text(app, monitor, population):
    plaintext = new_token(app, monitor.user)
    data = call(app, plaintext, f"?periode={this_month()}&par=profession").get_json()
    marseille_teachers = call(
        app, plaintext, f"?periode={this_month()}&territoire=marseille&profession=enseignant"
    ).get_json()
    total = next(row for row in marseille_teachers["rows"] if row["kind"] == "total")
    assert total["key"] == "total"
    assert total["cells"]["enrolled"] == {"value": 7, "text": "7", "suppressed": None}
    assert total["cells"]["started"] == {"value": 6, "text": "6", "suppressed": None}
    keys = {row["key"] for row in data["rows"]}
    assert {"enseignant", "sante", "magistrat", "pilots", "total"} <= keys
    assert data["filters"]["par"] == {"code": "profession", "label": "par profession"}
    assert marseille_teachers["filters"]["territoire"] == {
        "code": "marseille",
        "label": "Marseille",
    }


def test_small_counts_are_null_with_their_text_and_reason(app, monitor, population):
    plaintext = new_token(app, monitor.user)
    data = call(app, plaintext, f"?periode={this_month()}").get_json()
    rows = {row["label"]: row["cells"] for row in data["rows"]}
    # « Autre territoire » has 2 enrolments; the pilot subtotal is hidden so that it cannot
    # be worked out from the national total.
    assert rows["Autre territoire"]["enrolled"] == {
        "value": None, "text": "< 5", "suppressed": "small",
    }  # fmt: skip
    assert rows["Sous-total des territoires pilotes"]["enrolled"] == {
        "value": None, "text": "s", "suppressed": "secondary",
    }  # fmt: skip
    assert rows["Bordeaux"]["completed"]["value"] is None
    assert rows["Marseille"]["completion_rate"] == {
        "value": None, "text": "—", "suppressed": "secondary",
    }  # fmt: skip
    for cells in rows.values():
        for cell in cells.values():
            assert (cell["value"] is None) == (
                cell["suppressed"] is not None or cell["text"] == "—"
            )


def test_no_name_email_or_organisation_in_any_api_answer(app, monitor, population):
    plaintext = new_token(app, monitor.user)
    answers = [call(app, plaintext, q.format(month=this_month())) for q in QUERIES]
    answers += [
        call(app, plaintext, "?periode=2026-T9"),
        call(app, None),
        call(app, plaintext, path="/api/v1/personnes"),
        call(app, path=OPENAPI),
    ]
    private = population.private_strings()
    for answer in answers:
        text = answer.get_data(as_text=True)
        assert not [item for item in private if item in text]
        assert not [item for item in private if json.dumps(item)[1:-1] in text]


# --- errors ---------------------------------------------------------------------------------

ERRORS = {
    "bad period": (
        "periode=2026-T9", "token", "get", API, 400, "invalid_filter",
        "Cette période n'existe pas : choisissez-la dans la liste.",
    ),
    "unknown territory": (
        "territoire=atlantide", "token", "get", API, 400, "invalid_filter",
        "Territoire inconnu : « atlantide ».",
    ),
    "no token": ("", None, "get", API, 401, "unauthorized", "Jeton d'accès manquant"),
    "unknown token": ("", "teh_inconnu", "get", API, 401, "unauthorized", "Jeton d'accès manquant"),
    "unknown API address": (
        "", "token", "get", "/api/v1/personnes", 404, "not_found", "Cette adresse n'existe pas",
    ),
    "POST": ("", "token", "post", API, 405, "method_not_allowed", "ne répond qu'aux requêtes GET"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "token", "method", "path", "status", "code", "message"),
    ERRORS.values(),
    ids=ERRORS,
)
def test_every_error_is_json_with_a_french_message(
    app, make_user, openapi_document, query, token, method, path, status, code, message
):
    if token == "token":
        token = new_token(app, make_user(role=Role.MONITOR))
    response = call(app, token, f"?{query}" if query else "", path=path, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["error"]["code"] == code
    assert message in body["error"]["message"]
    jsonschema.validate(body, schema_of(openapi_document, "ErrorResponse"))
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer realm=api"
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_pages_outside_the_api_keep_their_html_errors(app):
    response = app.test_client().get("/page-qui-n-existe-pas")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_api_is_rate_limited_per_token(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    first = new_token(app, make_user(role=Role.MONITOR))
    second = new_token(app, make_user(role=Role.MONITOR))
    assert [call(app, first).status_code for _ in range(2)] == [200, 200]
    response = call(app, first)
    assert response.status_code == 429
    assert response.is_json
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert response.get_json()["error"]["message"].startswith("Trop de requêtes en peu de temps")
    assert int(response.headers["Retry-After"]) > 0
    # Another token has its own allowance.
    assert call(app, second).status_code == 200


def test_made_up_tokens_are_limited_per_address(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    statuses = [call(app, f"teh_invente{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 429]
    # A real token keeps its own allowance.
    assert call(app, new_token(app, make_user(role=Role.MONITOR))).status_code == 200


def test_calls_without_a_token_are_limited_per_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    statuses = [call(app, path=OPENAPI).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- who may call what ----------------------------------------------------------------------

#: (method, path, status for a monitor or an admin); the API is called with the role's token.
ROUTES = [
    ("GET", TOKENS_PAGE, 200),
    ("POST", TOKENS_PAGE, 200),
    ("POST", TOKENS_PAGE + "/{id}/revoquer", 302),
    ("GET", "/suivi/api", 200),
    ("GET", API, 200),
    ("GET", OPENAPI, 200),
]


def test_the_access_table_lists_every_api_and_token_route(app):
    rules = {
        (method, rule.rule.replace("<int:token_id>", "{id}"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/", TOKENS_PAGE, "/suivi/api"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert rules == {(method, path) for method, path, _status in ROUTES}


@pytest.mark.parametrize(("method", "path", "allowed_status"), ROUTES)
@pytest.mark.parametrize("role", [None, Role.LEARNER, Role.TRAINER, Role.MONITOR, Role.ADMIN])
def test_only_monitors_and_admins_reach_the_tokens_and_the_api(
    app, login_as, make_user, role, method, path, allowed_status
):
    client = login_as(role) if role else app.test_client()
    allowed = role in tokens.API_ROLES
    # Every role but the anonymous visitor sends a token: a learner's or trainer's is one made
    # while they were a monitor.
    holder = client.user if role else make_user(role=Role.MONITOR)
    if not allowed:
        set_role(app, holder, Role.MONITOR)
    plaintext = new_token(app, holder)
    if role is not None and not allowed:
        set_role(app, holder, role)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id).filter_by(user_id=holder.id))
    url = path.format(id=token_id)

    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {plaintext}"} if role else {}
        status = client.get(url, headers=headers).status_code
        expected = 200 if path == OPENAPI or allowed else 403 if role else 401
        assert status == expected
        return
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(
            url, data={"name": f"Outil {role}", "csrf_token": csrf_token(client)}
        )
    if allowed:
        assert response.status_code == allowed_status
    elif role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("role", "shown"), [
    (Role.LEARNER, False), (Role.TRAINER, False), (Role.MONITOR, True), (Role.ADMIN, True),
])  # fmt: skip
def test_my_account_links_to_the_tokens_for_monitors_and_admins_only(login_as, role, shown):
    html = login_as(role).get("/compte").get_data(as_text=True)
    assert (f'href="{TOKENS_PAGE}"' in html) is shown


def test_the_tokens_page_links_to_the_api_guide(monitor):
    assert 'href="/suivi/api"' in monitor.get(TOKENS_PAGE).get_data(as_text=True)
    guide = monitor.get("/suivi/api").get_data(as_text=True)
    assert "<h1>API des indicateurs</h1>" in guide
    assert "Authorization: Bearer" in guide


# --- the OpenAPI document -------------------------------------------------------------------


def test_the_openapi_document_is_valid_and_public(app, openapi_document):
    validate_openapi(openapi_document)
    assert openapi_document["openapi"].startswith("3.1")
    operation = openapi_document["paths"][API]["get"]
    assert openapi_document["security"] == [{"jeton": []}]
    assert openapi_document["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
    assert openapi_document["paths"][OPENAPI]["get"]["security"] == []
    assert set(operation["responses"]) == {"200", "400", "401", "403", "429"}


def test_the_document_describes_the_parameters_the_parser_reads(app, population):
    document = call(app, path=OPENAPI).get_json()
    parameters = {p["name"]: p for p in document["paths"][API]["get"]["parameters"]}
    assert set(parameters) == {
        "periode",
        "du",
        "au",
        "territoire",
        "profession",
        "formation",
        "par",
    }
    assert parameters["par"]["schema"]["enum"] == list(GROUP_LABELS)
    with app.app_context():
        territories = [t.code for t in accounts.list_territories()]
        professions = [p.code for p in accounts.list_professions()]
    assert parameters["territoire"]["schema"]["enum"] == ["pilotes", *territories]
    assert parameters["profession"]["schema"]["enum"] == professions
    assert parameters["formation"]["schema"]["enum"] == ["exemple-cours"]
    cells = document["components"]["schemas"]["Cells"]
    assert list(cells["properties"]) == list(COLUMN_CODES)


@pytest.mark.parametrize(
    "value",
    ["2026", "2026-T1", "2026-T4", "2026-01", "2026-12", "plage", "2026-T0", "2026-T5",
     "2026-00", "2026-13", "2026-1", "26", "T1", "2026-t1", "2026-S1", "annee"],
)  # fmt: skip
def test_the_period_pattern_accepts_what_the_parser_accepts(value):
    try:
        periods.parse_period(value, "2026-01", "2026-02", date(2099, 1, 1), date(2000, 1, 1))
        accepted = True
    except periods.PeriodError:
        accepted = False
    assert bool(re.fullmatch(PERIOD_PATTERN, value)) is accepted


def test_a_real_answer_matches_the_documented_schema(app, monitor, population, openapi_document):
    plaintext = new_token(app, monitor.user)
    schema = schema_of(openapi_document, "IndicatorsResponse")
    for query in QUERIES:
        data = call(app, plaintext, query.format(month=this_month())).get_json()
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    # The schema is strict enough to catch a drift: a cell without its text is refused.
    del data["rows"][0]["cells"]["enrolled"]["text"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
