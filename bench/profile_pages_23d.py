"""In-process CPU time and SQL statements of the heavy pages of issue 23 (round 2).

    .venv/bin/python bench/profile_pages_23d.py [--database-url URL] [--requests 7] [--profile PAGE]

On a generated benchmark database (`flask bench-data`, e.g. instance/bench-city.sqlite), with the
Flask test client signed in as each page's role, it prints for the dashboard, the filtered
finance ledger, the application detail, the screening list and the OCDS package: the median CPU
time of this process and the median wall time over --requests requests after two warm-ups, and
the number of SQL statements of one request. --profile LABEL prints cProfile's top entries of
that page (CPU time).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_pages import _ids  # noqa: E402
from bench.profile_floor import sign_in  # noqa: E402


def page_list(url):
    from urllib.parse import urlencode

    large, application, newest, _at_once = _ids(url)
    ledger = urlencode(
        {
            "route": "venture_grant",
            "state": "paid",
            "from": newest.replace(month=1, day=1).isoformat(),
            "to": newest.isoformat(),
        }
    )
    return [
        ("dashboard", "staff", "/"),
        ("ledger", "finance", f"/finance/ledger?{ledger}"),
        ("application", "staff", f"/applications/{application}"),
        ("screening", "staff", f"/staff/calls/{large}/applications"),
        ("ocds", None, f"/api/v1/ocds/calls/{large}.json"),
    ]


def show_statements(engine, client, path):
    """Each statement of one request with its time, slowest first."""
    timings, starts = [], []

    def before(_conn, _cursor, statement, *_args):
        starts.append(time.perf_counter())

    def after(_conn, _cursor, statement, *_args):
        timings.append((time.perf_counter() - starts.pop(), statement))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    client.get(path)
    sa.event.remove(engine, "before_cursor_execute", before)
    sa.event.remove(engine, "after_cursor_execute", after)
    for seconds, statement in sorted(timings, reverse=True):
        print(f"  {seconds * 1000:6.2f} ms  {' '.join(statement.split())[:220]}")


def main():
    from venture import create_app
    from venture.benchdata import LOGINS, PASSWORD
    from venture.extensions import db

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    city = ROOT / "instance" / "bench-city.sqlite"
    parser.add_argument("--database-url", default=f"sqlite:///{city}")
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sql", action="store_true", help="each statement's time, slowest first")
    args = parser.parse_args()
    pages = page_list(args.database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SESSION_COOKIE_SECURE": False})
    clients = {}
    for role in {role for _label, role, _path in pages}:
        clients[role] = app.test_client()
        if role:
            sign_in(clients[role], LOGINS[role], PASSWORD)
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    print(f"load average {os.getloadavg()[0]:.2f}, {args.requests} requests each, in-process")
    for label, role, path in pages:
        if args.only and label not in args.only:
            continue
        client = clients[role]
        for _ in range(2):
            assert client.get(path).status_code == 200, path
        sa.event.listen(engine, "before_cursor_execute", count)
        statements.clear()
        client.get(path)
        sa.event.remove(engine, "before_cursor_execute", count)
        sql = len(statements)
        cpu, wall = [], []
        for _ in range(args.requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200, (path, response.status_code)
        print(
            f"{label:<12} CPU {statistics.median(cpu) * 1000:7.1f} ms  "
            f"wall {statistics.median(wall) * 1000:7.1f} ms  SQL {sql:3d}  {path}"
        )
        if args.sql:
            show_statements(engine, client, path)
        if args.profile == label:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.requests):
                client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
            stats.print_stats(args.top)


if __name__ == "__main__":
    main()
