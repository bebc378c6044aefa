"""Every route declares who may use it; roles are enforced before anything is loaded."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from venture.auth.enums import Role


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def sample_url(rule):
    """The rule's URL with a placeholder for each argument."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    return rule.build(values)[1]


def method_of(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def test_every_route_declares_access(app):
    undeclared = [
        rule.rule
        for rule in routes(app)
        if not hasattr(app.view_functions[rule.endpoint], "access")
    ]
    assert undeclared == []


def test_an_undeclared_route_is_caught(app):
    from flask import Flask

    probe = Flask("probe")

    @probe.route("/open")
    def unguarded():
        return "oops"

    assert not hasattr(probe.view_functions["unguarded"], "access")


def declared(app, rule):
    return app.view_functions[rule.endpoint].access


def test_anonymous_is_sent_to_login_on_every_private_route(app, client):
    for rule in routes(app):
        if declared(app, rule) == ("public",) or declared(app, rule)[0] == "token":
            continue  # token routes (the API) answer 401: tests/api/test_api_access.py
        response = client.open(sample_url(rule), method=method_of(rule))
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/login"), rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_role_without_right_gets_403_on_every_route(app, client, make, login, role):
    """For each role, every route declared for other roles answers 403."""
    login(make.user(role, organization=make.org() if role == Role.APPLICANT else None))
    checked = 0
    for rule in routes(app):
        access = declared(app, rule)
        if access in (("public",), ("signed_in",)) or role.value in access or access[0] == "token":
            continue
        response = client.open(sample_url(rule), method=method_of(rule))
        assert response.status_code == 403, (role, rule.rule, response.status_code)
        checked += 1
    assert checked > 0


def test_applicant_cannot_open_staff_or_admin_pages(client, make, login):
    login(make.member())
    for url in ("/admin/users", "/admin/reference", "/admin/audit", "/staff/orgs"):
        assert client.get(url).status_code == 403, url
