"""Issuing, finding, downloading, verifying and revoking certificates.

Functions flush but never commit: the view or command that calls them commits once, so a
certificate exists if and only if the completion that earned it does. Who may download what
is decided here (`certificate_to_download`), not in the views.
"""

import calendar
import contextlib
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from training.accounts.models import Role, User
from training.audit.services import record_event
from training.catalog.models import Enrolment
from training.certificates import codes, signing
from training.certificates.models import Certificate
from training.events import enrolment_changed
from training.extensions import built_once, db
from training.timeutils import PARIS, as_aware, utcnow
from training.urls import site_root

#: A 55-bit random code collides with one of a million others once in 36 billion draws;
#: five draws in a row would mean the generator is broken, not unlucky.
CODE_ATTEMPTS = 5
REVOCATION_REASON_MAX_LENGTH = 500


class CertificateError(Exception):
    """An action the rules refuse; the message is French and can be shown."""


class RevokedCertificateError(CertificateError):
    """The certificate exists but was revoked: its holder may no longer download it."""


# --- dates and status -----------------------------------------------------------------------


def paris_today() -> date:
    return utcnow().astimezone(PARIS).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_for(completed_on: date, validity_months: int | None) -> date | None:
    """Last day of validity: valid through the same date `validity_months` later."""
    return add_months(completed_on, validity_months) if validity_months else None


@dataclass(frozen=True)
class Status:
    """What the verification page says about a certificate on a given day."""

    #: "valid", "expired" or "revoked".
    kind: str
    #: First day of the expired or revoked state; None while valid.
    since: date | None = None

    @property
    def is_valid(self) -> bool:
        return self.kind == "valid"


def status_of(certificate: Certificate, today: date | None = None) -> Status:
    """Revoked wins over expired; a certificate is valid through its expiry date."""
    if certificate.revoked_at is not None:
        return Status("revoked", as_aware(certificate.revoked_at).astimezone(PARIS).date())
    today = today or paris_today()
    if certificate.expires_on is not None and today > certificate.expires_on:
        return Status("expired", certificate.expires_on + timedelta(days=1))
    return Status("valid")


# --- issuing --------------------------------------------------------------------------------


def certificate_of(enrolment: Enrolment) -> Certificate | None:
    return db.session.scalar(_certificate_of_enrolment(), {"enrolment_id": enrolment.id})


@built_once
def _certificate_of_enrolment() -> sa.Select:
    return sa.select(Certificate).where(Certificate.enrolment_id == sa.bindparam("enrolment_id"))


