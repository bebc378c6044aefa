"""The export queue: ExportJob rows taken by background workers (`flask jobs work`).

A claim is one conditional UPDATE (queued → running, or running with a heartbeat older than
JOB_STALE_AFTER): the database lets exactly one UPDATE match, so two workers on SQLite or
PostgreSQL never take the same job, and a job whose worker died is taken again. Progress and
the result are written under the same condition (still this worker's, still running), so a
worker that lost its job stops instead of overwriting another's work.

JOB_RUNNER = "thread" (the embedded default) runs a new job in a thread of the web process
that requested it; "worker" leaves it to the workers, which may run on other machines.
"""

import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from venture.core.timeutil import now
from venture.extensions import db
from venture.payments.enums import JobState
from venture.payments.models import ExportJob

log = logging.getLogger(__name__)
HANDLERS = {}  # job kind -> function(job, progress) that does the work
DEFAULT_STALE_AFTER = 120  # seconds without a heartbeat before a running job is taken again
DEFAULT_MAX_ATTEMPTS = 3  # claims before a job that keeps killing its worker is failed
HEARTBEAT_EVERY = 0.5  # seconds between progress writes


class JobLost(Exception):
    """Another worker took the job (this one was thought dead): stop without writing."""


class JobStopped(Exception):
    """The worker is shutting down: the job goes back to the queue."""


def handler(kind):
    """Register the function that runs jobs of kind."""

    def register(function):
        HANDLERS[kind] = function
        return function

    return register


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _stale_after():
    return timedelta(seconds=current_app.config.get("JOB_STALE_AFTER", DEFAULT_STALE_AFTER))


def _claimable(stale_before):
    return sa.or_(
        ExportJob.state == JobState.QUEUED,
        sa.and_(ExportJob.state == JobState.RUNNING, ExportJob.heartbeat_at < stale_before),
    )


