"""When an application may be submitted: every rule, one message per problem.

Used by the `submit` guard, by the edit page's checklist and by the screening page.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.applications.pricing import service_price_problems
from venture.applications.values import field_label, problem_message
from venture.calls.enums import CallStatus
from venture.calls.hooks import APPLICATIONS, PROCUREMENT_ROUTES
from venture.core.formatting import local_date, local_datetime
from venture.core.money import format_yuan
from venture.core.timeutil import now
from venture.extensions import db

# the text a submission needs filled in
REQUIRED_TEXT = ("title", "target_group", "needs_analysis", "objectives", "activity_plan", "team")
LINE_NUMBERS = ("unit_price", "quantity", "requested", "own_funds")


def _required_label(name):
    # the labels are the form's; listed here so the rules do not import the forms
    return {
        "title": _("Project title"),
        "target_group": _("Target group"),
        "needs_analysis": _("Needs analysis"),
        "objectives": _("Objectives"),
        "activity_plan": _("Activity plan"),
        "team": _("Project team"),
        "beneficiaries": _("Number of beneficiaries"),
        "project_start": _("Project start"),
        "project_end": _("Project end"),
    }[name]


def submission_problems(application, at=None):
    """Everything that stops a submission at moment at (default now), in reading order."""
    at = at or now()
    return (
        timing_problems(application, at)
        + organization_problems(application)
        # the route's own rule, e.g. only the designated organization (procurement/routes.py)
        + PROCUREMENT_ROUTES.route_for(application.call).application_problems(application)
        + content_problems(application)
    )


def timing_problems(application, at):
    call = application.call
    status = call.status_at(at)
    if status == CallStatus.CANCELLED:
        return [_("The call was cancelled: applications can no longer be submitted.")]
    if application.state == ApplicationState.RETURNED:
        deadline = application.correction_deadline
        if deadline is not None and at >= deadline:
            return [
                _(
                    "The correction deadline passed at %(time)s: the application can no longer "
                    "be resubmitted.",
                    time=local_datetime(deadline),
                )
            ]
        return []
    if status == CallStatus.UPCOMING:
        return [
            _("The call opens at %(time)s; submit after that.", time=local_datetime(call.opens_at))
        ]
    if status == CallStatus.CLOSED:
        return [
            _(
                "The call closed at %(time)s: applications can no longer be submitted. Your draft "
                "is kept.",
                time=local_datetime(call.closes_at),
            )
        ]
    return []


def organization_problems(application):
    problems = []
    if not application.organization.is_verified:
        problems.append(
            _("Your organization is not verified yet: staff must verify it before you can submit.")
        )
    limit = application.call.max_applications_per_org
    if submitted_by_organization(application) >= limit:
        problems.append(
            _(
                "This call accepts at most %(max)d application(s) per organization, and yours has "
                "submitted that many already.",
                max=limit,
            )
        )
    return problems


def submitted_by_organization(application):
    """The organization's other applications to the call that count against its limit."""
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.call_id == application.call_id,
            Application.organization_id == application.organization_id,
            Application.id != application.id,
            Application.state.not_in((ApplicationState.DRAFT, ApplicationState.WITHDRAWN)),
        )
    )


def content_problems(application):
    """What the application itself lacks or gets wrong (no clock, no other records)."""
    return (
        _missing_fields(application)
        + _typed_values(application)
        + _choices(application)
        + _term(application)
        + budget_problems(application)
        + milestone_problems(application)
        # the services' prices to residents (venture/community)
        + service_price_problems(application)
        + _attachments(application)
        + _declaration(application)
    )


def _missing_fields(application):
    problems = [
        _("Please fill in “%(field)s”.", field=_required_label(name))
        for name in REQUIRED_TEXT
        if not (getattr(application, name) or "").strip()
    ]
    for name in ("beneficiaries", "project_start", "project_end"):
        if getattr(application, name) is None and name not in application.typed_input:
            problems.append(_("Please fill in “%(field)s”.", field=_required_label(name)))
    return problems


def _typed_values(application):
    return [
        _("%(field)s: %(message)s", field=field_label(key), message=problem_message(**entry))
        for key, entry in sorted(application.typed_input.items())
    ]


def _choices(application):
    call = application.call
    problems = []
    if application.category_id is None or application.category not in call.categories:
        problems.append(_("Choose one of the call's service categories."))
    if not application.communities:
        problems.append(_("Choose at least one community the project serves."))
    for community in application.communities:
        if community not in call.communities:
            problems.append(
                _("The call does not cover the community %(name)s.", name=community.full_name)
            )
    return problems


