"""What the pages share around a form: going back to the section the form was in, and a refused form's state.

After a form succeeds, redirect (post/redirect/get) with `redirect_to_section(url, anchor)`: the browser lands on
the section (`<section id="anchor">`), not at the top of a long page. After a refusal, render the page again
(no redirect) with a `FormFailure`: the template puts the error beside its field and keeps what was typed.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import redirect


def redirect_to_section(url: str, anchor: str | None = None):
    """Redirect to `url#anchor`, the section the form was in. The section is also named in the query
    (`?section=anchor`), so that the page can show the flashed messages there, where the reader lands, rather
    than at the top (see the `section_messages` macro of templates/_form.html)."""
    if not anchor:
        return redirect(url)
    return redirect(f"{url}{'&' if '?' in url else '?'}{urlencode({'section': anchor})}#{anchor}")


class FormFailure:
    """Which form of a page was refused, with the DomainError and the submitted values (for re-rendering).

    `values_for(form)` and `error_for(form)` answer None for every other form of the page, so a template passes
    them to each form's fields (e.g. templates/_picker.html's `form=` and `error=`); `message(form, field)` is
    the error beside one field; `general(form, *fields)` is the error when none of the form's fields is named
    (a rule of the domain): shown beside the form's main field, never only at the top of the page.
    """

    def __init__(self, form: str | None = None, error=None, values=None):
        self.form, self.error, self.values = form, error, values

    def __bool__(self) -> bool:
        return self.form is not None

    def values_for(self, form: str):
        return self.values if form == self.form else None

    def error_for(self, form: str):
        return self.error if form == self.form else None

    def message(self, form: str, field: str) -> str | None:
        """The refusal's sentence when it names this field of this form."""
        if form != self.form or self.error is None or field not in (self.error.fields or {}):
            return None
        return self.error.message

    def attach(self, main: str | None, fields) -> None:
        """A refusal naming none of the form's `fields` (a rule of the domain) is shown beside `main`."""
        if main and self.error is not None and not any(f in (self.error.fields or {}) for f in fields):
            self.error.fields = {**(self.error.fields or {}), main: self.error.message}

    def general(self, form: str, *fields: str) -> str | None:
        if form != self.form or self.error is None:
            return None
        if any(field in (self.error.fields or {}) for field in fields):
            return None
        return self.error.message
