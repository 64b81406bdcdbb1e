"""Issue #9: every page a phone user can reach, measured at 390×844, as a resident, a community
administrator and a platform administrator, in Chinese and in English.

The crawl is generic, so pages other packages add are measured too: it starts from the home page, the
menu and every GET route of `app.url_map` that needs no argument, then follows the links of each page
(a few pages per endpoint). On every page: no visible text below 16 px, no visible link, button or form
field below 44×44 px (the exemptions below, each with its reason), no sideways scroll, no table cell squeezed to
a character or two per line (a list that should have become cards), no server error,
no code shown, and in English no Chinese on the interface's buttons and headings.
The menu is measured open. The database plays no part in sizes: the crawl runs on SQLite only.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.browser.phone import Phone

PER_ENDPOINT = 2          # pages measured per endpoint and per person (a list and a detail are enough)
MAX_PAGES = 150           # per person and language: a guard against a crawl that never ends (the test fails
                          # if it stops there with an endpoint never measured)
SKIP_PREFIXES = ("/api/", "/static/", "/jobs/")
SKIP_ENDPOINTS = {"static", "home.healthz"}

# Exemptions, each a CSS selector and why it may be smaller (WCAG 2.5.8 allows inline targets in a sentence):
EXEMPT = [
    ("a.tx-inline", "a link inside a sentence of running text"),
    (".visually-hidden-focusable", "the skip link: 1 px until it is focused, then a full button"),
]

# Pages whose templates belong to a helper working in parallel on issue #9's siblings: their problems are
# reported as warnings (listed in the report) until that work lands, then the entry is removed.
OWNED_ELSEWHERE: dict[str, str] = {}  # endpoint -> why its problems only warn (none left)

MEASURE = """(exempt) => {
  const problems = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;           // visually hidden (1 px) or collapsed
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
      const box = e.getBoundingClientRect();  // inside a 1 px clipped box (a card table's hidden head)
      if (s.overflow === 'hidden' && (box.width < 2 || box.height < 2)) return false;
    }
    return true;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' "' + (el.innerText || el.value || el.name || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  const isExempt = (el) => exempt.some((selector) => el.matches(selector));
  // A link inside running text: inline, and its block holds more words than the link itself.
  const inSentence = (el) => {
    if (el.tagName !== 'A' || el.classList.contains('btn') || getComputedStyle(el).display !== 'inline') return false;
    const block = el.closest('p, li, dd, td, th, div, span, small, label');
    return block && block.innerText.trim().length > el.innerText.trim().length + 3;
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || el.closest('script, style, noscript, option, svg')) continue;
    seen.add(el);
    if (!shown(el) || isExempt(el)) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < 15.5) problems.push('text ' + px + 'px: ' + name(el));
  }
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el) || isExempt(el) || inSentence(el)) continue;
    let r = el.getBoundingClientRect();
    const label = el.id && document.querySelector('label[for="' + el.id + '"]');
    if (['checkbox', 'radio'].includes(el.type) && label) {   // the box and its label take the tap together
      const l = label.getBoundingClientRect();
      r = {width: Math.max(r.right, l.right) - Math.min(r.left, l.left),
           height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)};
    }
    if (r.width < 43.5 || r.height < 43.5)
      problems.push('target ' + Math.round(r.width) + 'x' + Math.round(r.height) + ': ' + name(el));
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && parseFloat(getComputedStyle(el).fontSize) < 15.5)
      problems.push('field text ' + getComputedStyle(el).fontSize + ': ' + name(el));
  }
  // A table squeezed into the screen: a cell's word broken one or two characters per line (a name in a narrow
  // column), where the list should have become cards.
  for (const cell of document.querySelectorAll('td, th')) {
    const text = cell.innerText.trim();
    if (!shown(cell) || isExempt(cell) || text.length < 3 || /\\s/.test(text)) continue;
    const rects = [];  // the boxes of the cell's text (not those of links or badges around it)
    const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let t = texts.nextNode(); t; t = texts.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(t);
      rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
    }
    let lines = 0, bottom = -Infinity;  // a box starting below the line so far starts a new line
    for (const r of rects.sort((a, b) => a.top - b.top)) {
      if (r.top >= bottom - 2) { lines += 1; bottom = r.bottom; } else bottom = Math.max(bottom, r.bottom);
    }
    if (lines >= 2 && lines * 2 >= text.length)
      problems.push('squeezed cell, ' + lines + ' lines for ' + text.length + ' characters: ' + name(cell));
  }
  if (document.documentElement.scrollWidth > window.innerWidth)
    problems.push('sideways scroll: ' + document.documentElement.scrollWidth + 'px wide');
  return problems;
}"""

# Words of the interface, not data: in English no Chinese on buttons, column heads and legends (the 中文
# switch is marked lang="zh-CN", a person's name translate="no");
# in either language no code ("person.view", "migrant_applies") in the text.
LANGUAGE = r"""(english) => {
  const problems = [];
  if (english) {
    for (const el of document.querySelectorAll('button, th, legend')) {
      // Chinese and no English word: the interface's own words untranslated ("Remove 吴计票" names a person)
      if (!el.closest('[lang="zh-CN"], [translate="no"]') && /[\u4e00-\u9fff]/.test(el.innerText)
          && !/[A-Za-z]{2}/.test(el.innerText))
        problems.push('Chinese in the English interface: ' + el.tagName.toLowerCase() + ' "'
                      + el.innerText.trim().slice(0, 30) + '"');
    }
  }
  const code = /\b(person|account|role|election|audit|branch)\.[a-z_]+\b|\b[a-z]+_[a-z_]+\b/g;
  const codes = document.body.innerText.match(code);
  if (codes) problems.push('codes shown: ' + [...new Set(codes)].slice(0, 5).join(', '));
  return problems;
}"""

PEOPLE = {"resident": "13800000004", "community admin": "13800000002", "platform admin": "13800000000"}


@pytest.fixture
def demo(app, runner, backend):
    """The demo world (`flask seed-demo`): its password."""
    if backend != "sqlite":
        pytest.skip("sizes do not depend on the database")
    result = runner.invoke(args=["seed-demo"])
    password = result.output.split("password: ")[1].split()[0]
    from app import db

    db.session.remove()
    yield password
    (Path(app.instance_path) / "demo_login.txt").unlink(missing_ok=True)


def _start_paths(app) -> list[str]:
    """Every GET page of the url map that needs no argument (other packages' pages included)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if ("GET" in rule.methods and not rule.arguments and rule.endpoint not in SKIP_ENDPOINTS
                and not _skipped(rule.rule)):
            paths.append(rule.rule)
    return sorted(paths)


