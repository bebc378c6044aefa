"""PDF benchmark: one contract render (unsigned and signed) against a minimal page, and the
batch export throughput.

Usage: .venv/bin/python bench/bench_pdf.py [--renders 30] [--batch 100] [--repeat 2] [--write]

Builds a throwaway SQLite database in a temporary folder with draft contracts, then reports
1. the median time of rendering one contract (the real template, data and fonts) next to a
   minimal one-page WeasyPrint document, both in this process after a warm-up;
2. the throughput of the contracts ZIP's rendering step (`render_drafts`, the code the export
   job runs) with 1 and with 2 worker processes, process start-up included.
Batches run alternately, best of --repeat each. The fork server the workers start from is
started before timing, as in a web process that has exported before. --write puts the figures
into bench/README.md between its result markers.
"""

import argparse
import io
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MINIMAL_HTML = "<!doctype html><html><body><p>A minimal one-page document.</p></body></html>"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def build(app, count):
    """count draft contracts of one call, from awards made like the test factories make them."""
    from tests import factories
    from venture.auth.enums import Role
    from venture.contracts.operations import draft_contract
    from venture.extensions import db

    staff = factories.user(Role.STAFF)
    first = factories.award("107000.53", staff=staff)
    ids = [draft_contract(first, actor=staff).id]
    db.session.commit()
    for n in range(count - 1):
        award = factories.award(f"{50000 + n * 731}.{n % 100:02d}", staff=staff)
        award.call_id = first.call_id
        ids.append(draft_contract(award, actor=staff).id)
        db.session.commit()
    return ids


def median_seconds(function, runs):
    """Median (wall-clock, CPU) seconds of function; CPU time is what other load on the
    machine distorts least."""
    function()  # warm-up: fonts loaded, templates compiled
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def signed_contract_figures(contract, data, runs):
    """The contract as issued and signed (venture/documents/signing.py), step by step: the
    render with its QR code and signature slots, Party A's certification (at issue), Party B's
    signature (when the organization signs). Returns the signed PDF and {step: (wall, CPU)}."""
    from tests import factories
    from venture.contracts import document
    from venture.documents import signing
    from venture.documents.pki import event_signer, office_signer

    data = {**data, "verify": {"code": "ABCD-EFGH-23", "url": "http://localhost/verify/ABCDEFGH23"}}
    office_signer(), event_signer(contract.organization)  # keys made and loaded once, as in use
    signer = factories.user()
    party_a = data["party_a"]["name"]
    pdf, boxes = document.render_contract_for_signing(data)
    certified = signing.certify_contract(pdf, boxes, party_a_name=party_a, signer_name=signer.name)

    def issued():
        rendered, slots = document.render_contract_for_signing(data)
        return signing.certify_contract(
            rendered, slots, party_a_name=party_a, signer_name=signer.name
        )

    figures = {
        "render": median_seconds(lambda: document.render_contract_for_signing(data), runs),
        "issued": median_seconds(issued, runs),
        "party_a": median_seconds(
            lambda: signing.certify_contract(
                pdf, boxes, party_a_name=party_a, signer_name=signer.name
            ),
            runs,
        ),
        "party_b": median_seconds(
            lambda: signing.sign_party_b(certified, contract.organization, signer_name=signer.name),
            runs,
        ),
    }
    signed = signing.sign_party_b(certified, contract.organization, signer_name=signer.name)
    return signed, figures


