"""Phases gate the work: a call's panel work starts only after its application deadline.

Panel scoring, ranking, the award proposal, the result 公示 and a roadshow wait for the
deadline; screening may start on submitted applications. A tender is evaluated only after
its opening. One predicate per rule, read by the operations, the public call page and
`flask integrity check`.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.calls.hooks import PHASE_RULES
from venture.core.formatting import local_datetime
from venture.core.timeutil import now
from venture.extensions import db
from venture.integrity.registry import Finding, register_check


class CallPhase:
    """公告阶段 shown on a call's public page: applications, panel work, result."""

    labels = {
        "not_open": _l("Not open yet"),
        "applications": _l("Taking applications"),
        "review": _l("Under review: applications closed"),
        "result": _l("Result published"),
        "cancelled": _l("Cancelled"),
    }

    def __init__(self, key):
        self.key = key

    @property
    def label(self):
        return self.labels[self.key]


def still_taking_applications(call, at=None):
    """The call is published and its application deadline has not passed."""
    return call.published_at is not None and (at or now()) < call.closes_at


def panel_work_refusal(call, at=None):
    """Why the call's panel work (scoring, ranking, proposal, 公示, roadshow) cannot happen
    now, or None once the application deadline has passed."""
    if still_taking_applications(call, at):
        return _(
            "“%(call)s” takes applications until %(deadline)s; the panel's work (scoring, "
            "ranking, award proposal, result announcement, roadshow) starts after that deadline.",
            call=call.title,
            deadline=local_datetime(call.closes_at),
        )
    return None


RESULT_KINDS = ("review_result", "designation", "tender_result")


def result_published(call):
    """A result 公示 of the call is published or final (one query)."""
    from venture.announcements.models import Announcement

    return db.session.scalar(
        sa.select(
            sa.exists().where(
                Announcement.call_id == call.id,
                Announcement.kind.in_(RESULT_KINDS),
                Announcement.state != "withdrawn",
            )
        )
    )


def call_phase(call, *, at=None):
    """The phase of a call for its public page."""
    at = at or now()
    if call.cancelled_at is not None:
        return CallPhase("cancelled")
    if call.published_at is None or at < call.opens_at:
        return CallPhase("not_open")
    if at < call.closes_at:
        return CallPhase("applications")
    return CallPhase("result" if result_published(call) else "review")


def tender_evaluation_refusal(tender, at=None):
    """Why a tender's bids cannot be evaluated now (before the opening), or None."""
    if tender.opened_at is None or tender.opened_at < tender.opening_at:
        return _(
            "The bids are opened at %(time)s; the evaluation starts after the opening.",
            time=local_datetime(tender.opening_at),
        )
    return None


# calls, review and roadshow ask these (calls/hooks.py)
PHASE_RULES.register(call_phase, panel_work_refusal)


# ── the whole-database checks ──────────────────────────────────────────────────────────────


def _early(rule, query, what):
    """Findings for the rows (kind, id, moment, the call's deadline) of query: moment came
    first."""
    for kind, record_id, moment, deadline in db.session.execute(query):
        if moment is not None and deadline is not None and moment < deadline:
            yield Finding(
                rule,
                f"{kind} {record_id}",
                f"{what} at {moment:%Y-%m-%d %H:%M} UTC, before the call's application "
                f"deadline {deadline:%Y-%m-%d %H:%M} UTC",
            )


def _before_call_deadline(kind, model, moment, *where):
    """The records of model (with a call_id) whose moment came before their call's deadline."""
    from venture.calls.models import Call

    return (
        sa.select(sa.literal(kind), model.id, moment, Call.closes_at)
        .join(Call, Call.id == model.call_id)
        .where(*where, moment < Call.closes_at)
    )


@register_check("phase.panel_after_deadline")
def check_panel_after_deadline():
    """Sheets submitted, awards proposed, results published and roadshows started after the
    call's deadline."""
    from venture.announcements.models import Announcement
    from venture.calls.models import Call
    from venture.review.models import Panel, ReviewAssignment, ReviewSheet
    from venture.roadshow.models import Roadshow

    rule = "phase.panel_after_deadline"
    sheets = (
        sa.select(sa.literal("review_sheet"), ReviewSheet.id, ReviewSheet.first_submitted_at)
        .add_columns(Call.closes_at)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .join(Call, Call.id == Panel.call_id)
        .where(ReviewSheet.first_submitted_at < Call.closes_at)
    )
    yield from _early(rule, sheets, "scored")
    proposals = _before_call_deadline("panel", Panel, Panel.proposed_at)
    yield from _early(rule, proposals, "awards proposed")
    results = _before_call_deadline(
        "announcement",
        Announcement,
        Announcement.published_at,
        Announcement.kind == "review_result",
    )
    yield from _early(rule, results, "result published")
    roadshows = _before_call_deadline("roadshow", Roadshow, Roadshow.started_at)
    yield from _early(rule, roadshows, "roadshow started")


@register_check("phase.no_application_after_deadline")
def check_no_application_after_deadline():
    """No application went in after its call's deadline (a correction within its own
    deadline excepted)."""
    from venture.applications.models import Application
    from venture.calls.models import Call

    rows = db.session.execute(
        sa.select(Application.id, Application.submitted_at, Call.closes_at)
        .join(Call, Call.id == Application.call_id)
        .where(
            Application.submitted_at > Call.closes_at,
            sa.or_(
                Application.correction_deadline.is_(None),
                Application.submitted_at > Application.correction_deadline,
            ),
        )
    ).all()
    for app_id, submitted_at, closes_at in rows:
        yield Finding(
            "phase.no_application_after_deadline",
            f"application {app_id}",
            f"submitted at {submitted_at:%Y-%m-%d %H:%M} UTC, after the deadline "
            f"{closes_at:%Y-%m-%d %H:%M} UTC",
        )


@register_check("phase.tender_evaluated_after_opening")
def check_tender_evaluated_after_opening():
    """Bids are checked and scored only after the tender's opening."""
    from venture.procurement.models import Tender

    rows = db.session.execute(
        sa.select(
            Tender.id,
            Tender.opening_at,
            Tender.opened_at,
            Tender.compliance_checked_at,
            Tender.scored_at,
        ).where(
            sa.or_(
                Tender.opened_at < Tender.opening_at,
                sa.and_(Tender.opened_at.is_(None), Tender.compliance_checked_at.is_not(None)),
                sa.and_(Tender.opened_at.is_(None), Tender.scored_at.is_not(None)),
                Tender.compliance_checked_at < Tender.opened_at,
                Tender.scored_at < Tender.opened_at,
            )
        )
    ).all()
    for tender_id, opening_at, opened_at, checked_at, scored_at in rows:
        yield Finding(
            "phase.tender_evaluated_after_opening",
            f"tender {tender_id}",
            f"opening {opening_at:%Y-%m-%d %H:%M} UTC; opened {opened_at}, compliance checked "
            f"{checked_at}, scored {scored_at}",
        )
