"""The « Plan du cours » page of a draft: modules and steps renamed, moved up or down, added and
deleted with plain forms (no script needed). The work is done by structure.py; each view
commits once."""

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import roles_required
from training.authoring import bp, drafts, forms, structure
from training.authoring.editor_views import AUTHORS, STARTERS, editable_draft
from training.authoring.models import CourseDraft
from training.extensions import db

NEW_MODULE_INPUT = "titre-nouveau-module"


@dataclass
class Typed:
    """What the trainer typed in one field of the plan, shown again with its errors."""

    value: str
    errors: list[str] = field(default_factory=list)


def title_input(path: str) -> str:
    """The id of the title field of the module folder or step file `path` on the plan page."""
    return "titre-" + path.removesuffix(".md").replace("/", "--")


def new_step_input(folder: str) -> str:
    return f"titre-nouvelle-etape-{folder}"


@bp.route("/brouillons/<slug>/plan")
@roles_required(*AUTHORS)
def plan(slug: str):
    """The modules and steps of the draft in their order, with what can be done to each."""
    return _render_plan(editable_draft(slug))


def _render_plan(
    draft: CourseDraft,
    status: int = 200,
    *,
    typed: dict[str, Typed] | None = None,
    error: str | None = None,
):
    return render_template(
        "authoring/plan.html",
        draft=draft,
        plan=structure.course_plan(draft.files),
        token_form=forms.RevisionForm(revision=draft.revision),
        typed=typed or {},
        error=error,
        title_input=title_input,
        new_step_input=new_step_input,
        new_module_input=NEW_MODULE_INPUT,
        kind_label=structure.kind_label,
    ), status


def _apply(draft: CourseDraft, form, operation, *, input_id: str | None = None, done_url=None):
    """Apply `operation` (files → Change) to the draft in one revision, commit and say what
    was done; or roll back and show the plan again with why, keeping what was typed."""
    try:
        done = structure.apply_change(draft, operation, form.revision.data, current_user)
    except drafts.DraftError as error:
        db.session.rollback()
        if isinstance(error, drafts.DraftPermissionError):
            abort(403)
        typed = {input_id: Typed(form.title.data or "")} if input_id else None
        return _render_plan(draft, 409, typed=typed, error=str(error))
    db.session.commit()
    flash(done.message, "success")
    return redirect(done_url(done) if done_url else url_for("authoring.plan", slug=draft.slug))


def _invalid(draft: CourseDraft, form, input_id: str):
    """The plan again, status 422, with the errors of the title typed in `form`."""
    if form.csrf_token.errors or form.revision.errors:
        abort(400)
    errors = list(form.title.errors)
    return _render_plan(draft, 422, typed={input_id: Typed(form.title.data or "", errors)})


@bp.route("/brouillons/<slug>/plan/renommer", methods=["POST"])
@roles_required(*AUTHORS)
def rename_in_plan(slug: str):
    """Give a module or a step a new title (the `title` of its front matter)."""
    draft = editable_draft(slug)
    form = forms.PlanTitleForm()
    input_id = title_input(form.path.data or "")
    if not form.validate_on_submit():
        return _invalid(draft, form, input_id)
    path, title = form.path.data, form.title.data
    return _apply(
        draft, form, lambda files: structure.rename(files, path, title), input_id=input_id
    )


@bp.route("/brouillons/<slug>/plan/deplacer", methods=["POST"])
@roles_required(*AUTHORS)
def move_in_plan(slug: str):
    """Move a module or a step one place up or down: the names are renumbered and the links
    to the renamed files rewritten."""
    draft = editable_draft(slug)
    form = forms.MoveForm()
    if not form.validate_on_submit():
        abort(400)
    path, offset = form.path.data, -1 if form.direction.data == "haut" else 1
    return _apply(draft, form, lambda files: structure.move(files, path, offset))


@bp.route("/brouillons/<slug>/plan/supprimer", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def delete_from_plan(slug: str):
    """What deleting a module or a step takes away, or why it cannot be deleted; then, once
    confirmed, the deletion (the next ones are renumbered)."""
    draft = editable_draft(slug)
    form = forms.PathForm(revision=draft.revision, path=request.args.get("chemin", ""))
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        path = form.path.data
        return _apply(draft, form, lambda files: structure.delete(files, path))
    try:
        planned = structure.deletion(draft.files, form.path.data)
    except structure.StructureError:
        abort(404)
    return render_template("authoring/plan_delete.html", draft=draft, planned=planned, form=form)


@bp.route("/brouillons/<slug>/plan/modules", methods=["POST"])
@roles_required(*AUTHORS)
def add_module(slug: str):
    """Add a module after the last one, with its presentation and a first lesson to write."""
    draft = editable_draft(slug)
    form = forms.NewModuleForm()
    if not form.validate_on_submit():
        return _invalid(draft, form, NEW_MODULE_INPUT)
    title = form.title.data
    return _apply(
        draft,
        form,
        lambda files: structure.add_module(files, title, STARTERS["module"], STARTERS["lesson"]),
        input_id=NEW_MODULE_INPUT,
    )


@bp.route("/brouillons/<slug>/plan/etapes", methods=["POST"])
@roles_required(*AUTHORS)
def add_step(slug: str):
    """Add a lesson or a quiz at the end of a module, then open it in the file editor."""
    draft = editable_draft(slug)
    form = forms.NewStepForm()
    input_id = new_step_input(form.module.data or "")
    if not form.validate_on_submit():
        if form.module.errors or form.kind.errors:
            abort(400)
        return _invalid(draft, form, input_id)
    folder, title, kind = form.module.data, form.title.data, form.kind.data
    return _apply(
        draft,
        form,
        lambda files: structure.add_step(files, folder, title, STARTERS[kind]),
        input_id=input_id,
        done_url=lambda done: url_for("authoring.edit_file", slug=slug, path=done.focus),
    )
