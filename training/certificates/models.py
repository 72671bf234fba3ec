"""The issued certificate: one per completed enrolment, frozen at issue, revocable."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.catalog.models import Enrolment
from training.certificates.data import CertificateData
from training.extensions import db
from training.timeutils import utcnow


class Certificate(db.Model):
    """What the platform vouches for about one completed enrolment.

    Everything the certificate states is copied here at issue (holder's name, course title,
    version, duration, issuer), so that renaming the learner or publishing a new version of
    the course never alters a certificate already issued. The PDF and the Open Badge are drawn
    from these columns on demand and never stored.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        sa.CheckConstraint("course_version >= 1", name="course_version_is_positive"),
        sa.CheckConstraint("course_minutes >= 0", name="course_minutes_not_negative"),
        sa.CheckConstraint(
            "expires_on IS NULL OR expires_on >= completed_on", name="expires_after_completion"
        ),
        sa.CheckConstraint(
            "(revoked_at IS NULL AND revocation_reason IS NULL)"
            " OR (revoked_at IS NOT NULL AND revocation_reason IS NOT NULL)",
            name="revocation_has_a_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public code, canonical form « TEH-XXXX-XXXX-XXXX » (codes.py); printed and in the QR code.
    code: Mapped[str] = mapped_column(sa.String(24), unique=True)
    #: Unique: exactly one certificate per enrolment, whatever the number of concurrent requests.
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), unique=True)
    #: The learner's name when the certificate was issued.
    holder_name: Mapped[str] = mapped_column(sa.String(200))
    course_slug: Mapped[str] = mapped_column(sa.String(80))
    course_title: Mapped[str] = mapped_column(sa.Text)
    #: Number of the course version completed.
    course_version: Mapped[int]
    #: The version's estimated duration, printed on the certificate.
    course_minutes: Mapped[int]
    #: Day of completion, in Paris time.
    completed_on: Mapped[date] = mapped_column(sa.Date)
    #: Last day of validity (the version's certificate_validity_months); null: never expires.
    expires_on: Mapped[date | None] = mapped_column(sa.Date)
    #: Issuing authority at issue (setting CERTIFICATE_ISSUER).
    issuer: Mapped[str] = mapped_column(sa.String(200))
    #: Indexed: the admin list pages through certificates newest first.
    issued_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Shown on the public verification page: written for the person checking the certificate.
    revocation_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: The admin who revoked it; null if revoked from the command line or account since deleted.
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    enrolment: Mapped[Enrolment] = relationship()
    revoked_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Certificate {self.code} enrolment={self.enrolment_id}>"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def to_data(self, verification_url: str | None = None) -> CertificateData:
        """What the PDF, the signed payload and the Open Badge state.

        The verification URL is the public page of this certificate (see urls.py); pass it to
        build the data outside a request.
        """
        if verification_url is None:
            from training.certificates.urls import verification_url as url_of

            verification_url = url_of(self.code)
        return CertificateData(
            code=self.code,
            holder_name=self.holder_name,
            course_title=self.course_title,
            course_slug=self.course_slug,
            course_version=self.course_version,
            course_minutes=self.course_minutes,
            completed_on=self.completed_on,
            expires_on=self.expires_on,
            issuer=self.issuer,
            verification_url=verification_url,
        )
