"""The lesson player and quizzes.

Step URLs mirror the course folder under /formations/<slug>/ (see content/renderer.py), so the
links between steps written by trainers work as rendered. The version shown is always the one
the learner is enrolled on.
"""

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import login_required, public
from training.accounts.forms import EmptyForm
from training.catalog import services as catalog
from training.certificates import services as certificates
from training.content.services import get_asset, latest_version
from training.extensions import db
from training.learning import bp, scenarios, services
from training.learning.grading import ForgedAnswerError
from training.learning.outline import outline_of


def _enrolment_of(slug: str):
    """The course (404 if unknown) and the learner's enrolment in it (None if not enrolled)."""
    course, enrolment = catalog.course_and_enrolment(current_user, slug)
    if course is None:
        abort(404)
    return course, enrolment


def _to_course_page(slug: str):
    flash("Inscrivez-vous à cette formation pour accéder à ses étapes.", "info")
    return redirect(url_for("catalog.course", slug=slug))


def posted_step(slug: str, key: str):
    """The enrolment and step a POST acts on: 404 for an unknown course or step, 403 when not
    enrolled, 400 without a valid CSRF token."""
    _, enrolment = _enrolment_of(slug)
    if enrolment is None:
        abort(403)
    step = services.step_of(enrolment, key) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return enrolment, step


@bp.app_template_global()
def step_url(slug: str, step) -> str:
    """A step's address: its key under the course's (see the module docstring); the course's
    is built once per request, as a table of contents links every step."""
    course_urls = g.setdefault("course_urls", {})
    if slug not in course_urls:
        course_urls[slug] = url_for("catalog.course", slug=slug)
    return course_urls[slug] + step.key


@bp.route("/formations/<slug>/reprendre")
@login_required
def resume(slug: str):
    """Go to the first step not done yet (the course page once everything is done)."""
    _, enrolment = _enrolment_of(slug)
    if enrolment is None:
        return _to_course_page(slug)
    outline = outline_of(enrolment.version_id)
    progress = services.progress_for(outline, services.done_step_ids(enrolment))
    if progress.next_step_id is None:
        return redirect(url_for("catalog.course", slug=slug))
    step = next(s for s in outline.steps if s.id == progress.next_step_id)
    return redirect(step_url(slug, step))


@bp.route("/formations/<slug>/<module_key>/")
@login_required
def module(slug: str, module_key: str):
    """A module's address (linked from course files) leads to its first step."""
    _, enrolment = _enrolment_of(slug)
    if enrolment is None:
        return _to_course_page(slug)
    outline = outline_of(enrolment.version_id)
    first = next((s for s in outline.steps if s.module.key == module_key), None) or abort(404)
    return redirect(step_url(slug, first))


@bp.route("/formations/<slug>/<module_key>/<name>")
@login_required
def step(slug: str, module_key: str, name: str):
    """A lesson, or the introduction of a quiz or a scenario, with the outline and navigation."""
    course, enrolment = _enrolment_of(slug)
    if enrolment is None:
        return _to_course_page(slug)
    outline = outline_of(enrolment.version_id)
    current = services.step_of(enrolment, f"{module_key}/{name}") or abort(404)
    done = services.done_step_ids(enrolment)
    attempts, open_attempt = [], None
    if current.kind == "quiz":
        attempts = services.attempts_of(enrolment, current)
        open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    elif current.kind == "scenario":
        attempts = scenarios.plays_of(enrolment, current)
        open_attempt = next((a for a in attempts if a.finished_at is None), None)
    previous, following = outline.neighbours(current)
    index = outline.index_of(current)
    return render_template(
        "learning/step.html",
        course=course,
        enrolment=enrolment,
        version=enrolment.version,
        outline=outline,
        step=current,
        module=outline.steps[index].module,
        done=done,
        progress=services.progress_for(outline, done),
        position=index + 1,
        previous=previous,
        following=following,
        attempts=attempts,
        attempts_left=services.attempts_left(current, enrolment.id, len(attempts)),
        open_attempt=open_attempt,
        best_score=max((a.score for a in attempts if a.score is not None), default=None),
        form=EmptyForm(),
    )


@bp.route("/formations/<slug>/<module_key>/<name>/terminer", methods=["POST"])
@login_required
def mark_done(slug: str, module_key: str, name: str):
    """« J'ai terminé cette étape »: record it, then go to the next step."""
    enrolment, current = posted_step(slug, f"{module_key}/{name}")
    try:
        completed = services.mark_lesson_done(enrolment, current)
    except services.LearningError:
        abort(400)
    db.session.commit()
    if completed:
        flash("Félicitations : vous avez terminé cette formation.", "success")
        return redirect(url_for("catalog.course", slug=slug))
    return redirect(url_for("learning.resume", slug=slug))


@bp.route("/formations/<slug>/<module_key>/<name>/tentative", methods=["POST"])
@login_required
def start_attempt(slug: str, module_key: str, name: str):
    """Start (or go back to) an attempt at a quiz."""
    enrolment, current = posted_step(slug, f"{module_key}/{name}")
    try:
        attempt_id = services.start_attempt(enrolment, current).id
    except services.LearningError as error:
        flash(str(error), "error")
        return redirect(step_url(slug, current)), 303
    db.session.commit()
    return redirect(url_for("learning.attempt", attempt_id=attempt_id))


