"""URLs built during requests are kept per process (training.urls.Flask), and stay right."""

import pytest
from flask import Blueprint, url_for
from werkzeug.routing import MapAdapter

from training.urls import Flask


@pytest.fixture
def site() -> Flask:
    application = Flask(__name__)
    application.config["SERVER_NAME"] = None

    @application.route("/page/<int:number>")
    def page(number: int) -> str:
        return ""

    def form() -> str:
        return ""

    application.add_url_rule("/form", view_func=form, methods=["GET"])
    application.add_url_rule("/form/sent", view_func=form, methods=["POST"])

    for name in ("first", "second"):
        section = Blueprint(name, __name__, url_prefix=f"/{name}")
        section.add_url_rule("/", "index", lambda: "")
        application.register_blueprint(section)

    @application.url_defaults
    def versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static":
            values["filename"] = "v1-" + values["filename"]

    return application


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The endpoints werkzeug's router built a URL for."""
    built: list[str] = []
    original = MapAdapter.build

    def counting(self, endpoint, *args, **kwargs):
        built.append(endpoint)
        return original(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "build", counting)
    return built


def test_a_url_is_built_once_per_process(site, builds):
    for _request in range(3):
        with site.test_request_context("/"):
            assert url_for("page", number=2) == "/page/2"
            assert url_for("static", filename="app.css") == "/static/v1-app.css"
    assert builds == ["page", "static"]


def test_what_the_url_depends_on_is_part_of_the_key(site, builds):
    with site.test_request_context("/", base_url="https://one.example/prefix"):
        assert url_for("page", number=1) == "/prefix/page/1"
        assert url_for("page", number=1, _external=True) == "https://one.example/prefix/page/1"
        assert url_for("page", number=1, _anchor="suite") == "/prefix/page/1#suite"
        assert url_for("page", number=1, next="/a b") == "/prefix/page/1?next=/a+b"
    with site.test_request_context("/"):
        assert url_for("page", number=1) == "/page/1"
        assert url_for("page", number=1, _external=True) == "http://localhost/page/1"
        assert url_for("page", number=1, _external=True, _scheme="https") == (
            "https://localhost/page/1"
        )
        # Equal keys, different URLs: True is not 1.
        assert url_for("page", number=1, flag=1) == "/page/1?flag=1"
        assert url_for("page", number=1, flag=True) == "/page/1?flag=True"
    with site.test_request_context("/", base_url="http://two.example"):
        assert url_for("page", number=1, _external=True) == "http://two.example/page/1"
    # The rule chosen depends on the request's method.
    with site.test_request_context("/form/sent", method="POST"):
        assert url_for("form") == "/form/sent"
    with site.test_request_context("/form"):
        assert url_for("form") == "/form"
    assert len(builds) == 12  # none served from another's key


def test_a_relative_endpoint_is_its_blueprints(site):
    for name in ("first", "second", "first"):
        with site.test_request_context(f"/{name}/"):
            assert url_for(".index") == f"/{name}/"


def test_values_that_cannot_be_keys_are_built_each_time(site, builds):
    for _request in range(2):
        with site.test_request_context("/"):
            assert url_for("page", number=3, tag=["a", "b"]) == "/page/3?tag=a&tag=b"
    assert builds == ["page", "page"]


def test_outside_requests_nothing_is_kept(site, builds):
    site.config["SERVER_NAME"] = "site.example"
    for _call in range(2):
        with site.app_context():
            assert url_for("page", number=4) == "http://site.example/page/4"
    assert builds == ["page", "page"]
    assert site.built_urls == {}


def test_the_cache_is_emptied_when_full(site, monkeypatch):
    monkeypatch.setattr(Flask, "MAX_URLS", 3)
    with site.test_request_context("/"):
        for number in range(7):
            assert url_for("page", number=number) == f"/page/{number}"
            assert len(site.built_urls) <= 3
