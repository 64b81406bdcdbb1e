"""The one check for every `next` a request may carry: only a path on this site, never another host."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import url_for


def _same_site_path(target: str) -> bool:
    if not target.startswith("/") or len(target) > 2000:
        return False
    # Browsers drop tabs and newlines and read "\" as "/", so "/\t/x" or "/\\x" would lead to host x.
    for text in (target, unquote(target)):
        if any(ch == "\\" or ord(ch) < 0x21 or ord(ch) == 0x7F for ch in text):
            return False
        if text.startswith("//"):
            return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target, default_endpoint: str = "home.index") -> str:
    """`target` when it is a path on this site, otherwise the home page (or another endpoint)."""
    if isinstance(target, str) and _same_site_path(target):
        return target
    return url_for(default_endpoint)
