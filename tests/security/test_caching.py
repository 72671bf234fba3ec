"""Pages shown to a signed-in person are never stored by a browser or a proxy (V8.2.1, V8.1.1):
the next person on a shared computer must not find them in the cache."""

import pytest

from training.accounts.models import Role


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.LEARNER, "/compte"),
        (Role.LEARNER, "/compte/sessions"),
        (Role.LEARNER, "/"),
        (Role.ADMIN, "/admin/comptes"),
    ],
)
def test_every_page_for_a_signed_in_person_is_no_store(login_as, role, path):
    response = login_as(role).get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_page_for_an_anonymous_visitor_may_be_cached(client):
    assert "Cache-Control" not in client.get("/").headers


def test_static_files_keep_their_caching_for_a_signed_in_person(login_as):
    with login_as().get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["ETag"]
