"""The quiz editor (a quiz step of a draft edited as a form, without script), and quizzes in
and out as GIFT, Moodle's format. Forms: quiz_forms.py, quiz_actions.py (the buttons),
upload_forms.py; the work: quizzes.py."""

from collections.abc import Sequence

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import roles_required
from training.authoring import bp, drafts, quiz_actions, quiz_forms, quizzes
from training.authoring.editor_views import AUTHORS, editable_draft, refuse_change
from training.authoring.models import CourseDraft
from training.authoring.quiz_forms import QuizForm
from training.authoring.upload_forms import GiftImportForm
from training.content.gift import MAX_GIFT_BYTES
from training.content.problems import Problem
from training.content.quiz_file import WrittenQuiz, is_quiz, write_quiz
from training.extensions import db


def _quiz(draft: CourseDraft, path: str) -> None:
    if path not in draft.files or not is_quiz(draft.files[path]):
        abort(404)


@bp.route("/brouillons/<slug>/quiz/<path:path>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def quiz_editor(slug: str, path: str):
    """Edit a quiz: settings, introduction, questions and their choices. The buttons that add,
    remove or move a question or a choice show the form again with the change and everything
    typed; « Enregistrer » saves, unless the check finds an error, shown next to its field."""
    draft = editable_draft(slug)
    _quiz(draft, path)
    if request.method == "GET":
        reading = quizzes.read_draft_quiz(draft, path)
        if reading.quiz is None or reading.errors:
            # Read with errors, a quiz may have lost a part (a question without choices):
            # saving the form would delete it from the file.
            return render_template(
                "authoring/quiz_editor.html", draft=draft, path=path, form=None,
                problems=reading.problems,
            )  # fmt: skip
        form = QuizForm(data=quiz_forms.form_data(reading.quiz), revision=draft.revision)
        written = write_quiz(reading.quiz)
        problems = [p for p in drafts.check_draft(draft) if p.path.as_posix() == path]
        as_written = written if written.text == draft.files[path] else None
        return _render(draft, path, form, problems, as_written)
    action = quiz_actions.Action.parse(request.form.get("action"))
    if action is None:
        abort(400)
    if not action.saves:
        edited = quiz_actions.edit(request.form, action)
        form = QuizForm(formdata=edited.formdata)
        return _render(draft, path, form, edited=edited)
    form = QuizForm()
    if not form.validate_on_submit():
        return _render(draft, path, form, status=422)
    try:
        quizzes.save_quiz(draft, path, quiz_forms.quiz_of(form), form.revision.data, current_user)
    except quizzes.QuizCheckError as refused:
        db.session.rollback()
        return _render(draft, path, form, refused.problems, refused.written, status=422)
    except drafts.DraftError as error:
        refuse_change(error)
        return _render(draft, path, form, status=409)
    db.session.commit()
    flash(f"Le quiz {path} est enregistré.", "success")
    return redirect(url_for("authoring.quiz_editor", slug=slug, path=path))


def _render(
    draft: CourseDraft,
    path: str,
    form: QuizForm,
    problems: Sequence[Problem] = (),
    written: WrittenQuiz | None = None,
    *,
    edited: quiz_actions.Edited | None = None,
    status: int = 200,
):
    return render_template(
        "authoring/quiz_editor.html",
        draft=draft,
        path=path,
        form=form,
        messages=quiz_forms.messages(form, list(problems), written, path),
        edited=edited,
        focus=edited.focus if edited is not None else None,
        actions=quiz_actions.Action,
    ), status


@bp.route("/brouillons/<slug>/importer-gift", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def import_gift(slug: str):
    """Make a new quiz in a module from a Moodle GIFT file. Every question that cannot be
    brought over is listed with its line; then nothing is written, unless the trainer chose
    to import the others."""
    draft = editable_draft(slug)
    form = GiftImportForm(revision=draft.revision)
    form.module.choices = quizzes.module_folders(draft)
    problems: list[Problem] = []
    refusal = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            imported = quizzes.import_gift(
                draft,
                form.module.data,
                form.name.data.removesuffix(".md"),
                form.title.data,
                upload.read(MAX_GIFT_BYTES + 1),
                upload.filename or "",
                form.revision.data,
                current_user,
                partial=form.partial.data,
            )
        except quizzes.GiftImportError as refused:
            db.session.rollback()
            problems, refusal, status = refused.problems, str(refused), 422
        except drafts.StaleDraftError as error:
            refuse_change(error)
            status = 409
        except drafts.DraftError as error:
            db.session.rollback()
            refusal, status = str(error), 422
        else:
            db.session.commit()
            _flash_import(imported)
            return redirect(url_for("authoring.quiz_editor", slug=slug, path=imported.path))
    elif form.errors:
        status = 422
    return render_template(
        "authoring/import_gift.html", draft=draft, form=form, problems=problems, refusal=refusal
    ), status


def _flash_import(imported: quizzes.GiftImport) -> None:
    count = imported.questions
    flash(
        f"{count} question{'s' if count > 1 else ''} importée{'s' if count > 1 else ''} dans"
        f" {imported.path} : relisez-les, et ajoutez les retours qui manquent.",
        "success",
    )
    left_out = [p for p in imported.problems if p.is_error]
    remarks = [p for p in imported.problems if not p.is_error]
    if left_out:
        flash(
            "Questions non reprises : "
            + " ; ".join(f"ligne {p.line}, {p.message}" for p in left_out)
            + ".",
            "warning",
        )
    if remarks:
        flash(
            "Remarques sur le fichier GIFT : "
            + " ; ".join(f"ligne {p.line}, {p.message}" for p in remarks)
            + ".",
            "info",
        )


@bp.route("/brouillons/<slug>/gift/<path:path>")
@roles_required(*AUTHORS)
def export_gift(slug: str, path: str):
    """The quiz's questions as a GIFT file, to import into Moodle."""
    draft = editable_draft(slug)
    _quiz(draft, path)
    try:
        text = quizzes.quiz_gift(draft, path)
    except drafts.DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.quiz_editor", slug=slug, path=path))
    name = path.removesuffix(".md").replace("/", "-")
    return Response(
        text,
        content_type="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{draft.slug}-{name}.gift"',
            "Cache-Control": "private, no-cache",
        },
    )
