"""Outgoing e-mail, always through SMTP (a local debugging server in development).

The message is written in the request; the job queue delivers it (with retries), so a slow or
refusing mail server never holds a page. Without a queue it is delivered in the request.
"""

import logging
import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template

from training.jobs.queue import enqueue

log = logging.getLogger(__name__)


def send_email(to: str, subject: str, template: str, **context) -> bool:
    """Send a plain-text message rendered from `templates/email/<template>.txt`.

    Returns False (and logs why) when, without a queue, the SMTP server cannot be reached: the
    caller's change is kept, and the user can ask for the message again.
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="formation-traite")
    message.set_content(render_template(f"email/{template}.txt", **context))
    raw = message.as_bytes()
    if enqueue(deliver, raw):
        return True
    try:
        deliver(raw)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send %r to %s", subject, to)
        return False
    return True


def deliver(raw: bytes) -> None:
    """Hand a message to the SMTP server; raises when it cannot (the queue retries later)."""
    config = current_app.config
    message = message_from_bytes(raw, policy=policy.SMTP)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
