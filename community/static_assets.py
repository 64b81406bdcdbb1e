"""Static files under names that change with their content, so browsers may keep them for a year.

`url_for('static', filename=...)` adds `?v=<hash of the file's bytes>`. A request whose `v` is the file's
current hash is answered `Cache-Control: public, max-age=31536000, immutable`: a new deployment changes the
hash, hence the address, so a kept copy is never stale. A request without `v` (a bookmarked or hand-typed
address, a browser's own /static/... guess) gets a short cache, and one with an outdated `v` (a page cached
before a deployment) gets `no-cache`, so that neither ever pins old bytes under a name that now means others.

The hashes are computed from the files themselves, once per file and again whenever its size or modification
time changes (a stat per url_for), so the app needs no build step or manifest file at run time and a file
edited under `flask run` gets a new address at once.
"""
from __future__ import annotations

import hashlib
import os

from flask import Flask, request
from werkzeug.security import safe_join

LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
STALE = "no-cache"
HASH_LENGTH = 12


def content_hash(data: bytes) -> str:
    """The version of a file: the start of its SHA-256 (scripts/build-assets writes the same into CSS)."""
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


class StaticVersions:
    """File name → content hash for one static folder, refreshed when a file changes on disk."""

    def __init__(self, folder: str):
        self.folder = folder
        self._known: dict[str, tuple[int, int, str]] = {}

    def version(self, filename: str | None) -> str | None:
        """The file's current hash, or None when it is not a file of the folder."""
        path = safe_join(self.folder, filename) if filename else None
        try:
            stat = os.stat(path) if path else None
        except OSError:
            return None
        if stat is None or not os.path.isfile(path):
            return None
        known = self._known.get(filename)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        with open(path, "rb") as handle:
            digest = content_hash(handle.read())
        self._known[filename] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest


def register(app: Flask) -> None:
    """Version static addresses and give static answers the cache lifetime their address deserves."""
    versions = StaticVersions(app.static_folder)
    app.extensions["tongxin_static_versions"] = versions

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            digest = versions.version(values.get("filename"))
            if digest:
                values["v"] = digest

    @app.after_request
    def _static_cache(response):
        """Long-lived only under the current content's name (set over send_file's default `no-cache`)."""
        if request.endpoint == "static" and response.status_code in (200, 304):
            asked = request.args.get("v")
            if not asked:
                response.headers["Cache-Control"] = SHORT
            elif asked == versions.version((request.view_args or {}).get("filename")):
                response.headers["Cache-Control"] = LONG
            else:
                response.headers["Cache-Control"] = STALE
        return response
