"""One page of a list, the same way for every list page and API list.

- The count is bounded: at most LIST_COUNT_LIMIT + 1 rows are counted (`SELECT count(*) FROM (… LIMIT n+1)`),
  so a list of a million rows says "more than 10,000" instead of counting them all on every view.
- Page numbers reach only as far as the count: OFFSET never skips more than LIST_COUNT_LIMIT rows.
- Long lists (a person's points, the audit log, the inbox, the reminders, the people, a branch's members) are
  walked by keyset: a signed cursor holds the sort key of the last (or first) row shown, and the next page is
  "the rows after it" (`WHERE (key, id) < (…)`), never an OFFSET, however deep. Their ORDER BY must end with a
  unique column (the id) and each of its columns must be NOT NULL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from community.errors import Invalid

COUNT_LIMIT = 10_000  # the default of the LIST_COUNT_LIMIT setting
MAX_PAGE = 1_000_000
SALT = "tongxin.list-cursor"


class BadCursor(Invalid):
    code = "bad_cursor"


class PageTooDeep(Invalid):
    code = "page_too_deep"


@dataclass
class Page:
    """One page: its rows, the bounded count, and the cursors to the pages either side (keyset lists)."""

    items: list
    total: int       # rows counted: exact, or the bound itself when `more`
    more: bool       # more rows than the bound
    number: int
    per_page: int
    next_cursor: str | None = None
    prev_cursor: str | None = None
    keyset: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None if self.keyset else self.number < self.pages

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    def __iter__(self):  # `items, total = paginate(...)`
        return iter((self.items, self.total))


def count_limit() -> int:
    return int(current_app.config.get("LIST_COUNT_LIMIT", COUNT_LIMIT))


def bounded_count(session, statement, limit: int) -> tuple[int, bool]:
    """(rows, more): the rows of `statement`, counted up to `limit`; more=True when there are more."""
    counted = session.scalar(select(func.count()).select_from(statement.order_by(None).limit(limit + 1).subquery()))
    return min(counted, limit), counted > limit


def paginate(session, statement, page: int | None, per_page: int, *, cursor: str | None = None,
             keyset: bool = False) -> Page:
    """One page of a select: two queries (the bounded count and the rows), whatever the page or its depth.

    `page` is a page number (OFFSET, within the count's bound); on a keyset list `cursor` (from a Page's
    next_cursor or prev_cursor) takes its place and the rows are found by their sort key, without OFFSET."""
    limit = count_limit()
    total, more = bounded_count(session, statement, limit)
    if cursor and not keyset:
        raise BadCursor(_("This list is not paged by cursor; use the page number."), fields={"cursor": _("Unknown.")})
    if keyset:
        return _keyset_page(session, statement, page, per_page, cursor, total, more)
    number = min(max(page or 1, 1), MAX_PAGE)
    offset = _offset(number, per_page, limit, more)
    items = session.scalars(statement.limit(per_page).offset(offset)).all() if offset is not None else []
    return Page(items, total, more, number, per_page)


def _offset(number: int, per_page: int, limit: int, more: bool) -> int | None:
    """The rows a page number skips; None past the end of a counted list; refused past the count's bound."""
    offset = (number - 1) * per_page
    if offset < limit:
        return offset
    if more:
        raise PageTooDeep(_("Pages past the first %(limit)s rows cannot be opened by number: narrow the list "
                            "with its filters or follow Next.", limit=f"{limit:,}"), fields={"page": _("Too deep.")})
    return None


# ---------------------------------------------------------------- keyset

def _sort_keys(statement) -> list[tuple]:
    """[(column expression, descending)] of the statement's ORDER BY."""
    keys = []
    for clause in statement._order_by_clauses:
        if isinstance(clause, UnaryExpression) and clause.modifier in (operators.desc_op, operators.asc_op):
            keys.append((clause.element, clause.modifier is operators.desc_op))
        else:
            keys.append((clause, False))
    if not keys:
        raise RuntimeError("a keyset list needs an ORDER BY that ends with a unique column")
    return keys


def _signature(keys) -> str:
    return ",".join(f"{column}{' desc' if desc else ''}" for column, desc in keys)


def _after(keys, values, backward: bool):
    """The rows after (before, when backward) the row whose sort key is `values`, in the list's order."""
    columns = [column for column, _desc in keys]
    descending = {desc != backward for _column, desc in keys}  # each key's direction, walking this way
    if len(descending) == 1:
        bound = tuple_(*columns)
        return bound < tuple(values) if descending.pop() else bound > tuple(values)
    ties, alternatives = [], []
    for (column, desc), value in zip(keys, values, strict=True):
        beyond = column < value if desc != backward else column > value
        alternatives.append(and_(*ties, beyond))
        ties.append(column == value)
    return or_(*alternatives)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def _encode(value):
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and "d" in value:
        return date.fromisoformat(value["d"])
    if value is None or isinstance(value, (dict, list)):
        raise ValueError("not a sort key")
    return value


def make_cursor(keys, values, number: int, backward: bool) -> str:
    return _serializer().dumps({"k": _signature(keys), "v": [_encode(v) for v in values], "p": number,
                                "b": int(backward)})


def read_cursor(keys, cursor: str) -> tuple[list, int, bool]:
    """(sort key, page number, backward) of a cursor this list made; BadCursor for any other string."""
    try:
        data = _serializer().loads(cursor)
        if data["k"] != _signature(keys) or len(data["v"]) != len(keys):
            raise ValueError("a cursor of another list")
        values = [_decode(v) for v in data["v"]]
        number = data["p"]
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= MAX_PAGE:
            raise ValueError("not a page number")
        return values, number, bool(data["b"])
    except (BadData, ValueError, KeyError, TypeError):
        raise BadCursor(_("This link to a page of the list is damaged or out of date: start again from the first "
                          "page."), fields={"cursor": _("Not a cursor of this list.")}) from None


def _keyset_page(session, statement, page, per_page, cursor, total, more) -> Page:
    keys = _sort_keys(statement)
    labelled = [column.label(f"_key{i}") for i, (column, _desc) in enumerate(keys)]
    backward = False
    if cursor:
        values, number, backward = read_cursor(keys, cursor)
        walk = statement.where(_after(keys, values, backward))
        if backward:
            walk = walk.order_by(None).order_by(*[column.asc() if desc else column.desc() for column, desc in keys])
        rows = session.execute(walk.add_columns(*labelled).limit(per_page + 1)).all()
        beyond, rows = len(rows) > per_page, rows[:per_page]
        if backward:
            rows.reverse()
    else:
        number = min(max(page or 1, 1), MAX_PAGE)
        offset = _offset(number, per_page, count_limit(), more)
        rows = [] if offset is None else session.execute(
            statement.add_columns(*labelled).limit(per_page + 1).offset(offset)).all()
        beyond, rows = len(rows) > per_page, rows[:per_page]
    if backward and not beyond:
        number = 1  # nothing before these rows: this is the first page
    items = [row[0] for row in rows]
    has_next = beyond if not backward else bool(rows)
    has_prev = bool(rows) and number > 1
    next_cursor = make_cursor(keys, rows[-1][1:], number + 1, False) if has_next and rows else None
    prev_cursor = make_cursor(keys, rows[0][1:], number - 1, True) if has_prev else None
    return Page(items, total, more, number, per_page, next_cursor, prev_cursor, keyset=True)
