"""Who may call each route of the elections: rows of the access matrix (see community/access.py).

The world's elections, all in community A: `{election}` open for voting, `{nominating}` taking nominations
and `{published}` with its results out (a representative `{elected}` and a recall proposal `{recall}`).
The committee member and the counter serve in `{election}` and `{nominating}`; "other_committee" serves
in an election of community C, in the other street.
"""
from __future__ import annotations

from community.access import OVER_A, SIGNED_IN, row

# election.manage on the elections of A
OFFICIALS = OVER_A | {"committee"}
# the roll of an election of A: its officials and counters, and the residents of A
ROLL_READERS = OFFICIALS | {"counter", "resident"}
VOTER = frozenset({"resident"})
# who held a share of {election}'s key when its voting opened
SUPERVISORS = frozenset({"committee", "counter"})
# The permission check must come before looking up the resident a form names (the person picker's text: a
# name or a whole phone number): an unknown one must not be answered ("nobody found") to someone who may not
# use the form at all.
UNKNOWN_PHONE = "13000000000"


def lookup_rows(route: str, allow, form: dict) -> list:
    """A form naming a resident by phone: with a resident of A, and with an unknown number."""
    unknown = {key: UNKNOWN_PHONE if "phone" in str(value) else value for key, value in form.items()}
    return [row(route, allow, form=form),
            row(route, allow, form=unknown)]

