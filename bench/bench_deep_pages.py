"""Page 1 and page 500 of the biggest lists, in-process, before (OFFSET) and after (by key).

    .venv/bin/python bench/bench_deep_pages.py [--database-url URL] [--repeat 7]

Uses the city database of bench/bench_pages.py (SQLite by default). Page 1 and page 500 are
requested in turn through the test client, so both see the same load of the machine; "OFFSET"
runs the same views with paginate's key= ignored. Prints medians (the first, warm-up request
left out) of CPU time (the steadier figure on a shared machine; on PostgreSQL the database's
work is in its server, so compare the wall clock) and wall clock, as Markdown rows.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_pages  # noqa: E402 (after the path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    city = ROOT / "instance" / "bench-city.sqlite"
    parser.add_argument("--database-url", default=f"sqlite:///{city}")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import venture.admin.views
    import venture.applications.views
    import venture.payments.views
    import venture.review.views
    from venture import create_app
    from venture.benchdata import LOGINS, PASSWORD
    from venture.core import pagination

    url = args.database_url
    large, _application, newest, _at_once = bench_pages._ids(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    views = (
        venture.applications.views,
        venture.review.views,
        venture.admin.views,
        venture.payments.views,
    )
    by_key = pagination.paginate

    def by_offset(select, *, key=None, **kwargs):
        return by_key(select, **kwargs)

    ledger = urlencode(
        {
            "route": "venture_grant",
            "state": "paid",
            "from": newest.replace(month=1, day=1).isoformat(),
            "to": newest.isoformat(),
        }
    )
    lists = [
        ("screening list of the largest call", "staff", f"/staff/calls/{large}/applications?"),
        ("reviewer's queue (biggest)", "reviewer", "/review?"),
        ("audit log", "admin", "/admin/audit?"),
        ("finance ledger, filtered", "finance", f"/finance/ledger?{ledger}&"),
    ]
    clients = {}
    print(f"load average {os.getloadavg()[0]:.1f}")
    columns = ("page 1 CPU", "page 500 CPU", "ratio", "page 1 wall", "page 500 wall", "ratio")
    print(f"| list | paging | {' | '.join(columns)} |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, role, path in lists:
        if role not in clients:
            clients[role] = app.test_client()
            answer = clients[role].post(
                "/login", data={"email": LOGINS[role], "password": PASSWORD}
            )
            assert answer.status_code == 302, answer.status_code
        client = clients[role]
        for paging, function in (("OFFSET", by_offset), ("by key", by_key)):
            for module in views:
                module.paginate = function
            timings = {1: [], 500: []}
            for _ in range(args.repeat):
                for number in timings:
                    wall, cpu = time.perf_counter(), time.process_time()
                    assert client.get(f"{path}page={number}").status_code == 200
                    timings[number].append((time.process_time() - cpu, time.perf_counter() - wall))
            cpu = {n: statistics.median(t[0] for t in v[1:]) for n, v in timings.items()}
            wall = {n: statistics.median(t[1] for t in v[1:]) for n, v in timings.items()}
            print(
                f"| {label} | {paging} | {cpu[1] * 1000:.0f} ms | {cpu[500] * 1000:.0f} ms | "
                f"{cpu[500] / cpu[1]:.2f}× | {wall[1] * 1000:.0f} ms | {wall[500] * 1000:.0f} ms | "
                f"{wall[500] / wall[1]:.2f}× |",
                flush=True,
            )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