def _term(application):
    call = application.call
    start, end = application.project_start, application.project_end
    if start is None or end is None:
        return []
    if end <= start:
        return [_("The project must end after it starts.")]
    if start < call.project_start or end > call.project_end:
        return [
            _(
                "The project term must lie within the call's term (%(start)s to %(end)s).",
                start=local_date(call.project_start),
                end=local_date(call.project_end),
            )
        ]
    return []


def budget_problems(application):
    """Lines complete and adding up; the requested total within the call's cap."""
    lines = application.budget_lines
    if not lines:
        return [_("Add at least one budget line.")]
    problems = []
    for number, line in enumerate(lines, start=1):
        # a value that could not be read is reported already, with what was typed
        unread = [
            name
            for name in LINE_NUMBERS
            if getattr(line, name) is None
            and f"budget_lines-{number - 1}-{name}" not in application.typed_input
        ]
        if unread or line.category is None or not line.item.strip():
            problems.append(
                _(
                    "Budget line %(n)d is incomplete: fill in the category, item, unit price, "
                    "quantity, requested amount and own funds.",
                    n=number,
                )
            )
        elif None not in (line.amount, line.requested, line.own_funds) and not line.adds_up:
            problems.append(
                _(
                    "Budget line %(n)d (%(item)s): the requested amount %(requested)s and own "
                    "funds %(own)s add up to %(sum)s, not the line amount %(amount)s.",
                    n=number,
                    item=line.item,
                    requested=format_yuan(line.requested),
                    own=format_yuan(line.own_funds),
                    sum=format_yuan(line.requested + line.own_funds),
                    amount=format_yuan(line.amount),
                )
            )
    cap = application.call.cap_per_project
    if application.requested_amount <= 0:
        problems.append(_("The requested amount must be more than zero."))
    elif application.requested_amount > cap:
        problems.append(
            _(
                "The requested amount %(requested)s is more than the call's cap of %(cap)s per "
                "project.",
                requested=format_yuan(application.requested_amount),
                cap=format_yuan(cap),
            )
        )
    return problems


def milestone_problems(application):
    """Milestones complete, each due inside the project term."""
    milestones = application.milestones
    if not milestones:
        return [_("Add at least one milestone.")]
    call = application.call
    start = application.project_start or call.project_start
    end = application.project_end or call.project_end
    problems = []
    for number, milestone in enumerate(milestones, start=1):
        unread_date = (
            milestone.due_date is None
            and f"milestones-{number - 1}-due_date" not in application.typed_input
        )
        if not milestone.title.strip() or unread_date:
            problems.append(_("Milestone %(n)d needs a title and a due date.", n=number))
        elif milestone.due_date is not None and not start <= milestone.due_date <= end:
            problems.append(
                _(
                    "Milestone %(n)d (%(title)s) is due on %(date)s, outside the project term "
                    "(%(start)s to %(end)s).",
                    n=number,
                    title=milestone.title,
                    date=local_date(milestone.due_date),
                    start=local_date(start),
                    end=local_date(end),
                )
            )
    return problems


def _attachments(application):
    return [
        _("Attachment missing: %(label)s.", label=label)
        for label in application.call.attachment_names
        if application.attachment_for(label) is None
    ]


def _declaration(application):
    if application.declaration:
        return []
    return [_("Please confirm the declaration of truthfulness.")]


# ── a call's applications, for the calls module (calls/hooks.py) ────────────────────────────


def counts_by_state(call_id):
    """{state: count} of the call's submitted applications (those with a number)."""
    return dict(
        db.session.execute(
            select(Application.state, func.count())
            .where(Application.call_id == call_id, Application.number.is_not(None))
            .group_by(Application.state)
        ).all()
    )


def submitted_counts(call_ids):
    """{call_id: count} of the submitted applications of the calls."""
    return dict(
        db.session.execute(
            select(Application.call_id, func.count())
            .where(Application.call_id.in_(call_ids), Application.number.is_not(None))
            .group_by(Application.call_id)
        ).all()
    )


def applicant_organizations(call_id):
    """The organizations with an application in the call that is not withdrawn (a subquery)."""
    return select(Application.organization_id).where(
        Application.call_id == call_id, Application.state != ApplicationState.WITHDRAWN
    )


APPLICATIONS.register(counts_by_state, submitted_counts, applicant_organizations)