ACCESS_ROWS = [
    # Lists and pages any signed-in person may read (each election's page is open to the signed-in).
    row("GET /elections/", SIGNED_IN),
    row("GET /api/v1/elections", SIGNED_IN),
    row("GET /elections/{election}", SIGNED_IN),
    row("GET /api/v1/elections/{election}", SIGNED_IN),
    row("GET /elections/{election}/receipts", SIGNED_IN),
    # One's own receipt, from one's own session cookie (nothing on the server names it).
    row("GET /elections/{election}/receipt", SIGNED_IN),
    row("GET /api/v1/elections/{election}/receipts", SIGNED_IN),
    row("GET /api/v1/elections/{election}/receipts/{receipt}", SIGNED_IN),
    row("GET /api/v1/elections/{election}/candidates", SIGNED_IN),
    row("GET /elections/{published}/results", SIGNED_IN),
    row("GET /api/v1/elections/{published}/results", SIGNED_IN),
    row("GET /elections/{published}/announcement.pdf", SIGNED_IN),
    row("GET /elections/{published}/results.xlsx", SIGNED_IN),
    # The roll and what names voters: residents of A and the election's officials; hidden from the others.
    row("GET /elections/{election}/roll", ROLL_READERS, hide=True),
    row("GET /api/v1/elections/{election}/voters", ROLL_READERS),
    row("GET /api/v1/elections/{nominating}/objections", ROLL_READERS),
    row("GET /api/v1/elections/{nominating}/nominations", ROLL_READERS),
    row("GET /elections/{election}/proxies", ROLL_READERS, hide=True),
    row("GET /api/v1/elections/{election}/proxies", ROLL_READERS, hide=True),
    row("POST /elections/{nominating}/objections", ROLL_READERS, form={"text": "名单有误"}),
    row("POST /api/v1/elections/{nominating}/objections", ROLL_READERS, json={"text": "名单有误"}),
    # Anyone may apply to a roll; the eligibility rules (living in the community…) answer with 422.
    row("POST /elections/{nominating}/apply", SIGNED_IN),
    row("POST /api/v1/elections/{nominating}/applications", SIGNED_IN, json={"promise_signed": True}),
    # A voter's own acts: voting, nominating jointly, recall; nobody else's role stands in for them.
    row("GET /elections/{election}/vote", SIGNED_IN),
    row("POST /elections/{election}/vote", VOTER),
    row("POST /api/v1/elections/{election}/ballots", VOTER, json={"candidate_ids": []}),
    *lookup_rows("POST /elections/{nominating}/nominations", VOTER, {"nominee": "{voter_phone}"}),
    # The nominee picker: a voter on the roll searches that roll (permission first; nobody else).
    row("GET /api/v1/people/picker?scope_type=election&scope_id={nominating}&action=election.nominate_jointly&q=选民",
        VOTER),
    row("POST /api/v1/elections/{nominating}/nominations", VOTER, json={"nominee_id": "{voter}", "kind": "voters"}),
    row("POST /elections/{nominating}/nominations/{nomination}/support", VOTER),
    row("POST /api/v1/elections/{nominating}/nominations/{nomination}/supports", VOTER),
    row("POST /elections/{published}/recalls", VOTER, form={"candidate_id": "{elected}", "reason": "不履职"}),
    row("POST /api/v1/elections/{published}/recalls", VOTER, json={"candidate_id": "{elected}", "reason": "不履职"}),
    row("POST /elections/{published}/recalls/{recall}/support", VOTER),
    row("POST /api/v1/elections/{published}/recalls/{recall}/supports", VOTER),
    # Creating an election: administrators of its community.
    row("GET /elections/new", OVER_A | {"admin_b", "other_street_admin"}, note="the form lists one's communities"),
    row("POST /elections/new", OVER_A | {"admin_b", "other_street_admin"}),
    row("POST /api/v1/elections", OVER_A, json={"title": "新选举", "seats": 2, "community_id": "{community_a}"}),
    # Running it: the committee and the administrators over the community.
    row("GET /elections/{election}/manage", OFFICIALS),
    # The person picker of the manage page: the committee picks the residents of the election's community.
    row("GET /api/v1/people/picker?scope_type=election&scope_id={election}&action=election.manage&q=居民", OFFICIALS),
    row("GET /elections/{election}/manage/settings", OFFICIALS),
    row("POST /elections/{election}/manage/settings", OFFICIALS),
    row("PATCH /api/v1/elections/{election}", OFFICIALS, json={}),
    row("POST /elections/{election}/manage/status", OFFICIALS, form={"status": "draft"}),
    row("POST /api/v1/elections/{election}/status", OFFICIALS, json={"status": "draft"}),
    row("GET /api/v1/elections/{election}/reminders", OFFICIALS),
    row("POST /elections/{nominating}/manage/build-roll", OFFICIALS),
    *lookup_rows("POST /elections/{nominating}/manage/voters", OFFICIALS, {"person": "{person_phone}"}),
    row("POST /api/v1/elections/{nominating}/voters", OFFICIALS, json={"person_id": "{person}"}),
    row("POST /elections/{election}/manage/voters/{voter_3}/remove", OFFICIALS),
    row("DELETE /api/v1/elections/{election}/voters/{voter_4}", OFFICIALS),
    row("POST /elections/{election}/manage/voters/{voter_5}/excuse", OFFICIALS),
    row("POST /api/v1/elections/{election}/voters/{voter_5}/excuse", OFFICIALS),
    row("POST /elections/{nominating}/manage/objections/{objection}", OFFICIALS,
        form={"answer": "已核实", "outcome": "rejected"}),
    row("POST /api/v1/elections/{nominating}/objections/{objection}/answer", OFFICIALS,
        json={"answer": "已核实", "outcome": "rejected"}),
    *lookup_rows("POST /elections/{nominating}/manage/nominations", OFFICIALS, {"person": "{voter_phone}"}),
    *lookup_rows("POST /elections/{nominating}/manage/candidates", OFFICIALS, {"person": "{voter_phone}"}),
    row("POST /api/v1/elections/{nominating}/candidates", OFFICIALS, json={"person_id": "{voter}"}),
    row("POST /elections/{election}/manage/candidates/{candidate}/remove", OFFICIALS),
    # A candidate's introduction: the committee writes it (until voting opens: 400/422 for {election} after).
    row("GET /elections/{election}/manage/candidates/{candidate}/introduction", OFFICIALS),
    row("POST /elections/{election}/manage/candidates/{candidate}/introduction", OFFICIALS,
        form={"occupation": "厨师"}),
    row("PATCH /api/v1/elections/{election}/candidates/{candidate}", OFFICIALS, json={"occupation": "厨师"}),
    row("POST /api/v1/elections/{election}/kinship", OFFICIALS,
        json={"person_id": "{person}", "relative_id": "{voter}"}),
    *lookup_rows("POST /elections/{election}/manage/proxies", OFFICIALS,
                 {"principal": "{voter_phone}", "proxy": "{resident_phone}"}),
    row("POST /api/v1/elections/{election}/proxies", OFFICIALS,
        json={"principal_id": "{voter}", "proxy_id": "{resident}"}),
    *lookup_rows("POST /elections/{election}/manage/paper-issued", OFFICIALS, {"person": "{voter_phone}"}),
    row("POST /api/v1/elections/{election}/paper-participation", OFFICIALS, json={"person_id": "{voter}"}),
    row("POST /elections/{published}/recalls/{recall}/result", OVER_A, form={"votes_cast": "1", "votes_for": "5"}),
    row("POST /elections/{published}/recalls/{recall}/vote", OVER_A),
    row("POST /api/v1/elections/{published}/recalls/{recall}/vote", OVER_A,
        json={"closes_at": "2030-01-01T18:00:00+08:00"}),
    row("POST /api/v1/elections/{published}/recalls/{recall}/result", OVER_A,
        json={"votes_cast": 1, "votes_for": 5}),
    # Appointing officials: administrators over the community, not the committee itself.
    *lookup_rows("POST /elections/{election}/manage/officials", OVER_A,
                 {"person": "{person_phone}", "role": "counter"}),
    row("POST /api/v1/elections/{election}/officials", OVER_A, json={"person_id": "{person}", "role": "counter"}),
    # Removing one: the form without "confirmed" answers with the confirmation step, changing nothing.
    row("POST /elections/{election}/manage/officials/{committee}/remove", OVER_A, form={"role": "election_committee"}),
    # Paper ballots: counters type sheets in, the committee settles differences; both may see the sheets.
    row("GET /elections/{election}/paper", OFFICIALS | {"counter"}),
    # The sealed ballots' key: each supervisor (committee member or counter when the round opened) sees their
    # own share once; whoever holds none is told there is nothing to show (404). The count page opens them.
    row("GET /elections/{election}/ballot-key/share", SUPERVISORS, hide=True),
    row("POST /elections/{election}/ballot-key/share", SUPERVISORS, hide=True),
    row("POST /api/v1/elections/{election}/ballot-key/my-share", SUPERVISORS, hide=True),
    row("GET /api/v1/elections/{election}/ballot-key", OFFICIALS | {"counter"}),
    row("GET /elections/{election}/ballot-key/open", OFFICIALS | {"counter"}),
    row("POST /elections/{election}/ballot-key/open", OFFICIALS | {"counter"}, form={"share_0": "x"}),
    row("POST /api/v1/elections/{election}/ballot-key/open", OFFICIALS | {"counter"}, json={"shares": ["x"]}),
    row("GET /api/v1/elections/{election}/paper-ballots", OFFICIALS | {"counter"}),
    row("POST /elections/{election}/paper", {"counter", "platform_admin"}, form={"sheet_no": "1"}),
    row("POST /api/v1/elections/{election}/paper-ballots", {"counter", "platform_admin"}, json={"sheet_no": 1}),
    row("POST /elections/{election}/paper", OFFICIALS, form={"sheet_no": "1", "resolve": "1"}),
    row("POST /api/v1/elections/{election}/paper-ballots/resolve", OFFICIALS, json={"sheet_no": 1}),
]
