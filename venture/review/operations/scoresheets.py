"""Score sheets (评分表): saved, submitted, reopened; reminders; the aggregation chosen.

The sheets themselves are the shared panel-scoring sheets (venture/review/sheets.py); these
functions add the venture-grant review's rules (deadline, proposal, locks, the workflow).
"""

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.calls.hooks import PHASE_RULES
from venture.core import audit
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.timeutil import now
from venture.review import sheets
from venture.review.enums import AssignmentState, SheetState
from venture.review.lifecycle import SHEET_WORKFLOW
from venture.review.operations.assignments import assignments_of, due_text
from venture.review.operations.common import ReviewError, SheetIncomplete, notify_link
from venture.review.operations.panels import criteria_of, refuse_after_proposal

# ── score sheets ────────────────────────────────────────────────────────────────────────────


# modules that score with the panel in other settings (the roadshow) may lock a sheet:
# each lock is (sheet) -> a refusal message or None
SHEET_LOCKS = []


def sheet_lock(sheet):
    """Why a registered lock keeps sheet from changing now, or None."""
    for lock in SHEET_LOCKS:
        message = lock(sheet)
        if message:
            return message
    return None


def _check_sheet_open(sheet, actor):
    from venture.review.permissions import owns_assignment

    if not owns_assignment(actor, sheet.assignment):
        raise ReviewError(_("You are not allowed to do this."))
    if sheet.assignment.state != AssignmentState.ACTIVE:
        raise ReviewError(
            _("You declared a conflict with this application; it can no longer be scored.")
        )
    if sheet.state != SheetState.DRAFT:
        raise ReviewError(_("This sheet is submitted and final; staff can reopen it."))
    refuse_before_deadline(sheet.assignment.panel)
    refuse_after_proposal(sheet.assignment.panel)
    locked = sheet_lock(sheet)
    if locked:
        raise ReviewError(str(locked))


def save_sheet(sheet, *, entries, overall_comment, actor):
    """Save a draft as typed; returns the messages for values that are not valid scores.

    entries: {criterion_id: (typed score, comment)}.
    """
    _check_sheet_open(sheet, actor)
    criteria = criteria_of(sheet.assignment.panel.call_id)
    errors = sheets.write_entries(sheet, criteria, entries, overall_comment)
    audit.record(
        "review_sheet.save",
        sheet,
        actor=actor,
        after={"scores": _typed(sheet, criteria)},
    )
    return errors


def _typed(sheet, criteria):
    return "; ".join(
        f"{c.name}={(sheet.score_for(c.id) and sheet.score_for(c.id).raw) or ''}" for c in criteria
    )


def submit_sheet(sheet, *, entries, overall_comment, actor):
    """Save, then submit when every criterion has a valid score; otherwise SheetIncomplete
    (the draft stays saved, so the caller commits in both cases)."""
    errors = save_sheet(sheet, entries=entries, overall_comment=overall_comment, actor=actor)
    criteria = criteria_of(sheet.assignment.panel.call_id)
    if not criteria:
        raise ReviewError(_("The call has no rubric yet."))
    errors = sheets.unscored(sheet, criteria, errors)
    if errors:
        raise SheetIncomplete(errors)
    # the total is written with the state (the audit log's queries flush the session)
    sheet.total = sheets.total_of(sheet, criteria)
    sheet.submitted_at = now()
    try:
        transition(SHEET_WORKFLOW, sheet, "submit", actor=actor)
    except TransitionRefused:
        sheet.total = sheet.submitted_at = None
        raise
    sheet.first_submitted_at = sheet.first_submitted_at or sheet.submitted_at
    audit.record("review_sheet.total", sheet, actor=actor, after={"total": sheet.total})


def reopen_sheet(sheet, *, reason, actor):
    """Staff give a submitted sheet back to its reviewer, with a reason (audited)."""
    locked = sheet_lock(sheet)
    if locked:
        raise ReviewError(str(locked))
    transition(SHEET_WORKFLOW, sheet, "reopen", actor=actor, reason=reason)
    sheet.total = None
    sheet.submitted_at = None
    assignment = sheet.assignment
    notify_link(
        [assignment.reviewer.user],
        _l("A score sheet was reopened for you"),
        _l(
            "Your score sheet for “%(title)s” was reopened by the programme staff: %(reason)s",
            title=assignment.application.title,
            reason=reason.strip(),
        ),
        "review.score",
        assignment_id=assignment.id,
    )


def send_reminders(panel, *, actor):
    """One message to each reviewer with unsubmitted sheets; returns how many were told."""
    refuse_after_proposal(panel)
    open_work = defaultdict(int)
    for a in assignments_of(panel):
        if a.is_active and not a.is_submitted:
            open_work[a.reviewer] += 1
    if not open_work:
        raise ReviewError(_("Every reviewer has submitted all their sheets."))
    for reviewer, count in open_work.items():
        notify_link(
            [reviewer.user],
            _l("Reminder: applications to score for %(call)s", call=panel.call.title),
            due_text(panel, count),
            "review.queue",
        )
    panel.reminded_at = now()
    audit.record(
        "panel.remind",
        panel,
        actor=actor,
        after={"reviewers": ",".join(sorted(r.name for r in open_work))},
    )
    return len(open_work)


def refuse_before_deadline(panel):
    """The panel's work waits for the call's application deadline (venture.integrity)."""
    refusal = PHASE_RULES.panel_work_refusal(panel.call)
    if refusal:
        raise ReviewError(refusal)


def choose_aggregation(panel, aggregation, *, actor):
    """Ranking: the aggregation that orders the applications."""
    refuse_before_deadline(panel)
    refuse_after_proposal(panel)
    before = audit.snapshot(panel, ("aggregation",))
    panel.aggregation = aggregation
    audit.record_changes(
        "panel.aggregation", panel, actor=actor, before=before, fields=("aggregation",)
    )
