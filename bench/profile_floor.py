"""The floor of a signed-in page, in-process: what every signed-in page pays before its own work.

    .venv/bin/python bench/profile_floor.py [--database-url URL] [--requests 300] [--profile]

On a generated benchmark database (`flask bench-data`, e.g. instance/bench-city.sqlite), this
signs in as staff with the Flask test client and times, in this one process, medians of:

- /health (the app answers, `SELECT 1`): what any request pays;
- /_floor, a page added here only: signed in (`@signed_in`), its template extends base.html with
  an empty content block. It pays the user and roles, the session checks, the navigation, the
  inbox badge, the base template and the session cookie, and nothing of its own: the floor;
- a few real signed-in pages, for comparison.

--profile prints cProfile's top entries (cumulative time) of the /_floor requests.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
EMPTY_PAGE = '{% extends "base.html" %}{% block title %}floor{% endblock %}'


def make_app(url):
    from flask import render_template

    from venture import create_app
    from venture.core.access import signed_in

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})
    template = app.jinja_env.from_string(EMPTY_PAGE)  # compiled once, as a file's template

    @signed_in
    def floor():
        return render_template(template)

    app.add_url_rule("/_floor", "floor", floor)
    return app


def sign_in(client, email, password):
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code


def timed(client, path, n):
    """Median and p95 of the wall clock, and the median CPU time of this process (the figure
    other work on a shared machine skews least; PostgreSQL's own work is not in it)."""
    timings, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings), sorted(timings)[int(0.95 * n) - 1], statistics.median(cpu)


def show(label, figures):
    median, p95, cpu = (f * 1000 for f in figures)
    print(f"{label:<24} median {median:6.2f} ms  p95 {p95:6.2f} ms  CPU (median) {cpu:6.2f} ms")


def main():
    from venture.benchdata import LOGINS, PASSWORD

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    city = ROOT / "instance" / "bench-city.sqlite"
    parser.add_argument("--database-url", default=f"sqlite:///{city}")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--role", default="staff")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--pages", nargs="*", default=["/inbox", "/profile"])
    args = parser.parse_args()
    app = make_app(args.database_url)
    client = app.test_client()
    sign_in(client, LOGINS[args.role], PASSWORD)
    for path in ["/health", "/_floor", *args.pages]:
        timed(client, path, 20)  # warm: templates compiled, caches filled
    print(f"load average {os.getloadavg()[0]:.2f}, {args.requests} requests each, in-process")
    health = timed(client, "/health", args.requests)
    show("/health", health)
    floor = timed(client, "/_floor", args.requests)
    show("/_floor (the floor)", floor)
    show("floor − /health", [a - b for a, b in zip(floor, health, strict=True)])
    for path in args.pages:
        show(path, timed(client, path, max(20, args.requests // 5)))
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU time: the load of others aside
        profiler.enable()
        for _ in range(args.requests):
            client.get("/_floor")
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top // 2)


if __name__ == "__main__":
    main()
