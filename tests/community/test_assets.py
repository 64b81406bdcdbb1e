"""The built stylesheet and icon font cover every class the templates, JS and Python name (scripts/build-assets).

When one fails after a merge or a new template: run `make assets` and commit static/build/.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import re

from fontTools.ttLib import TTFont

from app import ROOT

RERUN = "run `make assets` and commit static/build/"


def _build_script():
    loader = importlib.machinery.SourceFileLoader("build_assets", str(ROOT / "scripts/build-assets"))
    spec = importlib.util.spec_from_loader("build_assets", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


build = _build_script()


def _selectors(css: str) -> list[str]:
    """Every selector of a stylesheet (selector lists split at their top-level commas; at-rules skipped)."""
    found = []
    for prelude in re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if prelude.lstrip().startswith("@"):
            continue
        depth, start = 0, 0
        for index, char in enumerate(prelude + ","):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "," and depth == 0:
                found.append(prelude[start:index].strip())
                start = index + 1
    return found


def _needed(used: set[str]) -> set[str]:
    """The Bootstrap classes that have at least one rule all of whose classes are in use (what PurgeCSS keeps:
    `.nav-item` alone is not needed while its only rules are `.nav-fill .nav-item` and the like)."""
    needed = set()
    for selector in _selectors(build.BOOTSTRAP_CSS.read_text(encoding="utf-8")):
        classes = build.css_classes(re.sub(r":not\([^)]*\)", "", selector))
        if classes and classes <= used:
            needed |= classes
    return needed


def test_every_bootstrap_class_in_use_is_in_the_built_stylesheet():
    bootstrap = build.css_classes(build.BOOTSTRAP_CSS.read_text(encoding="utf-8"))
    built = build.css_classes(build.SITE_CSS.read_text(encoding="utf-8"))
    used = _needed(build.used_words() | set(build.SAFELIST)) & bootstrap
    assert {"btn", "btn-danger", "navbar-collapse", "form-control", "alert-danger"} <= used  # the scan works
    missing = sorted(used - built)
    assert not missing, f"Bootstrap classes in use but not in static/build/site.css: {missing}; {RERUN}"


def test_every_icon_in_use_has_its_rule_and_its_glyph():
    icons = build.used_icons()
    assert "bi-bullseye" in icons and len(icons) < 200
    css = build.SITE_CSS.read_text(encoding="utf-8")
    missing = [name for name in icons if f".{name}::before" not in css]
    assert not missing, f"icons in use without a rule in static/build/site.css: {missing}; {RERUN}"
    glyphs = TTFont(str(build.SUBSET_FONT)).getBestCmap()
    codes = build.icon_codepoints()
    missing = [name for name in icons if codes[name] not in glyphs]
    assert not missing, f"icons in use without a glyph in static/build/icons.woff2: {missing}; {RERUN}"


def test_the_stylesheet_names_the_font_it_was_built_with():
    font = build.content_hash(build.SUBSET_FONT.read_bytes())
    assert f'url("icons.woff2?v={font}")' in build.SITE_CSS.read_text(encoding="utf-8"), RERUN


def test_the_stylesheet_carries_the_current_app_css():
    assert build.APP_CSS.read_text(encoding="utf-8") in build.SITE_CSS.read_text(encoding="utf-8"), (
        f"static/css/app.css changed since the build: {RERUN}")


def test_pages_load_only_the_built_files():
    base = (ROOT / "templates/base.html").read_text(encoding="utf-8")
    assert "build/site.css" in base
    for unbuilt in ("bootstrap.min.css", "bootstrap-icons.min.css", "filename='css/app.css'"):
        assert unbuilt not in base, unbuilt


def test_the_stylesheet_leaves_out_the_bootstrap_no_page_uses():
    """Issue #9 found 298 KiB of unused CSS: the build keeps only rules a scanned file can match (a class kept
    for sharing a rule with one in use aside), so whole components nobody uses are gone."""
    import gzip

    bootstrap = build.css_classes(build.BOOTSTRAP_CSS.read_text(encoding="utf-8"))
    built = build.css_classes(build.SITE_CSS.read_text(encoding="utf-8"))
    unused = (built & bootstrap) - build.used_words() - set(build.SAFELIST)
    assert len(unused) < 30, f"{len(unused)} Bootstrap classes no file names: {sorted(unused)[:20]}; {RERUN}"
    assert not {"carousel", "offcanvas", "modal", "toast", "accordion", "popover"} & built
    assert len(gzip.compress(build.SITE_CSS.read_bytes())) < 20_000  # 12 KB when purged, 31 KB for all Bootstrap
    # and the icon font is the subset (3 KB), not the whole font (the 134 KB the issue measured)
    assert build.SUBSET_FONT.stat().st_size < build.ICONS_FONT.stat().st_size / 10
