"""The project's report PDFs, as the reports module renders and issues them.

The reports module reads delivery's and evaluation's figures, so delivery and evaluation do
not import it: it registers its functions here when the app is built (the end of
venture/reports/documents.py), and they call `REPORT_DOCUMENTS.issue_final_report(…)`.
"""

from venture.core.hooks import Hooks

REPORT_DOCUMENTS = Hooks(
    "delivery.REPORT_DOCUMENTS",
    "issue_final_report",
    "issue_evaluation_report",
    "issued_or_rendered",
    "render_progress_report",
    "render_evaluation_report",
    "render_project_final_report",
)
