"""Two app servers and two export workers on one PostgreSQL database, as in production.

    .venv/bin/python bench/two_servers.py [--database-url postgresql://…] [--reviewers 15]
        [--orgs 24] [--threads 32] [--exports 20]

Without --database-url it (re)creates the database venture_bench_23b on the local cluster
(scripts/start_postgresql.sh). Two gunicorn servers (ports 8771 and 8772, 2 sync workers each)
and two `flask jobs work` processes share the database, the secret key and the file store.
The clients of bench/load_test.py send their requests to the two servers in turn (the sign-in
page from one, its POST to the other; the score sheet or draft read from one, saved through the
other); then finance queues ledger exports through both servers. Checks, exit status 1 if any
fails: no 5xx answer, no lost write, every queued export done exactly once (one claim, by one
worker, one file, downloadable from either server), a session started on one server valid on
the other, and ended on one (sign out) refused by the other.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from io import BytesIO
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load_test  # noqa: E402 (after the path)

PORTS = (8771, 8772)
SECRET = "two-servers"
TAKEN = re.compile(r"export job (\d+) \(\w+\) taken by (\S+)")


class Cluster:
    """The servers and workers, each a process of its own, stopped (SIGTERM) on exit."""

    def __init__(self, url, folder, ports=PORTS, web_workers=2, job_workers=2):
        self.url, self.folder, self.ports = url, Path(folder), ports
        self.web_workers, self.job_workers = web_workers, job_workers
        self.env = dict(
            os.environ,
            DATABASE_URL=url,
            SECRET_KEY=SECRET,
            UPLOAD_FOLDER=str(self.folder / "uploads"),
            MAIL_FOLDER=str(self.folder / "mail"),
            JOB_RUNNER="worker",
            PYTHONPATH=str(ROOT),
        )
        self.processes, self.logs = [], []

    @property
    def bases(self):
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def _log(self, name):
        log = (self.folder / name).open("w")
        self.logs.append(log)
        return log

    def __enter__(self):
        try:
            servers = []  # every process starts at once; then the servers are waited for
            for port in self.ports:
                log = self._log(f"gunicorn-{port}.log")
                server = load_test.start_gunicorn(
                    "venture:create_app()", port, log, self.env, self.web_workers, wait=False
                )
                self.processes.append(server)
                servers.append((server, port, log))
            for n in range(self.job_workers):
                self.processes.append(
                    subprocess.Popen(
                        [str(ROOT / ".venv/bin/flask"), "--app", "venture", "jobs", "work"]
                        + ["--poll", "0.2"],
                        cwd=ROOT,
                        env=self.env,
                        stdout=subprocess.DEVNULL,
                        stderr=self._log(f"jobs-{n + 1}.log"),
                    )
                )
            for server, port, log in servers:
                load_test.wait_until_up(server, port, log)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        for log in self.logs:
            log.close()

    def claims(self):
        """(job id, worker) of every claim the export workers logged."""
        logs = [self.folder / f"jobs-{n + 1}.log" for n in range(self.job_workers)]
        text = "".join(log.read_text() for log in logs)
        return [(int(job), worker) for job, worker in TAKEN.findall(text)]


def csrf(page):
    return load_test.CSRF.search(page.text).group(1)


def sign_in(base, email, password):
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=60)
    answer = http.post(
        f"{base}/login",
        data={"email": email, "password": password, "csrf_token": csrf(page)},
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302, f"signing in on {base}: {answer.status_code}"
    return http


def signed_in(http, base, path="/finance/ledger"):
    """True when base shows path to this browser's session (not the sign-in page)."""
    return http.get(f"{base}{path}", allow_redirects=False, timeout=60).status_code == 200


def check_sessions(bases, email, password):
    """Problems with sessions across the servers (an empty list when there are none)."""
    problems = []
    for one, other in (bases, bases[::-1]):
        http = sign_in(one, email, password)
        if not signed_in(http, other):
            problems.append(f"a session started on {one} is not valid on {other}")
        kept = dict(http.cookies)
        page = http.get(f"{other}/finance/ledger", timeout=60)
        http.post(f"{other}/logout", data={"csrf_token": csrf(page)}, timeout=60)
        again = requests.Session()
        again.cookies.update(kept)  # the cookie as it was before signing out
        if signed_in(again, one):
            problems.append(f"a session ended on {other} is still valid on {one}")
    return problems


def queue_exports(bases, email, password, count):
    """count ledger exports (Excel and CSV in turn) queued through the servers in turn; the
    job ids, and how many answers were 5xx."""
    http = sign_in(bases[0], email, password)
    ids, errors = [], 0
    for n in range(count):
        base = bases[n % len(bases)]
        page = http.get(f"{base}/finance/ledger", timeout=60)
        kind = "xlsx" if n % 2 == 0 else "csv"
        answer = http.post(
            f"{base}/finance/ledger.{kind}",
            data={"csrf_token": csrf(page)},
            allow_redirects=False,
            timeout=60,
        )
        errors += answer.status_code >= 500
        found = re.search(r"/finance/exports/(\d+)$", answer.headers.get("Location", ""))
        assert found, f"queueing an export on {base}: {answer.status_code}"
        ids.append(int(found.group(1)))
    return http, ids, errors


