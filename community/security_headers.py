"""Response headers that protect the pages and the personal data in them.

- Content-Security-Policy: scripts only from this site, and an inline <script> only with the per-request nonce
  (templates write `nonce="{{ csp_nonce() }}"`); styles only from this site's stylesheets, so no inline
  `style=""` attribute is allowed either (the one there was moved to app.css: 'unsafe-inline' for styles would let
  injected markup restyle a page, e.g. to overlay a fake form). Scripts may still set element.style, which a
  policy does not restrict. Images allow data: URIs, which Bootstrap's stylesheet uses for its icons.
- Strict-Transport-Security when the request came over HTTPS (behind a proxy: with TRUST_PROXY, ProxyFix sets
  the scheme from X-Forwarded-Proto), so browsers never fall back to plain HTTP.
- Cache-Control: no-store on every response but static files: every page shows the signed-in person and most
  show other people's data, and every API answer is about a person or a token; one rule cannot miss a page.
"""
from __future__ import annotations

import secrets

from flask import Flask, request

HSTS = "max-age=31536000"


def csp_nonce() -> str:
    """This request's script nonce (one per request, unguessable; kept in the WSGI environ, which, unlike `g`,
    never outlives the request)."""
    return request.environ.setdefault("tongxin.csp_nonce", secrets.token_urlsafe(18))


def content_security_policy(nonce: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ))


def register(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response):
        """Conservative defaults; every script and style is a vendored file, so no CDN is ever needed."""
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":  # also over send_file's "no-cache", which still lets a copy be kept
            headers["Cache-Control"] = "no-store"
        return response