def _submitted_answers() -> dict[int, list[int]]:
    """Question id -> choice ids from fields named q<question id>; anything else is forged."""
    answers: dict[int, list[int]] = {}
    for field, values in request.form.lists():
        if field == "csrf_token":
            continue
        if not field.startswith("q") or not field[1:].isdigit():
            raise ForgedAnswerError(f"unexpected field {field!r}")
        try:
            answers[int(field[1:])] = [int(value) for value in values]
        except ValueError:
            raise ForgedAnswerError(f"non-numeric choice in {field!r}") from None
    return answers


@bp.route("/tentatives/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """The questions of an open attempt; its result once submitted.

    Answers sent for an attempt already submitted (from a second tab, or twice at once) are
    not recorded: the result is shown with 409 and a message saying so, in this response
    rather than as a flash, which another tab could pick up first.
    """
    attempt = services.attempt_for(current_user, attempt_id) or abort(404)
    step = attempt.step
    form = EmptyForm()
    unanswered: tuple[int, ...] = ()
    chosen: dict[int, list[int]] = {}
    already_submitted = request.method == "POST" and attempt.submitted_at is not None
    if request.method == "POST" and attempt.submitted_at is None:
        if not form.validate_on_submit():
            abort(400)
        try:
            chosen = _submitted_answers()
            submission = services.submit_attempt(attempt, chosen)
        except ForgedAnswerError:
            abort(400)
        except services.UnansweredQuestionsError as error:
            unanswered = error.question_ids
        else:
            db.session.commit()
            already_submitted = not submission.recorded
            if submission.course_completed:
                flash("Félicitations : vous avez terminé cette formation.", "success")
            if submission.recorded:
                return redirect(
                    url_for("learning.attempt", attempt_id=attempt_id, _anchor="resultat")
                )
    questions = services.quiz_questions(step)
    tally = services.tally_of(attempt.enrolment_id, step.id)
    template = "learning/attempt.html" if attempt.submitted_at is None else "learning/result.html"
    context = {}
    if attempt.submitted_at is not None:
        context = {
            "grade": services.grade_of(attempt, questions),
            "reveal": services.reveal_correct_answers(step, tally),
            "judgements": services.judgements_of(attempt, questions),
            "answers": {int(k): set(v) for k, v in (attempt.answers or {}).items()},
            "already_submitted": already_submitted,
        }
    return render_template(
        template,
        attempt=attempt,
        step=step,
        slug=attempt.enrolment.course.slug,
        course_title=attempt.enrolment.version.title,
        questions=_in_attempt_order(questions, attempt),
        attempts_used=tally.used,
        attempts_left=services.attempts_left(step, tally.enrolment_id, tally.used),
        form=form,
        unanswered=unanswered,
        chosen=chosen,
        **context,
    ), (422 if unanswered else 409 if already_submitted else 200)


def _in_attempt_order(questions, attempt):
    """Each question with its choices in the order fixed when the attempt started."""
    ordered = []
    for question in questions:
        by_id = {choice.id: choice for choice in question.choices}
        order = attempt.choice_order.get(str(question.id), list(by_id))
        ordered.append((question, [by_id[i] for i in order if i in by_id]))
    return ordered


@bp.route("/formations/<slug>/changer-de-version", methods=["POST"])
@login_required
def switch_version(slug: str):
    """Move to the newest version, keeping unchanged steps done."""
    _, enrolment = _enrolment_of(slug)
    if enrolment is None:
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    newer = services.newer_version(enrolment) or abort(409)
    try:
        kept = services.switch_version(enrolment, newer)
    except services.LearningError as error:
        flash(str(error), "error")
        return redirect(url_for("catalog.course", slug=slug)), 303
    db.session.commit()
    flash(
        f"Vous suivez maintenant la version {newer.number}. {kept} étape(s) déjà faite(s) et "
        "inchangée(s) restent validée(s).",
        "success",
    )
    return redirect(url_for("learning.resume", slug=slug))


@bp.route("/formations/<slug>/images/<path:filename>")
@public
def image(slug: str, filename: str):
    """An image of the version the visitor sees (enrolled version, or the newest)."""
    course = catalog.course_by_slug(slug) or abort(404)
    enrolment = (
        catalog.current_enrolment(current_user, course) if current_user.is_authenticated else None
    )
    version = enrolment.version if enrolment else latest_version(course.slug)
    asset = get_asset(version.id, f"images/{filename}") or abort(404)
    response = make_response(asset.data)
    response.headers["Content-Type"] = asset.content_type
    response.headers["Cache-Control"] = "private, max-age=3600"
    if asset.content_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
    response.set_etag(asset.sha256)
    return response.make_conditional(request)


@bp.route("/mon-parcours")
@login_required
def dashboard():
    """Courses in progress with the next step, completed courses, certificates."""
    cards = [card for card in catalog.catalogue_for(current_user) if card.enrolment]
    return render_template(
        "learning/dashboard.html",
        in_progress=[card for card in cards if card.status == "in-progress"],
        completed=[card for card in cards if card.status == "completed"],
        certificates=certificates.certificates_of(current_user),
        form=EmptyForm(),
    )
