"""One-time passwords through the API: on creation without a password, and by reset."""
from tests.factories import login, make_admin, make_person, token_for


def test_person_created_without_password_gets_a_one_time_password(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    headers = token_for(client, admin)
    body = client.post("/api/v1/people", headers=headers, json={
        "name": "李晓", "phone": "13912345678", "community_id": places["east"].id,
        "hukou_place": "贵州省毕节市"}).json
    assert body["one_time_password"]
    with_password = client.post("/api/v1/people", headers=headers, json={
        "name": "王芳", "phone": "13912345679", "community_id": places["east"].id,
        "hukou_place": "贵州省毕节市", "password": "given1234"}).json
    assert "one_time_password" not in with_password
    response = client.post("/login", data={"phone": "13912345678", "password": body["one_time_password"]})
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/password")  # must choose their own first


def test_reset_issues_a_working_one_time_password_and_revokes_tokens(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    person = make_person(places["east"])
    person_headers = token_for(client, person)
    headers = token_for(client, admin)
    response = client.post(f"/api/v1/people/{person.id}/password", headers=headers)
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=person_headers).status_code == 401
    assert login(client, person, response.json["one_time_password"]).status_code == 302


def test_reset_outside_scope_is_forbidden(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    stranger = make_person(places["west"])
    response = client.post(f"/api/v1/people/{stranger.id}/password", headers=token_for(client, admin))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert client.post("/api/v1/people/999999/password", headers=token_for(client, admin)).status_code == 404
