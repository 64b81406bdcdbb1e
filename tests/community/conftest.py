"""Fixtures shared by the people, import/export and API tests of this folder.

The helper modules (people_support, import_support, api_support) are plain modules; their asserts are rewritten
like those of the tests, so a failing helper check reports its values.
"""
from __future__ import annotations

import pytest

pytest.register_assert_rewrite("tests.community.api_support", "tests.community.import_support",
                               "tests.community.people_support")

from tests.factories import make_admin, make_grid, token_for  # noqa: E402


@pytest.fixture
def admin(request, places):
    """The administrator the people and import tests act as.

    The community admin of 东门社区, unless the test module sets ``ADMIN_SCOPE = "platform"`` (the import tests,
    whose files write into both communities): then a platform administrator.
    """
    if getattr(request.module, "ADMIN_SCOPE", "community") == "platform":
        return make_admin()
    return make_admin("community_admin", ("community", places["east"].id))


@pytest.fixture
def grid(places):
    return make_grid(places["east"], "第一网格")


@pytest.fixture
def platform(client, places):
    """A platform administrator and their API headers."""
    admin = make_admin()
    return admin, token_for(client, admin)


@pytest.fixture
def east_admin(client, places):
    """The community admin of 东门社区 and their API headers."""
    admin = make_admin("community_admin", ("community", places["east"].id))
    return admin, token_for(client, admin)