def wait_for_jobs(http, bases, ids, seconds=120):
    """Poll every job's status through the servers in turn until none is queued or running;
    {job id: status}."""
    deadline = time.monotonic() + seconds
    status = {}
    while time.monotonic() < deadline:
        for n, job_id in enumerate(ids):
            base = bases[n % len(bases)]
            status[job_id] = http.get(f"{base}/finance/exports/{job_id}/status", timeout=60).json()
        if all(s["state"] not in ("queued", "running") for s in status.values()):
            break
        time.sleep(0.3)
    return status


def check_exports(app, cluster, http, ids, status):
    """Problems with the exports (an empty list when every one was done exactly once); the
    workers that ran them."""
    import sqlalchemy as sa
    from openpyxl import load_workbook

    from venture.extensions import db
    from venture.payments.enums import JobState
    from venture.payments.models import ExportJob

    problems = []
    claims = cluster.claims()
    with app.app_context():
        rows = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id)).all()
        db.session.remove()
    if sorted(row.id for row in rows) != sorted(ids):
        problems.append(f"jobs in the database {[r.id for r in rows]}, queued {ids}")
    files = [row.file_id for row in rows]
    if len(set(files)) != len(files) or None in files:
        problems.append(f"result files {files}: not one per job")
    for row in rows:
        taken = [worker for job, worker in claims if job == row.id]
        if row.state != JobState.DONE or row.attempts != 1 or taken != [row.worker]:
            problems.append(f"job {row.id}: {row.state}, {row.attempts} claims, taken by {taken}")
    for n, job_id in enumerate(ids):
        other = cluster.bases[(n + 1) % len(cluster.bases)]  # not the server that queued it
        if status.get(job_id, {}).get("download") is None:
            continue
        body = http.get(f"{other}{status[job_id]['download']}", timeout=60)
        try:
            if n % 2 == 0:
                load_workbook(BytesIO(body.content), read_only=True).close()
            else:
                body.content.decode("utf-8-sig")
        except Exception as error:  # noqa: BLE001 (reported as a problem)
            problems.append(f"job {job_id}: the file from {other} does not open ({error})")
    return problems, Counter(worker for _job, worker in claims)


def load_test_url(url):
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def exercise(app, cluster, work, finance, *, threads, exports):
    """The load through both servers in turn, then the sessions and the exports, checked;
    (problems, figures). work: (sheets, drafts, password) of load_test.make_work."""
    sheets, drafts, password = work
    jobs = load_test.draft_jobs(app, drafts)
    clients, elapsed = load_test.run_clients(sheets, jobs, password, threads, cluster.bases)
    total, errors, p50, p95 = load_test.report(clients, sheets, drafts, elapsed)
    lost_sheets, lost_drafts = load_test.check(app, sheets, drafts)
    problems = check_sessions(cluster.bases, finance, password)
    started = time.monotonic()
    http, ids, export_errors = queue_exports(cluster.bases, finance, password, exports)
    status = wait_for_jobs(http, cluster.bases, ids)
    export_seconds = time.monotonic() - started
    export_problems, workers = check_exports(app, cluster, http, ids, status)
    problems += export_problems
    if errors or export_errors:
        problems.append(f"{errors + export_errors} answers were 5xx")
    if lost_sheets or lost_drafts:
        problems.append(f"lost writes: {lost_sheets} sheets, {lost_drafts} drafts")
    figures = {
        "requests": total,
        "errors": errors + export_errors,
        "p50": p50,
        "p95": p95,
        "seconds": elapsed,
        "lost_sheets": lost_sheets,
        "lost_drafts": lost_drafts,
        "clients": len(clients),
        "exports": len(ids),
        "export_seconds": export_seconds,
        "export_workers": sorted(workers.values(), reverse=True),
    }
    return problems, figures


def finance_user():
    """A finance account (in the current app context), committed; its email."""
    from tests import factories
    from venture.auth.enums import Role
    from venture.extensions import db

    email = factories.user(Role.FINANCE).email
    db.session.commit()
    return email


def run(url, folder, *, reviewers, orgs, threads, exports):
    """A fresh schema, the work, the cluster, the checks; (problems, figures)."""
    config = {
        "SQLALCHEMY_DATABASE_URI": load_test_url(url),
        "SECRET_KEY": SECRET,
        "UPLOAD_FOLDER": str(Path(folder) / "uploads"),
        "MAIL_FOLDER": str(Path(folder) / "mail"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    app, *work = load_test.setup(config, reviewers, orgs)
    with app.app_context():
        finance = finance_user()
    with Cluster(url, folder) as cluster:
        return exercise(app, cluster, work, finance, threads=threads, exports=exports)


def main():
    parser = load_test.arguments(__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=20)
    args = parser.parse_args()
    url = args.database_url
    if not url:
        port = subprocess.run(
            [str(ROOT / "scripts/start_postgresql.sh"), "venture_bench_23b"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        url = f"postgresql+psycopg://venture:venture@127.0.0.1:{port}/venture_bench_23b"
    folder = tempfile.mkdtemp(prefix="venture-two-servers-")
    load = os.getloadavg()[0]
    problems, figures = run(
        url,
        folder,
        reviewers=args.reviewers,
        orgs=args.orgs,
        threads=args.threads,
        exports=args.exports,
    )
    print(f"lost writes: sheets {figures['lost_sheets']}, drafts {figures['lost_drafts']}")
    print(f"logs: {folder}; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(
        f"exports: {figures['exports']} queued through both servers, done in "
        f"{figures['export_seconds']:.1f} s; jobs per worker: {figures['export_workers']}"
    )
    for problem in problems:
        print("PROBLEM:", problem)
    print("all checks passed" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
