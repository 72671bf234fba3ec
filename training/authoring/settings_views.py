"""The course settings page of a draft: course.md's front matter edited through a form."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.accounts.access import roles_required
from training.authoring import bp, drafts, forms, settings
from training.authoring.drafts import COURSE_FILE
from training.authoring.editor_views import AUTHORS, editable_draft, refuse_change
from training.authoring.front_matter import FrontMatterError
from training.content.problems import Problem
from training.extensions import db


@bp.route("/brouillons/<slug>/parametres", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def course_settings(slug: str):
    """Edit the course's settings; saving checks them as `flask courses check` does and shows
    each problem next to the field of its key (a setting in error is not saved)."""
    draft = editable_draft(slug)
    if COURSE_FILE not in draft.files:
        abort(404)
    text = draft.files[COURSE_FILE]
    try:
        saved = settings.course_settings(text)
    except FrontMatterError as error:
        return render_template(
            "authoring/settings.html", draft=draft, form=None, unreadable=str(error)
        )
    form = forms.CourseSettingsForm(revision=draft.revision, data=_form_data(saved))
    status, by_key, others = 200, {}, []
    if form.validate_on_submit():
        values = {key: form[key].data for key in settings.SETTING_KEYS}
        try:
            settings.save_settings(draft, values, form.revision.data, current_user)
        except settings.SettingsError as refused:
            db.session.rollback()
            status, by_key = 422, refused.by_key
        except drafts.DraftError as error:
            refuse_change(error)
            status = 409
        else:
            db.session.commit()
            flash("Les paramètres de la formation sont enregistrés dans course.md.", "success")
            return redirect(url_for("authoring.course_settings", slug=slug))
    elif form.errors:
        status = 422
    else:
        by_key, others = settings.problems_by_setting(text, drafts.check_draft(draft))
    for key, problems in by_key.items():
        form[key].errors = [*form[key].errors, *map(_message, problems)]
    return render_template(
        "authoring/settings.html",
        draft=draft,
        form=form,
        others=others,
        unreadable=None,
        audience_choices=settings.audience_choices(form.audiences.data or []),
        prerequisite_choices=settings.prerequisite_choices(
            draft.slug, form.prerequisites.data or []
        ),
    ), status


def _form_data(saved: dict) -> dict:
    """The settings as the form shows them: numbers as text, lists as lists."""
    data = {}
    for key, value in saved.items():
        if key in settings.LIST_KEYS:
            data[key] = [str(item) for item in value] if isinstance(value, list) else []
        else:
            data[key] = "" if value is None else str(value)
    return data


def _message(problem: Problem) -> str:
    return problem.message if problem.is_error else f"Remarque : {problem.message}"
