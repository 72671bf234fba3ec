"""Erasing an account (GDPR, art. 17): at its holder's request, or after years of inactivity.

The row stays, stripped of everything that names a person: the e-mail, the name, the structure
and the password go, the account can never log in again. What the statistics count stays as it
was (profession, territory, role, dates of confirmation and enrolments, progress, attempts), so
the monitoring figures do not change. Sessions, API tokens, pending invitations addressed to the
e-mail and course authorships are deleted.

Certificates: the holder chooses. Kept, they stay verifiable with the holder's name, which the
certificate record holds (as the privacy notice says). Withdrawn (the default), each is revoked
« à la demande de son titulaire » and the name is erased from it: the verification page then
shows that the certificate was withdrawn, and no name.

Functions flush and never commit: the caller commits once.
"""

import secrets

import sqlalchemy as sa

from training.accounts import login_sessions, two_factor
from training.accounts.models import User
from training.audit.services import record_event
from training.authoring.models import CourseAuthor
from training.catalog.models import Enrolment
from training.certificates.models import Certificate
from training.certificates.services import revoke_certificate
from training.events import account_changed
from training.extensions import db
from training.monitoring.models import ApiToken
from training.sessions.models import Invitation
from training.timeutils import utcnow

ERASED_NAME = "Compte supprimé"
#: The revocation reason of a certificate withdrawn with its holder's account (shown publicly).
WITHDRAWN_REASON = "Retirée à la demande de son titulaire."


class ErasureError(Exception):
    """The account cannot be erased as it stands; the message, in French, says what to do."""


def erased_email(user_id: int) -> str:
    """An address that names nobody, is unique, and can receive nothing (RFC 2606 `.invalid`)."""
    return f"compte-supprime-{user_id}@compte-supprime.invalid"


def erase_account(user: User, *, keep_certificates: bool, actor: User | None) -> None:
    """Erase `user`'s personal data for good (see the module's docstring).

    `actor` is the user themself, or None for the retention purge. Refused for the last owner
    of a course, who must first hand the course to another author (an admin adds one).
    """
    if user.erased_at is not None:
        return
    _refuse_if_last_owner(user)
    certificates = db.session.scalars(
        sa.select(Certificate)
        .join(Enrolment, Certificate.enrolment_id == Enrolment.id)
        .where(Enrolment.user_id == user.id)
    ).all()
    for certificate in certificates:
        if keep_certificates:
            continue
        if certificate.revoked_at is None:
            revoke_certificate(certificate, actor, WITHDRAWN_REASON)
        certificate.holder_name = ""

    login_sessions.lock_sessions_of(user)
    login_sessions.end_all_sessions(user)
    two_factor.turn_off(user, None)
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(sa.delete(CourseAuthor).where(CourseAuthor.user_id == user.id))
    db.session.execute(
        sa.delete(Invitation).where(
            Invitation.email == user.email, Invitation.accepted_at.is_(None)
        )
    )

    now = utcnow()
    user.email = erased_email(user.id)
    user.full_name = ERASED_NAME
    user.organisation = None
    user.password_hash = "!" + secrets.token_hex(32)  # matches no password, ever
    user.deactivated_at = user.deactivated_at or now
    user.erased_at = now
    db.session.flush()
    account_changed(user.id)
    record_event(
        actor,
        "user.erased",
        "user",
        user.id,
        certificates="gardées" if keep_certificates else "retirées",
        certificate_count=len(certificates),
    )


def _refuse_if_last_owner(user: User) -> None:
    owned = db.session.scalars(
        sa.select(CourseAuthor.course_id).where(
            CourseAuthor.user_id == user.id, CourseAuthor.is_owner
        )
    ).all()
    for course_id in owned:
        other_owners = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CourseAuthor)
            .where(
                CourseAuthor.course_id == course_id,
                CourseAuthor.is_owner,
                CourseAuthor.user_id != user.id,
            )
        )
        if not other_owners:
            raise ErasureError(
                "Vous êtes la seule personne responsable d'un cours : demandez à un"
                " administrateur d'en désigner une autre avant de supprimer votre compte."
            )
