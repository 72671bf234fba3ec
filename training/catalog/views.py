"""Catalogue pages."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.accounts.access import login_required, public
from training.accounts.forms import EmptyForm
from training.accounts.services import list_professions
from training.catalog import bp, services
from training.certificates import services as certificates
from training.content import services as content
from training.extensions import db
from training.learning import services as learning


@bp.route("/formations")
@public
def catalogue():
    """All courses, those meant for the learner's profession first."""
    cards = services.catalogue_for(current_user if current_user.is_authenticated else None)
    professions = {p.code: p.name for p in list_professions()}
    return render_template(
        "catalog/catalogue.html",
        recommended=[card for card in cards if card.recommended],
        others=[card for card in cards if not card.recommended],
        professions=professions,
    )


@bp.route("/formations/<slug>/")
@public
def course(slug: str):
    """Presentation, outline and the learner's next action."""
    return _course_page(services.course_by_slug(slug) or abort(404))


def _course_page(course, error: services.EnrolmentError | None = None):
    enrolment = (
        services.current_enrolment(current_user, course) if current_user.is_authenticated else None
    )
    version = enrolment.version if enrolment else content.latest_version(course.slug)
    outline = learning.outline_of(version.id)
    done = learning.done_step_ids(enrolment) if enrolment else set()
    certificate = certificates.certificate_of(enrolment) if enrolment else None
    newest = content.latest_version(course.slug)
    prerequisites = services.prerequisites_of(
        newest, current_user if current_user.is_authenticated else None
    )
    return render_template(
        "catalog/course.html",
        course=course,
        version=version,
        outline=outline,
        enrolment=enrolment,
        done=done,
        progress=learning.progress_for(outline, done) if enrolment else None,
        newer=learning.newer_version(enrolment) if enrolment else None,
        certificate=certificate,
        certificate_status=certificates.status_of(certificate) if certificate else None,
        newest=newest,
        under_review=content.has_review_notes(newest),
        professions={p.code: p.name for p in list_professions()},
        prerequisites=prerequisites,
        missing_prerequisites=[p for p in prerequisites if not p.done],
        form=EmptyForm(),
        error=str(error) if error else None,
    )


@bp.route("/formations/<slug>/inscription", methods=["POST"])
@login_required
def enrol(slug: str):
    """Enrol in the newest version (harmless twice), once its prerequisites are completed."""
    course = services.course_by_slug(slug) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.enrol_from_catalogue(current_user, course)
    except services.EnrolmentError as error:
        return _course_page(course, error), 403
    db.session.commit()
    flash("Votre inscription à cette formation est enregistrée.", "success")
    return redirect(url_for("learning.resume", slug=slug))
