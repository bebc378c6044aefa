"""Bounded load test (loopback only, stops by itself): reviewers submit score sheets and
organizations save drafts, concurrently, against gunicorn with 2 workers; then every sheet and
draft is checked in the database (lost writes).

    .venv/bin/python bench/load_test.py [--database-url postgresql://…] [--reviewers 24]
        [--orgs 24] [--threads 32]

Without --database-url a fresh SQLite file in a temporary folder is used. Not part of pytest.
"""

import argparse
import itertools
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def setup(config, reviewers, orgs):
    """A fresh schema and make_work in it; (app, sheets, drafts, password)."""
    from venture import create_app
    from venture.extensions import db

    app = create_app(config)
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        return (app, *make_work(reviewers, orgs))


def make_work(reviewers, orgs):
    """In the current app context: a call with one application per reviewer (an odd number: a
    panel is), three reviewers per application, and orgs draft applications; returns what the
    clients do and what must be saved (sheets, drafts, password)."""
    reviewers += 1 - reviewers % 2
    from tests import factories
    from tests.review import helpers as reviews
    from venture.auth.models import User
    from venture.extensions import db
    from venture.review import operations as review

    call = reviews.call(budget="100000000.00")
    criteria = reviews.rubric(call)
    for _ in range(reviewers):
        reviews.application(call)
    experts = [reviews.expert() for _ in range(reviewers)]
    panel = reviews.panel(call, experts, k=3)
    made, _missing = reviews.assign(panel)
    sheets = []
    for i, assignment in enumerate(made):
        review.declare_no_conflict(assignment, actor=assignment.reviewer.user)
        scores = [str(1 + (i + n) % int(c.max_score)) for n, c in enumerate(criteria)]
        form = {"action": "submit", "overall_comment": f"负载测试评语{i}"}
        for criterion, score in zip(criteria, scores, strict=True):
            form[f"score-{criterion.id}"] = score
            form[f"comment-{criterion.id}"] = ""
        sheets.append((assignment.reviewer.user.email, assignment.id, form))
    db.session.commit()
    open_call = factories.call("open")
    drafts = []
    for i in range(orgs):
        application = factories.application(open_call, state="draft", complete=False)
        email = db.session.get(User, application.created_by_id).email
        drafts.append((email, application.id, f"负载测试项目{i}——社区服务"))
    db.session.commit()
    return sheets, drafts, factories.PASSWORD


class Client:
    """One person's browser; with several bases, each request goes to the next server in turn
    (the session and the form's CSRF token made by one server are used on the other)."""

    def __init__(self, email, password, bases=(BASE,)):
        self.http = requests.Session()
        self.bases = itertools.cycle(bases)
        self.timings = []
        self.errors = 0
        self.requests = 0
        page = self.get("/login")
        self.post("/login", {"email": email, "password": password}, page)

    def _timed(self, method, url, **kwargs):
        start = time.perf_counter()
        response = self.http.request(
            method, next(self.bases) + url, allow_redirects=False, timeout=60, **kwargs
        )
        self.timings.append(time.perf_counter() - start)
        self.requests += 1
        if response.status_code >= 500:
            self.errors += 1
        return response

    def get(self, url):
        return self._timed("GET", url)

    def post(self, url, data, page):
        token = CSRF.search(page.text)
        return self._timed(
            "POST", url, data={**data, "csrf_token": token.group(1) if token else ""}
        )


def submit_sheet(job, password, bases=(BASE,)):
    email, assignment_id, form = job
    client = Client(email, password, bases)
    page = client.get(f"/review/assignments/{assignment_id}")
    client.post(f"/review/assignments/{assignment_id}", form, page)
    return client


def save_draft(job, password, bases=(BASE,)):
    from tests.applications.conftest import filled_form

    email, application_id, title, application = job
    client = Client(email, password, bases)
    url = f"/applications/{application_id}/edit"
    page = client.get(url)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page.text)
    form = filled_form(application, title=title)
    form["version"] = version.group(1) if version else "1"
    client.post(url, form, page)
    return client


