"""The public address printed in certificates: the verification page their QR code points to.

A printed QR code lives for years, so its target must be the public host, never the name of
the worker that happened to draw the PDF: see training.urls.
"""

from training.urls import external_url


def verification_url(code: str) -> str:
    """The public verification page of a certificate: the QR code's target."""
    return external_url("certificates.verify", code=code)
