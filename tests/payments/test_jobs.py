"""The export queue: claims, the worker loop, progress, stale jobs, stopping, the job page."""

import io
import threading
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.pdf_checks import CJK_FONT, embedded_fonts
from venture import create_app
from venture.auth.enums import Role
from venture.contracts.operations import draft_contract
from venture.core.timeutil import now
from venture.extensions import db
from venture.payments import exports, jobs
from venture.payments.enums import JobState
from venture.payments.models import ExportJob


def _call_with_contracts(make, issued=2, drafts=3):
    """A call with issued contracts (stored PDFs) and drafts (rendered by the export)."""
    staff = make.user(Role.STAFF)
    first = make.contract("1000.00", state="issued", staff=staff)
    call = first.call
    made = [first]
    for n in range(1, issued + drafts):
        award = make.award(f"{1000 + n}.00", staff=staff)
        award.call_id = call.id
        db.session.commit()
        contract = draft_contract(award, actor=staff)
        db.session.commit()
        if n < issued:
            from venture.contracts.operations import issue_contract

            issue_contract(contract, actor=staff)
            db.session.commit()
        made.append(contract)
    return call, made, staff


def _queued(call, actor):
    job = exports.start_contracts_zip(call, actor=actor)
    db.session.commit()
    return job.id


def _job(job_id):
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def test_worker_claims_runs_and_stores_a_zip_of_valid_pdfs(app, make, tmp_path):
    call, contracts, staff = _call_with_contracts(make, issued=2, drafts=3)
    job_id = _queued(call, staff)
    assert _job(job_id).state == JobState.QUEUED
    assert jobs.work(app, stop=threading.Event(), once=True, worker="w1") == 1
    job = _job(job_id)
    assert (job.state, job.done, job.total, job.worker, job.attempts, job.error) == (
        JobState.DONE,
        5,
        5,
        "w1",
        1,
        None,
    )
    archive = zipfile.ZipFile(job.file.path)
    names = sorted(archive.namelist())
    assert names == sorted(
        [f"{c.number}.pdf" for c in contracts[:2]]
        + [f"{c.number}-draft.pdf" for c in contracts[2:]]
    )
    for name in names:
        pdf = archive.read(name)
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
        fonts = embedded_fonts(pdf, tmp_path / "check.pdf")
        assert any(embedded and CJK_FONT.search(font) for font, embedded in fonts), (name, fonts)


def test_worker_with_an_empty_queue_runs_nothing(app):
    assert jobs.work(app, stop=threading.Event(), once=True, worker="w1") == 0


