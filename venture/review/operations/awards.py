"""Awards proposed from the ranking, panel progress, and the result announcement (公示)."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from venture.announcements.operations import register_finaliser
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.core import audit
from venture.core.cache import UNREAD, stamped_figure
from venture.core.formatting import yuan
from venture.core.lifecycle import transition
from venture.core.timeutil import now
from venture.extensions import db
from venture.review.enums import AssignmentState, SheetState
from venture.review.hooks import AWARDS
from venture.review.models import (
    Panel,
    ReviewAssignment,
    ReviewSheet,
)
from venture.review.operations.assignments import assignments_of
from venture.review.operations.common import IN_REVIEW, ProposalRefused, ReviewError
from venture.review.operations.panels import refuse_after_proposal
from venture.review.operations.scoresheets import refuse_before_deadline

# ── awards and the result ───────────────────────────────────────────────────────────────────


def propose_awards(panel, ranking, decisions, *, actor):
    """Awards down the ranking: decisions {application_id: (amount or None, justification)}.

    Every sheet must be in; each amount is positive, at most the requested amount and the
    call's cap; the awards together stay within the budget; an award to an application ranked
    below one left out needs a written justification. Funded applications become proposed
    awards, the others not selected.
    """
    from venture.applications.lifecycle import APPLICATION_WORKFLOW

    refuse_before_deadline(panel)
    refuse_after_proposal(panel)
    call = panel.call
    open_sheets = sum(1 for a in assignments_of(panel) if a.is_active and not a.is_submitted)
    if open_sheets:
        raise ProposalRefused(
            _("%(n)d score sheets are not submitted yet; the ranking is not final.", n=open_sheets)
        )
    unscored = [row.application for row in ranking if row.score is None]
    if unscored:
        raise ProposalRefused(
            _(
                "“%(title)s” has no submitted score sheet; assign reviewers to it first.",
                title=unscored[0].title,
            )
        )
    errors = {}
    funded = []
    skipped_above = False
    for row in ranking:
        app = row.application
        amount, justification = decisions.get(app.id, (None, ""))
        justification = (justification or "").strip()
        if amount is None:
            skipped_above = True
            continue
        if amount <= 0:
            errors[app.id] = _("The amount must be more than 0.")
        elif amount > app.requested_amount:
            errors[app.id] = _(
                "The amount is more than the %(requested)s requested.",
                requested=yuan(app.requested_amount),
            )
        elif amount > call.cap_per_project:
            errors[app.id] = _(
                "The amount is more than the call's cap of %(cap)s per project.",
                cap=yuan(call.cap_per_project),
            )
        elif skipped_above and not justification:
            errors[app.id] = _(
                "This application is funded ahead of a higher-ranked one: write why."
            )
        funded.append((row, amount, justification))
    if errors:
        raise ProposalRefused(_("Please correct the marked rows."), errors)
    if not funded:
        raise ProposalRefused(_("Choose at least one application to fund."))
    committed = AWARDS.awarded_total(call.id)
    total = sum((amount for _row, amount, _j in funded), Decimal("0.00"))
    if total + Decimal(committed) > call.total_budget:
        over = total + Decimal(committed) - call.total_budget
        raise ProposalRefused(
            _(
                "The awards add up to %(total)s, which is %(over)s more than the call's budget "
                "of %(budget)s.",
                total=yuan(total + Decimal(committed)),
                over=yuan(over),
                budget=yuan(call.total_budget),
            )
        )
    funded_ids = set()
    for row, amount, justification in funded:
        app = row.application
        AWARDS.add_proposed_award(
            call,
            app,
            amount=amount,
            rank=row.rank,
            justification=justification or None,
            actor=actor,
            after={"requested": app.requested_amount, "rank": row.rank, "score": row.display_score},
            reason=justification or None,
        )
        transition(APPLICATION_WORKFLOW, app, "propose_award", actor=actor)
        funded_ids.add(app.id)
    for row in ranking:
        if row.application.id not in funded_ids:
            transition(APPLICATION_WORKFLOW, row.application, "not_select", actor=actor)
    panel.proposed_at = now()
    audit.record(
        "panel.propose",
        panel,
        actor=actor,
        after={
            "aggregation": panel.aggregation,
            "awards": len(funded_ids),
            "total": total,
            "budget": call.total_budget,
        },
    )
    return total


def panel_progress(panel_ids):
    """{panel_id: (submitted sheets, standing assignments)}: one grouped query."""
    if not panel_ids:
        return {}
    rows = db.session.execute(
        select(
            ReviewAssignment.panel_id,
            func.count(ReviewSheet.id).filter(ReviewSheet.state == SheetState.SUBMITTED),
            func.count(ReviewAssignment.id),
        )
        .outerjoin(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.panel_id.in_(panel_ids),
            ReviewAssignment.application_id.is_not(None),
            ReviewAssignment.state == AssignmentState.ACTIVE,
        )
        .group_by(ReviewAssignment.panel_id)
    )
    return {panel_id: (done, total) for panel_id, done, total in rows}


OPEN_PANEL_PROGRESS = "review.open_panel_progress"  # the stored figure's key


def open_panel_progress(panels, *, stored=UNREAD):
    """panel_progress of the staff home's open panels, stored under their figures_version
    (moved by every change of a panel's assignments and sheets, models.keep_figures_version):
    one read of the stored figure instead of counting their assignments on each request
    (stored: the figure read already, with the home's 下一步: core.cache.stored_column)."""
    stamp = [[panel.id, panel.figures_version] for panel in panels]

    def count():
        progress = panel_progress([panel.id for panel in panels])
        return [[panel_id, done, total] for panel_id, (done, total) in progress.items()]

    rows = stamped_figure(OPEN_PANEL_PROGRESS, stamp, count, stored=stored)
    return {panel_id: (done, total) for panel_id, done, total in rows}


def applications_needing_reviewers(panel):
    """How many eligible applications have fewer than k standing reviewers: one statement."""
    if panel.proposed_at is not None:
        return 0
    standing = (
        select(ReviewAssignment.application_id, func.count().label("n"))
        .where(
            ReviewAssignment.panel_id == panel.id,
            ReviewAssignment.state == AssignmentState.ACTIVE,
        )
        .group_by(ReviewAssignment.application_id)
        .subquery()
    )
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .outerjoin(standing, standing.c.application_id == Application.id)
        .where(
            Application.call_id == panel.call_id,
            Application.state.in_(IN_REVIEW),
            func.coalesce(standing.c.n, 0) < panel.reviewers_per_application,
        )
    )


# ── the announcement (公示) and the final result ─────────────────────────────────────────────


def result_announcement(panel):
    """The newest review-result announcement of the panel, or None."""
    from venture.announcements.operations import announcements_about

    found = announcements_about(panel, kind="review_result")
    return found[0] if found else None


def preview_period(period_days):
    from venture.announcements.operations import preview_period as preview

    return preview(period_days)


def publish_result(panel, ranking, *, title, introduction, period_days, actor):
    """Publish the proposed awards as a 公示 for period_days Chinese working days."""
    from flask import render_template

    from venture.announcements.enums import AnnouncementState
    from venture.announcements.operations import publish_about

    refuse_before_deadline(panel)
    if panel.proposed_at is None:
        raise ReviewError(_("Propose the awards before publishing the result."))
    current = result_announcement(panel)
    if current is not None and current.state != AnnouncementState.WITHDRAWN:
        raise ReviewError(_("The result is published already."))
    body = render_template(
        "review/announcement_body.html",
        panel=panel,
        call=panel.call,
        rows=[row for row in ranking.rows if row.award is not None],
        introduction=(introduction or "").strip(),
    )
    return publish_about(
        "panel.publish",
        panel,
        kind="review_result",
        title=title,
        body=body,
        period_days=period_days,
        actor=actor,
        noted=("ends_on",),
    )


def finalise_review_result(announcement, actor):
    """Finaliser of "review_result": the objection period ended with no objection upheld.

    The call's proposed awards become final; proposed applications are awarded and those not
    selected are not awarded (each application's members are told by its workflow).
    """
    from venture.applications.lifecycle import APPLICATION_WORKFLOW

    panel = announcement.subject
    if not isinstance(panel, Panel):
        raise ReviewError(_("This announcement is not a review result."))
    AWARDS.confirm_awards(panel.call_id, actor)
    applications = db.session.scalars(
        select(Application).where(
            Application.call_id == panel.call_id,
            Application.state.in_((ApplicationState.PROPOSED, ApplicationState.NOT_SELECTED)),
        )
    ).all()
    for app in applications:
        action = "confirm_award" if app.state == ApplicationState.PROPOSED else "close_not_selected"
        transition(APPLICATION_WORKFLOW, app, action, actor=actor)


register_finaliser("review_result", finalise_review_result)
