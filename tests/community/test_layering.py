"""`community/` is the core the other packages plug into: it never imports them (they register through
community.registry instead). Checked on the source, so an import hidden in a function counts too."""
from __future__ import annotations

import ast

from app import ROOT

ABOVE = {"branches", "volunteers", "bench", "tests", "scripts"}


def test_community_imports_no_package_above_it():
    offending = []
    for path in sorted((ROOT / "community").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offending += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names
                          if name.split(".")[0] in ABOVE]
    assert offending == []
