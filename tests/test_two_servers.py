"""Two app servers and two export workers (real gunicorn and `flask jobs work` processes) on
the suite's PostgreSQL database: no 5xx, no lost write, every export done exactly once, a
session valid on both servers and ended on both. Small data, one web worker per server.

Runs with TEST_DATABASE_URL pointing at PostgreSQL (CI's second stage); skipped on SQLite,
whose single file is not what two app servers on two machines would share.
bench/two_servers.py is the same check with more clients.
"""

import os
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load_test, two_servers  # noqa: E402 (after the path)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="two app servers share a PostgreSQL database",
    ),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_servers_on_one_database(app, tmp_path):
    work = load_test.make_work(reviewers=3, orgs=2)
    finance = two_servers.finance_user()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    ports = (free_port(), free_port())
    with two_servers.Cluster(url, tmp_path, ports=ports, web_workers=1) as cluster:
        problems, figures = two_servers.exercise(app, cluster, work, finance, threads=4, exports=4)
    assert problems == []
    assert (figures["errors"], figures["lost_sheets"], figures["lost_drafts"]) == (0, 0, 0)
    assert figures["clients"] == 9 + 2  # 3 applications × 3 reviewers, 2 drafts
    assert figures["exports"] == 4
