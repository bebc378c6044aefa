"""No GET (or HEAD) route changes the database, for any role, on empty and on demo data."""

import hashlib

import pytest
import sqlalchemy as sa

from tests.test_access import routes, sample_url
from venture.auth.enums import Role
from venture.demo import DEMO_PASSWORD, load_demo
from venture.extensions import db

# Tables a GET may write to, with the reason. Keep this list short and explained.
ALLOWED_GET_WRITES = {
    # a 403 is recorded (actor, path, method, time) so administrators can see probing
    "access_denied": "permission failures are recorded (ASVS 7.2)",
    # a figure computed from many rows is kept a few minutes for every worker (core/cache.py);
    # a cache, not data: dropping it changes nothing a person sees after the next read
    "cached_figure": "dashboard figures cached across workers",
}


def fingerprint():
    """A hash of every row of every table, table by table."""
    db.session.expire_all()
    prints = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in ALLOWED_GET_WRITES:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            for row in connection.execute(sa.select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
            prints[table.name] = digest.hexdigest()
    return prints


def get_rules(app):
    return [rule for rule in routes(app) if "GET" in rule.methods]


def url_with_id(rule, number):
    """The rule's URL with every integer argument set to `number`."""
    from werkzeug.routing import IntegerConverter

    values = {}
    for name, converter in rule._converters.items():
        if not isinstance(converter, IntegerConverter):
            return None
        values[name] = number
    return rule.build(values)[1] if values else None


def changed_tables(before, after):
    return sorted(name for name in before if before[name] != after[name])


def visit_all(app, client, urls):
    """GET every URL (HEAD runs the same view); returns [(url, tables changed)] for offenders."""
    before = fingerprint()
    answered = [client.get(url).status_code for url in urls]
    assert answered.count(200) > 0  # the walk reached real pages, not only refusals
    changed_overall = changed_tables(before, fingerprint())
    if changed_overall == []:
        return []
    # something changed: visit again one by one (slow) to name the routes
    offenders = []
    for url in urls:
        before = fingerprint()
        client.get(url)
        changed = changed_tables(before, fingerprint())
        if changed:
            offenders.append((url, changed))
    # a write only on the first visit (e.g. something generated lazily) shows up here
    return offenders or [("first visit of one of the URLs", changed_overall)]


@pytest.mark.parametrize("role", [None, *Role])
def test_get_routes_change_nothing_on_empty_database(app, client, make, login, role):
    if role is not None:
        login(make.user(role, organization=make.org() if role == Role.APPLICANT else None))
        db.session.commit()
    urls = [sample_url(rule) for rule in get_rules(app)]
    assert visit_all(app, client, urls) == []


DEMO_LOGINS = {
    Role.ADMIN: "admin@venture.example.com",
    Role.STAFF: "staff@venture.example.com",
    Role.FINANCE: "finance@venture.example.com",
    Role.EVALUATOR: "evaluator@venture.example.com",
    Role.APPLICANT: "applicant@venture.example.com",
    Role.COMMUNITY: "community@venture.example.com",
    Role.REVIEWER: "reviewer1@venture.example.com",
}


@pytest.mark.parametrize("role", [None, *Role])
def test_get_routes_change_nothing_on_demo_data(app, client, role):
    load_demo()
    db.session.commit()
    if role is not None:
        response = client.post(
            "/login", data={"email": DEMO_LOGINS[role], "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302
    urls = []
    for rule in get_rules(app):
        with_ids = [url_with_id(rule, number) for number in (1, 2)]
        urls += [url for url in with_ids if url] or [sample_url(rule)]
    assert visit_all(app, client, urls) == []


def test_fingerprint_sees_an_edit_that_keeps_row_counts(make):
    user = make.user(Role.STAFF)
    before = fingerprint()
    user.name = "改过的名字"
    db.session.commit()
    assert changed_tables(before, fingerprint()) == ["user"]
