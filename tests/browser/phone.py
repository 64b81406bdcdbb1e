"""A person at a 390×844 phone: sign in, and check each page as it is reached.

`Phone.check()` asserts, on the page shown now: body text of at least 16 px (and form fields, so phones do
not zoom), touch targets of at least 44 px, no horizontal scroll at 390 px, no serious or critical axe-core
finding; and `Phone.done()` that the browser reported no Content-Security-Policy violation.
"""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0, axe.LICENSE)
VIEWPORT = {"width": 390, "height": 844}

# Problems a phone user meets, measured in the page. Touch targets: buttons, button-like links, form
# fields, page links and the menu button; a checkbox or radio is measured with its label (both take the tap).
# Links inside running text are exempt (WCAG 2.5.8).
MEASURE = """() => {
  const problems = [];
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  if (px(document.body) < 16) problems.push('body text ' + px(document.body) + 'px');
  const seen = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                         && getComputedStyle(el).visibility !== 'hidden'; };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                       + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' "' +
                       (el.innerText || el.value || el.name || '').trim().slice(0, 30) + '"';
  for (const el of document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')) {
    if (seen(el) && !['checkbox', 'radio'].includes(el.type) && px(el) < 16)
      problems.push('field text ' + px(el) + 'px: ' + name(el));
  }
  const targets = document.querySelectorAll('main button, main a.btn, main .page-link, main input:not([type=hidden]),'
                                            + ' main select, main textarea, .navbar-toggler');
  for (const el of targets) {
    if (!seen(el)) continue;
    let r = el.getBoundingClientRect();
    const label = el.id && document.querySelector('label[for="' + el.id + '"]');
    if (['checkbox', 'radio'].includes(el.type) && label) {  // the box and its label together
      const l = label.getBoundingClientRect();
      r = {width: Math.max(r.right, l.right) - Math.min(r.left, l.left),
           height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)};
    }
    if (r.height < 43.5 || r.width < 43.5)
      problems.push('touch target ' + Math.round(r.width) + 'x' + Math.round(r.height) + ': ' + name(el));
  }
  if (document.documentElement.scrollWidth > window.innerWidth)
    problems.push('horizontal scroll: ' + document.documentElement.scrollWidth + 'px wide');
  return problems;
}"""

AXE_RUN = ("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
           ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
           ".map(v => v.id + ' @ ' + v.nodes[0].target.join(' '))")


class Phone:
    """One person's phone: a browser context of its own (own cookies), watched for CSP violations."""

    def __init__(self, browser, base: str):
        self.base = base
        # Reduced motion: Bootstrap then drops its transitions, so axe never measures a colour halfway through one.
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", is_mobile=True, has_touch=True,
                                           reduced_motion="reduce")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.csp = []
        self.page.on("console", lambda m: self.csp.append(m.text)
                     if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
        self.checked = {}

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status == 200, (path, response.status)
        return response

    def sign_in(self, phone: str, password: str, lands_on: str = "/") -> None:
        self.goto("/login")
        self.page.get_by_label("手机号").fill(phone)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(self.base + lands_on)

    def check(self, label: str) -> None:
        """The phone checks and axe-core on the page shown now; `label` names it in the failure."""
        # After a click that posts a form, the new page's DOM can be there before its stylesheets: measure
        # only once the page has loaded (a button measured unstyled is 26×10).
        self.page.wait_for_load_state("load")
        # A button just clicked is still fading into its hover colours (Bootstrap's 0.15 s transition): axe would
        # measure the colours half-way (grey on light grey). Let every finite transition or animation end first.
        self.page.evaluate("() => Promise.all(document.getAnimations()"
                           ".filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity)"
                           ".map((a) => a.finished.catch(() => null)))")
        problems = self.page.evaluate(MEASURE)
        # Evaluated through the DevTools protocol, axe runs under the page's own CSP (no inline script tag).
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text() + "\n;undefined")
        problems += ["axe " + found for found in self.page.evaluate(AXE_RUN)]
        self.checked[label] = problems
        assert problems == [], (label, self.page.url, problems)

    def done(self) -> None:
        assert self.csp == [], self.csp
        self.context.close()
