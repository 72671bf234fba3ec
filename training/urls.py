"""Absolute URLs that leave the site: links in e-mails, QR codes, join links, issuer ids.

Such a URL outlives the request that built it (a mail is read hours later, a printed QR code is
scanned for years), and its host must never be whatever the client put in `Host` or
`X-Forwarded-Host`: a forged host would turn a password-reset mail into a link to another
site. With SITE_URL set (required in production), every one is built against it, in or out of
a request. Without it (development, tests), Flask builds it from the request, which behind a
proxy is right only if PROXY_COUNT trusts the proxy's X-Forwarded-Host and X-Forwarded-Proto.
"""

from typing import Any
from urllib.parse import urlsplit

import flask
from flask import current_app, has_request_context, url_for
from flask.globals import request_ctx


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


class Flask(flask.Flask):
    """Flask, with the URLs built during requests kept per process.

    A page builds twenty to forty URLs (menu, footer, its course's steps), each costing 10 to
    20 µs in the router: a third of the home page's rendering. For a given endpoint, values and
    options, the URL depends only on the request's URL adapter (host, scheme, script root,
    subdomain, method) and on the `url_defaults` functions, which must stay pure functions of the
    endpoint and its values (the only one, the static files' fingerprints, is). So the URL is
    kept, keyed by all of those. Outside requests (e-mails, commands), nothing is kept.
    """

    #: URLs kept per process; all are dropped when it is full (values such as step keys or
    #: `next` addresses vary, the menu's do not).
    MAX_URLS = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.built_urls: dict[tuple, str] = {}

    def url_for(self, /, endpoint: str, **options: Any) -> str:
        context = request_ctx._get_current_object() if has_request_context() else None
        adapter = context.url_adapter if context is not None else None
        if adapter is None:
            return super().url_for(endpoint, **options)
        key = (
            adapter.server_name,
            adapter.url_scheme,
            adapter.script_name,
            adapter.subdomain,
            adapter.default_method,
            context.request.blueprint if endpoint[:1] == "." else None,
            endpoint,
            # With the types: True and 1 are equal keys, and would not give the same URL.
            *((name, type(value), value) for name, value in options.items()),
        )
        try:
            url = self.built_urls.get(key)
        except TypeError:  # a value that cannot be a key (a list of values)
            return super().url_for(endpoint, **options)
        if url is None:
            url = super().url_for(endpoint, **options)
            if len(self.built_urls) >= self.MAX_URLS:
                self.built_urls.clear()
            self.built_urls[key] = url
        return url