def issue_certificate(enrolment: Enrolment) -> Certificate:
    """The certificate of a completed enrolment, created now if it does not exist yet.

    Called by `learning.services.complete_if_done` in the transaction that records the
    completion, so both are committed together or not at all. The unique enrolment_id makes
    a second certificate for the same enrolment impossible, even if two callers got here;
    a (very unlikely) clash of random codes is retried with a fresh code in a savepoint.
    """
    if enrolment.completed_at is None:
        raise CertificateError("Cette formation n'est pas terminée : aucune attestation.")
    existing = certificate_of(enrolment)
    if existing is not None:
        return existing
    version, user = enrolment.version, enrolment.user
    if user is None:
        raise CertificateError("Ce compte a été supprimé : aucune attestation ne peut être émise.")
    completed_on = as_aware(enrolment.completed_at).astimezone(PARIS).date()
    for _ in range(CODE_ATTEMPTS):
        certificate = Certificate(
            code=codes.generate_code(),
            enrolment_id=enrolment.id,
            holder_name=user.full_name,
            course_slug=enrolment.course.slug,
            course_title=version.title,
            course_version=version.number,
            course_minutes=version.estimated_minutes,
            completed_on=completed_on,
            expires_on=expiry_for(completed_on, version.certificate_validity_months),
            issuer=current_app.config["CERTIFICATE_ISSUER"],
            issued_at=utcnow(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            existing = certificate_of(enrolment)
            if existing is not None:
                return existing
            continue  # the code was taken: draw another
        return certificate
    raise RuntimeError(f"No free certificate code after {CODE_ATTEMPTS} draws.")


#: Certificate states after which the holder may follow the course again, for a new one.
RENEWABLE = frozenset({"expired", "revoked"})


def recertification_due(enrolment: Enrolment, today: date | None = None) -> bool:
    """True when this completed enrolment's certificate has expired or was revoked: the
    learner may then enrol again, on the newest version, for a new cycle (the earlier
    enrolment and its certificate stay as they are)."""
    if enrolment.completed_at is None:
        return False
    certificate = certificate_of(enrolment)
    return certificate is not None and status_of(certificate, today).kind in RENEWABLE


def revoked_certificate_exists(enrolment_id: sa.ColumnElement[int]) -> sa.Exists:
    """SQL condition: the enrolment `enrolment_id` (a column of the enclosing query) has a
    revoked certificate. A completion whose certificate was revoked no longer counts as the
    course done (a prerequisite, for one): the learner takes the course again."""
    return (
        sa.select(Certificate.id)
        .where(Certificate.enrolment_id == enrolment_id, Certificate.revoked_at.is_not(None))
        .exists()
    )


# --- finding --------------------------------------------------------------------------------


def find_by_code(code: str) -> Certificate | None:
    """The certificate with this canonical code (normalise what people type first)."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def _by_typed_code(code: str) -> Certificate | None:
    try:
        return find_by_code(codes.normalise_code(code))
    except codes.InvalidCodeError:
        return None


def certificate_to_download(user: User, code: str) -> Certificate | None:
    """The certificate if `user` may download its PDF and badge; None otherwise.

    Its holder may, as long as it is not revoked (RevokedCertificateError); so may a trainer
    for a participant of one of their own sessions of that course (`_trains_holder`); an admin
    may download any, revoked or not, to answer a query about it. Anyone else gets None,
    exactly as for a code that does not exist, so that nobody learns whose certificates exist.
    """
    certificate = _by_typed_code(code)
    if certificate is None:
        return None
    if user.has_role(Role.ADMIN):
        return certificate
    if certificate.enrolment.user_id != user.id and not _trains_holder(user, certificate):
        return None
    if certificate.is_revoked:
        raise RevokedCertificateError(
            "Cette attestation a été révoquée : elle ne peut plus être téléchargée. "
            "Pour en connaître le motif, consultez sa page de vérification."
        )
    return certificate


def _trains_holder(user: User, certificate: Certificate) -> bool:
    """True when `user` is a trainer running a session of the certificate's course that its
    holder joined."""
    # Imported here: sessions builds on learning, which imports this module.
    from training.sessions.models import SessionMember, TrainingSession

    enrolment = certificate.enrolment
    if not user.has_role(Role.TRAINER) or enrolment.user_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(SessionMember.id)
            .join(TrainingSession, TrainingSession.id == SessionMember.session_id)
            .where(
                TrainingSession.trainer_id == user.id,
                TrainingSession.course_id == enrolment.course_id,
                SessionMember.user_id == enrolment.user_id,
            )
            .limit(1)
        )
        is not None
    )


@built_once
def _certificates_of_user() -> sa.Select:
    return (
        sa.select(Certificate)
        .join(Certificate.enrolment)
        .options(contains_eager(Certificate.enrolment))
        .where(Enrolment.user_id == sa.bindparam("user_id"))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


@dataclass(frozen=True)
class HeldCertificate:
    """A certificate as its holder sees it on « Mon parcours »."""

    certificate: Certificate
    status: Status
    #: Expired or revoked, and no newer enrolment in the course yet: offer to enrol again.
    can_recertify: bool


def certificates_of(user: User, today: date | None = None) -> list[HeldCertificate]:
    """The learner's certificates, newest first (two queries; one without certificates)."""
    certificates = db.session.scalars(_certificates_of_user(), {"user_id": user.id}).all()
    if not certificates:
        return []
    latest_cycle = dict(
        db.session.execute(
            sa.select(Enrolment.course_id, sa.func.max(Enrolment.cycle))
            .where(Enrolment.user_id == user.id)
            .group_by(Enrolment.course_id)
        ).all()
    )
    held = []
    for certificate in certificates:
        status = status_of(certificate, today)
        enrolment = certificate.enrolment
        held.append(
            HeldCertificate(
                certificate=certificate,
                status=status,
                can_recertify=status.kind in RENEWABLE
                and latest_cycle.get(enrolment.course_id) == enrolment.cycle,
            )
        )
    return held


def search_certificates(query: str, page: int, per_page: int):
    """A page of certificates whose code or holder's name matches, newest first.

    A complete code, typed any way `normalise_code` accepts, finds its certificate; a part of
    a code or of a name finds every certificate containing it (flask_sqlalchemy Pagination).
    """
    statement = sa.select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    query = " ".join(query.split())
    if query:
        conditions = [
            sa.func.lower(Certificate.holder_name).like(
                f"%{_escape_like(query.lower())}%", escape="\\"
            ),
            Certificate.code.like(f"%{_escape_like(query.upper())}%", escape="\\"),
        ]
        with contextlib.suppress(codes.InvalidCodeError):
            conditions.append(Certificate.code == codes.normalise_code(query))
        statement = statement.where(sa.or_(*conditions))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- revoking -------------------------------------------------------------------------------


def revoke_certificate(certificate: Certificate, actor: User | None, reason: str) -> None:
    """Revoke at once, with a reason shown publicly, and record it in the audit log. The
    holder may then follow the course again for a new certificate (`recertification_due`);
    the caller tells them by e-mail once committed (`mails.send_revocation_notice`).

    The conditional UPDATE (… WHERE revoked_at IS NULL) makes a revocation happen once, with
    one audit event, even when two admins submit at the same moment.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise CertificateError("Indiquez le motif de la révocation.")
    if len(reason) > REVOCATION_REASON_MAX_LENGTH:
        raise CertificateError(
            f"Le motif ne peut pas dépasser {REVOCATION_REASON_MAX_LENGTH} caractères."
        )
    changed = db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(
            revoked_at=utcnow(),
            revocation_reason=reason,
            revoked_by_id=actor.id if actor else None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(certificate)
    if changed != 1:
        raise CertificateError("Cette attestation est déjà révoquée.")
    enrolment_changed(certificate.enrolment_id)
    record_event(
        actor,
        "certificate.revoked",
        "certificate",
        certificate.code,
        reason=reason,
        course=certificate.course_slug,
    )


# --- the signing key and the documents ------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _private_key_at(path: str) -> Ed25519PrivateKey:
    return signing.load_private_key(Path(path))


def signing_key() -> Ed25519PrivateKey:
    """The configured private key, read from its file once per process (per path).

    KeyFileError if it is missing or unreadable; a failed read is retried on the next call.
    """
    return _private_key_at(current_app.config["CERTIFICATE_SIGNING_KEY_PATH"])


def certificate_pdf(certificate: Certificate) -> bytes:
    """The signed PDF, drawn now from the stored certificate (never stored itself)."""
    from training.certificates.pdf import render_certificate_pdf

    key = signing_key()
    return render_certificate_pdf(certificate.to_data(), signing_key=key)


def open_badge_jwt(certificate: Certificate) -> str:
    """The Open Badges 3.0 credential as a VC-JWT, signed now with the same key."""
    from training.certificates.open_badges import issue_credential_jwt

    key = signing_key()
    return issue_credential_jwt(certificate.to_data(), key, site_url=site_root())


def published_public_key_pem() -> str:
    return signing.public_key_pem(signing_key().public_key())


def published_certificate_pem() -> str:
    """The X.509 certificate that signs the PDFs, named after the configured issuer."""
    from training.certificates.pades import certificate_pem

    return certificate_pem(signing_key(), current_app.config["CERTIFICATE_ISSUER"])


def published_jwks() -> dict:
    return signing.public_jwks(signing_key().public_key(), site_root())
