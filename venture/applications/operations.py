"""Application operations: start, save a draft, attach files, number, submit, withdraw, screen."""

from decimal import ROUND_HALF_UP

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from venture.applications.enums import ApplicationState
from venture.applications.lifecycle import APPLICATION_WORKFLOW
from venture.applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationNumberCounter,
    BudgetLine,
    Milestone,
    ServicePrice,
)
from venture.applications.rules import organization_problems, submission_problems
from venture.calls.enums import CallStatus
from venture.calls.hooks import PROCUREMENT_ROUTES
from venture.core import audit
from venture.core.actions import Refused
from venture.core.db import CENT
from venture.core.files import (
    add_attachment,
    store_labelled_upload,
)
from venture.core.lifecycle import transition
from venture.core.money import MAX_AMOUNT
from venture.core.timeutil import now
from venture.extensions import db

SCALAR_FIELDS = (
    "title",
    "category_id",
    "target_group",
    "beneficiaries",
    "needs_analysis",
    "objectives",
    "activity_plan",
    "team",
    "project_start",
    "project_end",
    "declaration",
)
AUDITED_FIELDS = (*SCALAR_FIELDS, "requested_amount", "own_funds")
SCREENING_ACTIONS = ("mark_eligible", "mark_ineligible", "return_for_correction")
ZERO = CENT * 0


class ApplicationError(Refused):
    """A refused change; str() is a message for a person."""


class SubmissionRefused(Exception):
    """A submission that cannot happen now, with one message per problem."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = [str(p) for p in problems]


def start_application(call, *, actor):
    """A new draft of the actor's organization for an open call (or its existing empty one)."""
    if actor.organization_id is None:
        raise ApplicationError(_("Only members of an organization can apply."))
    if call.status != CallStatus.OPEN:
        raise ApplicationError(_("This call is not open for applications."))
    if not PROCUREMENT_ROUTES.route_for(call).accepts_applications_from(actor, call):
        raise ApplicationError(_("This call does not take applications on this page."))
    untouched = db.session.scalar(
        sa.select(Application).where(
            Application.call_id == call.id,
            Application.organization_id == actor.organization_id,
            Application.state == ApplicationState.DRAFT,
            Application.title == "",
        )
    )
    if untouched is not None:
        return untouched
    application = Application(
        call=call, organization_id=actor.organization_id, created_by_id=actor.id, typed_input={}
    )
    db.session.add(application)
    audit.record("application.create", application, actor=actor, after={"call_id": call.id})
    return application


def _summary(application):
    """What the audit log keeps of a draft: its fields, totals and rows in short."""
    data = audit.snapshot(application, AUDITED_FIELDS)
    data["communities"] = ",".join(sorted(str(c.id) for c in application.communities))
    data["budget_lines"] = [
        f"{line.item}|{line.unit_price}|{line.quantity}|{line.requested}|{line.own_funds}"
        for line in application.budget_lines
    ]
    data["milestones"] = [f"{m.title}|{m.due_date}" for m in application.milestones]
    # community needs answered and service pricing (venture/community)
    data["needs"] = ",".join(str(n.id) for n in application.needs)
    data["service_prices"] = [
        f"{r.service}|{r.pricing}|{r.price}|{r.unit}" for r in application.service_prices
    ]
    return data


def _sync_rows(rows, wanted, make):
    """Update rows in place by position; add or drop rows so they match wanted."""
    for position, values in enumerate(wanted):
        if position < len(rows):
            row = rows[position]
        else:
            row = make()
            rows.append(row)
        row.position = position
        for name, value in values.items():
            setattr(row, name, value)
    del rows[len(wanted) :]


def save_draft(application, values, *, actor):
    """Keep what was typed: values that could be read in their columns, the rest as typed.

    Totals are computed here from the lines (amount = unit price × quantity); the rules that
    need a complete application are checked at submission.
    """
    if not application.is_editable:
        raise ApplicationError(_("This application can no longer be changed."))
    call = application.call
    before = _summary(application)
    typed = dict(values["typed_input"])

    for name in SCALAR_FIELDS:
        setattr(application, name, values[name])
    if application.category_id not in {c.id for c in call.categories}:
        application.category_id = None
    wanted = set(values["community_ids"])
    application.communities = [c for c in call.communities if c.id in wanted]
    # community needs answered, from the call's, and service pricing (venture/community)
    if "need_ids" in values:
        wanted = set(values["need_ids"])
        application.needs = [n for n in call.needs if n.id in wanted]
    if "service_prices" in values:
        _sync_rows(application.service_prices, values["service_prices"], ServicePrice)

    lines = [dict(line) for line in values["budget_lines"]]
    for index, line in enumerate(lines):
        line["amount"] = None
        if line["unit_price"] is not None and line["quantity"] is not None:
            amount = (line["unit_price"] * line["quantity"]).quantize(CENT, ROUND_HALF_UP)
            if amount > MAX_AMOUNT:
                typed[f"budget_lines-{index}-quantity"] = {
                    "value": str(line["quantity"]),
                    "kind": "too_large",
                }
                line["quantity"] = None
            else:
                line["amount"] = amount
    _sync_rows(application.budget_lines, lines, BudgetLine)
    _sync_rows(application.milestones, values["milestones"], Milestone)
    application.requested_amount = sum((line["requested"] or ZERO for line in lines), ZERO)
    application.own_funds = sum((line["own_funds"] or ZERO for line in lines), ZERO)
    application.typed_input = typed
    # every save bumps the version, so a stale form from another tab is noticed
    application.updated_at = now()

    after = _summary(application)
    audit.record_difference(
        "application.save", application, actor=actor, before=before, after=after, key=str
    )


