"""French error pages for the HTTP errors a user can meet."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from training.extensions import db

MESSAGES = {
    400: ("Requête incorrecte", "La demande n'a pas pu être traitée. Revenez à la page "
          "précédente, rechargez-la et réessayez."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page avec votre compte."),
    404: ("Page non trouvée", "La page que vous cherchez est introuvable. L'adresse est peut-être "
          "erronée ou la page a été déplacée."),
    405: ("Méthode non autorisée", "Cette action n'est pas possible sur cette page."),
    410: ("Document retiré", "Ce document a été retiré et ne peut plus être obtenu."),
    413: ("Envoi trop volumineux", "Le contenu envoyé dépasse la taille autorisée."),
    429: ("Trop de tentatives", "Vous avez fait trop de tentatives en peu de temps. Pour protéger "
          "les comptes, patientez quelques minutes avant de réessayer."),
    500: ("Erreur inattendue", "Une erreur est survenue de notre côté. Réessayez dans quelques "
          "instants ; si le problème persiste, contactez l'équipe de la plateforme."),
    503: ("Service momentanément indisponible", "Ce service est momentanément indisponible. "
          "Réessayez dans quelques instants ; si le problème persiste, contactez l'équipe de la "
          "plateforme."),
}  # fmt: skip


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            "Le formulaire a expiré ou n'a pas pu être vérifié. Rechargez la page et réessayez : "
            "rien n'a été enregistré.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(500)
