"""Absolute URLs that leave the site: links in e-mails, QR codes, join links, issuer ids.

Such a URL outlives the request that built it (a mail is read hours later, a printed QR code is
scanned for years), and its host must never be whatever the client put in `Host` or
`X-Forwarded-Host`: a forged host would turn a password-reset mail into a link to another
site. With SITE_URL set (required in production), every one is built against it, in or out of
a request. Without it (development, tests), Flask builds it from the request, which behind a
proxy is right only if PROXY_COUNT trusts the proxy's X-Forwarded-Host and X-Forwarded-Proto.
"""

from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint: str, **values: object) -> str:
    """The absolute public URL of an endpoint."""
    site = current_app.config.get("SITE_URL")
    if not site:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(site)
    adapter = current_app.url_map.bind(
        parts.netloc, url_scheme=parts.scheme, script_name=parts.path.rstrip("/") or "/"
    )
    return adapter.build(endpoint, values, force_external=True)


def site_root() -> str:
    """The site's root URL without the trailing slash: issuer id and key id of the badges."""
    return external_url("pages.home").rstrip("/")
