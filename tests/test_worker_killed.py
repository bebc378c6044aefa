"""A gunicorn worker killed in the middle of a request that has written part of its rows:
the transaction is gone with it, the audit chain still verifies, and the server (its master
starts a new worker) answers the next request, which can write again.

Runs on the suite's database: the SQLite file, or PostgreSQL with TEST_DATABASE_URL.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests import factories
from tests.fault_app import profile
from venture.auth.models import User
from venture.core.audit import AuditEntry, verify_chain
from venture.extensions import db
from venture.orgs.models import Organization
from venture.orgs.operations import register_organization

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("gave up waiting")


def answers(base):
    try:
        return requests.get(f"{base}/health", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def server(app, tmp_path):
    """gunicorn with one worker serving tests.fault_app on the suite's database."""
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "fault-test",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_FOLDER": str(tmp_path / "mail"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    marker = tmp_path / "paused"
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "--timeout=300",
            "--graceful-timeout=5",
            f"tests.fault_app:create({config!r}, {str(marker)!r})",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(base))
        yield base, marker
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # a worker still paused (the test failed before killing it)
            process.wait(timeout=30)
        log.close()


def organization(code):
    return db.session.scalar(sa.select(Organization).where(Organization.credit_code == code))


def audit_rows():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def test_killed_worker_leaves_nothing_half_written(server):
    base, marker = server
    # an audit chain to continue: an organization registered before
    register_organization(
        credit_code=factories.credit_code(),
        profile=profile("已登记的组织"),
        account={"email": "first@example.com", "name": "李四", "password": "Secret12345"},
    )
    db.session.commit()
    before = audit_rows()
    assert before > 0
    code = factories.credit_code()

    outcome = {}

    def send():
        try:
            outcome["status"] = requests.post(
                f"{base}/_fault/register/{code}?pause=1", timeout=120
            ).status_code
        except requests.RequestException as error:
            outcome["error"] = type(error).__name__

    request = threading.Thread(target=send)
    request.start()
    worker = int(wait_until(lambda: marker.exists() and marker.read_text()))
    db.session.rollback()  # read afresh: the worker's rows are written but not committed
    assert organization(code) is None
    os.kill(worker, signal.SIGKILL)
    request.join(60)
    assert list(outcome) == ["error"]  # the client saw the connection drop, not an answer

    db.session.rollback()
    assert organization(code) is None
    assert db.session.scalar(sa.select(User).where(User.email == f"{code}@example.com")) is None
    assert audit_rows() == before
    assert verify_chain() == (before, None)

    # the master has started a new worker, and it writes (no lock was left behind)
    wait_until(lambda: answers(base))
    again = factories.credit_code()
    response = requests.post(f"{base}/_fault/register/{again}", timeout=60)
    assert (response.status_code, response.text) == (200, "committed")
    db.session.rollback()
    assert organization(again).credit_code == again
    checked, broken = verify_chain()
    assert (checked > before, broken) == (True, None)
