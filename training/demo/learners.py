"""The demo learners' own courses: one halfway through the common core, so that « Reprendre »
shows once logged in, and one who finished it and holds a valid certificate.

Their progress goes through the learning services, as their clicks would: lessons marked done,
quizzes passed with the right answers, the certificate issued on completion.
"""

from training.accounts.services import find_user_by_email
from training.catalog import services as catalog
from training.catalog.models import Enrolment
from training.content.models import Step
from training.extensions import db
from training.learning import services as learning
from training.learning.outline import outline_of

COURSE = "socle-commun"
LEARNER_EMAIL = "apprenant@demo.example.org"
CERTIFIED_LEARNER_EMAIL = "apprenant.certifie@demo.example.org"
#: Steps of the common core the demo learner has done: its first module, three lessons.
STEPS_DONE = 3


def load_demo_learners() -> list[Enrolment]:
    """Enrol each demo learner in the common core and take them through it (the first steps,
    or all of it), unless they follow it already: what they did since is left as it is.
    Returns the enrolments made now."""
    course = catalog.course_by_slug(COURSE)
    if course is None:
        return []
    enrolled = []
    for email, steps_done in ((LEARNER_EMAIL, STEPS_DONE), (CERTIFIED_LEARNER_EMAIL, None)):
        user = find_user_by_email(email)
        if user is None or catalog.current_enrolment(user, course) is not None:
            continue
        enrolment = catalog.enrol(user, course)
        for item in outline_of(enrolment.version_id).steps[:steps_done]:
            _do_step(enrolment, db.session.get(Step, item.id))
        enrolled.append(enrolment)
    return enrolled


def _do_step(enrolment: Enrolment, step: Step) -> None:
    if step.kind == "lesson":
        learning.mark_lesson_done(enrolment, step)
        return
    attempt = learning.start_attempt(enrolment, step)
    right = {key.id: list(key.correct_choice_ids) for key in learning.answer_key(step.id)}
    learning.submit_attempt(attempt, right)
