"""Scenarios, played page by page without JavaScript: each decision a POST, then a redirect.

The consequence of the last decision heads the next page, under the anchor the redirect points
at, so that focus lands on it.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from training.accounts.access import login_required
from training.accounts.forms import EmptyForm
from training.content.scenario import RATING_LABELS
from training.extensions import db
from training.learning import bp, scenarios, services
from training.learning.grading import ForgedAnswerError
from training.learning.views import posted_step, step_url

_BADGES = {"best": "success", "acceptable": "info", "harmful": "error"}


@bp.app_template_global()
def rating_badge(rating: str) -> Markup:
    """The DSFR badge saying how a scenario choice is rated (« Meilleur choix »…)."""
    return Markup(
        '<span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{}">{}</span>'
    ).format(_BADGES[rating], RATING_LABELS[rating])


@bp.route("/formations/<slug>/<module_key>/<name>/mise-en-situation", methods=["POST"])
@login_required
def start_play(slug: str, module_key: str, name: str):
    """Start a play of a scenario, or go back to the one in progress."""
    enrolment, current = posted_step(slug, f"{module_key}/{name}")
    try:
        play = scenarios.start_play(enrolment, current)
    except services.LearningError as error:
        flash(str(error), "error")
        return redirect(step_url(slug, current)), 303
    db.session.commit()
    return redirect(url_for("learning.play", play_id=play.id))


def _posted_decision() -> tuple[str, int, int | None]:
    """The stage, the decision's number and the choice id (None when no choice was ticked)."""
    stage_key = request.form.get("etape", "")
    number, choice = request.form.get("decision", ""), request.form.get("choix")
    if not number.isdigit() or (choice is not None and not choice.isdigit()):
        raise ForgedAnswerError("non-numeric decision or choice")
    return stage_key, int(number), int(choice) if choice is not None else None


@bp.route("/mises-en-situation/<int:play_id>", methods=["GET", "POST"])
@login_required
def play(play_id: int):
    """The stage a play stands at, with the consequence of the last decision; at an ending, the
    review of the play. A decision sent for a stage already left is not recorded: the page says
    so (409) and shows where the play stands."""
    play = scenarios.play_for(current_user, play_id) or abort(404)
    scenario = scenarios.scenario_of(play.step)
    form = EmptyForm()
    status, missing_choice, stale = 200, False, False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            decision = scenarios.decide(play, scenario, *_posted_decision())
        except ForgedAnswerError:
            abort(400)
        except scenarios.NoChoiceError:
            status, missing_choice = 422, True
        else:
            if decision.recorded:
                db.session.commit()
                if decision.course_completed:
                    flash("Félicitations : vous avez terminé cette formation.", "success")
                return redirect(url_for("learning.play", play_id=play.id, _anchor="consequence"))
            status, stale = 409, True
    last = scenarios.moves(scenario, play.path[-1:])
    context = {
        "play": play,
        "step": play.step,
        "slug": play.enrolment.course.slug,
        "course_title": play.enrolment.version.title,
        "stage": scenario.stages[play.stage_key],
        "last": last[0] if last else None,
        "stale": stale,
        "form": form,
    }
    if play.finished_at is None:
        return render_template(
            "learning/scenario_stage.html", missing_choice=missing_choice, **context
        ), status
    return render_template(
        "learning/scenario_review.html",
        review=scenarios.review_of(play, scenario),
        best_score=max(p.score or 0 for p in scenarios.plays_of(play.enrolment, play.step)),
        **context,
    ), status
