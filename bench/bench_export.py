"""Background export: a ZIP of 500 contract PDFs while the app keeps answering pages.

    .venv/bin/python bench/bench_export.py [--contracts 500] [--web-workers 2]
        [--export-workers 1] [--database-url postgresql://…] [--write]

Builds a throwaway database (SQLite in a temporary folder unless --database-url) with one call
of --contracts draft contracts, then starts the app as in production: gunicorn with
--web-workers sync workers and JOB_RUNNER=worker, and beside it one `flask jobs work` process
(rendering with --export-workers processes). Signed in as finance, it
1. times the pages of the finance desk (ledger, the public calls list, announcements, /health
   when the app has it) for a while before any export;
2. asks for the call's ZIP through the ledger's form and, until the job is done, polls the job's
   status as the progress page does while timing the same pages in a loop;
3. downloads the ZIP and checks it: one entry per contract, each a PDF that pypdf opens and
   whose fonts (pdffonts, poppler-utils) include an embedded CJK font.
--write puts the figures into bench/README.md between its export markers.
"""

import argparse
import io
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8767
BASE = f"http://127.0.0.1:{PORT}"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
START, END = "<!-- export:start -->", "<!-- export:end -->"
PASSWORD = "Secret12345"


def build(env, count):
    """The schema and count draft contracts of one call; (call id, finance email, seconds)."""
    os.environ.update(env)
    from tests import factories
    from venture import create_app
    from venture.auth.enums import Role
    from venture.contracts.operations import draft_contract
    from venture.extensions import db

    started = time.perf_counter()
    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        # the models' tables, also columns newer than the last migration (the lead writes it)
        db.drop_all()
        db.create_all()
        staff = factories.user(Role.STAFF)
        finance = factories.user(Role.FINANCE, email="finance@bench.example.com")
        first = factories.award("107000.53", staff=staff)
        draft_contract(first, actor=staff)
        db.session.commit()
        for n in range(count - 1):
            award = factories.award(f"{50000 + n * 731}.{n % 100:02d}", staff=staff)
            award.call_id = first.call_id
            draft_contract(award, actor=staff)
            db.session.commit()
            if n % 100 == 98:
                print(f"  {n + 2} contracts", flush=True)
        call_id, email = first.call_id, finance.email
        db.session.remove()
        db.engine.dispose()
    return call_id, email, time.perf_counter() - started


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def signed_in(email):
    http = requests.Session()
    page = http.get(BASE + "/login", timeout=30).text
    token = CSRF.search(page).group(1)
    response = http.post(
        BASE + "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.status_code
    return http


def time_pages(http, pages, stop=None, rounds=None):
    """Request pages round-robin until stop is set (or for rounds rounds): {page: [seconds]},
    and the number of 5xx answers."""
    timings, errors, done = {page: [] for page in pages}, 0, 0
    while (stop is None or not stop.is_set()) and (rounds is None or done < rounds):
        for page in pages:
            start = time.perf_counter()
            response = http.get(BASE + page, timeout=120)
            timings[page].append(time.perf_counter() - start)
            errors += response.status_code >= 500
            assert response.status_code < 400, (page, response.status_code)
        done += 1
    return timings, errors


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def check_zip(data, folder):
    """(entries, PDFs that open, PDFs with an embedded CJK font, pages in all)."""
    from pypdf import PdfReader

    from tests.pdf_checks import CJK_FONT, embedded_fonts

    archive = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in archive.namelist() if n.endswith(".pdf")]
    opened = with_cjk = pages = 0
    for name in names:
        pdf = archive.read(name)
        try:
            pages += len(PdfReader(io.BytesIO(pdf)).pages)
        except Exception as error:  # a broken PDF is a finding, not a crash of the bench
            print(f"  {name}: {error}")
            continue
        opened += 1
        fonts = embedded_fonts(pdf, folder / "check.pdf")
        with_cjk += any(embedded and CJK_FONT.search(font) for font, embedded in fonts)
    return len(archive.namelist()), opened, with_cjk, pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--web-workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--export-workers", type=int, default=1)
    parser.add_argument("--baseline-rounds", type=int, default=40)
    parser.add_argument("--database-url")
    parser.add_argument("--write", action="store_true", help="update bench/README.md")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="venture-export-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'export.sqlite'}",
        "SECRET_KEY": "bench-export",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "MAIL_FOLDER": str(folder / "mail"),
        "JOB_RUNNER": "worker",
        "EXPORT_WORKERS": str(args.export_workers),
        "FLASK_APP": "venture",
    }
    print(f"building {args.contracts} draft contracts in {folder} …", flush=True)
    call_id, email, build_seconds = build(env, args.contracts)
    print(f"built in {build_seconds:.0f} s", flush=True)

    load_before = os.getloadavg()[0]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            f"--workers={args.web_workers}",
            f"--bind=127.0.0.1:{PORT}",
            "--timeout=120",
            "venture:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "gunicorn.log").open("w"),
    )
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/flask"), "--app", "venture", "jobs", "work", "--poll", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=(folder / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(BASE + "/login")
        http = signed_in(email)
        pages = ["/finance/ledger", "/calls", "/announcements"]
        if requests.get(BASE + "/health", timeout=30).status_code == 200:
            pages.append("/health")
        time_pages(http, pages, rounds=3)  # warm-up: every gunicorn worker has its imports
        before, errors_before = time_pages(http, pages, rounds=args.baseline_rounds)

        ledger = http.get(BASE + "/finance/ledger", timeout=60).text
        token = CSRF.search(ledger).group(1)
        asked = time.perf_counter()
        response = http.post(
            BASE + "/finance/contract-exports",
            data={"call_id": str(call_id), "csrf_token": token},
            allow_redirects=False,
            timeout=60,
        )
        answered = time.perf_counter() - asked
        job_url = response.headers["Location"]
        status_url = BASE + job_url + "/status"

        stop = threading.Event()
        polled = []  # (seconds since asked, state, done)
        page_seen = []

        def poll():
            watcher = signed_in(email)
            while True:
                status = watcher.get(status_url, timeout=60).json()
                polled.append((time.perf_counter() - asked, status["state"], status["done"]))
                if len(polled) == 10:  # the progress page itself, half-way through a reload
                    page_seen.append(watcher.get(BASE + job_url, timeout=60).text)
                if status["state"] in ("done", "failed"):
                    stop.set()
                    return status
                time.sleep(1)

        result = {}
        poller = threading.Thread(target=lambda: result.update(poll()))
        poller.start()
        during, errors_during = time_pages(http, pages, stop=stop)
        poller.join()
        total_seconds = polled[-1][0]
        assert result["state"] == "done", result
        first_progress = next((t for t, _s, done in polled if done > 0), None)
        download = http.get(BASE + result["download"], timeout=300)
        entries, opened, with_cjk, pdf_pages = check_zip(download.content, folder)
    finally:
        worker.terminate()  # SIGTERM: the worker's graceful stop
        server.terminate()
        worker_exit = worker.wait(timeout=60)
        server.wait(timeout=60)
    load_after = os.getloadavg()[0]

    progress_values = sorted({done for _t, _s, done in polled})
    shown = re.search(r'id="export-count">([^<]+)<', page_seen[0] if page_seen else "")
    count_text = shown.group(1) if shown else "—"
    all_before = [t for times in before.values() for t in times]
    all_during = [t for times in during.values() for t in times]
    rows = [
        ("contracts in the call (drafts, each rendered by the export)", f"{args.contracts}"),
        ("building the database", f"{build_seconds:.0f} s"),
        ("POST that queues the export answered in", f"{answered * 1000:.0f} ms"),
        ("first progress visible after", f"{first_progress:.1f} s" if first_progress else "—"),
        ("export finished after (ZIP stored)", f"{total_seconds:.1f} s"),
        ("contracts per second", f"{args.contracts / total_seconds:.1f}"),
        (
            "progress polls / distinct values seen",
            f"{len(polled)} / {len(progress_values)} (job page mid-way: {count_text})",
        ),
        (
            "ZIP: entries / PDFs that open / with embedded CJK font",
            f"{entries} / {opened} / {with_cjk} ({len(download.content) / 1e6:.1f} MB, "
            f"{pdf_pages} pages)",
        ),
        ("worker exit status after SIGTERM", f"{worker_exit}"),
    ]
    latency = [("all pages", all_before, all_during)] + [
        (page, before[page], during[page]) for page in pages
    ]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {env['DATABASE_URL'].split(':')[0]}, gunicorn "
        f"{args.web_workers} sync workers, 1 export worker rendering with "
        f"{args.export_workers} process(es); load average {load_before:.1f} before the run and "
        f"{load_after:.1f} after (other engineers' work shares the machine).",
        "",
        "| figure | value |",
        "| --- | --- |",
        *[f"| {name} | {value} |" for name, value in rows],
        "",
        "| page latency | before: requests, p50, p95 | during the export: requests, p50, p95, "
        "max |",
        "| --- | --- | --- |",
    ]
    for name, b, d in latency:
        lines.append(
            f"| {name} | {len(b)}, {statistics.median(b) * 1000:.0f} ms, "
            f"{percentile(b, 0.95) * 1000:.0f} ms | {len(d)}, {statistics.median(d) * 1000:.0f} "
            f"ms, {percentile(d, 0.95) * 1000:.0f} ms, {max(d) * 1000:.0f} ms |"
        )
    lines.append("")
    lines.append(f"5xx answers: {errors_before} before, {errors_during} during.")
    text = "\n".join(lines)
    print(text)
    print(f"logs: {folder / 'gunicorn.log'}, {folder / 'worker.log'}")
    ok = entries == opened == with_cjk == args.contracts and not errors_during
    if args.write:
        readme = ROOT / "bench" / "README.md"
        current = readme.read_text()
        head, _old, tail = current.partition(START)
        _old, _end, tail = tail.partition(END)
        readme.write_text(f"{head}{START}\n{text}\n{END}{tail}")
        print(f"wrote {readme}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
