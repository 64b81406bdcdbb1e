"""Headers that protect pages and personal data: CSP with nonces, HSTS, no-store, cookie flags (issue #6)."""
from __future__ import annotations

import re

from werkzeug.middleware.proxy_fix import ProxyFix

from app import ROOT, Config
from tests.factories import login, make_admin, make_person, token_for

TEMPLATES = ROOT / "templates"


def _nonce(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    found = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'", policy)
    assert found, policy
    return found.group(1)


def test_pages_carry_a_strict_policy_whose_nonce_is_on_every_script(client, places):
    login(client, make_admin())
    first, second = client.get("/admin/people/"), client.get("/admin/people/")
    policy = first.headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
    nonce = _nonce(first)
    assert nonce != _nonce(second)
    scripts = re.findall(r"<script\b[^>]*>", first.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_no_template_has_an_inline_script_without_nonce_or_a_style_attribute():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert 'nonce="{{ csp_nonce() }}"' in tag, (template, tag)
        assert not re.search(r"\sstyle\s*=", text), template  # style-src has no 'unsafe-inline'
        assert not re.search(r"\son[a-z]+\s*=", text), template  # no inline event handlers either


def test_hsts_only_over_https_and_behind_a_trusted_proxy(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in client.get("/login", headers=forwarded).headers  # not trusted
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))  # TRUST_PROXY
    assert "Strict-Transport-Security" in client.get("/login", headers=forwarded).headers


def test_personal_data_is_never_stored_by_caches(client, places):
    admin = make_admin()
    person = make_person(places["east"])
    headers = token_for(client, admin)
    login(client, admin)
    job = client.post("/admin/people/export", data={}).headers["Location"].rsplit("/", 1)[1]
    responses = {url: client.get(url) for url in ("/me/data.json", "/admin/people/", f"/admin/people/{person.id}",
                                                  f"/jobs/{job}/download", f"/jobs/{job}.json", "/me")}
    for url in ("/api/v1/people", f"/api/v1/people/{person.id}", "/api/v1/me", "/api/v1/people/999999"):
        responses[url] = client.get(url, headers=headers)
    for url, response in responses.items():
        assert response.status_code in (200, 404), url
        assert response.headers.get("Cache-Control") == "no-store", (url, response.headers.get("Cache-Control"))
    static = client.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_cookies_are_secure_in_production_and_configurable(monkeypatch, tmp_path):
    monkeypatch.delenv("COOKIE_SECURE", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    production = Config(INSTANCE_PATH=str(tmp_path), SECRET_KEY="x")
    assert production.SESSION_COOKIE_SECURE is True and production.REMEMBER_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY and production.REMEMBER_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_SAMESITE == production.REMEMBER_COOKIE_SAMESITE == "Lax"
    assert Config(INSTANCE_PATH=str(tmp_path), SECRET_KEY="x", TESTING=True).SESSION_COOKIE_SECURE is False
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert Config(INSTANCE_PATH=str(tmp_path), SECRET_KEY="x").SESSION_COOKIE_SECURE is False
    monkeypatch.setenv("COOKIE_SECURE", "1")
    assert Config(INSTANCE_PATH=str(tmp_path), SECRET_KEY="x").REMEMBER_COOKIE_SECURE is True
    monkeypatch.setenv("COOKIE_SECURE", "0")
    monkeypatch.delenv("FLASK_DEBUG")
    assert Config(INSTANCE_PATH=str(tmp_path), SECRET_KEY="x").SESSION_COOKIE_SECURE is False


def test_the_session_cookie_is_sent_with_its_flags(client, app, places, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    person = make_person(places["east"])
    response = client.post("/login", data={"phone": person.phone, "password": "secret123"},
                           base_url="https://localhost")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
