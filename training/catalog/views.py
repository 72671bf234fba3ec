"""Catalogue pages."""

from flask import Response, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from training.accounts.access import login_required, public
from training.accounts.forms import EmptyForm
from training.accounts.services import profession_names
from training.catalog import bp, services
from training.certificates import services as certificates
from training.content import services as content
from training.errors import render_error
from training.extensions import db
from training.learning import services as learning
from training.learning.outline import outline_of
from training.shared_pages import recent_page, render_for_anyone


@bp.route("/formations")
@public
def catalogue():
    """All courses, those meant for the learner's profession first."""
    if (page := recent_page()) is not None:
        return page
    cards = services.catalogue_for(current_user if current_user.is_authenticated else None)
    professions = profession_names()
    return render_for_anyone(
        "catalog/catalogue.html",
        data=(tuple(card.course.version_id for card in cards), tuple(professions.items())),
        recommended=[card for card in cards if card.recommended],
        others=[card for card in cards if not card.recommended],
        professions=professions,
    )


@bp.route("/formations/<slug>/")
@public
def course(slug: str):
    """Presentation, outline and the learner's next action."""
    return _course_page(slug)


def _learner_version(course):
    """The learner's enrolment (None if there is none) and the version the course page shows:
    the one they are enrolled on, else the newest."""
    enrolment = (
        services.current_enrolment(current_user, course) if current_user.is_authenticated else None
    )
    return enrolment, enrolment.version if enrolment else content.latest_version(course.slug)


def _course_page(slug: str, error: services.EnrolmentError | None = None):
    """The course page of `slug` (404 if unknown), for the learner's version if enrolled."""
    if current_user.is_authenticated:
        course, enrolment = services.course_and_enrolment(current_user, slug)
    else:
        course, enrolment = services.course_by_slug(slug), None
    if course is None:
        abort(404)
    newest = content.latest_version(slug)
    version = enrolment.version if enrolment else newest
    outline = outline_of(version.id)
    done = learning.done_step_ids(enrolment) if enrolment else set()
    certificate = certificates.certificate_of(enrolment) if enrolment else None
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
        newer=newest if enrolment and newest.id != enrolment.version_id else None,
        certificate=certificate,
        certificate_status=certificates.status_of(certificate) if certificate else None,
        newest=newest,
        under_review=content.has_review_notes(newest),
        prerequisites=prerequisites,
        missing_prerequisites=[p for p in prerequisites if not p.done],
        form=EmptyForm(),
        error=str(error) if error else None,
    )


def _fiche_version(slug: str):
    """The version whose fiche réflexe the course page offers, or a French 404 page."""
    course = services.course_by_slug(slug) or abort(404)
    _enrolment, version = _learner_version(course)
    if version.fiche_md is None:
        abort(_no_fiche(slug))
    return course, version


def _no_fiche(slug: str):
    page, status = render_error(
        404,
        "Cette formation n'a pas de fiche réflexe.",
        [("Revenir à la formation", url_for("catalog.course", slug=slug))],
    )
    return make_response(page, status)


@bp.route("/formations/<slug>/fiche-reflexe")
@public
def fiche(slug: str):
    """The course's fiche réflexe, a page made to be printed on one A4 sheet."""
    course, version = _fiche_version(slug)
    return render_template("catalog/fiche.html", course=course, version=version)


@bp.route("/formations/<slug>/fiche-reflexe.pdf")
@public
def fiche_pdf(slug: str):
    """The course's fiche réflexe as a one-page PDF. The PDF toolchain is imported here, not at
    start-up: it weighs about 25 MB per worker, for a page few open."""
    from training.catalog.fiche_pdf import render_fiche_pdf

    course, version = _fiche_version(slug)
    pdf = render_fiche_pdf(version.fiche_title, version.title, version.fiche_md)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="fiche-reflexe-{course.slug}-v{version.number}.pdf"'
    )
    return response


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
        return _course_page(slug, error), 403
    db.session.commit()
    flash("Votre inscription à cette formation est enregistrée.", "success")
    return redirect(url_for("learning.resume", slug=slug))
