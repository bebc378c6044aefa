"""Hostile integers, generated from the URL map: every route, every integer path argument,
every integer query parameter the code reads and every integer form field of the forms, each
given ², ٣, --1, -1, 2^63, 10^30 and CR/LF, asked by the roles the access table lets in (and by
an outsider). No answer is a 5xx. A route added later is covered without a new line here.

Sampling keeps it to a few thousand requests: per route and per hostile value, one request
with the integer path arguments set to the value, and one with every integer query parameter
(and, for a POST, every integer form field) set to it; the asking role rotates with the value.
"""

import re
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, request
from flask_wtf import FlaskForm
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.access_table import API_TABLE, WEB_TABLE
from tests.access_world import API_CASES, WEB_CASES, build
from tests.test_access_matrix import (
    DEFAULT_ARGS,
    ask,
    endpoint_of,
    is_api,
    method_of,
    parse_row,
    signed_in_cookies,
    uncommitted,
)
from venture import create_app
from venture.api.views import api as api_registry
from venture.core.access import public
from venture.core.integers import RecordIdConverter, WholeNumberField

INTEGER_CONVERTERS = (RecordIdConverter, IntegerConverter)
HOSTILE = ("²", "٣", "--1", "-1", str(2**63), str(10**30), "1\r\n2")
SOURCE = Path(__file__).resolve().parent.parent / "venture"
# the names the views read from the query string or the form as numbers, or at all
READ_NAME = re.compile(
    r"""(?:args\.get(?:list)?|form\.get(?:list)?|number|_int_or_none)\(\s*["']([a-z_]+)["']"""
)


def names_read_by_the_code():
    """Every query and form name the views read (read by name from the source, so a new one
    is picked up without a change here), and every integer parameter of the API."""
    names = {"page", "id", "per_page"}
    for path in SOURCE.rglob("*.py"):
        names |= set(READ_NAME.findall(path.read_text(encoding="utf-8")))
    for operation in api_registry.operations:
        names |= {p.name for p in operation.query if p.kind == "integer"}
    return names


def integer_form_fields():
    """Names of every whole-number and id-choice field of every form class of the app."""
    names, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending += form.__subclasses__()
        for name in dir(form):
            unbound = getattr(form, name, None)
            field_class = getattr(unbound, "field_class", None)
            if field_class is None:
                continue
            coerce = getattr(unbound, "kwargs", {}).get("coerce")
            if issubclass(field_class, WholeNumberField) or coerce is not None:
                names.add(name)
    return names


def allowed_cases(text, cases):
    codes, args = parse_row(text, cases)
    allowed = [case for case, code in zip(cases, codes, strict=True) if code == "+"]
    return allowed or [cases[1]], args


def build_url(rule, args, ids, hostile=None):
    """The route's URL for the world's records; integer arguments set to hostile when given."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = args.get(name) or sorted(converter.items)[0]
            continue
        world_name = args.get(name) or DEFAULT_ARGS.get(name)
        values[name] = ids.get(world_name, world_name) if world_name else "1"
    url = rule.build(values)[1]
    if hostile is None:
        return url
    # rebuild with a placeholder per integer argument, then put the raw text in
    marked = dict(values)
    for name, converter in rule._converters.items():
        if isinstance(converter, INTEGER_CONVERTERS):
            marked[name] = 999999937
    url = rule.build(marked)[1]
    return url.replace("999999937", quote(hostile, safe=""))


def test_hostile_integers_never_answer_5xx(app):
    failures, asked, routes = hostile_failures(app)
    assert sorted(set(failures)) == []
    assert asked >= routes * len(HOSTILE)


def hostile_failures(app, web_table=WEB_TABLE, only=None):
    """(failures, requests made, routes asked) for every route of app's URL map (or the
    endpoints in only)."""
    query_names = names_read_by_the_code()
    form_names = integer_form_fields() | query_names
    rules = {
        r.endpoint: r
        for r in app.url_map.iter_rules()
        if r.endpoint != "static" and (only is None or r.endpoint in only)
    }
    failures, asked = [], 0
    with uncommitted(app) as connection:
        people, ids = build()
        cookies = {case: signed_in_cookies(app, p) if p else None for case, p in people.items()}
        for endpoint, rule in sorted(rules.items()):
            api = is_api(rule)
            table, cases = (API_TABLE, API_CASES) if api else (web_table, WEB_CASES)
            rows = [text for key, text in table.items() if endpoint_of(key) == endpoint]
            assert rows, f"{endpoint}: not in the access table"
            allowed, args = allowed_cases(rows[0], cases)
            method = method_of(rule)
            has_int = any(isinstance(c, INTEGER_CONVERTERS) for c in rule._converters.values())
            for n, value in enumerate(HOSTILE):
                case = allowed[n % len(allowed)]
                if api:
                    token = ids.get(case)
                    jar, headers = None, {"Authorization": f"Bearer {token}"} if token else {}
                else:
                    jar, headers = cookies[case], {}
                requests = []
                if has_int:
                    requests.append((build_url(rule, args, ids, value), None))
                query = "&".join(f"{name}={quote(value, safe='')}" for name in sorted(query_names))
                base = build_url(rule, args, ids)
                form = dict.fromkeys(form_names, value) if method == "POST" else None
                requests.append((f"{base}{'&' if '?' in base else '?'}{query}", form))
                for url, data in requests:
                    asked += 1
                    try:
                        response = ask_with(app, connection, jar, method, url, headers, data)
                    except Exception as error:  # the test app propagates what would be a 500
                        failures.append(f"{method} {url[:90]!r} as {case}: {error!r}"[:300])
                        continue
                    if response.status_code >= 500:
                        failures.append(f"{method} {url[:90]!r} as {case}: {response.status_code}")
    return failures, asked, len(rules)


def test_a_route_added_later_is_covered_without_a_new_line(app):
    """A new route that reads ?page= with int() is caught: nothing here names it."""
    fresh = create_app({**app.config, "TESTING": True})
    probe = Blueprint("probe", __name__)

    @probe.route("/probe/<int:project_id>")
    @public
    def peek(project_id):
        return f"project {project_id} page {int(request.args.get('page', '1'))}"

    fresh.register_blueprint(probe)
    fresh.test_client_class = app.test_client_class
    row = "+  +  +  +  +  +  +  +  +  +  +  +  +"
    with fresh.app_context(), fresh.test_request_context():
        failures, asked, routes = hostile_failures(
            fresh, web_table={**WEB_TABLE, "probe.peek": row}, only={"probe.peek"}
        )
    assert (routes, asked) == (1, 2 * len(HOSTILE))
    # ², --1 and CR/LF in ?page= reach int(): each answer a 500, each found
    assert ["ValueError(" in failure for failure in failures] == [True] * 3, failures


def ask_with(app, connection, jar, method, url, headers, form):
    """ask() with a form body of hostile values for a POST (JSON for the API)."""
    if form is None or method != "POST":
        return ask(app, connection, jar, method, url, headers)
    from venture.extensions import db

    db.session.remove()
    savepoint = connection.begin_nested()
    try:
        client = app.test_client()
        client._cookies = dict(jar or {})
        if url.startswith("/api/"):
            response = client.open(url, method=method, headers=headers, json=form)
        else:
            response = client.open(url, method=method, headers=headers, data=form)
        response.get_data()
        response.close()
        return response
    finally:
        db.session.remove()
        savepoint.rollback()
