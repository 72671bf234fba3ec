"""E-mails to a certificate's holder: its revocation."""

from training.certificates.models import Certificate
from training.mailer import send_email
from training.urls import external_url


def send_revocation_notice(certificate: Certificate) -> bool | None:
    """Tell the holder that `certificate` was revoked, why, and that they may follow the course
    again. None when the account was deleted (nobody to tell); False if the mail could not be
    sent. Called once the revocation is committed."""
    holder = certificate.enrolment.user
    if holder is None:
        return None
    return send_email(
        holder.email,
        "Votre attestation a été révoquée",
        "certificate_revoked",
        user=holder,
        certificate=certificate,
        verification_link=external_url("certificates.verify", code=certificate.code),
        course_link=external_url("catalog.course", slug=certificate.course_slug),
    )
