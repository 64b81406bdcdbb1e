"""Issue #9: both languages complete in both directions. Chinese sentences use Chinese punctuation, English
counts are plural-aware (ngettext), and pages show no codes."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
CHINESE = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]"
# An ASCII colon, comma, semicolon, question or exclamation mark or parenthesis beside a Chinese character
# (spaces between allowed): "选民名单已公布: …", "人员 (12)", "（一）,".
ASCII_BESIDE_CHINESE = re.compile(rf"{CHINESE}\s*[:,;?!()]|[:,;?!()]\s*{CHINESE}")


def _catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def test_chinese_sentences_use_chinese_punctuation():
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if text and ASCII_BESIDE_CHINESE.search(text):
                problems.append(f"{message.id!r} → {text!r}")
    assert problems == [], "ASCII punctuation in Chinese text:\n" + "\n".join(problems)


def test_the_punctuation_check_catches_what_users_saw():
    for bad in ("选民名单已公布: 2026-12-01", "人员 (12)", "你好,世界", "是否继续?", "（一）;"):
        assert ASCII_BESIDE_CHINESE.search(bad), bad
    for good in ("选民名单已公布：2026-12-01", "人员（共 12）", "第 2 轮", "13800000000 (id 3)"):
        assert not ASCII_BESIDE_CHINESE.search(good), good


def test_every_plural_message_has_its_chinese():
    plurals = [m for m in _catalogue() if m.id and isinstance(m.id, tuple)]
    assert len(plurals) >= 8
    assert [m.id for m in plurals if not (isinstance(m.string, tuple) and all(m.string))] == []


def test_english_counts_are_plural_aware(app):
    with app.test_request_context(), force_locale("en"):
        assert ngettext("%(num)d supporter", "%(num)d supporters", 1) == "1 supporter"
        assert ngettext("%(num)d supporter", "%(num)d supporters", 2) == "2 supporters"
        assert ngettext("%(num)d person imported", "%(num)d people imported", 1) == "1 person imported"
        assert ngettext("%(num)d migrant", "%(num)d migrants", 1) == "1 migrant"
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert ngettext("%(num)d supporter", "%(num)d supporters", 1) == "1 人支持"


def test_the_home_page_counts_one_migrant_in_english(client, places):
    from tests.factories import login, make_admin, make_person

    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    make_person(places["east"], hukou_place="贵州省毕节市")
    login(client, admin)
    client.post("/language/en", data={"next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"\b1 migrant\b(?!s)", page), re.findall(r"\d+ migrants?[^<]*", page)
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<span class=\"badge[^<]*</span>|同心圆|中文|东门社区|管理员",
                                                  "", page[page.index("<main"):page.index("</main>")]))