def check(app, sheets, drafts):
    """(sheets missing or wrong, drafts missing or wrong)."""
    from venture.applications.models import Application
    from venture.extensions import db
    from venture.review.enums import SheetState
    from venture.review.models import ReviewAssignment

    lost_sheets = lost_drafts = 0
    with app.app_context():
        for _email, assignment_id, form in sheets:
            sheet = db.session.get(ReviewAssignment, assignment_id).sheet
            wanted = {
                k.split("-")[1]: Decimal(v) for k, v in form.items() if k.startswith("score-")
            }
            ok = (
                sheet is not None
                and sheet.state == SheetState.SUBMITTED
                and sheet.overall_comment == form["overall_comment"]
                and all(sheet.score_for(int(cid)).score == v for cid, v in wanted.items())
            )
            lost_sheets += not ok
        for _email, application_id, title in drafts:
            application = db.session.get(Application, application_id)
            lost_drafts += application.title != title or len(application.budget_lines) != 2
    return lost_sheets, lost_drafts


def draft_jobs(app, drafts):
    """The drafts with their application loaded (the form to post is built from it)."""
    from venture.applications.models import Application
    from venture.extensions import db

    with app.app_context():
        jobs = [
            (email, aid, title, db.session.get(Application, aid)) for email, aid, title in drafts
        ]
        for *_rest, application in jobs:
            application.call.categories, application.call.communities  # noqa: B018 (load now)
    return jobs


def start_gunicorn(app_spec, port, log, env=None, workers=2, wait=True):
    """gunicorn serving app_spec on 127.0.0.1:port; returns once it answers (or at once)."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=60",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    if wait:
        wait_until_up(server, port, log)
    return server


def wait_until_up(server, port, log):
    for _ in range(600):
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=30)
            return
        except (requests.ConnectionError, requests.Timeout):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn on port {port} stopped: see {log.name}") from None
            time.sleep(0.1)
    raise SystemExit(f"gunicorn on port {port} did not start: see {log.name}")


def run_clients(sheets, drafts, password, threads, bases=(BASE,)):
    """Every score sheet and draft posted by its own client, concurrently; (clients, seconds)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(submit_sheet, job, password, bases) for job in sheets]
        futures += [pool.submit(save_draft, job, password, bases) for job in drafts]
        clients = [f.result() for f in futures]
    return clients, time.perf_counter() - start


def report(clients, sheets, drafts, elapsed):
    """Print the figures; (requests, 5xx, p50 s, p95 s)."""
    timings = sorted(t for c in clients for t in c.timings)
    reviewers = len({email for email, _id, _form in sheets})
    total, errors = sum(c.requests for c in clients), sum(c.errors for c in clients)
    p50, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
    print(
        f"clients: {len(clients)} ({len(sheets)} score sheets by {reviewers} reviewers, "
        f"{len(drafts)} organizations saving drafts)"
    )
    print(f"wall time: {elapsed:.1f} s")
    print(f"requests: {total}, 5xx: {errors}")
    print(f"latency p50: {p50 * 1000:.0f} ms, p95: {p95 * 1000:.0f} ms")
    return total, errors, p50, p95


def arguments(description):
    """The command line of the load: database, reviewers, organizations, threads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url")
    parser.add_argument("--reviewers", type=int, default=15)
    parser.add_argument("--orgs", type=int, default=24)
    parser.add_argument("--threads", type=int, default=32)
    return parser


def main():
    args = arguments(__doc__.splitlines()[0]).parse_args()
    folder = Path(tempfile.mkdtemp(prefix="venture-load-"))
    url = args.database_url or f"sqlite:///{folder / 'load.sqlite'}"
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "load-test",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "MAIL_FOLDER": str(folder / "mail"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    app, sheets, drafts, password = setup(config, args.reviewers, args.orgs)
    jobs = draft_jobs(app, drafts)
    log = (folder / "gunicorn.log").open("w")
    server = start_gunicorn(f"venture:create_app({config!r})", PORT, log)
    try:
        clients, elapsed = run_clients(sheets, jobs, password, args.threads)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lost_sheets, lost_drafts = check(app, sheets, drafts)
    print(f"database: {url.split(':')[0]} (server log: {folder / 'gunicorn.log'})")
    print(f"threads: {args.threads}")
    _total, errors, _p50, _p95 = report(clients, sheets, drafts, elapsed)
    print(f"lost writes: sheets {lost_sheets}, drafts {lost_drafts}")
    return 1 if lost_sheets or lost_drafts or errors else 0


if __name__ == "__main__":
    sys.exit(main())
