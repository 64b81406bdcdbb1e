"""The confirmation step for anything that cannot be undone, without JavaScript (so nothing inline for the CSP).

The page shows the action as an ordinary form (`templates/_confirm.html`, macro `irreversible`). Its first
submit reaches the view without `confirmed`; the view checks the permission, then returns `ask(...)`: a page
that says what will happen, with the same form again carrying `confirmed=1` and a way back. Only that second
submit does it. Checking first matters: nobody learns from a confirmation page what they could not do anyway.
"""
from __future__ import annotations

from flask import render_template, request

IGNORED = {"csrf_token", "confirmed"}


def is_confirmed() -> bool:
    """True on the second submit, the one made from the confirmation page."""
    return request.form.get("confirmed") == "1"


def ask(title: str, consequence: str, confirm_label: str, back: str, danger: bool = True, undoable: bool = False):
    """The confirmation page for this post: what will happen, the button that does it, and the way back
    (`undoable`: it can be reversed later, so the page does not say "this cannot be undone")."""
    fields = [(key, value) for key, value in request.form.items(multi=True) if key not in IGNORED]
    return render_template("confirm.html", title=title, consequence=consequence, confirm_label=confirm_label,
                           back=back, fields=fields, action=request.path, danger=danger,
                           undoable=undoable)
