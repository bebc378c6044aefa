"""Every /api/v1 route declares its access, and answers JSON: 401 without a token where one is
needed, 403 for a token whose account lacks the role (the API's own matrix, as
tests/test_access.py is for the pages)."""

import pytest

from tests.test_access import method_of, sample_url
from venture.auth.enums import Role


def api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]


def test_every_api_route_declares_access(app):
    undeclared = [
        r.rule for r in api_rules(app) if not hasattr(app.view_functions[r.endpoint], "access")
    ]
    assert undeclared == []


def test_anonymous_gets_401_json_on_every_token_route(app, client):
    checked = 0
    for rule in api_rules(app):
        if app.view_functions[rule.endpoint].access[0] != "token":
            continue
        response = client.open(sample_url(rule), method=method_of(rule))
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            401,
            "token_required",
        ), rule.rule
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", list(Role))
def test_token_without_the_role_gets_403_json(app, api, make, token_for, role):
    token = token_for(make.user(role, organization=make.org() if role == Role.APPLICANT else None))
    checked = 0
    for rule in api_rules(app):
        access = app.view_functions[rule.endpoint].access
        if access[0] != "token" or len(access) == 1 or role.value in access:
            continue
        response = api.open(method_of(rule), sample_url(rule), token)
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            403,
            "forbidden",
        ), (role, rule.rule)
        checked += 1
    assert checked > 0 or role == Role.STAFF


def test_errors_are_json_never_html(api):
    answers = [
        api.get("/api/v1/nowhere"),
        api.open("DELETE", "/api/v1/calls"),
        api.get("/api/v1/calls?per_page=101"),
        api.get("/api/v1/calls/99999999999"),
        api.post("/api/v1/applications", "vnt_x", data="{", content_type="application/json"),
    ]
    assert [(r.status_code, r.mimetype, r.get_json()["error"]["code"]) for r in answers] == [
        (404, "application/json", "not_found"),
        (405, "application/json", "method_not_allowed"),
        (400, "application/json", "invalid_parameter"),
        (404, "application/json", "not_found"),
        (401, "application/json", "invalid_token"),
    ]


def test_bad_bodies_are_4xx_with_a_code(api, make, token_for):
    token = token_for(make.member())
    answers = [
        api.post("/api/v1/applications", token, data="{", content_type="application/json"),
        api.post("/api/v1/applications", token, data="x", content_type="text/plain"),
        api.post("/api/v1/applications", token, json={"call_id": "one"}),
        api.post("/api/v1/applications", token, json={"call_id": 1, "title": "a\u0000b"}),
        api.post("/api/v1/applications", token, json={"call_id": 1, "colour": "red"}),
    ]
    assert [(r.status_code, r.get_json()["error"]["code"]) for r in answers] == [
        (400, "invalid_json"),
        (415, "unsupported_media_type"),
        (422, "invalid_body"),
        (422, "invalid_body"),
        (422, "invalid_body"),
    ]
    assert answers[2].get_json()["error"]["field"] == "/call_id"