def fail_abandoned():
    """Fail running jobs whose worker died too often: they may be what kills it."""
    moment = now()
    limit = current_app.config.get("JOB_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
    abandoned = sa.and_(
        ExportJob.state == JobState.RUNNING,
        ExportJob.heartbeat_at < moment - _stale_after(),
        ExportJob.attempts >= limit,
    )
    # a read first: idle workers poll every second and should not take the write lock each time
    if db.session.scalar(sa.select(ExportJob.id).where(abandoned).limit(1)) is None:
        return
    # no request here: the message is kept in the platform's language
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = _("The job stopped %(n)s times without finishing; start it again.", n=limit)
    db.session.execute(
        sa.update(ExportJob)
        .where(abandoned)
        .values(
            state=JobState.FAILED,
            finished_at=moment,
            error=message,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def claim(worker, job_id=None):
    """Take the oldest claimable job (or job_id if it is claimable) for worker; its id or None."""
    fail_abandoned()
    moment = now()
    claimable = _claimable(moment - _stale_after())
    candidates = sa.select(ExportJob.id).where(claimable).order_by(ExportJob.id).limit(5)
    if job_id is not None:
        candidates = candidates.where(ExportJob.id == job_id)
    for candidate in db.session.scalars(candidates).all():
        taken = db.session.execute(
            sa.update(ExportJob)
            .where(ExportJob.id == candidate, claimable)
            .values(
                state=JobState.RUNNING,
                worker=worker,
                heartbeat_at=moment,
                started_at=moment,
                attempts=ExportJob.attempts + 1,
                done=0,
                error=None,
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            db.session.commit()
            return candidate
    db.session.rollback()
    return None


class Progress:
    """How a handler reports progress; each write proves the job is still this worker's."""

    def __init__(self, job_id, worker, stop=None):
        self.job_id, self.worker, self.stop = job_id, worker, stop
        self.done, self.total = 0, None
        self.written = 0.0

    def _update(self, **values):
        mine = db.session.execute(
            sa.update(ExportJob)
            .where(
                ExportJob.id == self.job_id,
                ExportJob.worker == self.worker,
                ExportJob.state == JobState.RUNNING,
            )
            .values(heartbeat_at=now(), **values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if mine.rowcount != 1:
            raise JobLost(self.job_id)
        self.written = time.monotonic()

    def start(self, total):
        self.total, self.done = total, 0
        self._update(total=total, done=0)

    def advance(self, by=1):
        """Count work done; written at most every HEARTBEAT_EVERY seconds."""
        self.done += by
        if self.stop is not None and self.stop.is_set():
            raise JobStopped(self.job_id)
        if time.monotonic() - self.written >= HEARTBEAT_EVERY:
            self._update(done=self.done)

    def finish(self, file):
        """Keep the result (a StoredFile added to the session) and mark the job done."""
        db.session.flush()
        self._update(done=self.done, file_id=file.id, state=JobState.DONE, finished_at=now())


def run(job_id, worker, stop=None):
    """Run a job this worker has claimed, inside an app context; a failure is kept on the row."""
    # progress commits every half second must not expire the rows the handler is working on
    db.session().expire_on_commit = False
    job = db.session.get(ExportJob, job_id)
    progress = Progress(job_id, worker, stop)
    started = time.monotonic()
    log.info("export job %s (%s) taken by %s", job_id, job.kind, worker)
    try:
        HANDLERS[job.kind](job, progress)
        log.info(
            "export job %s done: %s items in %.1f s",
            job_id,
            progress.done,
            time.monotonic() - started,
        )
    except JobLost:
        db.session.rollback()
        log.warning("export job %s was taken by another worker; %s stops", job_id, worker)
    except Exception as error:
        db.session.rollback()
        # Ctrl+C reaches the rendering processes too: a job broken by the stop is not failed
        if not isinstance(error, JobStopped) and not (stop is not None and stop.is_set()):
            log.exception("export job %s failed", job_id)
            _release(
                job_id, worker, state=JobState.FAILED, error=str(error)[:2000], finished_at=now()
            )
            return
        _release(job_id, worker, state=JobState.QUEUED, done=0, heartbeat_at=None)
        log.info("export job %s goes back to the queue: %s is stopping", job_id, worker)
    finally:
        db.session.remove()


def _release(job_id, worker, **values):
    db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.worker == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_now(app, job_id, worker=None):
    """Claim job_id and run it here (the thread runner, tests); False if it was not claimable."""
    worker = worker or worker_name()
    with app.app_context():
        if claim(worker, job_id) is None:
            db.session.remove()
            return False
        run(job_id, worker)
    return True


def work(app, *, stop, poll=1.0, once=False, worker=None):
    """Claim and run jobs until stop is set (once: until the queue is empty); the count run."""
    worker = worker or worker_name()
    count = 0
    while not stop.is_set():
        with app.app_context():
            try:
                job_id = claim(worker)
            except sa.exc.OperationalError:  # database restarting or locked: try again later
                log.exception("could not poll the export queue")
                db.session.rollback()
                job_id = None
            if job_id is not None:
                run(job_id, worker, stop)
                count += 1
                continue
            db.session.remove()
        if once:
            break
        stop.wait(poll)
    return count


def stop_on_signals(stop):
    """SIGTERM and SIGINT set stop: the running job goes back to the queue, the loop ends."""

    def handle(signum, _frame):
        log.info("signal %s: the export worker stops", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def dispatch(job):
    """After the request committed job: with the thread runner, start it in this process."""
    if current_app.config.get("JOB_RUNNER", "thread") != "thread":
        return None
    app = current_app._get_current_object()

    def drain():
        run_now(app, job.id)
        # also finish jobs an earlier, stopped web process left behind
        work(app, stop=threading.Event(), once=True)

    thread = threading.Thread(target=drain, name=f"export-job-{job.id}", daemon=True)
    thread.start()
    return thread
