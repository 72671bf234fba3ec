"""The public addresses printed in certificates: the verification page and the site's root.

A printed QR code lives for years, so its target must be the public host, never the name of
the worker that happened to draw the PDF. With SITE_URL set (required in production), every
public URL is built against it, in or out of a request. Without it (development, tests), Flask
builds it from the request with `url_for(..., _external=True)`, which behind a proxy is right
only if PROXY_COUNT trusts the proxy's X-Forwarded-Host and X-Forwarded-Proto.
"""

from urllib.parse import urlsplit

from flask import current_app, url_for


def public_url(endpoint: str, **values: object) -> str:
    """The absolute public URL of an endpoint."""
    site = current_app.config.get("SITE_URL")
    if not site:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(site)
    adapter = current_app.url_map.bind(
        parts.netloc, url_scheme=parts.scheme, script_name=parts.path.rstrip("/") or "/"
    )
    return adapter.build(endpoint, values, force_external=True)


def verification_url(code: str) -> str:
    """The public verification page of a certificate: the QR code's target."""
    return public_url("certificates.verify", code=code)


def site_root() -> str:
    """The site's root URL without the trailing slash: issuer id and key id of the badges."""
    return public_url("pages.home").rstrip("/")
