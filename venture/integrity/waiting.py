"""What is waiting, for whom, since when: the rules' predicates as SQL conditions, read by the
home pages' next steps and counts (venture/home/next_steps.py)."""

from datetime import timedelta

from sqlalchemy import and_, exists, join, select

from venture.applications.enums import ApplicationState
from venture.applications.waiting import WAITING
from venture.core.json_rows import json_rows

ANNOUNCEMENT_ENDING_SOON = timedelta(days=7)
# application states past which the award, its contract and its project say what comes next
AWARD_CHAIN_STATES = (ApplicationState.AWARDED, ApplicationState.NOT_AWARDED)


def announcement_ending_soon(today, week_ahead):
    """A 公示 whose period ends within the week (today included); week_ahead is today +
    ANNOUNCEMENT_ENDING_SOON (today may be a bound parameter, where dates cannot be added)."""
    from venture.announcements.enums import AnnouncementState
    from venture.announcements.models import Announcement

    return and_(
        Announcement.state == AnnouncementState.PUBLISHED,
        Announcement.ends_on >= today,
        Announcement.ends_on <= week_ahead,
    )


def announcement_awaiting_confirmation(today):
    """期满待确认: a 公示 whose period is over and that staff have not finalised yet."""
    from venture.announcements.enums import AnnouncementState
    from venture.announcements.models import Announcement

    return and_(
        Announcement.state == AnnouncementState.PUBLISHED,
        Announcement.ends_on < today,
    )


# ── the award → contract → project chain, for the applicant ──────────────────────────────────


def award_chain_steps(application_ids):
    """{application_id: text} for awarded (or award-cancelled) applications: what the
    organization does or waits for next, read from the award, its contract and its project
    rather than from the application's own (terminal) state. One statement."""
    from venture.applications.models import Application
    from venture.contracts.models import Contract
    from venture.delivery.models import Project
    from venture.extensions import db
    from venture.procurement.models import Award

    if not application_ids:
        return {}
    rows = db.session.execute(
        select(
            Application.id,
            Award.state.label("award"),
            Contract.state.label("contract"),
            Contract.number,
            Contract.signed_scan_id,
            Contract.start_date,
            Contract.end_date,
            Project.state.label("project"),
        )
        .join(Award, Award.application_id == Application.id)
        .outerjoin(Contract, Contract.award_id == Award.id)
        .outerjoin(Project, Project.contract_id == Contract.id)
        .where(Application.id.in_(application_ids))
    ).all()
    return {row.id: text for row in rows if (text := _chain_text(row)) is not None}


def _chain_text(row):
    from flask_babel import gettext as _

    from venture.contracts.enums import ContractState
    from venture.core.formatting import local_date
    from venture.delivery.enums import ProjectState
    from venture.procurement.enums import AwardState

    if row.award == AwardState.CANCELLED:
        return _("The award was cancelled.")
    if row.award != AwardState.FINAL:
        return None  # proposed: the application's own next step (公示) holds
    number = row.number
    match row.contract:
        case None | ContractState.DRAFT:
            return _("Awarded: staff are preparing the contract.")
        case ContractState.ISSUED if row.signed_scan_id is None:
            return _("Contract %(number)s issued: sign and seal it.", number=number)
        case ContractState.ISSUED:
            return _(
                "Signed contract %(number)s uploaded: waiting for staff to confirm it.",
                number=number,
            )
        case ContractState.SIGNED:
            return _(
                "Contract %(number)s signed: waiting for staff to put it in force (term from "
                "%(date)s).",
                number=number,
                date=local_date(row.start_date),
            )
        case ContractState.IN_FORCE if row.project == ProjectState.CLOSED:
            return _("Contract %(number)s: the project is closed out.", number=number)
        case ContractState.IN_FORCE:
            return _(
                "Contract %(number)s in force until %(date)s; project: %(state)s.",
                number=number,
                state=ProjectState(row.project).label if row.project else "—",
                date=local_date(row.end_date),
            )
        case ContractState.COMPLETED:
            return _("Contract %(number)s completed: the project is closed out.", number=number)
        case ContractState.TERMINATED:
            return _("Contract %(number)s terminated.", number=number)
    return None


# ── review panels: the call's phase and the panel's deadline ─────────────────────────────────


def _panel_open():
    """A panel of a live call whose awards are not proposed and whose result is not out."""
    from venture.announcements.models import Announcement
    from venture.calls.models import Call
    from venture.integrity.phases import RESULT_KINDS
    from venture.review.models import Panel

    return and_(
        Call.id == Panel.call_id,
        Panel.proposed_at.is_(None),
        Call.cancelled_at.is_(None),
        ~exists().where(
            Announcement.call_id == Call.id,
            Announcement.kind.in_(RESULT_KINDS),
            Announcement.state != "withdrawn",
        ),
    )


