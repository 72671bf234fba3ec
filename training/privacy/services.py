"""What the platform holds about one user, gathered for them in a portable form."""

import html
from typing import Any

import nh3
import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from training.accounts.models import User
from training.catalog.models import Enrolment
from training.certificates.models import Certificate
from training.content.models import Question, ScenarioChoice, Step
from training.extensions import db
from training.learning.models import QuizAttempt, ScenarioAttempt, StepCompletion
from training.timeutils import utcnow


def _moment(value) -> str | None:
    return value.isoformat() if value is not None else None


def _text(fragment_html: str) -> str:
    """The words of a rendered fragment (a question, a choice), without markup."""
    return html.unescape(nh3.clean(fragment_html, tags=set())).strip()


def _readable_answers(attempt: QuizAttempt, questions: list[Question]) -> list[dict[str, Any]]:
    """Each question of the quiz answered, in the quiz's order, with the texts of the choices
    ticked: what a person reads, rather than the platform's internal ids."""
    answers = attempt.answers or {}
    readable = []
    for question in questions:
        chosen = set(answers.get(str(question.id), ()))
        if not chosen:
            continue
        readable.append(
            {
                "question": _text(question.prompt_html),
                "reponses_cochees": [
                    _text(choice.text_html) for choice in question.choices if choice.id in chosen
                ],
            }
        )
    return readable


def personal_data(user: User) -> dict[str, Any]:
    """Everything tied to `user`: account, enrolments with steps done, quiz attempts with the
    answers given, scenario plays with the choices taken, certificates. Nothing about other
    people, and no content of the courses beyond titles, step keys and the texts of the
    questions and choices the user answered.
    A fixed number of queries, whatever the history."""
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .options(joinedload(Enrolment.version), joinedload(Enrolment.course))
        .order_by(Enrolment.enrolled_at)
    ).all()
    ids = [enrolment.id for enrolment in enrolments]
    completions = db.session.execute(
        sa.select(StepCompletion.enrolment_id, Step.key, StepCompletion.completed_at)
        .join(Step, Step.id == StepCompletion.step_id)
        .where(StepCompletion.enrolment_id.in_(ids))
        .order_by(StepCompletion.completed_at)
    ).all()
    attempts = db.session.execute(
        sa.select(QuizAttempt, Step.key)
        .join(Step, Step.id == QuizAttempt.step_id)
        .where(QuizAttempt.enrolment_id.in_(ids))
        .order_by(QuizAttempt.started_at)
    ).all()
    plays = db.session.execute(
        sa.select(ScenarioAttempt, Step.key)
        .join(Step, Step.id == ScenarioAttempt.step_id)
        .where(ScenarioAttempt.enrolment_id.in_(ids))
        .order_by(ScenarioAttempt.started_at)
    ).all()
    choices = dict(
        db.session.execute(
            sa.select(ScenarioChoice.id, ScenarioChoice.text_html).where(
                ScenarioChoice.id.in_(sorted({i for play, _ in plays for i in play.path}))
            )
        ).all()
    )
    certificates = db.session.scalars(
        sa.select(Certificate).where(Certificate.enrolment_id.in_(ids))
    ).all()
    questions_of: dict[int, list[Question]] = {}
    for question in db.session.scalars(
        sa.select(Question)
        .where(Question.step_id.in_(sorted({attempt.step_id for attempt, _ in attempts})))
        .options(selectinload(Question.choices))
        .order_by(Question.step_id, Question.position)
    ):
        questions_of.setdefault(question.step_id, []).append(question)
    return {
        "exporte_le": utcnow().isoformat(),
        "compte": {
            "adresse_electronique": user.email,
            "nom": user.full_name,
            "role": user.role_enum.label,
            "profession": user.profession.name,
            "territoire": user.territory.name,
            "structure": user.organisation,
            "consentement_le": _moment(user.consented_at),
            "adresse_confirmee_le": _moment(user.email_confirmed_at),
            "cree_le": _moment(user.created_at),
            "derniere_connexion_le": _moment(user.last_login_at),
        },
        "inscriptions": [
            {
                "formation": enrolment.course.slug,
                "titre": enrolment.version.title,
                "version": enrolment.version.number,
                "cycle": enrolment.cycle,
                "profession_a_l_inscription": enrolment.profession.name,
                "territoire_a_l_inscription": enrolment.territory.name,
                "inscrit_le": _moment(enrolment.enrolled_at),
                "terminee_le": _moment(enrolment.completed_at),
                "etapes_terminees": [
                    {"etape": key, "le": _moment(moment)}
                    for enrolment_id, key, moment in completions
                    if enrolment_id == enrolment.id
                ],
                "tentatives_de_quiz": [
                    {
                        "quiz": key,
                        "numero": attempt.number,
                        "commencee_le": _moment(attempt.started_at),
                        "validee_le": _moment(attempt.submitted_at),
                        "reponses": _readable_answers(
                            attempt, questions_of.get(attempt.step_id, [])
                        ),
                        "score": attempt.score,
                        "reussie": attempt.passed,
                    }
                    for attempt, key in attempts
                    if attempt.enrolment_id == enrolment.id
                ],
                "mises_en_situation": [
                    {
                        "mise_en_situation": key,
                        "partie": play.number,
                        "commencee_le": _moment(play.started_at),
                        "terminee_le": _moment(play.finished_at),
                        "choix": [_text(choices.get(choice_id, "")) for choice_id in play.path],
                        "score": play.score,
                        "reussie": play.passed,
                    }
                    for play, key in plays
                    if play.enrolment_id == enrolment.id
                ],
            }
            for enrolment in enrolments
        ],
        "attestations": [
            {
                "code": certificate.code,
                "titulaire": certificate.holder_name,
                "formation": certificate.course_title,
                "version": certificate.course_version,
                "achevee_le": _moment(certificate.completed_on),
                "expire_le": _moment(certificate.expires_on),
                "revoquee_le": _moment(certificate.revoked_at),
            }
            for certificate in certificates
        ],
    }
