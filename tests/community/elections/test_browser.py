"""On a phone: the demo resident 李晓 votes from the home page card and finds her receipt on the board."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


@pytest.fixture
def server(app, runner):
    """The app with the demo data, served from a thread; yields (base url, demo password)."""
    result = runner.invoke(args=["seed-demo"])
    password = result.output.split("password: ")[1].split()[0]
    from app import db

    db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", password
    httpd.shutdown()
    (Path(app.instance_path) / "demo_login.txt").unlink(missing_ok=True)


def test_resident_votes_on_a_phone(server, backend, tmp_path):
    from playwright.sync_api import sync_playwright

    base, password = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                     "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page.goto(base + "/login")
        page.get_by_label("手机号").fill("13800000004")
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(base + "/")
        page.locator("a.card-link-block[href$='/vote']").click()
        page.wait_for_url("**/vote")  # count() does not wait: the ballot must be the page shown
        boxes = page.locator("input[name=candidate_id]")
        boxes.first.wait_for()
        assert boxes.count() == 7
        boxes.nth(0).check()
        boxes.nth(2).check()
        page.screenshot(path=tmp_path / f"{backend}-vote.png", full_page=True)
        page.locator("form button.btn-lg").click()
        page.get_by_role("button", name="确认投票").click()  # the summary step
        receipt = page.locator("#receipt").inner_text().strip()
        assert len(receipt) == 12
        page.get_by_role("link", name="在公示栏中查找").click()
        assert page.locator(".receipt-mine").inner_text().startswith(receipt)
        page.screenshot(path=tmp_path / f"{backend}-receipt.png", full_page=True)
        page.goto(base + "/")
        page.locator("a.card-link-block[href$='/results']").click()
        assert page.locator("table").count() >= 1
        page.screenshot(path=tmp_path / f"{backend}-results.png", full_page=True)
        browser.close()
