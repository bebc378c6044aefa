"""Where a page's requests spend the machine: CPU per request of the gunicorn workers, of the
database server's processes and of this client, next to the latencies, under gunicorn.

    .venv/bin/python bench/request_cost.py --postgres [--requests 600] [--rounds 1]
        [--only REGEX] [--workers 2]

bench_pages.py compares a page's p95 with /health's under 4 clients on as many sync workers as
cores; when the database runs on the same cores, a request's latency is mostly the CPU that it
and the requests queued with it take. This splits that CPU: the workers' (Python: the page's
statements sent, rows read, templates), the database's (PostgreSQL's backends; SQLite's work is
in the workers') and the load generator's. Read from /proc, so Linux only. The pages are those
of bench_pages.py, measured the same way (same database, same warm-up, same threads).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_pages  # noqa: E402


def cpu_seconds(pids):
    """User and system CPU seconds the processes pids have used (those still running)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def processes(pattern):
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--postgres", action="store_true", help="start the local cluster")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=1, help="rounds of --requests per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--only", default="", help="the pages whose label matches this regex")
    args = parser.parse_args()

    from venture.benchdata import LOGINS, PASSWORD

    url = args.database_url or (bench_pages.start_postgres() if args.postgres else None)
    url = url or f"sqlite:///{ROOT / 'instance' / 'bench-city.sqlite'}"
    bench_pages.prepare(url, "city", dict(os.environ, DATABASE_URL=url))
    listed = [("health check", None, "/health", 0)]
    listed += [page for page in bench_pages.pages(url) if re.search(args.only, page[0])]
    bench_pages.PORT = args.port
    server = bench_pages.Server(url, args.workers, ROOT / "bench" / "out")
    try:
        cookies = {role: bench_pages.sign_in(LOGINS[role], PASSWORD) for role in LOGINS}
        workers = [pid for pid in processes(f"127.0.0.1:{args.port}") if pid != server.process.pid]
        database = processes("postgres") if url.startswith("postgresql") else []
        print(
            f"load average {os.getloadavg()[0]:.2f}; CPU per request in ms: gunicorn workers, "
            "database, this client"
        )
        for label, role, path, _count in listed:
            cookie = cookies.get(role)
            bench_pages.measure(path, cookie, bench_pages.WARM_RUNS * args.workers, args.workers)
            for _round in range(args.rounds):
                before = cpu_seconds(workers), cpu_seconds(database), sum(os.times()[:2])
                timings, rate = bench_pages.measure(
                    path, cookie, args.requests, args.concurrency, budget_s=600
                )
                after = cpu_seconds(workers), cpu_seconds(database), sum(os.times()[:2])
                spent = [(b - a) / len(timings) * 1000 for a, b in zip(before, after, strict=True)]
                print(
                    f"{label[:44]:<44} p50 {statistics.median(timings) * 1000:6.1f} ms "
                    f"p95 {bench_pages.percentile(timings, 95) * 1000:6.1f} ms {rate:6.1f}/s  "
                    f"gunicorn {spent[0]:5.2f}  database {spent[1]:5.2f}  client {spent[2]:5.2f}"
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
