"""E-mails about an account that several pages send: the link confirming its address."""

from training.accounts import services
from training.accounts.models import User
from training.mailer import send_email
from training.urls import external_url


def send_confirmation_link(user: User) -> bool:
    """Mail `user` a new link confirming their address; False if it could not be sent."""
    link = external_url("accounts.confirm_email", token=services.email_confirmation_token(user))
    return send_email(
        user.email, "Confirmez votre adresse électronique", "confirm_email", user=user, link=link
    )
