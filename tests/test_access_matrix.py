"""The access matrix: every route of the URL map, asked by every role and by owner and
outsider, answers what tests/access_table.py says; and no page, JSON or CSV shows
organization A's bank account to anyone but A and the staff, finance and admin desks.

One world is built (tests/access_world.py) inside a transaction that is never committed; each
request runs in a savepoint rolled back afterwards, so a POST that succeeds (an empty form is
enough for a button) changes nothing the next request sees.
"""

import json
import os
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from flask import Blueprint
from werkzeug.routing import AnyConverter

from tests import factories
from tests.access_table import API_TABLE, WEB_TABLE
from tests.access_world import API_CASES, WEB_CASES, build
from venture import create_app
from venture.core.access import signed_in
from venture.extensions import db
from venture.orgs.models import Organization

# who may read A's bank account; no page, JSON or CSV shows it to anyone else
BANK_READERS = {"A", "st", "fi", "ad", "tA", "tstaff", "tfin"}

LOGIN = "L"  # anonymous sent to the login page
ALLOWED = "+"  # 2xx/3xx for a GET; for a POST anything but a refusal (a form error is fine)
CODES = {401: "U", 403: "F", 404: "N"}

# URL arguments filled from the world when a row does not name them
DEFAULT_ARGS = {
    "user_id": "user",
    "announcement_id": "announcement",
    "file_id": "announcement_file",
    "objection_id": "objection",
    "override_id": "workday",
    "token_id": "api_token",
    "application_id": "application",
    "contract_id": "contract",
    "organization_id": "org",
    "org_id": "org",
    "award_id": "award",
    "need_id": "need",
    "activity_id": "activity",
    "project_id": "project",
    "photo_id": "photo",
    "change_id": "change",
    "report_id": "report",
    "document_id": "document",
    "evaluation_id": "evaluation",
    "notification_id": "notification",
    "installment_id": "installment",
    "job_id": "job",
    "tender_id": "tender",
    "bid_id": "bid",
    "designation_id": "designation",
    "expert_id": "expert",
    "tie_id": "tie",
    "sheet_id": "sheet",
    "assignment_id": "assignment",
    "call_id": "review_call",
    "roadshow_id": "roadshow",
    "item_id": "item",
}


def parse_row(text, cases):
    """'L + N … arg=name …' → ([codes per case], {arg: world name})."""
    words = text.split()
    codes = [w for w in words if "=" not in w]
    args = dict(w.split("=", 1) for w in words if "=" in w)
    assert len(codes) == len(cases), (text, len(codes), len(cases))
    return codes, args


def endpoint_of(key):
    """A row's key is the endpoint, optionally with a variant after '#'."""
    return key.split("#")[0].strip()


def is_api(rule):
    return rule.rule.startswith("/api/v1/")


