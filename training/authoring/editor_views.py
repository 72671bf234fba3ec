"""The web editor: a course's draft, its files edited and previewed, publishing, history.

Every change names the draft revision it was made on: a change made on an older one is refused
with the name of whoever saved in between, and the author's text is shown again, not lost.
"""

from pathlib import PurePosixPath

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import roles_required
from training.accounts.forms import EmptyForm
from training.accounts.models import Role
from training.authoring import authors, bp, drafts, forms, history, publishing, quizzes
from training.authoring.models import CourseDraft
from training.authoring.preview import preview_file
from training.content import services as content
from training.content.fiche import FICHE_FILE
from training.content.renderer import CALLOUT_LABELS
from training.extensions import db

AUTHORS = (Role.TRAINER, Role.ADMIN)
STARTERS = {
    "lesson": "---\nkind: lesson\ntitle: Nouvelle leçon\nestimated_minutes: 5\n---\n"
    "Écrivez ici le contenu de la leçon.\n",
    "quiz": "---\nkind: quiz\ntitle: Nouveau quiz\nestimated_minutes: 5\nmax_attempts: 3\n---\n"
    "## Écrivez ici la question ?\n\n- (x) La bonne réponse\n  > Pourquoi elle est juste.\n"
    "- ( ) Une autre réponse\n  > Pourquoi elle ne convient pas.\n",
    "scenario": "---\nkind: scenario\ntitle: Nouvelle mise en situation\nestimated_minutes: 10\n"
    "---\nLa situation de départ : qui vous êtes, où, ce que vous savez.\n\n"
    "## Étape debut : Le premier choix\n\nCe qui se passe.\n\n"
    "- Le meilleur choix. → bonne-fin (meilleur)\n  > Ce qu'il produit, et pourquoi.\n"
    "- Un choix à éviter. → autre-fin (préjudiciable)\n  > Ce qu'il produit, et pourquoi.\n\n"
    "## Fin bonne-fin : Une fin réussie\n\nLe bilan de cette fin.\n\n"
    "## Fin autre-fin : Une fin à éviter\n\nLe bilan de cette fin.\n",
    "module": "---\ntitle: Nouveau module\n---\nCe que ce module présente.\n",
}

#: The callouts of the file editor's toolbar and « Aide-mémoire » (docs/format-des-cours.md):
#: the line that opens each one, the text put inside a new one (selected, to be typed over) and
#: what the memo says of it.
CALLOUTS = [
    {"label": CALLOUT_LABELS[name], "opening": opening, "text": text, "note": note}
    for name, opening, text, note in [
        ("a-retenir", "::: a-retenir", "L'essentiel à mémoriser.", ""),
        (
            "attention",
            "::: attention",
            "L'erreur à ne pas commettre, le risque pour la personne.",
            "",
        ),
        (
            "cas-pratique",
            "::: cas-pratique Titre du cas",
            "La situation, puis la question : que faites-vous ?",
            "le titre après le nom est facultatif",
        ),
        (
            "a-valider",
            "::: a-valider",
            "Le passage que l'expert doit vérifier avant publication.",
            "note entre formateurs et relecteurs, jamais montrée aux apprenants",
        ),
    ]
]


def editable_draft(slug: str) -> CourseDraft:
    """The draft of `slug` if the current user may edit it: 404 if none, 403 if not theirs."""
    draft = drafts.find_draft(slug) or abort(404)
    if not drafts.may_edit_draft(current_user, draft):
        abort(403)
    return draft


def authored_course(slug: str):
    """The published course `slug` if the current user is one of its authors (or an admin)."""
    version = content.latest_version(slug) or abort(404)
    if not authors.may_edit(current_user, version.course):
        abort(403)
    return version.course


def _apply(change, success: str, done_url: str, refused_url: str):
    """Make one change of a draft: commit and say `success`, or roll back and say why."""
    try:
        change()
    except drafts.DraftError as error:
        refuse_change(error)
        return redirect(refused_url)
    db.session.commit()
    flash(success, "success")
    return redirect(done_url)


def refuse_change(error: drafts.DraftError) -> None:
    db.session.rollback()
    if isinstance(error, drafts.DraftPermissionError):
        abort(403)
    flash(str(error), "error")