def _skipped(path: str) -> bool:
    """Not a page: the API, files, downloads, job progress, the sign-out."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return path.startswith(SKIP_PREFIXES) or "." in last or "download" in path or path in ("/logout", "/login")


def _endpoint(adapter, path: str) -> str | None:
    try:
        return adapter.match(urlsplit(path).path, method="GET")[0]
    except RequestRedirect as moved:
        return _endpoint(adapter, urlsplit(moved.new_url).path)
    except HTTPException:
        return None


def _crawl(app, phone: Phone, label: str) -> dict[str, list[str]]:
    """Visit and measure pages from the home page, the url map and every page's links: {url: problems}."""
    adapter = app.url_map.bind("localhost")
    exempt = [selector for selector, _reason in EXEMPT]
    queue, queued, per_endpoint, found = ["/", *_start_paths(app)], set(), {}, {}
    queued.update(queue)
    while queue and len(found) < MAX_PAGES:
        path = queue.pop(0)
        endpoint = _endpoint(adapter, path)
        if endpoint is None or endpoint in SKIP_ENDPOINTS or per_endpoint.get(endpoint, 0) >= PER_ENDPOINT:
            continue
        response = phone.page.goto(phone.base + path)
        phone.page.wait_for_load_state("load")
        here = urlsplit(phone.page.url)
        if here.path.startswith("/login"):  # a page that needs another person
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        problems = phone.page.evaluate(MEASURE, exempt) + phone.page.evaluate(LANGUAGE, label.endswith("(en)"))
        if response.status >= 500:
            problems.append(f"server error {response.status}")
        if endpoint in OWNED_ELSEWHERE and problems:
            warnings.warn(f"{label} {path} ({OWNED_ELSEWHERE[endpoint]}): {problems}", stacklevel=1)
            problems = [p for p in problems if p.startswith("server error")]
        found[f"{label} {path}"] = problems
        for href in phone.page.eval_on_selector_all(
                "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"):
            link = urlsplit(href)
            if link.scheme or link.netloc or not link.path.startswith("/") or _skipped(link.path):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if target not in queued:
                queued.add(target)
                queue.append(target)
    unmeasured = sorted({endpoint for endpoint in (_endpoint(adapter, path) for path in queue)
                         if endpoint and endpoint not in SKIP_ENDPOINTS and endpoint not in per_endpoint})
    assert unmeasured == [], f"{label}: the crawl stopped at {MAX_PAGES} pages before reaching {unmeasured}"
    return found