def method_of(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def url_for_row(rule, args, ids):
    values = {}
    for name, converter in rule._converters.items():
        world_name = args.get(name) or DEFAULT_ARGS.get(name)
        if isinstance(converter, AnyConverter):
            values[name] = world_name or sorted(converter.items)[0]
        elif world_name is None:
            raise AssertionError(f"{rule.endpoint}: no world record for <{name}>")
        else:
            values[name] = ids.get(world_name, world_name)
    return rule.build(values)[1]


def outcome(response, method):
    """The table's code for a response."""
    status = response.status_code
    if status >= 500:
        return str(status)
    if status == 302 and response.headers["Location"].startswith("/login"):
        return LOGIN
    if status in CODES:
        return CODES[status]
    if method == "GET" and status not in (200, 302, 303):
        return str(status)
    return ALLOWED


class Borrowed:
    """The shared connection lent to code that asked the engine for its own; execution
    options (a streamed export's yield_per) apply to its statements only, since on a real
    Connection they would stay set for every request after."""

    def __init__(self, connection, options=None):
        self.connection, self.options = connection, options or {}

    def execution_options(self, **options):
        return Borrowed(self.connection, {**self.options, **options})

    def execute(self, statement, parameters=None, **kwargs):
        options = {**self.options, **kwargs.pop("execution_options", {})}
        return self.connection.execute(statement, parameters, execution_options=options, **kwargs)

    def __getattr__(self, name):
        return getattr(self.connection, name)


class EngineOnTheConnection:
    """What `db.engine` gives code that opens its own connection or short transaction (a
    cached figure, a streamed export): the shared connection, begin() being a savepoint, so
    it reads the world and nothing reaches the database."""

    def __init__(self, connection):
        self.connection = connection

    @contextmanager
    def begin(self):
        with self.connection.begin_nested():
            yield Borrowed(self.connection)

    @contextmanager
    def connect(self):
        yield Borrowed(self.connection)

    def __getattr__(self, name):
        return getattr(self.connection, name)


def readable(response):
    """The text a person reads in a page, JSON (its Chinese unescaped) or CSV; '' otherwise."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    if response.mimetype.startswith("text/"):
        return response.get_data(as_text=True)
    return ""


@contextmanager
def uncommitted(app):
    """The session works inside one outer transaction that is rolled back at the end; a
    commit in a view only releases a savepoint."""
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite would commit on the outermost RELEASE: drive the transaction ourselves
        connection.connection.driver_connection.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    engines = db.engines
    original = engines[None]
    db.session.remove()
    engines[None] = connection
    options = db.session.session_factory.kw
    mode = options.get("join_transaction_mode")
    db.session.configure(join_transaction_mode="create_savepoint")
    engine_property = patch.object(
        type(db), "engine", property(lambda _db: EngineOnTheConnection(connection))
    )
    try:
        with engine_property:
            yield connection
    finally:
        db.session.remove()
        if mode is None:
            options.pop("join_transaction_mode")
        else:
            db.session.configure(join_transaction_mode=mode)
        engines[None] = original
        outer.rollback()
        connection.invalidate()  # its driver settings were changed: never reuse it
        connection.close()


def signed_in_cookies(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302, user.email
    return dict(client._cookies)


def ask(app, connection, cookies, method, url, headers=None, body=None):
    """One request in a savepoint that is rolled back afterwards."""
    db.session.remove()  # the session's own savepoint must start inside ours
    savepoint = connection.begin_nested()
    try:
        client = app.test_client()
        client._cookies = dict(cookies or {})
        kwargs = {"headers": headers or {}}
        if body == "multipart":
            kwargs["data"] = {"label": ""}
            kwargs["content_type"] = "multipart/form-data"
        elif method in ("PATCH", "DELETE") or (method == "POST" and url.startswith("/api/v1/")):
            kwargs["json"] = {}
        response = client.open(url, method=method, **kwargs)
        response.get_data()  # a streamed body reads the database: before the rollback
        response.close()
        return response
    finally:
        db.session.remove()
        savepoint.rollback()


def run_matrix(app, web_table=WEB_TABLE, only=None):
    """Ask every row of both tables (or the rows keyed in only); returns (problems, observed
    rows, cells asked)."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    problems, observed, cells = [], {}, 0
    missing = sorted(
        endpoint
        for endpoint, rule in rules.items()
        if endpoint not in {endpoint_of(k) for k in (API_TABLE if is_api(rule) else web_table)}
    )
    problems += [f"{endpoint}: not in the access table" for endpoint in missing]
    stale = sorted(
        endpoint_of(k) for k in {**web_table, **API_TABLE} if endpoint_of(k) not in rules
    )
    problems += [f"{endpoint}: in the table but not a route" for endpoint in stale]
    with uncommitted(app) as connection:
        people, ids = build()
        web = {case: signed_in_cookies(app, p) if p else None for case, p in people.items()}
        for table, cases in ((web_table, WEB_CASES), (API_TABLE, API_CASES)):
            for key, text in table.items():
                rule = rules.get(endpoint_of(key))
                if rule is None or (only is not None and key not in only):
                    continue
                expected, args = parse_row(text, cases)
                method = method_of(rule)
                url = url_for_row(rule, args, ids)
                got = []
                for case in cases:
                    if table is API_TABLE:
                        token = ids.get(case)
                        headers = {"Authorization": f"Bearer {token}"} if token else {}
                        response = ask(
                            app, connection, None, method, url, headers, args.get("body")
                        )
                    else:
                        response = ask(app, connection, web[case], method, url)
                    got.append(outcome(response, method))
                    cells += 1
                    if case not in BANK_READERS and ids["bank_account"] in readable(response):
                        problems.append(f"{key} {url}: A's bank account shown to {case}")
                observed[key] = " ".join(got) + "".join(f" {k}={v}" for k, v in args.items())
                if got != expected:
                    wrong = [
                        f"{case} expected {e} got {g}"
                        for case, e, g in zip(cases, expected, got, strict=True)
                        if e != g
                    ]
                    problems.append(f"{key} {method} {url}: {', '.join(wrong)}")
    return problems, observed, cells


def test_every_route_answers_every_case_as_the_table_says(app):
    problems, observed, cells = run_matrix(app)
    if os.environ.get("ACCESS_MATRIX_RECORD"):
        with open(os.environ["ACCESS_MATRIX_RECORD"], "w") as out:
            for key, row in observed.items():
                out.write(f'    "{key}": "{row}",\n')
    assert problems == []
    assert cells == len(WEB_TABLE) * len(WEB_CASES) + len(API_TABLE) * len(API_CASES)


@pytest.fixture
def app_with_unguarded_route(app):
    """A fresh app from the factory with a route that declares no access rule, and one that
    declares it but shows a bank account to every signed-in person."""
    fresh = create_app({**app.config, "TESTING": True})
    probe = Blueprint("probe", __name__)

    @probe.route("/probe/<int:project_id>")
    def peek(project_id):
        return f"project {project_id}"

    @probe.route("/probe/orgs/<int:org_id>/bank")
    @signed_in
    def bank(org_id):
        """Guarded, but shows a field nobody outside the organization and the desks may see."""
        return db.session.get(Organization, org_id).bank_account

    fresh.register_blueprint(probe)
    fresh.test_client_class = app.test_client_class
    return fresh


def test_a_route_without_an_entry_fails_the_matrix(app_with_unguarded_route):
    fresh = app_with_unguarded_route
    with fresh.app_context(), fresh.test_request_context():
        problems, _observed, cells = run_matrix(fresh, only=set())
    about_probe = [p for p in problems if p.startswith("probe.peek")]
    assert (about_probe, cells) == (["probe.peek: not in the access table"], 0)


def test_an_unguarded_route_fails_the_row_it_should_meet(app_with_unguarded_route):
    """Given the row of a staff page about A's project, the unguarded route is caught."""
    fresh = app_with_unguarded_route
    row = "L  F  F  +  F  F  F  F  F  F  F  F  F"
    with fresh.app_context(), fresh.test_request_context():
        problems, _observed, cells = run_matrix(
            fresh, web_table={**WEB_TABLE, "probe.peek": row}, only={"probe.peek"}
        )
    about_probe = [p for p in problems if p.startswith("probe.peek")]
    url = about_probe[0].split()[2].rstrip(":")
    assert url.startswith("/probe/")
    assert about_probe == [
        f"probe.peek GET {url}: an expected L got +, A expected F got +, "
        "B expected F got +, fi expected F got +, rv expected F got +, rx expected F got +, "
        "rc expected F got +, ev expected F got +, ex expected F got +, cm expected F got +, "
        "cx expected F got +, ad expected F got +"
    ]
    assert cells == len(WEB_CASES)


def test_a_bank_account_shown_to_outsiders_fails_the_matrix(app_with_unguarded_route):
    fresh = app_with_unguarded_route
    row = "L  +  +  +  +  +  +  +  +  +  +  +  +"
    with fresh.app_context(), fresh.test_request_context():
        problems, _observed, _cells = run_matrix(
            fresh, web_table={**WEB_TABLE, "probe.bank": row}, only={"probe.bank"}
        )
    leaks = [p for p in problems if p.startswith("probe.bank")]
    url = leaks[0].split()[1].rstrip(":")
    assert leaks == [
        f"probe.bank {url}: A's bank account shown to {case}"
        for case in ("B", "rv", "rx", "rc", "ev", "ex", "cm", "cx")
    ]
