"""The heavy pages of issue 23, in-process: CPU time and SQL statements per request.

    .venv/bin/python bench/profile_pages.py [--database-url URL] [--requests 20] [--only REGEX]
        [--profile PATH [--sort KEY] [--callers REGEX]] [--sql PATH]

On a generated benchmark database (`flask bench-data`, e.g. instance/bench-city.sqlite), this
signs in with the Flask test client as each page's role and reports, for the staff home page,
the review matrix and the ranking of the largest call (and a deeper page of each), the
reviewer's queue, the filtered finance ledger (and its page 500), an application's page, the
screening list, the OCDS package and /health, the median CPU time of this process and the SQL
statements of one request, after two warm-up requests. SQLite runs in-process, so its work is
in the CPU time; PostgreSQL's is not (the wall-clock median, also shown, has it, and the
machine's other work).

--profile PATH prints cProfile's top entries (cumulative CPU time) of that page's requests;
--sort tottime orders them by their own time, --callers REGEX adds who called the functions
that match; --sql PATH each statement of one request with its time, slowest first.
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from profile_floor import sign_in  # noqa: E402


def measure(client, path, n, statements):
    for _ in range(2):
        assert client.get(path).status_code == 200, path  # warm: templates, stored figures
    cpu, wall, counts = [], [], []
    for _ in range(n):
        statements.clear()
        start, start_wall = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu.append(time.process_time() - start)
        wall.append(time.perf_counter() - start_wall)
        counts.append(len(statements))
        assert response.status_code == 200, (path, response.status_code)
    return (
        statistics.median(cpu) * 1000,
        statistics.median(wall) * 1000,
        max(counts),
        len(response.data),
    )


def show_statements(client, path):
    """Each statement of one request with its wall time, slowest first."""
    import sqlalchemy as sa

    from venture.extensions import db

    timings = []

    def before(conn, cursor, statement, *args):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, *args):
        timings.append((time.perf_counter() - conn.info["started"], statement))

    client.get(path)
    with client.application.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    client.get(path)
    sa.event.remove(engine, "before_cursor_execute", before)
    sa.event.remove(engine, "after_cursor_execute", after)
    print(f"{len(timings)} statements, {sum(t for t, _ in timings) * 1000:.2f} ms in all")
    for seconds, statement in sorted(timings, reverse=True)[:12]:
        text = " ".join(statement.split())
        print(f"{seconds * 1000:7.2f} ms  {text[:150]} … {text[-150:]}")


def _role_of(path, pages):
    """The role a listed page is measured as (a path not listed: staff)."""
    return next((role for role, listed in pages if listed == path), "staff")


def main():
    import sqlalchemy as sa
    from bench_pages import _ids

    from venture import create_app
    from venture.benchdata import LOGINS, PASSWORD
    from venture.extensions import db

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    city = ROOT / "instance" / "bench-city.sqlite"
    parser.add_argument("--database-url", default=f"sqlite:///{city}")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", metavar="PATH")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sort", default="cumulative", help="cProfile's order, e.g. tottime")
    parser.add_argument("--callers", metavar="REGEX", help="also who called these functions")
    parser.add_argument("--sql", metavar="PATH", help="time each statement of one request")
    parser.add_argument("--only", default="", help="the pages whose path matches this regex")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SESSION_COOKIE_SECURE": False})
    statements = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(a[2]))
    large, application, newest, at_once = _ids(args.database_url)
    ledger = urlencode(
        {
            "route": "venture_grant",
            "state": "paid",
            "from": newest.replace(month=1, day=1).isoformat(),
            "to": newest.isoformat(),
        }
    )
    pages = [
        ("staff", "/"),
        ("staff", f"/staff/review/calls/{large}"),
        ("staff", f"/staff/review/calls/{large}?page=30"),
        ("staff", f"/staff/review/calls/{large}/ranking"),
        ("staff", f"/staff/review/calls/{large}/ranking?page=30"),
        ("staff", f"/staff/review/calls/{large}/ranking?aggregation=standardised"),
        ("reviewer", "/review"),
        ("reviewer", "/review?page=300"),
        ("finance", f"/finance/ledger?{ledger}"),
        ("finance", f"/finance/ledger?{ledger}&page=500"),
        ("staff", f"/applications/{application}"),
        ("staff", f"/staff/calls/{large}/applications"),
        (None, f"/api/v1/ocds/calls/{large}.json"),
        ("admin", "/admin/audit"),
        ("admin", "/admin/audit?page=500"),
        ("finance", f"/finance/ledger.xlsx?call={large}"),
        ("finance", f"/finance/ledger.xlsx?call={at_once}"),
        ("finance", "/finance/ledger.xlsx"),
        ("staff", "/health"),
    ]
    pages = [(role, path) for role, path in pages if re.search(args.only, path)]
    clients = {}
    for role in {role for role, _path in pages}:
        clients[role] = app.test_client()
        if role:
            sign_in(clients[role], LOGINS[role], PASSWORD)
    print(f"load average {os.getloadavg()[0]:.2f}, median of {args.requests} requests, in-process")
    for role, path in pages:
        cpu, wall, count, size = measure(clients[role], path, args.requests, statements)
        print(
            f"{path:<58} CPU {cpu:6.2f} ms  wall {wall:6.2f} ms  {count:3d} statements"
            f"  {size // 1024:4d} KB"
        )
    if args.sql:
        show_statements(clients[_role_of(args.sql, pages)], args.sql)
    if args.profile:
        role = _role_of(args.profile, pages)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.requests):
            clients[role].get(args.profile)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
        stats.print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