def batch_rate(app, ids, workers):
    from venture.payments.exports import render_drafts

    start = time.perf_counter()
    rendered = sum(1 for _ in render_drafts(app, ids, workers))
    elapsed = time.perf_counter() - start
    assert rendered == len(ids)
    return len(ids) / elapsed, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30, help="single renders to time")
    parser.add_argument("--batch", type=int, default=100, help="contracts in the batch")
    parser.add_argument("--repeat", type=int, default=2, help="batch runs per process count")
    parser.add_argument("--write", action="store_true", help="update bench/README.md")
    args = parser.parse_args()

    from pypdf import PdfReader
    from weasyprint import HTML

    from venture import create_app
    from venture.contracts import document
    from venture.contracts.models import Contract
    from venture.core.pdf import font_config
    from venture.extensions import db
    from venture.payments.exports import start_worker_server

    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="venture-bench-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_FOLDER": str(folder / "mail"),
            "SIGNING_FOLDER": str(folder / "pki"),
        }
    )
    with app.app_context(), app.test_request_context():
        db.create_all()
        ids = build(app, args.batch)
        contract = db.session.get(Contract, ids[0])
        data = document.document_data(contract)
        pdf = document.render_contract(data)
        # the minimal page as anyone would write it: WeasyPrint's defaults (FACTS.md's baseline)
        minimal = median_seconds(lambda: HTML(string=MINIMAL_HTML).write_pdf(), args.renders)
        # and with the FontConfiguration the app reuses, the cheapest a page can be
        minimal_shared = median_seconds(
            lambda: HTML(string=MINIMAL_HTML).write_pdf(font_config=font_config()), args.renders
        )
        one = median_seconds(lambda: document.render_contract(data), args.renders)
        signed_pdf, steps = signed_contract_figures(contract, data, args.renders)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start_worker_server(app)  # as in a web process that has exported before
        # best of --repeat, alternating, so a burst of other work on the machine hits both alike
        runs = {1: [], 2: []}
        for _ in range(args.repeat):
            for workers in (1, 2):
                runs[workers].append(batch_rate(app, ids, workers))
        rate1, elapsed1 = max(runs[1])
        rate2, elapsed2 = max(runs[2])
        db.session.remove()

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    lines = [
        f"Measured {date.today().isoformat()}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, WeasyPrint {__import__('weasyprint').__version__}, "
        f"load average {load_before:.1f} before the run and {os.getloadavg()[0]:.1f} after "
        "(other work on the machine skews the figures; CPU time the least).",
        "",
        "| figure | wall clock | CPU |",
        "| --- | --- | --- |",
        f"| minimal one-page document (WeasyPrint defaults), median of {args.renders} "
        f"| {minimal[0] * 1000:.1f} ms | {minimal[1] * 1000:.1f} ms |",
        f"| the same with the app's shared FontConfiguration | {minimal_shared[0] * 1000:.1f} ms "
        f"| {minimal_shared[1] * 1000:.1f} ms |",
        f"| one contract ({pages} pages, {len(pdf) // 1024} KB), median of {args.renders} "
        f"| {one[0] * 1000:.1f} ms | {one[1] * 1000:.1f} ms |",
        f"| issued contract: render with QR code and signature slots, Party A's certification, "
        f"median of {args.renders} | {steps['issued'][0] * 1000:.1f} ms "
        f"| {steps['issued'][1] * 1000:.1f} ms |",
        f"| of which the render with QR code and slots "
        f"| {steps['render'][0] * 1000:.1f} ms | {steps['render'][1] * 1000:.1f} ms |",
        f"| of which Party A's certification: what signing adds to a render (target ≤ 40 ms) "
        f"| {steps['party_a'][0] * 1000:.1f} ms | {steps['party_a'][1] * 1000:.1f} ms |",
        f"| Party B's signature when the organization signs (signed contract "
        f"{len(signed_pdf) // 1024} KB) | {steps['party_b'][0] * 1000:.1f} ms "
        f"| {steps['party_b'][1] * 1000:.1f} ms |",
        f"| contract / minimal page (target ≤ 15×) | {one[0] / minimal[0]:.1f}× "
        f"| {one[1] / minimal[1]:.1f}× |",
        f"| contract / minimal page with shared FontConfiguration | "
        f"{one[0] / minimal_shared[0]:.1f}× | {one[1] / minimal_shared[1]:.1f}× |",
        f"| peak memory of this process | {peak_mb:.0f} MB | |",
        f"| batch of {len(ids)} contracts, 1 process, best of {args.repeat} "
        f"| {rate1:.1f} contracts/s "
        f"({elapsed1:.1f} s) | |",
        f"| batch of {len(ids)} contracts, 2 processes, best of {args.repeat} "
        f"| {rate2:.1f} contracts/s "
        f"({elapsed2:.1f} s) | |",
        f"| 2 processes / 1 process (target ≥ 1.8×) | {rate2 / rate1:.2f}× | |",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text()
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(f"{head}{START}\n{report}\n{END}{tail}")


if __name__ == "__main__":
    main()
