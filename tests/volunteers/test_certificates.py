"""Certificates: asked for by the volunteer, made on the task queue as a Chinese PDF with the fields and a QR
code, verified on a public page by an unguessable code that shows only what the certificate states."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import db
from community.background import Job
from community.errors import DomainError, Forbidden, NotFound
from tests.branches.pdf_text import pdf_text
from tests.factories import login
from tests.volunteers.uses_world import credit, small_world
from volunteers import certificates as C


@pytest.fixture
def w():
    world = small_world()
    world["ann"].set_id_number("33022519900101123X")
    db.session.commit()
    credit(world["ann"], 300, hours="52.5", category="volunteer_service")
    credit(world["ann"], 20, hours=8, category="waste_sorting")
    return world


def test_asked_for_it_is_made_on_the_task_queue_with_every_field(w):
    certificate = C.request_certificate(w["ann"], w["ann"])
    job = db.session.scalar(select(Job).where(Job.kind == C.TASK))
    assert job is not None and job.owner_id == w["ann"].id  # made by the queue, not in the request
    db.session.expire_all()
    assert certificate.state == "ready" and certificate.pdf.startswith(b"%PDF")
    text = pdf_text(certificate.pdf)
    for part in ("志愿服务证明", "安娜", certificate.id_masked, "60.5", "志愿服务52.5小时", "垃圾分类8小时",
                 "爵溪街道志愿服务中心", "东门社区居民委员会", certificate.number, "/verify/" + certificate.token):
        assert part and part in text, part
    assert "1234" not in certificate.id_masked  # the ID number masked, every digit
    assert len(certificate.token) >= 22 and certificate.number.startswith("ZYFW")


def test_without_hours_there_is_nothing_to_certify(w):
    with pytest.raises(DomainError) as refused:
        C.request_certificate(w["bob"], w["bob"])
    assert refused.value.code == "no_hours"


def test_only_the_volunteer_asks_and_others_do_not_see_it(w):
    with pytest.raises(Forbidden):
        C.request_certificate(w["bob"], w["ann"])
    db.session.rollback()
    certificate = C.request_certificate(w["ann"], w["ann"])
    with pytest.raises(NotFound):
        C.get_certificate(w["bob"], certificate.id)
    assert C.get_certificate(w["admin_a"], certificate.id) is certificate  # her community's administrator


def test_the_verification_page_confirms_a_genuine_certificate_and_warns_of_a_forged_one(w, client):
    certificate = C.request_certificate(w["ann"], w["ann"])
    page = client.get(f"/verify/{certificate.token}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and certificate.number in body and "安娜" in body and "60.5" in body
    assert w["ann"].phone not in body  # only what the certificate states
    forged = client.get("/verify/" + "x" * 22)
    assert forged.status_code == 404 and certificate.number not in forged.get_data(as_text=True)
    api = client.get(f"/api/v1/certificates/verify/{certificate.token}").get_json()
    assert api["number"] == certificate.number and api["hours"] == "60.50" and "phone" not in api


def test_my_certificates_page_asks_and_downloads(w, client):
    login(client, w["ann"])
    asked = client.post("/volunteers/certificates/", follow_redirects=True)
    assert asked.status_code == 200
    certificate = db.session.scalar(select(C.Certificate))
    assert certificate.number in asked.get_data(as_text=True)
    pdf = client.get(f"/volunteers/certificates/{certificate.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    client.post("/logout")
    login(client, w["bob"])
    assert client.get(f"/volunteers/certificates/{certificate.id}.pdf").status_code == 404
    refused = client.post("/volunteers/certificates/")
    assert refused.status_code == 422