def attach_file(application, label, storage, *, actor):
    """Keep an uploaded file under label; a required attachment replaces its earlier file."""
    if not application.is_editable:
        raise ApplicationError(_("This application can no longer be changed."))
    label, stored = store_labelled_upload(label, storage, ApplicationError, actor=actor)
    attachment = ApplicationAttachment(label=label, file=stored)
    replaces = label in application.call.attachment_names
    add_attachment(application, attachment, replaces=replaces)
    audit.record(
        "application.attach",
        application,
        actor=actor,
        after={"label": label, "file": stored.original_name, "sha256": stored.sha256},
    )
    return attachment


def remove_attachment(application, attachment, *, actor):
    if not application.is_editable:
        raise ApplicationError(_("This application can no longer be changed."))
    application.attachments.remove(attachment)
    audit.record(
        "application.detach",
        application,
        actor=actor,
        before={"label": attachment.label, "file": attachment.file.original_name},
    )


def _insert_counter_if_missing(table, year, code):
    """The counter row, made once; a concurrent maker's row is kept (ON CONFLICT DO NOTHING)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(table).values(year=year, route_code=code, last_value=0).on_conflict_do_nothing()
    )


def next_application_number(call):
    """The next number of the call's year and route, e.g. 2026-GYCT-0042.

    The counter row is updated (and so locked) in the caller's transaction: a concurrent
    submission waits until this one commits or rolls back, so numbers never repeat, and a
    rolled-back submission gives its number back.
    """
    table = ApplicationNumberCounter.__table__
    code = call.route.code
    key = sa.and_(table.c.year == call.year, table.c.route_code == code)
    _insert_counter_if_missing(table, call.year, code)
    db.session.execute(sa.update(table).where(key).values(last_value=table.c.last_value + 1))
    value = db.session.scalar(sa.select(table.c.last_value).where(key))
    return f"{call.year}-{code}-{value:04d}"


def submit_application(application, *, actor):
    """Submit through the table; the first submission gives the application its number.

    On SubmissionRefused the caller rolls back (the numbering may have begun).
    """
    t = APPLICATION_WORKFLOW.get("submit")
    refusal = APPLICATION_WORKFLOW.refusal(application, "submit", actor)
    if refusal:
        may = application.state in t.sources and t.allowed(actor, application)
        raise SubmissionRefused(submission_problems(application) if may else [refusal])
    if application.number is None:
        number = next_application_number(application.call)
        # checked again under the counter's lock: a colleague may have just submitted
        problems = organization_problems(application)
        if problems:
            raise SubmissionRefused(problems)
        application.number = number
        application.submitted_at = now()
    transition(APPLICATION_WORKFLOW, application, "submit", actor=actor)


def withdraw_application(application, *, actor, reason=None):
    transition(APPLICATION_WORKFLOW, application, "withdraw", actor=actor, reason=reason or None)


def screen_application(application, action, *, actor, reason=None, checklist=None, deadline=None):
    """资格审查: mark eligible or ineligible against the call's checklist, or return it.

    checklist is [(requirement, met)] in the call's order; deadline (aware) is the correction
    deadline when returning the application.
    """
    if action not in SCREENING_ACTIONS:
        raise ApplicationError(_("This action does not exist."))
    reason = (reason or "").strip() or None
    items = [{"item": item, "met": bool(met)} for item, met in (checklist or [])]
    if action == "mark_eligible" and not all(row["met"] for row in items):
        raise ApplicationError(
            _("An application is eligible only when it meets every requirement: tick each one.")
        )
    if action == "return_for_correction":
        if deadline is None:
            raise ApplicationError(_("Give a deadline for the correction."))
        application.correction_deadline = deadline
        application.correction_comment = reason
    transition(APPLICATION_WORKFLOW, application, action, actor=actor, reason=reason)
    if action != "return_for_correction":
        application.screening_checklist = items
        application.screening_reason = reason
    audit.record(
        "application.screening",
        application,
        actor=actor,
        after={"checklist": items, "correction_deadline": deadline},
        reason=reason,
    )