def test_two_workers_never_claim_the_same_job(app, make):
    call, _contracts, staff = _call_with_contracts(make, issued=1, drafts=0)
    job_ids = [_queued(call, staff) for _ in range(3)]
    db.session.remove()
    start = threading.Barrier(4)
    claims = {}

    def race(name):
        taken = []
        with app.app_context():
            start.wait()
            while (job_id := jobs.claim(name)) is not None:
                taken.append(job_id)
            db.session.remove()
        claims[name] = taken

    threads = [threading.Thread(target=race, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(job_id for taken in claims.values() for job_id in taken)
    assert every == job_ids
    assert {(j, _job(j).worker) for j in job_ids} == {
        (j, name) for name, taken in claims.items() for j in taken
    }


def test_a_claimed_job_is_not_claimed_again_while_its_worker_lives(app, make):
    call, _contracts, staff = _call_with_contracts(make, issued=1, drafts=0)
    job_id = _queued(call, staff)
    assert jobs.claim("w1") == job_id
    assert jobs.claim("w2") is None
    assert (_job(job_id).state, _job(job_id).worker) == (JobState.RUNNING, "w1")


def test_a_job_whose_worker_died_is_taken_again_and_the_old_worker_stops(app, make):
    call, _contracts, staff = _call_with_contracts(make, issued=1, drafts=1)
    job_id = _queued(call, staff)
    assert jobs.claim("dead") == job_id
    _job(job_id).heartbeat_at = now() - timedelta(seconds=app.config["JOB_STALE_AFTER"] + 1)
    db.session.commit()
    assert jobs.claim("alive") == job_id
    with pytest.raises(jobs.JobLost):
        jobs.Progress(job_id, "dead").start(2)
    jobs.run(job_id, "alive")
    job = _job(job_id)
    assert (job.state, job.worker, job.attempts, job.done) == (JobState.DONE, "alive", 2, 2)


def test_a_job_that_keeps_killing_its_worker_fails_after_the_last_attempt(app, make):
    call, _contracts, staff = _call_with_contracts(make, issued=1, drafts=0)
    job_id = _queued(call, staff)
    for _attempt in range(app.config["JOB_MAX_ATTEMPTS"]):
        assert jobs.claim("crashing") == job_id
        _job(job_id).heartbeat_at = now() - timedelta(seconds=app.config["JOB_STALE_AFTER"] + 1)
        db.session.commit()
    assert jobs.claim("next") is None
    job = _job(job_id)
    assert (job.state, job.error) == (JobState.FAILED, "该任务已中断 3 次仍未完成，请重新发起。")


def test_a_stopping_worker_puts_its_job_back_in_the_queue(app, make):
    call, _contracts, staff = _call_with_contracts(make, issued=3, drafts=0)
    job_id = _queued(call, staff)
    stop = threading.Event()
    stop.set()  # as if SIGTERM arrived while the job runs
    assert jobs.claim("w1") == job_id
    jobs.run(job_id, "w1", stop)
    job = _job(job_id)
    assert (job.state, job.done, job.file_id) == (JobState.QUEUED, 0, None)
    assert jobs.work(app, stop=threading.Event(), once=True, worker="w2") == 1
    assert (_job(job_id).state, _job(job_id).done) == (JobState.DONE, 3)


def test_with_the_worker_runner_the_request_only_queues(app, client, login, make):
    call, _contracts, staff = _call_with_contracts(make, issued=1, drafts=0)
    login(make.user(Role.FINANCE))
    app.config["JOB_RUNNER"] = "worker"
    try:
        response = client.post("/finance/contract-exports", data={"call_id": str(call.id)})
    finally:
        app.config["JOB_RUNNER"] = "thread"
    job = db.session.scalars(sa.select(ExportJob)).one()
    assert response.headers["Location"] == f"/finance/exports/{job.id}"
    assert [t.name for t in threading.enumerate() if t.name.startswith("export-job-")] == []
    assert client.get(f"/finance/exports/{job.id}/status").get_json()["state"] == "queued"
    ledger = client.get("/finance/ledger").get_data(as_text=True)
    assert f'<li><a href="/finance/exports/{job.id}">{call.title}</a>' in ledger
    jobs.work(app, stop=threading.Event(), once=True, worker="w1")
    db.session.expire_all()  # the test's session outlives requests; a real request starts empty
    status = client.get(f"/finance/exports/{job.id}/status").get_json()
    assert (status["state"], status["done"], status["total"]) == ("done", 1, 1)


def test_progress_survives_a_reload_in_another_app_process(app, client, login, make):
    """Another app server (a new app on the same database) shows the job and its download."""
    call, contracts, staff = _call_with_contracts(make, issued=2, drafts=0)
    finance = login(make.user(Role.FINANCE))
    email = finance.email
    job_id = _queued(call, finance)
    assert jobs.claim("w1") == job_id
    jobs.Progress(job_id, "w1").start(2)
    other = create_app({**exports.worker_config(app), "WTF_CSRF_ENABLED": False})
    other_client = other.test_client()
    other_client.post("/login", data={"email": email, "password": make.PASSWORD})
    page = other_client.get(f"/finance/exports/{job_id}").get_data(as_text=True)
    assert '<span id="export-count">0 / 2</span>' in page
    with other.app_context():
        jobs.run(job_id, "w1")
    status = other_client.get(f"/finance/exports/{job_id}/status").get_json()
    assert (status["state"], status["done"]) == ("done", 2)
    download = other_client.get(status["download"])
    assert sorted(zipfile.ZipFile(io.BytesIO(download.data)).namelist()) == sorted(
        f"{c.number}.pdf" for c in contracts
    )


def _worker_command(app, *args):
    """`flask jobs work` in a process of its own on the test database and upload folder."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "MAIL_FOLDER": app.config["MAIL_FOLDER"],
        "SECRET_KEY": "test",
    }
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen(
        [str(flask), "--app", "venture", "jobs", "work", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_worker_command_runs_a_queued_job_and_exits_when_asked(app, make):
    call, contracts, staff = _call_with_contracts(make, issued=2, drafts=3)
    job_id = _queued(call, staff)
    db.session.remove()
    worker = _worker_command(app, "--once")
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output
    assert output.splitlines()[-1] == "Export worker stopped after 1 jobs."
    job = _job(job_id)
    assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 5, 5, 1)
    assert len(zipfile.ZipFile(job.file.path).namelist()) == 5


def test_the_worker_command_stops_on_sigterm(app):
    import signal
    import time

    worker = _worker_command(app, "--poll", "0.2")
    first = worker.stdout.readline()
    assert first.startswith("Export worker ")
    time.sleep(0.5)
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=60)
    assert (worker.returncode, output.splitlines()[-1]) == (
        0,
        "Export worker stopped after 0 jobs.",
    )