@bp.route("/formations/<slug>/modifier", methods=["POST"])
@roles_required(*AUTHORS)
def open_draft(slug: str):
    """Open (or resume) the draft of a published course."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    content.latest_version(slug) or abort(404)
    return _apply(
        lambda: drafts.open_draft(slug, current_user),
        "Le brouillon est ouvert : les apprenants n'en voient rien avant sa publication.",
        url_for("authoring.draft", slug=slug),
        url_for("authoring.courses"),
    )


@bp.route("/formations/nouvelle", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_course():
    """Start a new course: a draft with a course.md, a module and a lesson to complete."""
    form = forms.NewCourseForm()
    if form.validate_on_submit():
        try:
            drafts.new_course_draft(form.slug.data, form.title.data, current_user)
        except drafts.DraftError as error:
            db.session.rollback()
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                "Le brouillon de la formation est créé : complétez-le, puis publiez-le.", "success"
            )
            return redirect(url_for("authoring.draft", slug=form.slug.data))
    return render_template("authoring/new_course.html", form=form), 422 if form.errors else 200


@bp.route("/brouillons/<slug>")
@roles_required(*AUTHORS)
def draft(slug: str):
    """The draft's files, every problem the check finds, and what can be done next."""
    draft = editable_draft(slug)
    problems = drafts.check_draft(draft)
    return render_template(
        "authoring/draft.html",
        draft=draft,
        tree=_tree(draft),
        problems=problems,
        errors=[problem for problem in problems if problem.is_error],
        images=sorted(asset.path for asset in draft.assets),
        new_file=forms.NewFileForm(revision=draft.revision),
        image_form=forms.ImageForm(revision=draft.revision),
        revision_form=forms.RevisionForm(revision=draft.revision),
        quiz_paths=quizzes.quiz_paths(draft),
    )


def _tree(draft: CourseDraft) -> list[tuple[str, list[str]]]:
    """course.md (and the fiche réflexe), then each module folder with its files, in the order
    of their names."""
    folders: dict[str, list[str]] = {}
    for path in sorted(draft.files):
        if "/" in path:
            folder = str(PurePosixPath(path).parent)
            folders.setdefault(folder, []).append(path)
    root = [drafts.COURSE_FILE] + [FICHE_FILE] * (FICHE_FILE in draft.files)
    return [("", root)] + sorted(folders.items())


