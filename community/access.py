"""Who may call each route of the civic core: rows of the access matrix (tests/community/test_access_matrix.py).

A row names one route as "METHOD /path", with `{placeholders}` for the objects of the test's world
(see IDENTITIES and the world in the test), and says which identities are allowed. Every other
signed-in identity is refused with 403, or 404 where the row hides the object from it (`hide`);
anonymous visitors are sent to the login page (pages) or get 401 (API), unless the row is `public`.
Allowed means any answer but 401/403/404/500 and a redirect to the login page: a 400/409/422 for the
row's minimal body is fine, the point is the authorisation answer, not the business outcome.

Each package keeps its own `ACCESS_ROWS` beside its routes (e.g. community/elections/access.py); the test
collects them all and fails for any route of `app.url_map` without a row.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The identities every row speaks about. The world the test builds:
#   street_1 with communities A and B, street_2 with community C;
#   "resident"           a resident of A (on the roll of A's elections)
#   "admin_a"/"admin_b"  community administrators of A / of B (same street)
#   "street_admin"       street administrator of street_1 (lives in A)
#   "other_street_admin" street administrator of street_2 (lives in C)
#   "platform_admin"     platform administrator
#   "committee"/"counter" election committee member / counter of the elections in A
#   "other_committee"    committee member of an election in C (the other street)
#   "secretary"          secretary of {branch}, a branch of street 1 (lives in no community)
#   "other_secretary"    secretary of another branch of street 1 (lives in no community)
#   "liaison"            liaison of the home-side organisation of {branch_member} (lives in no community)
#   "scorer"             scorer of {organisation}, a scoring organisation of A (volunteers; lives in no community)
#   "other_scorer"       scorer of another scoring organisation of A (volunteers; lives in no community)
#   "organiser"          activity organiser in community A (volunteers; lives in no community)
#   "mediator"           a mediator (调解员) of A (tests/community/discussions/mediation_world.py)
ANONYMOUS = "anonymous"
SIGNED_IN = frozenset({"resident", "admin_a", "admin_b", "street_admin", "other_street_admin", "platform_admin",
                       "committee", "counter", "other_committee", "secretary", "other_secretary", "liaison",
                       "discussion_member", "scorer", "other_scorer", "organiser", "mediator"})
IDENTITIES = (ANONYMOUS, *sorted(SIGNED_IN))
ADMINS = frozenset({"admin_a", "admin_b", "street_admin", "other_street_admin", "platform_admin"})
OVER_A = frozenset({"admin_a", "street_admin", "platform_admin"})  # administer community A
OVER_STREET_1 = frozenset({"street_admin", "platform_admin"})
PLATFORM = frozenset({"platform_admin"})


@dataclass(frozen=True)
class Row:
    """One route and who may call it. Build rows with `row(...)`."""

    route: str                                  # "METHOD /path/{placeholder}"
    allow: frozenset = frozenset()              # identities that must get through
    hide: frozenset = frozenset()               # refused identities that must get 404, not 403
    form: dict | None = None                    # a page form's body
    json: dict | None = None                    # an API body
    public: str = ""                            # why anonymous visitors may call it too
    xfail_reason: str = ""                      # a known hole fixed elsewhere: strict expected failure
    xfail_for: frozenset = frozenset()          # the identities the hole concerns
    note: str = field(default="", compare=False)

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.route.split(" ", 1)[1]

    def expected(self, identity: str) -> str:
        """"allowed", "login" (anonymous), "forbidden" (403) or "hidden" (404)."""
        if self.public or identity in self.allow:
            return "allowed"
        if identity == ANONYMOUS:
            return "login"
        return "hidden" if identity in self.hide else "forbidden"


def row(route: str, allow=(), *, hide=(), form=None, json=None, public: str = "", xfail_reason: str = "",
        xfail_for=(), note: str = "") -> Row:
    """A row of the access matrix; `hide=True` hides the object from every refused identity."""
    allow = frozenset(SIGNED_IN if public else allow)
    hide = (SIGNED_IN - allow) if hide is True else frozenset(hide)
    return Row(route, allow, hide, form, json, public, xfail_reason, frozenset(xfail_for), note)


ACCESS_ROWS = [
    # Public: no account needed.
    row("GET /healthz", public="load balancers probe it"),
    row("GET /login", public="the sign-in page"),
    row("POST /login", public="signing in"),
    row("POST /logout", public="signing out is harmless when signed out"),
    row("POST /language/en", public="the language switch on the sign-in page"),
    row("POST /api/v1/auth/token", public="exchanging phone and password for a token"),
    row("GET /api/v1/openapi.json", public="the API's description holds no data"),
    # Everyone signed in: their own things, and place names.
    row("GET /", public="the home page; visitors get the sign-in form there, without a redirect"),
    row("GET /password", SIGNED_IN),
    row("POST /password", SIGNED_IN),
    row("POST /api/v1/me/password", SIGNED_IN),
    row("GET /me", SIGNED_IN),
    row("GET /me/data.json", SIGNED_IN),
    row("GET /admin/people/template.xlsx", SIGNED_IN, note="an empty workbook"),
    row("DELETE /api/v1/auth/token", SIGNED_IN),
    row("GET /api/v1/me", SIGNED_IN),
    row("GET /api/v1/catalogue", SIGNED_IN),
    row("GET /api/v1/streets", SIGNED_IN),
    row("GET /api/v1/streets/{street_1}", SIGNED_IN),
    row("GET /api/v1/communities", SIGNED_IN),
    row("GET /api/v1/communities/{community_a}", SIGNED_IN),
    row("GET /api/v1/roles", SIGNED_IN, note="one's own grants and those in scopes one administers"),
    # Places.
    row("GET /admin/places/", ADMINS),
    row("POST /admin/places/streets", PLATFORM, form={"name": "新街道", "county": "象山县"}),
    row("POST /api/v1/streets", PLATFORM, json={"name": "新街道", "county": "象山县"}),
    row("POST /admin/places/streets/{street_1}/communities", OVER_STREET_1, form={"name": "新社区"}),
    row("POST /api/v1/communities", OVER_STREET_1, json={"name": "新社区", "street_id": "{street_1}"}),
    row("POST /admin/places/communities/{community_a}/grids", OVER_A, form={"name": "新网格"}),
    # People: lists for any administrator (filtered to their scopes), a record for those over its community.
    row("GET /admin/people/", ADMINS),
    row("GET /api/v1/people", ADMINS),
    # The person picker's search: whoever may do a picking action in the scope (here person.list in A).
    row("GET /api/v1/people/picker?scope_type=community&scope_id={community_a}&action=person.list&q=居民", OVER_A),
    row("GET /admin/people/new", ADMINS),
    row("POST /admin/people/new", ADMINS),
    row("POST /api/v1/people", OVER_A, json={"name": "新居民", "phone": "13900000001", "community_id": "{community_a}",
                                             "hukou_place": "浙江省宁波市象山县"}),
    row("GET /admin/people/{person}", OVER_A),
    row("GET /api/v1/people/{person}", OVER_A),
    row("GET /admin/people/{person}/edit", OVER_A),
    row("POST /admin/people/{person}/edit", OVER_A),
    row("PATCH /api/v1/people/{person}", OVER_A, json={}),
    row("POST /admin/people/{person}/id-number", OVER_A),
    row("POST /admin/people/{spare}/password", OVER_A),
    row("POST /api/v1/people/{spare}/password", OVER_A),
    row("POST /admin/people/{spare}/active", OVER_A),
    # A community administrator may not edit or reset someone holding a wider role (the street administrator
    # lives in community A).
    row("POST /admin/people/{street_admin}/edit", OVER_STREET_1),
    row("PATCH /api/v1/people/{street_admin}", OVER_STREET_1, json={}),
    row("POST /admin/people/{street_admin}/password", OVER_STREET_1),
    row("POST /api/v1/people/{street_admin}/password", OVER_STREET_1),
    row("POST /admin/people/export", ADMINS),
    row("GET /admin/people/import", ADMINS),
    row("POST /admin/people/import", ADMINS),
    row("POST /admin/people/import/expired-token", ADMINS),
    # Background jobs belong to whoever started them (admin_a started the world's export); nobody else learns
    # that they exist.
    row("GET /jobs/{job}", {"admin_a"}, hide=True),
    row("GET /jobs/{job}.json", {"admin_a"}, hide=True),
    row("GET /jobs/{job}/download", {"admin_a"}, hide=True),
    # The world's job is an export, not the check of an upload: those who may import are told there is no
    # such check (404), the others may not import at all (403).
    row("GET /admin/people/import/check/{job}", (), hide=ADMINS),
    # Roles.
    row("GET /admin/roles/", ADMINS),
    row("POST /admin/roles/person/{person}", OVER_A,
        form={"role": "discussion_member", "scope": "community:{community_a}"}),
    # By name on the roles page: every administrator passes the permission (each searches their own area;
    # the person of A is simply not found in B's), others are refused before any lookup.
    row("POST /admin/roles/", ADMINS, form={"person_id": "{person}", "person": "", "role": "discussion_member",
                                            "scope": "community:{community_a}"}),
    row("POST /api/v1/roles", OVER_A, json={"person_id": "{person}", "role": "discussion_member",
                                            "scope_type": "community", "scope_id": "{community_a}"}),
    row("POST /admin/roles/{spare_grant}/revoke", OVER_A),
    row("DELETE /api/v1/roles/{spare_grant_2}", OVER_A),
    # The audit log spans every street.
    row("GET /admin/audit/", PLATFORM),
]
