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


# A count in an English message needs ngettext ("1 seat", "2 seats"). These are the documented exceptions:
# ordinals and row, round and year numbers; counts written as a label ("Women: 3") or as bare figures with no
# noun that changes ("(3 void)", "3 of 40"); ranges; and the code's fixed limits, which are never 1.
NOT_PLURAL = {
    # ordinals and numbers that name something
    "Round %(n)d", "Share %(n)d", "Share no. %(n)d", "The ID number repeats row %(row)d.",
    "The phone number repeats row %(row)d.",
    "You are a vote supervisor (监票人) of round %(n)d and hold share no. %(s)d of its ballot key.",
    "Round %(n)d opens for voting until %(closes)s: the voters vote again, and it cannot be called off.",
    "The working-day calendar does not know %(y)d yet: the approvals digest goes out Monday to Friday, without the "
    "swapped working days (调休). Upgrade the chinese-calendar package once the State Council publishes the holidays.",
    # a label, or a figure with no noun beside it
    "Women: %(n)d", "New residents (migrants): %(n)d", "Chosen: %(n)s/%(m)d", " and %(n)d more", "(%(n)d excused)",
    "(%(n)d in all)", "(%(n)d void)", "Next: put the candidates on the list (%(n)d, at least %(m)d needed).",
    "Rule: a recall is proposed by at least one fifth of the voters (%(n)d of %(r)d).",
    "Rule: the election committee has %(low)d to %(high)d members; it has %(n)d.",
    "Rule: a committee member who becomes a candidate leaves the committee, and the committee keeps %(low)d to "
    "%(high)d members. %(name)s leaving it would leave %(n)d. Appoint another member first.",
    "The workbook has too many parts (%(n)d; at most %(max)d). Copy the people into the template and upload that.",
    "The workbook has too many sheets (%(n)d; at most %(max)d).",
    "Party members: %(n)d, of them mobile party members: %(m)d",
    "As of %(date)s: %(green)d up to date, %(amber)d due, %(red)d overdue.",
    "%(rate)s%% of invitations attended (%(attended)d of %(invited)d).",
    "%(year)d-%(month)02d",  # a month, not a count
    # an age or a range
    "Rule: voters must be %(n)d or older on voting day (%(day)s).",
    "Rule: voters must be %(n)d or older on voting day, and the birth date is not on record.",
    "Must be a whole number from %(low)d to %(high)d.", "Sheet numbers run from 1 to %(n)d.",
    # the code's fixed limits (constants, never 1)
    "A cell holds more than %(n)d characters; no field of a person is that long.",
    "A password needs at least %(n)d characters.", "At most %(n)d characters.", "Type at most %(n)d characters.",
    "At most %(n)d columns are read. Delete the columns the template does not have.",
    "At most %(n)d rows can be imported at once. Split the file, and delete empty rows at its end.",
    "The workbook is too large once unpacked (%(mb)d MB; at most %(max)d MB). Import at most %(rows)d people per "
    "file.",
}
COUNT = re.compile(r"%\(\w+\)d|%d|(?<!%)\(s\)")


def test_every_english_count_is_a_plural_message():
    counted = {m.id for m in _catalogue() if m.id and not isinstance(m.id, tuple) and COUNT.search(m.id)}
    assert sorted(counted - NOT_PLURAL) == [], "use ngettext (or document the exception in NOT_PLURAL)"
    assert sorted(NOT_PLURAL - counted) == [], "exceptions no longer in the catalogue"


def test_the_count_check_catches_what_users_saw():
    for bad in ("%(n)d supporters", "%(s)d seat(s)", "Vote as proxy for %(count)d voters", "%d receipts"):
        assert COUNT.search(bad), bad
    assert not COUNT.search("The election is now at the step “%(s)s”.")


def test_one_seat_and_one_day_read_right_in_english(app):
    with app.test_request_context(), force_locale("en"):
        assert ngettext("%(num)d seat", "%(num)d seats", 1) == "1 seat"
        assert ngettext("Rule: the voter roll is published at least %(num)d day before voting.",
                        "Rule: the voter roll is published at least %(num)d days before voting.", 1).endswith(
            "1 day before voting.")
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert ngettext("%(num)d seat", "%(num)d seats", 1) == "应选 1 名"
        proxy = ngettext("Vote as proxy for %(num)d voter", "Vote as proxy for %(num)d voters", 2)
        assert proxy == "受托为 2 名选民投票"


ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+(?:[ ,:'’-]+[A-Za-z]+){3,}")


def test_chinese_translations_hold_no_english_sentence():
    """A Chinese entry carrying English words (a merge once appended another message's English to one: "一次
    会议最多邀请%(count)s人。A mobile member keeps their relationship at home: …") shows English in the Chinese
    interface; product names and formats (JPEG、PNG, YYYY-MM, POST /api/…) are not four words in a row."""
    problems = []
    for message in _catalogue():
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)) if message.id else ():
            if text and re.search(CHINESE, text) and ENGLISH_SENTENCE.search(text):
                problems.append(f"{message.id!r} → {text!r}")
    assert problems == [], "English inside Chinese translations:\n" + "\n".join(problems)
    assert ENGLISH_SENTENCE.search("一次会议最多邀请%(count)s人。A mobile member keeps their relationship at home")