def _sheets_outstanding():
    """The panel has a standing assignment whose sheet is not submitted: read off the queue
    columns kept on the assignment (review.models.keep_queue_order) and their index, without
    visiting the sheets."""
    from venture.review.models import OUTSTANDING_GROUPS, Panel, ReviewAssignment

    return exists().where(
        ReviewAssignment.panel_id == Panel.id,
        ReviewAssignment.application_id.is_not(None),  # a tender's sheets wait elsewhere
        ReviewAssignment.queue_group.in_(OUTSTANDING_GROUPS),
    )


def _sheets_standing():
    from venture.review.enums import AssignmentState
    from venture.review.models import Panel, ReviewAssignment

    return exists().where(
        ReviewAssignment.panel_id == Panel.id,
        ReviewAssignment.application_id.is_not(None),
        ReviewAssignment.state == AssignmentState.ACTIVE,
    )


def panel_scoring_overdue(at, today):
    """A panel past its scoring deadline with sheets still out: late, not in progress."""
    from venture.calls.models import Call
    from venture.review.models import Panel

    return and_(_panel_open(), Call.closes_at <= at, Panel.deadline < today, _sheets_outstanding())


def panel_sheets_in(at):
    """Every standing sheet of a closed call's panel is in: ranking and the award proposal
    wait for staff."""
    from venture.calls.models import Call

    return and_(_panel_open(), Call.closes_at <= at, _sheets_standing(), ~_sheets_outstanding())


class PanelStage:
    """Where an open panel stands for the home pages: before the call's deadline, scoring,
    overdue, or every sheet in (ranking and the proposal wait for staff)."""

    WAITING_FOR_DEADLINE = "waiting_for_deadline"
    SCORING = "scoring"
    OVERDUE = "overdue"
    SHEETS_IN = "sheets_in"


def panel_stage(panel, submitted, standing, at, today):
    """The stage of an open panel (a row of open_panels_column) given its sheet counts
    (submitted of standing)."""
    if at < panel.closes_at:
        return PanelStage.WAITING_FOR_DEADLINE
    if standing and submitted >= standing:
        return PanelStage.SHEETS_IN
    if panel.deadline is not None and panel.deadline < today:
        return PanelStage.OVERDUE
    return PanelStage.SCORING


def open_panels_column(dialect):
    """The panels the staff home shows, as a core.json_rows column (read with the staff's
    下一步): every open panel of a call reviewed by a panel, by scoring deadline; a row each of
    what the home page shows (id, call_id, deadline, figures_version, and the call's title and
    closes_at)."""
    from venture.calls.models import Call
    from venture.procurement.routes import routes_reviewing_applications
    from venture.review.models import Panel

    return json_rows(
        dialect,
        [
            Panel.id,
            Panel.call_id,
            Panel.deadline,
            Panel.figures_version,
            Call.title,
            Call.closes_at,
        ],
        select_from=join(Panel, Call, Call.id == Panel.call_id),
        where=[_panel_open(), Call.route.in_(routes_reviewing_applications())],
        order_by=[Panel.deadline, Panel.id],
    )


def reviewer_sheets_waiting(user_id, at, today):
    """The reviewer's unsubmitted sheets on open panels, split by the call's phase:
    {"to_score": n, "due": earliest deadline, "overdue": bool, "after_deadline": n,
    "opens": earliest call deadline, "total": standing assignments}. One statement."""
    from venture.calls.models import Call
    from venture.extensions import db
    from venture.review.enums import AssignmentState, SheetState
    from venture.review.models import Panel, ReviewAssignment, ReviewerProfile, ReviewSheet

    rows = db.session.execute(
        select(Call.closes_at, Panel.deadline, ReviewSheet.state)
        .select_from(ReviewAssignment)
        .join(ReviewerProfile, ReviewerProfile.id == ReviewAssignment.reviewer_id)
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .join(Call, Call.id == Panel.call_id)
        .outerjoin(ReviewSheet, ReviewSheet.assignment_id == ReviewAssignment.id)
        .where(
            ReviewerProfile.user_id == user_id,
            ReviewAssignment.application_id.is_not(None),
            ReviewAssignment.state == AssignmentState.ACTIVE,
            _panel_open(),
        )
    ).all()
    unsubmitted = [r for r in rows if r.state != SheetState.SUBMITTED]
    now_open = [r for r in unsubmitted if r.closes_at <= at]
    later = [r for r in unsubmitted if r.closes_at > at]
    deadlines = [r.deadline for r in now_open if r.deadline is not None]
    due = min(deadlines) if deadlines else None
    return {
        "to_score": len(now_open),
        "due": due,
        "overdue": due is not None and due < today,
        "after_deadline": len(later),
        "opens": min((r.closes_at for r in later), default=None),
        "total": len(rows),
    }


# the home panels of applications and review ask these (applications/waiting.py)
WAITING.register(
    award_chain_steps,
    reviewer_sheets_waiting,
    open_panels_column,
    panel_stage,
    AWARD_CHAIN_STATES=AWARD_CHAIN_STATES,
)
