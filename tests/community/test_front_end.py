"""Pages fast on a cheap phone (issue #9): compression, year-long caching under versioned names, favicon,
meta description, the sign-in form on / without a redirect."""
from __future__ import annotations

import gzip
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import brotli
from flask import url_for

from app import ROOT
from community.static_assets import LONG, SHORT, STALE, StaticVersions
from tests.factories import PASSWORD, login, make_admin, make_person

STATIC = ROOT / "static"


def _decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    return {"br": brotli.decompress, "gzip": gzip.decompress}[encoding](data) if encoding else data


def test_pages_json_css_and_js_are_compressed_with_brotli_or_gzip(client, places):
    for encoding in ("br", "gzip"):
        page = client.get("/login", headers={"Accept-Encoding": encoding})
        assert page.headers["Content-Encoding"] == encoding and "Accept-Encoding" in page.headers["Vary"]
        assert "同心圆" in _decoded(page).decode() and page.headers["Cache-Control"] == "no-store"
        spec = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": encoding})
        assert spec.headers["Content-Encoding"] == encoding and b'"openapi"' in _decoded(spec)
        for name in ("build/site.css", "vendor/bootstrap/bootstrap.bundle.min.js"):
            asset = client.get(f"/static/{name}", headers={"Accept-Encoding": encoding})
            assert asset.headers["Content-Encoding"] == encoding, name
            assert _decoded(asset) == (STATIC / name).read_bytes()
            assert len(asset.get_data()) < (STATIC / name).stat().st_size / 3
    assert "Content-Encoding" not in client.get("/login").headers  # a client that asks for nothing gets plain


def test_downloads_go_out_byte_for_byte(client, places):
    login(client, make_admin())
    workbook = client.get("/admin/people/template.xlsx", headers={"Accept-Encoding": "br, gzip"})
    assert workbook.status_code == 200 and "Content-Encoding" not in workbook.headers
    assert workbook.get_data()[:2] == b"PK"  # a zip, as openpyxl wrote it
    font = client.get("/static/build/icons.woff2", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in font.headers  # already compressed inside
    assert font.get_data() == (STATIC / "build/icons.woff2").read_bytes()


def test_a_byte_range_is_sent_as_asked_not_compressed(client, places):
    whole = (STATIC / "build/site.css").read_bytes()
    part = client.get("/static/build/site.css", headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-9999"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers and part.get_data() == whole[:10000]


def test_static_addresses_carry_the_content_hash_and_are_cached_for_a_year(client, app, places):
    page = client.get("/login").get_data(as_text=True)
    links = re.findall(r'(?:href|src|data-bundle)="(/static/[^"]+)"', page)
    assert {"build/site.css", "build/icons.woff2", "js/bootstrap-later.js", "vendor/bootstrap/bootstrap.bundle.min.js",
            "favicon.svg"} <= {
        urlsplit(link).path.removeprefix("/static/") for link in links}
    for link in links:
        parts = urlsplit(link.replace("&amp;", "&"))
        name = parts.path.removeprefix("/static/")
        assert parse_qs(parts.query)["v"] == [hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]], link
        response = client.get(link)
        assert response.status_code == 200 and response.headers["Cache-Control"] == LONG, link
    assert client.get("/static/css/app.css").headers["Cache-Control"] == SHORT  # no version: a short cache
    assert client.get("/static/css/app.css?v=0123456789ab").headers["Cache-Control"] == STALE  # an old version
    assert client.get("/static/css/nothing.css?v=0123456789ab").status_code == 404
    with app.test_request_context():
        assert url_for("static", filename="nothing.css") == "/static/nothing.css"  # no file, no version


def test_a_changed_file_gets_a_new_version(tmp_path):
    versions = StaticVersions(str(tmp_path))
    (tmp_path / "a.css").write_text("a{}")
    first = versions.version("a.css")
    assert first == hashlib.sha256(b"a{}").hexdigest()[:12] and versions.version("a.css") == first
    (tmp_path / "a.css").write_text("a{color:red}")
    assert versions.version("a.css") not in (None, first)
    assert versions.version("../a.css") is None and versions.version("missing.css") is None


def test_every_page_names_its_favicon_and_a_chinese_description(client, places):
    page = client.get("/login").get_data(as_text=True)
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page)
    assert len(icons) == 3
    svg = client.get(next(icon for icon in icons if ".svg" in icon))
    assert svg.mimetype == "image/svg+xml" and b"#dc3545" in svg.get_data()
    for icon in icons:
        assert client.get(icon).status_code == 200
    description = re.search(r'<meta name="description" content="([^"]+)">', page).group(1)
    assert "同心圆" in description and "居民代表" in description


def test_the_landing_page_shows_the_sign_in_form_without_a_redirect(client, places):
    person = make_person(places["east"])
    landing = client.get("/")
    assert landing.status_code == 200 and "Location" not in landing.headers
    page = landing.get_data(as_text=True)
    assert 'action="/login"' in page and 'name="phone"' in page and landing.headers["Cache-Control"] == "no-store"
    signed_in = client.post("/login", data={"phone": person.phone, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert person.name in client.get("/").get_data(as_text=True)


def test_next_is_kept_from_the_login_page_and_stays_on_this_site(client, places):
    person = make_person(places["east"])
    page = client.get("/login?next=/me").get_data(as_text=True)
    assert 'action="/login?next=/me"' in page or 'action="/login?next=%2Fme"' in page
    hostile = client.get("/?next=//evil.example/x").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', hostile).group(1).replace("&amp;", "&")
    assert "evil" in action  # passed on as it came; the sign-in's one check (safe_next) refuses it
    response = client.post(action, data={"phone": person.phone, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