@bp.route("/brouillons/<slug>/fichiers/<path:path>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_file(slug: str, path: str):
    """Edit one Markdown file: « Aperçu » renders the text without saving, « Enregistrer »
    saves it and shows the problems of this file found by the check of the whole draft."""
    draft = editable_draft(slug)
    if path not in draft.files:
        abort(404)
    form = forms.FileForm(revision=draft.revision, text=draft.files[path])
    preview = None
    status = 200
    if form.validate_on_submit():
        text = form.text.data.rstrip("\n") + "\n"
        if request.form.get("action") == "apercu":
            preview = preview_file(draft, path, text)
        else:
            try:
                drafts.save_file(draft, path, text, form.revision.data, current_user)
            except drafts.DraftError as error:
                refuse_change(error)
                status = 409
            else:
                db.session.commit()
                flash(f"{path} est enregistré.", "success")
                return redirect(url_for("authoring.edit_file", slug=slug, path=path))
    elif form.errors:
        status = 422
    problems = [p for p in drafts.check_draft(draft) if p.path.as_posix() == path]
    return render_template(
        "authoring/edit_file.html",
        draft=draft,
        path=path,
        form=form,
        preview=preview,
        problems=problems,
        delete_form=forms.PathForm(revision=draft.revision, path=path),
        callouts=CALLOUTS,
    ), status


@bp.route("/brouillons/<slug>/fichiers", methods=["POST"])
@roles_required(*AUTHORS)
def add_file(slug: str):
    """Add a lesson, a quiz or a module's presentation, from a starter text to complete."""
    draft = editable_draft(slug)
    form = forms.NewFileForm()
    if not form.validate_on_submit():
        flash("Indiquez le dossier du module et le nom du fichier.", "error")
        return redirect(url_for("authoring.draft", slug=slug))
    name = form.name.data.removesuffix(".md") + ".md"
    path = f"{form.module.data}/{drafts.MODULE_FILE if form.kind.data == 'module' else name}"

    def add() -> None:
        if path in draft.files:
            raise drafts.DraftError(f"Le fichier « {path} » existe déjà dans ce brouillon.")
        drafts.save_file(draft, path, STARTERS[form.kind.data], form.revision.data, current_user)

    return _apply(
        add,
        f"{path} est ajouté : complétez-le.",
        url_for("authoring.edit_file", slug=slug, path=path),
        url_for("authoring.draft", slug=slug),
    )


@bp.route("/brouillons/<slug>/fichiers/supprimer", methods=["POST"])
@roles_required(*AUTHORS)
def delete_file(slug: str):
    """Take a file out of the draft (the published versions keep it)."""
    draft = editable_draft(slug)
    form = forms.PathForm()
    if not form.validate_on_submit():
        abort(400)
    back = url_for("authoring.draft", slug=slug)
    return _apply(
        lambda: drafts.delete_file(draft, form.path.data, form.revision.data, current_user),
        f"{form.path.data} est retiré du brouillon.",
        back,
        back,
    )


@bp.route("/brouillons/<slug>/images", methods=["POST"])
@roles_required(*AUTHORS)
def add_image(slug: str):
    """Add an image to the draft's images/ folder, to be inserted by its name."""
    draft = editable_draft(slug)
    form = forms.ImageForm()
    if not form.validate_on_submit():
        flash("Choisissez une image.", "error")
        return redirect(url_for("authoring.draft", slug=slug))
    upload = form.image.data
    name = PurePosixPath(upload.filename or "").name
    back = url_for("authoring.draft", slug=slug)
    return _apply(
        lambda: drafts.save_asset(
            draft, f"images/{name}", upload.read(), form.revision.data, current_user
        ),
        f"Image ajoutée : insérez-la avec ![description](images/{name}).",
        back,
        back,
    )


@bp.route("/brouillons/<slug>/abandonner", methods=["POST"])
@roles_required(*AUTHORS)
def discard(slug: str):
    """Delete the draft; the published versions are untouched."""
    draft = editable_draft(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _apply(
        lambda: drafts.discard_draft(draft, current_user),
        "Le brouillon est abandonné : la formation publiée n'a pas changé.",
        url_for("authoring.courses"),
        url_for("authoring.draft", slug=slug),
    )


@bp.route("/brouillons/<slug>/modifications")
@roles_required(*AUTHORS)
def draft_changes(slug: str):
    """What the draft changes compared with the published version, file by file."""
    draft = editable_draft(slug)
    return render_template(
        "authoring/diff.html",
        title=f"Modifications du brouillon « {draft.slug} »",
        back=url_for("authoring.draft", slug=slug),
        back_label="Brouillon",
        diffs=history.draft_diff(draft),
    )


@bp.route("/brouillons/<slug>/publier", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def publish(slug: str):
    """What publishing would change and for whom; then, with a change note, the new version."""
    draft = editable_draft(slug)
    form = forms.PublishForm(revision=draft.revision)
    status = 200
    if form.validate_on_submit():
        try:
            version = publishing.publish_draft(
                draft,
                current_user,
                form.change_note.data,
                confirm_review_notes=form.confirm_review_notes.data,
                expected_revision=form.revision.data,
            )
        except drafts.DraftError as error:
            refuse_change(error)
            status = 409
        else:
            db.session.commit()
            flash(
                f"Version {version.number} publiée : les nouvelles inscriptions la suivent, les "
                "apprenants déjà inscrits restent sur la leur jusqu'à ce qu'ils changent.",
                "success",
            )
            return redirect(url_for("authoring.history_page", slug=slug))
    elif form.errors:
        status = 422
    try:
        impact = publishing.impact_of_publishing(draft)
    except publishing.DraftCheckError:
        flash("Le brouillon contient des erreurs : corrigez-les avant de publier.", "error")
        return redirect(url_for("authoring.draft", slug=slug))
    return render_template(
        "authoring/publish.html",
        draft=draft,
        impact=impact,
        form=form,
        can_confirm=current_user.has_role(Role.ADMIN),
    ), status


@bp.route("/formations/<slug>/versions")
@roles_required(*AUTHORS)
def history_page(slug: str):
    """Every published version of the course, newest first, with its change note."""
    course = authored_course(slug)
    draft = drafts.find_draft(slug)
    return render_template(
        "authoring/history.html",
        course=course,
        versions=history.versions_of(course),
        draft=draft if draft is not None and draft.course_id == course.id else None,
    )


@bp.route("/formations/<slug>/versions/<int:number>/modifications")
@roles_required(*AUTHORS)
def version_changes(slug: str, number: int):
    """What version `number` changed compared with the one before, file by file."""
    authored_course(slug)
    version = content.find_version(slug, number) or abort(404)
    previous = content.find_version(slug, number - 1) if number > 1 else None
    return render_template(
        "authoring/diff.html",
        title=f"Version {number} de « {version.title} » : modifications",
        back=url_for("authoring.history_page", slug=slug),
        back_label="Historique des versions",
        note=version.change_note,
        diffs=history.version_diff(previous, version),
    )
