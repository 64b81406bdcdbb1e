"""README "Deployment", followed for real: scripts/deploy-check makes a fresh PostgreSQL database, migrates it,
compiles the catalogues, starts gunicorn with 2 workers and checks the Chinese pages and signing in."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 150  # seconds, clean-up included: about 10 s alone, over 50 s on a loaded 2-core machine


def test_the_documented_deployment_works(backend):
    if backend != "postgresql":
        pytest.skip("the deployment runs on PostgreSQL")
    script = subprocess.Popen([str(ROOT / "scripts" / "deploy-check")], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True,
                              env={**os.environ, "VENV": str(Path(sys.executable).parent.parent)})
    try:
        output, _ = script.communicate(timeout=BUDGET)
    except subprocess.TimeoutExpired:
        os.killpg(script.pid, signal.SIGTERM)  # the script's trap stops gunicorn and drops its database
        output, _ = script.communicate(timeout=30)
        pytest.fail(f"deploy-check took longer than {BUDGET} s:\n{output}")
    assert script.returncode == 0, output
    assert "OK:" in output and "cleaned up" in output


def test_missing_or_stale_catalogues_are_compiled_at_start(backend, tmp_path):
    """The safety net behind the documented `pybabel compile`: a checkout without .mo files still speaks Chinese."""
    import gettext
    import shutil

    from app import compile_catalogues

    if backend != "sqlite":
        pytest.skip("no database involved")
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder, ignore=shutil.ignore_patterns("*.mo"))
    mo = folder / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo"
    assert compile_catalogues(folder) == [mo]
    with mo.open("rb") as compiled:
        assert gettext.GNUTranslations(compiled).gettext("Sign in") == "登录"
    assert compile_catalogues(folder) == []  # up to date: nothing is rewritten
    po = mo.with_suffix(".po")
    os.utime(po, (mo.stat().st_mtime + 10, mo.stat().st_mtime + 10))  # a newer .po, as after `git pull`
    assert compile_catalogues(folder) == [mo]
    assert not list(folder.rglob("*.tmp"))
