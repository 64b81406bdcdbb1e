"""The pinyin sort key of a name (拼音排序): people lists are in 阿 < 白 < 张 < 赵 order on both databases.

`Person.name_key` is written from the name whenever one is set (a validator on the model, so every way a
name is written keeps it: forms, the API, imports, the demo, `flask bench-data`). The key is the name's
syllables in lower case, toneless, separated by spaces (which sort before letters, so 张 < 张伟 < 章),
the surname read as a surname (单 shan, 曾 zeng); characters without a reading (letters, digits) stay as
they are, case-folded. PostgreSQL compares the column in the "C" collation, so both engines order the same
bytes the same way whatever the server's locale.

pypinyin is imported on the first name written, not with the app: its dictionaries take some 55 MB of each
process that loads them, and a web worker that only reads (most of them, most of the time) never needs them
(docs/performance.md, the workers' memory).
"""
from __future__ import annotations

from functools import lru_cache

KEY_LENGTH = 200
# Surnames whose everyday reading differs from the surname reading.
SURNAME_READINGS = {"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou",
                    "乐": "yue", "覃": "qin", "翟": "zhai", "盖": "ge", "缪": "miao", "秘": "bi", "任": "ren",
                    "沈": "shen", "尉": "yu", "长": "chang", "万": "wan", "华": "hua", "纪": "ji", "种": "chong"}


@lru_cache(maxsize=200_000)
def name_key(name: str | None) -> str:
    """The sort key of `name` ("" for none)."""
    name = (name or "").strip()
    if not name:
        return ""
    first = SURNAME_READINGS.get(name[0])
    syllables = ([first] + _syllables(name[1:])) if first else _syllables(name)
    return " ".join(syllables).casefold()[:KEY_LENGTH]


def _syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return [s for part in lazy_pinyin(text, style=Style.NORMAL, errors="default") for s in part.split()] if text else []