def _menu(phone: Phone, label: str) -> dict[str, list[str]]:
    """The phone menu, opened (its links are hidden until then)."""
    phone.page.goto(phone.base + "/")
    toggler = phone.page.locator(".navbar-toggler")
    if not toggler.is_visible():
        return {}
    toggler.click()
    phone.page.locator("#nav.show").wait_for(state="visible")
    phone.page.wait_for_timeout(400)  # the collapse animation
    return {f"{label} menu": phone.page.evaluate(MEASURE, [s for s, _r in EXEMPT])}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_page_meets_the_phone_sizes(app, demo, live, chromium, who):
    problems = {}
    for language in ("zh", "en"):
        phone = Phone(chromium, live)
        phone.sign_in(PEOPLE[who], demo)
        if language == "en":
            phone.page.get_by_role("button", name="English").click()
            phone.page.wait_for_load_state("load")
            assert phone.page.locator("html").get_attribute("lang") == "en"
        label = f"{who} ({language})"
        found = _crawl(app, phone, label) | _menu(phone, label)
        assert len(found) >= 5, found  # the crawl did reach pages
        print(f"{label}: {len(found)} pages measured")
        problems |= {page: issues for page, issues in found.items() if issues}
        phone.done()
    assert problems == {}, "\n".join(f"{page}: {issues[:6]}" for page, issues in problems.items())


def test_the_checks_catch_what_users_saw(chromium, backend):
    """The measurements themselves, on a page made of what issue #9 reported (no server needed)."""
    if backend != "sqlite":
        pytest.skip("no database involved")
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.set_content("""<body style="font-size:16px"><p style="font-size:14px">截止时间</p>
      <button style="width:46px;height:31px;padding:0">≡</button>
      <p>see <a href="/x">this link</a> in a sentence</p><p><a href="/back">返回</a></p>
      <table><tr><td>person.view</td><td>migrant_applies</td></tr></table>
      <button>撤销</button><div style="width:398px">wide</div>
      <table style="width:100px"><tr><td>欧阳娜娜</td><td>13800000004</td><td>流动人口登记</td>
        <td>已激活账户</td></tr></table></body>""")
    problems = page.evaluate(MEASURE, []) + page.evaluate(LANGUAGE, True)
    page.close()
    text = "\n".join(problems)
    for expected in ("text 14px", "target 46x31", 'a "返回"', "sideways scroll", "person.view", "squeezed cell",
                     "migrant_applies", 'Chinese in the English interface: button "撤销"'):
        assert expected in text, (expected, problems)
    assert "this link" not in text  # a link inside a sentence is exempt
