"""What a certificate states: the single input of the PDF, the signed payload and the badge."""

import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CertificateData:
    """Everything a certificate shows, frozen at issue.

    The holder's name is the one the learner had when the certificate was issued: a later
    change of name does not alter an issued certificate. Text fields are normalised to
    Unicode NFC, so that « Nguyễn » typed with combining accents is drawn, signed and
    compared as the single precomposed letters the font holds.
    """

    #: Public code, canonical form (« TEH-XXXX-XXXX-XXXX », see codes.py).
    code: str
    holder_name: str
    course_title: str
    course_slug: str
    #: Number of the course version the learner completed (1, 2, …).
    course_version: int
    #: Estimated duration of the course, in minutes.
    course_minutes: int
    completed_on: date
    #: Last day of validity when the course version sets one, else None (no expiry).
    expires_on: date | None
    #: Issuing authority, e.g. « Miprof — ENM » (setting CERTIFICATE_ISSUER).
    issuer: str
    #: Absolute URL of the public verification page of this certificate.
    verification_url: str

    def __post_init__(self) -> None:
        for name in ("holder_name", "course_title", "issuer"):
            value = " ".join(getattr(self, name).split())
            object.__setattr__(self, name, unicodedata.normalize("NFC", value))
        if not self.holder_name:
            raise ValueError("A certificate needs the holder's name.")
        if self.expires_on is not None and self.expires_on < self.completed_on:
            raise ValueError("A certificate cannot expire before the course was completed.")
        if self.course_minutes < 0:
            raise ValueError("A course duration cannot be negative.")


def french_duration(minutes: int) -> str:
    """« 45 min », « 1 h », « 2 h 05 »: how a French reader expects a course's length."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest:02d}"
