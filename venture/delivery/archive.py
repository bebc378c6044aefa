"""The project archive (项目档案): every document of a closed project in one ZIP.

Folders: the contract and its signed copy; each submitted progress report as a PDF with its
photos and attachments; each evaluation's self-assessment, final report and evaluation report;
the project's other documents; the final report (结项报告) and the message log. A list of
contents with each file's SHA-256 comes first, so the archive can be checked later.
"""

import hashlib
import io
import re
import zipfile

from flask_babel import gettext as _

from venture.core.formatting import local_datetime
from venture.core.timeutil import now
from venture.delivery.models import ProjectDocument, ProjectMessage
from venture.delivery.progress import line_totals
from venture.extensions import db


def _safe(name):
    """A file or folder name without path separators or characters ZIP tools dislike."""
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", str(name)).strip(" .")
    return name[:80] or "file"


def archive_name(project):
    return f"{project.contract.number}-archive.zip"


class _Zip:
    def __init__(self):
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED)
        self.contents = []
        self.names = set()

    def add(self, path, data):
        stem, dot, suffix = path.rpartition(".")
        candidate, n = path, 2
        while candidate in self.names:
            candidate = f"{stem}-{n}.{suffix}" if dot else f"{path}-{n}"
            n += 1
        self.names.add(candidate)
        self.zip.writestr(candidate, data)
        self.contents.append((candidate, len(data), hashlib.sha256(data).hexdigest()))

    def add_stored(self, folder, stored, prefix=""):
        if stored is None or not stored.path.is_file():
            return
        self.add(f"{folder}/{_safe(prefix + stored.original_name)}", stored.path.read_bytes())

    def close(self, index_name, header):
        lines = [header, ""] + [f"{path}\t{size}\t{digest}" for path, size, digest in self.contents]
        self.zip.writestr(index_name, "\n".join(lines) + "\n")
        self.zip.close()
        return self.buffer.getvalue()


def build_archive(project):
    """The ZIP bytes of the project's documents (renders the report PDFs)."""
    from sqlalchemy import select

    from venture.delivery.documents import REPORT_DOCUMENTS as pdfs
    from venture.delivery.evaluations import EVALUATIONS

    archive = _Zip()
    contract = project.contract
    folder = _safe(_("Contract"))
    archive.add_stored(folder, contract.document)
    archive.add_stored(folder, contract.signed_scan, prefix=_("signed") + "-")

    reports_folder = _safe(_("Progress reports"))
    submitted = [r for r in project.reports if r.submitted_at is not None]
    for n, report in enumerate(submitted, 1):
        base = f"{reports_folder}/{n:02d}-{_safe(report.title)}"
        totals = line_totals(project.plan_lines, project.reports, current=report)
        archive.add(
            f"{base}/{_safe(report.title)}.pdf", pdfs.render_progress_report(report, totals)
        )
        for attachment in report.attachments:
            archive.add_stored(base, attachment.file)

    evaluations = EVALUATIONS.evaluations_of(project.id)
    evaluations_folder = _safe(_("Evaluations"))
    report_name = _safe(_("Evaluation report"))
    for evaluation in evaluations:
        base = f"{evaluations_folder}/{evaluation.id}-{_safe(evaluation.kind.label)}"
        archive.add_stored(base, evaluation.self_assessment_file, prefix=_("self-assessment") + "-")
        archive.add_stored(base, evaluation.final_report_file, prefix=_("final report") + "-")
        if evaluation.scored_at is not None:
            criteria = EVALUATIONS.criteria_of(project.call_id, evaluation.kind)
            archive.add(
                f"{base}/{report_name}.pdf",
                pdfs.issued_or_rendered(
                    evaluation,
                    lambda e=evaluation, c=criteria: pdfs.render_evaluation_report(e, c),
                ),
            )

    documents = db.session.scalars(
        select(ProjectDocument).where(ProjectDocument.project_id == project.id)
    ).all()
    for document in documents:
        archive.add_stored(_safe(_("Documents")), document.file, prefix=_safe(document.label) + "-")

    final_name = _safe(_("Final report"))
    archive.add(
        f"{final_name}.pdf",
        pdfs.issued_or_rendered(project, lambda: pdfs.render_project_final_report(project.id)),
    )
    messages = db.session.scalars(
        select(ProjectMessage)
        .where(ProjectMessage.project_id == project.id)
        .order_by(ProjectMessage.created_at, ProjectMessage.id)
    ).all()
    if messages:
        log = "\n\n".join(
            f"{local_datetime(m.created_at)} {m.author.name}\n{m.body}" for m in messages
        )
        messages_name = _safe(_("Messages"))
        archive.add(f"{messages_name}.txt", log.encode("utf-8"))
    header = _(
        "Archive of %(title)s (contract %(number)s), made %(when)s. "
        "Contents: path, bytes, SHA-256.",
        title=project.title,
        number=contract.number,
        when=local_datetime(now()),
    )
    contents_name = _safe(_("Contents"))
    return archive.close(f"00-{contents_name}.txt", header)
