"""Change requests (变更申请): the organization asks, the bureau approves, rejects or the
organization withdraws; an approved change applies to the plan."""

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.core import audit
from venture.core.lifecycle import transition
from venture.core.timeutil import now
from venture.delivery.enums import ChangeKind
from venture.delivery.lifecycle import CHANGE_WORKFLOW
from venture.delivery.models import ChangeRequest
from venture.delivery.operations.common import (
    TEXT_MAX,
    DeliveryError,
    _link,
    _officer_or_staff,
    org_members,
)
from venture.delivery.permissions import can_request_change
from venture.delivery.rules import details_problem, line_of
from venture.notifications.operations import notify


def request_change(project, *, kind, reason, details, actor):
    """变更申请 by the organization; staff decide it."""
    if not can_request_change(actor, project):
        raise DeliveryError(_("Changes are requested by the organization while the project runs."))
    reason = (reason or "").strip()
    if not reason:
        raise DeliveryError(_("Explain why the change is needed."), "reason")
    problem = details_problem(project, kind, details)
    if problem:
        raise DeliveryError(problem, "details")
    change = ChangeRequest(
        project=project,
        kind=ChangeKind(kind),
        reason=reason[:TEXT_MAX],
        details=details,
        requested_by_id=actor.id,
    )
    audit.record_added(
        "change_request.submit",
        change,
        actor=actor,
        after={"kind": change.kind, "details": str(details)},
        reason=reason,
    )
    notify(
        _officer_or_staff(project),
        _l("Change request: %(title)s", title=project.title),
        _l(
            "%(org)s requested a change: %(kind)s. Please approve or reject it with a reason.",
            org=project.organization.name,
            kind=change.kind.label,
        ),
        _link("delivery.show", project_id=project.id, _anchor="changes"),
    )
    return change


def plan_snapshot(project, kind):
    """The part of the plan a change of kind touches, JSON-plain."""
    kind = ChangeKind(kind)
    if kind == ChangeKind.BUDGET:
        return {"lines": {str(line.id): str(line.amount) for line in project.plan_lines}}
    if kind == ChangeKind.EXTENSION:
        return {"end_date": project.end_date.isoformat()}
    if kind == ChangeKind.ACTIVITIES:
        return {"text": project.activity_plan}
    return {"text": project.team}


def _apply(change):
    project = change.project
    if change.kind == ChangeKind.BUDGET:
        for move in change.details["moves"]:
            amount = Decimal(move["amount"])
            line_of(project, move["from"]).amount -= amount
            line_of(project, move["to"]).amount += amount
    elif change.kind == ChangeKind.EXTENSION:
        project.end_date = date.fromisoformat(change.details["end_date"])
    elif change.kind == ChangeKind.ACTIVITIES:
        project.activity_plan = change.details["text"].strip()
    else:
        project.team = change.details["text"].strip()


def decide_change(change, action, *, reason, actor):
    """Approve (the plan changes; before and after are kept) or reject, with a reason."""
    if action not in ("approve", "reject"):
        raise DeliveryError(_("This action does not exist."))
    reason = (reason or "").strip()
    transition(CHANGE_WORKFLOW, change, action, actor=actor, reason=reason)
    change.decided_at = now()
    change.decided_by_id = actor.id
    change.decision_reason = reason
    if action == "approve":
        change.before = plan_snapshot(change.project, change.kind)
        _apply(change)
        change.after = plan_snapshot(change.project, change.kind)
        audit.record(
            "project.plan_change",
            change.project,
            actor=actor,
            before=change.before,
            after=change.after,
            reason=reason,
        )
        subject = _l("Change approved: %(title)s", title=change.project.title)
    else:
        subject = _l("Change rejected: %(title)s", title=change.project.title)
    notify(
        org_members(change.project.organization_id),
        subject,
        _l(
            "%(kind)s — %(decision)s: %(reason)s",
            kind=change.kind.label,
            decision=change.state.label,
            reason=reason,
        ),
        _link("delivery.show", project_id=change.project_id, _anchor="changes"),
    )


def withdraw_change(change, *, actor):
    transition(CHANGE_WORKFLOW, change, "withdraw", actor=actor)
