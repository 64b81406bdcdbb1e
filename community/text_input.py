"""Control characters in text input: one check at the door for every request, and beside the field in forms.

NUL and the other C0 control characters (and unpaired UTF-16 surrogates from JSON escapes) never belong in a
name, a phone number, a search or an id; PostgreSQL refuses NUL outright, so they used to end in a 500. One
before-request hook refuses them in path segments, query arguments, form fields and JSON string values with a
400; text in bodies (form fields, JSON values) may keep tab, line feed and carriage return, which multi-line
fields need and which harm nothing. Page forms built on `CheckedForm` report the same problem beside the field
instead (with status 400): their views say so with `@text_checked_by(Form)`.
"""
from __future__ import annotations

import json
import re

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from community.errors import Invalid

# C0 controls, DEL and lone surrogates; the multi-line variant keeps \t \n \r.
SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MESSAGE = _l("Contains control characters (such as NUL); please retype it.")


def has_control_characters(value: str, *, multi_line: bool = False) -> bool:
    return bool((MULTI_LINE if multi_line else SINGLE_LINE).search(value))


def _json_problems(body, found: dict) -> None:
    """Walk a JSON document (without recursion: any depth json.loads accepted) for bad strings and keys."""
    stack = [(body, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if has_control_characters(value, multi_line=True):
                found[path or "json"] = str(MESSAGE)
        elif isinstance(value, dict):
            for key, item in value.items():
                if has_control_characters(key):
                    found[path or "json"] = str(MESSAGE)
                else:
                    stack.append((item, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{index}" if path else str(index)) for index, item in enumerate(value))


def control_character_problems() -> dict[str, str]:
    """Field name → problem, for every part of this request that carries a control character."""
    found: dict[str, str] = {}
    if has_control_characters(request.path):
        found["path"] = str(MESSAGE)
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            found[key if not has_control_characters(key) else "query"] = str(MESSAGE)
    view = current_app.view_functions.get(request.endpoint or "")
    left_to_form = getattr(view, "text_checked_by_form", frozenset())
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in request.form.items(multi=True):
                if has_control_characters(key):
                    found["form"] = str(MESSAGE)
                elif key not in left_to_form and has_control_characters(value, multi_line=True):
                    found[key] = str(MESSAGE)
        elif request.is_json:
            try:
                body = json.loads(request.get_data(cache=True) or b"null")
            except (ValueError, RecursionError):
                body = None  # the JSON check answers for this one
            _json_problems(body, found)
    return found


def refuse_control_characters() -> None:
    """Before every request: a 400 naming the fields that carry control characters."""
    found = control_character_problems()
    if found:
        raise Invalid(_("The request contains control characters."), code="control_characters", fields=found)


def text_checked_by(*form_classes):
    """Mark a page view whose WTForms form (a CheckedForm) reports control characters beside its fields."""
    names = set()
    for form_class in form_classes:
        if not issubclass(form_class, CheckedForm):
            raise TypeError(f"{form_class.__name__} must derive from CheckedForm")
        names |= {name for name in dir(form_class) if isinstance(getattr(form_class, name), UnboundField)}

    def decorator(view):
        view.text_checked_by_form = frozenset(names)
        return view
    return decorator


def _refuse_in_field(value):
    """A WTForms filter: its ValueError becomes an error shown beside the field."""
    if isinstance(value, str) and has_control_characters(value, multi_line=True):
        request.environ["tongxin.text_refused"] = True  # per request; `g` may outlive it (tests)
        raise ValueError(str(MESSAGE))
    return value


class CheckedForm(FlaskForm):
    """A page form whose every field refuses control characters, with the error beside the field."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            options["filters"] = (*unbound_field.kwargs.get("filters", ()), _refuse_in_field)
            return super().bind_field(form, unbound_field, options)


def register(app: Flask) -> None:
    app.before_request(refuse_control_characters)

    @app.after_request
    def _refused_form_is_a_400(response):
        """A page form that refused control characters shows them beside the field, with status 400."""
        if request.environ.get("tongxin.text_refused") and response.status_code == 200:
            response.status_code = 400
        return response
