"""A monitor's API tokens, from « Mon compte »: listed, created (shown once), revoked; the guide."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from training.accounts.access import roles_required
from training.accounts.forms import REQUIRED, EmptyForm
from training.extensions import db
from training.forms import FrenchForm
from training.monitoring import bp, tokens
from training.pages.documents import document_html


class TokenForm(FrenchForm):
    name = StringField(
        "Nom du jeton",
        description="Pour le reconnaître dans la liste, par exemple le nom de l'outil qui "
        "l'utilisera.",
        validators=[
            DataRequired(REQUIRED),
            Length(
                max=tokens.NAME_MAX_LENGTH,
                message=f"Le nom ne peut pas dépasser {tokens.NAME_MAX_LENGTH} caractères.",
            ),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


@bp.route("/compte/jetons-api", methods=["GET", "POST"])
@roles_required(*tokens.API_ROLES)
def api_tokens():
    """List one's active tokens and create one. A new token is shown in this answer only:
    never flashed nor put in the session, and the page is not cached."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        try:
            created = tokens.create_token(current_user, form.name.data)
        except tokens.TokenError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    response = make_response(
        render_template(
            "monitoring/api_tokens.html",
            form=form,
            created=created,
            items=tokens.tokens_of(current_user),
            revoke_form=EmptyForm(),
            max_tokens=tokens.MAX_ACTIVE_TOKENS,
        ),
        422 if form.errors else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/compte/jetons-api/<int:token_id>/revoquer", methods=["POST"])
@roles_required(*tokens.API_ROLES)
def revoke_api_token(token_id: int):
    """Revoke one of one's tokens (POST with the CSRF token); someone else's is a 404."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        token = tokens.revoke_token(current_user, token_id)
    except tokens.TokenNotFoundError:
        abort(404)
    db.session.commit()
    flash(f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.", "success")
    return redirect(url_for("monitoring.api_tokens"))


@bp.route("/suivi/api")
@roles_required(*tokens.API_ROLES)
def api_documentation():
    """How to use the API: docs/api.md, the one text of it."""
    return render_template(
        "monitoring/api_documentation.html", documentation_html=document_html("api.md")
    )
