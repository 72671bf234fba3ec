"""The course page as a learner's way in: programme links once enrolled, « Revoir la formation »
once finished, and the confirmation step for an account not confirmed yet."""

import html
import re

import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.learning.conftest import (
    LESSON_1,
    LESSON_2,
    QUIZ,
    SLUG,
    enrol,
    finish_lesson,
    quiz_answers,
    start_attempt,
    submit,
)
from training.catalog.models import Enrolment
from training.extensions import db

COURSE_PAGE = f"/formations/{SLUG}/"


def step_links(page: str) -> set[str]:
    return set(re.findall(rf'<a href="/formations/{SLUG}/([^"]+)">', page))


def test_programme_items_are_links_once_enrolled(login_as, example_course):
    client = login_as()
    assert step_links(client.get(COURSE_PAGE).get_data(as_text=True)) == set()

    enrol(client)
    page = client.get(COURSE_PAGE).get_data(as_text=True)
    assert step_links(page) == {LESSON_1, LESSON_2, QUIZ}
    assert "Revoir la formation" not in page


def test_a_finished_course_page_links_every_step_and_offers_to_review_it(
    app, login_as, example_course
):
    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, LESSON_2)
    submit(client, start_attempt(client), quiz_answers(app, True))

    page = client.get(COURSE_PAGE).get_data(as_text=True)
    assert "Terminée le" in page
    assert step_links(page) == {LESSON_1, LESSON_2, QUIZ}
    review = re.search(
        r'<a class="fr-btn fr-btn--secondary" href="([^"]+)">Revoir la formation</a>', page
    )
    assert review is not None
    assert review.group(1) == f"/formations/{SLUG}/{LESSON_1}"
    assert client.get(review.group(1)).status_code == 200


def test_an_unconfirmed_account_is_asked_to_confirm_and_may_resend_the_link(
    app, login_as, example_course, mailbox
):
    client = login_as(confirmed=False)
    page = client.get(COURSE_PAGE).get_data(as_text=True)

    assert "Confirmez votre adresse électronique pour vous inscrire." in page
    assert "S'inscrire</button>" not in page
    action = html.unescape(re.search(r'action="(/confirmation/renvoyer[^"]*)"', page).group(1))
    assert action == "/confirmation/renvoyer?next=/formations/exemple-cours/"

    response = client.post(action, data={"csrf_token": csrf_token(client, COURSE_PAGE)})
    assert response.status_code == 302
    assert response.headers["Location"] == COURSE_PAGE
    assert len(mailbox.to(client.user.email)) == 1
    assert "Un nouveau lien a été envoyé" in client.get(COURSE_PAGE).get_data(as_text=True)


def test_enrolling_unconfirmed_shows_the_resend_button_with_the_refusal(
    app, login_as, example_course
):
    client = login_as(confirmed=False)
    response = enrol(client)
    page = response.get_data(as_text=True)

    assert response.status_code == 403
    assert "Confirmez d&#39;abord votre adresse électronique" in page
    assert "Renvoyer le lien</button>" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0


def test_resending_never_leads_off_the_site(login_as, example_course):
    client = login_as(confirmed=False)
    response = client.post(
        "/confirmation/renvoyer?next=//exemple.org/",
        data={"csrf_token": csrf_token(client, COURSE_PAGE)},
    )
    assert response.headers["Location"] == "/compte"
