"""Issue #9: the downloadable import template's example row imports as it is, for whoever downloads it."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.community.import_support import confirm_token, upload
from tests.factories import login, make_admin, make_person


@pytest.mark.parametrize("who", ["platform", "community"])
def test_the_template_uploaded_unchanged_passes_the_check(client, places, who):
    if who == "platform":
        admin = make_admin()
    else:  # a community administrator of the second community: the example names a community they manage
        admin = make_admin("community_admin", ("community", places["west"].id), places["west"])
    make_person(places["east"], phone="13800000100")  # the first example number is taken: the next is used
    login(client, admin)
    template = client.get("/admin/people/template.xlsx")
    assert template.status_code == 200
    page = upload(client, template.data).get_data(as_text=True)
    assert confirm_token(page), page[page.find("<main"):][:3000]  # no bad row: the confirm button is offered
    sheet = load_workbook(io.BytesIO(template.data)).active
    example = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert example["手机号"] != "13800000100"
    if who == "community":
        assert example["社区"].endswith("/" + places["west"].name)
