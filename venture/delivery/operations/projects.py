"""Projects from contracts, their officer, rectification, termination and closing (结项);
the project's messages and documents. Every function checks, changes and audits; the caller
commits."""

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.auth.enums import Role
from venture.contracts.lifecycle import CONTRACT_WORKFLOW
from venture.core import audit
from venture.core.files import store_bytes, store_required_upload
from venture.core.formatting import local_date
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.money import CENT
from venture.core.timeutil import local_today, now
from venture.delivery.enums import ProjectState
from venture.delivery.lifecycle import CLOSING_RULES, PROJECT_WORKFLOW
from venture.delivery.models import (
    PlanLine,
    PlanMilestone,
    Project,
    ProjectDocument,
    ProjectMessage,
    ReportingPlan,
)
from venture.delivery.operations.common import (
    MESSAGE_MAX,
    DeliveryError,
    _link,
    _officer_or_staff,
    org_members,
)
from venture.delivery.permissions import can_manage_project, can_post, is_project_member
from venture.extensions import db
from venture.notifications.operations import notify

# ── projects from contracts ────────────────────────────────────────────────────────────────


def find_project(contract_id):
    return db.session.scalar(sa.select(Project).where(Project.contract_id == contract_id))


def _scaled(amounts, total):
    """amounts scaled to add up to total exactly (the rounding remainder on the last one)."""
    whole = sum(amounts, Decimal("0.00"))
    if whole == total or not amounts:
        return list(amounts)
    if whole == 0:
        return [Decimal("0.00")] * (len(amounts) - 1) + [total]
    shares = [(a * total / whole).quantize(CENT) for a in amounts[:-1]]
    return shares + [total - sum(shares, Decimal("0.00"))]


def plan_lines_for(contract, application):
    """The project's budget lines: the application's requested amounts, scaled to the contract
    amount when the award differs from the request; one line for the whole amount when there
    is no application (tenders)."""
    lines = [line for line in (application.budget_lines if application else []) if line.requested]
    if not lines:
        return [
            PlanLine(
                position=1,
                category=None,
                item=_("Contract amount"),
                amount=contract.amount,
                original_amount=contract.amount,
            )
        ]
    amounts = _scaled([line.requested for line in lines], contract.amount)
    return [
        PlanLine(
            position=n,
            category=line.category,
            item=line.item or _("Budget line %(n)d", n=n),
            amount=amount,
            original_amount=amount,
            budget_line_id=line.id,
        )
        for n, (line, amount) in enumerate(zip(lines, amounts, strict=True), 1)
    ]


def ensure_project(contract, *, actor):
    """The contract's project, created (contracting) with the plan of its application."""
    project = find_project(contract.id)
    if project is not None:
        return project
    application = contract.application
    project = Project(
        contract=contract,
        call_id=contract.call_id,
        organization_id=contract.organization_id,
        application_id=contract.application_id,
        title=contract.title,
        state=ProjectState.CONTRACTING,
        officer_id=actor.id if getattr(actor, "id", None) and can_manage_project(actor) else None,
        start_date=contract.start_date,
        end_date=contract.end_date,
        original_end_date=contract.end_date,
        activity_plan=application.activity_plan if application else contract.service_content,
        original_activity_plan=(
            application.activity_plan if application else contract.service_content
        ),
        team=application.team if application else "",
        original_team=application.team if application else "",
        planned_beneficiaries=application.beneficiaries if application else None,
    )
    project.plan_lines = plan_lines_for(contract, application)
    project.milestones = [
        PlanMilestone(
            position=n,
            title=m.title or _("Milestone %(n)d", n=n),
            deliverable=m.deliverable,
            due_date=m.due_date,
            original_due_date=m.due_date,
        )
        for n, m in enumerate(application.milestones if application else [], 1)
    ]
    audit.record_added(
        "project.create",
        project,
        actor=actor,
        after={"contract_id": contract.id, "budget": project.budget_total, "title": project.title},
    )
    return project


def start_project(project, *, actor):
    transition(PROJECT_WORKFLOW, project, "start", actor=actor)
    project.started_at = now()


def follow_contract(contract, t, actor, reason):
    """Contract hook: a project is created when its contract is issued, starts when the
    contract is put in force and ends when it is terminated."""
    if t.action == "issue":
        ensure_project(contract, actor=actor)
    elif t.action == "put_in_force":
        project = ensure_project(contract, actor=actor)
        if project.state == ProjectState.CONTRACTING:
            start_project(project, actor=actor)
    elif t.action == "terminate":
        project = find_project(contract.id)
        if project is not None and project.is_active:
            transition(PROJECT_WORKFLOW, project, "terminate", actor=actor, reason=reason)
            project.terminated_at = now()
            project.termination_reason = reason.strip()


def assign_officer(project, officer, *, actor):
    if not can_manage_project(actor):
        raise DeliveryError(_("You are not allowed to do this."))
    if officer is None or not officer.active or not officer.has_role(Role.STAFF):
        raise DeliveryError(_("Choose a staff member."), "officer_id")
    before = {"officer_id": project.officer_id}
    project.officer = officer
    audit.record(
        "project.officer", project, actor=actor, before=before, after={"officer_id": officer.id}
    )


def order_rectification(project, *, due, requirements, actor):
    """整改: after a failed evaluation, what to put right and by when; a re-evaluation follows."""
    requirements = (requirements or "").strip()
    if due is None:
        raise DeliveryError(_("Give the rectification deadline."), "due")
    if due <= local_today():
        raise DeliveryError(_("The deadline must be after today."), "due")
    transition(PROJECT_WORKFLOW, project, "rectify", actor=actor, reason=requirements)
    project.rectification_due = due
    project.rectification_requirements = requirements
    notify(
        org_members(project.organization_id),
        _l("Rectification ordered: %(title)s", title=project.title),
        _l(
            "After the failed evaluation, the project must be rectified by %(date)s: "
            "%(requirements)s A re-evaluation follows.",
            date=local_date(due),
            requirements=requirements,
        ),
        _link("delivery.show", project_id=project.id),
    )


def terminate_project(project, *, reason, actor):
    """End the project early with a reason; its contract is terminated with it."""
    from venture.contracts.lifecycle import OPEN_STATES
    from venture.contracts.operations import decide_contract

    transition(PROJECT_WORKFLOW, project, "terminate", actor=actor, reason=reason)
    project.terminated_at = now()
    project.termination_reason = reason.strip()
    if project.contract.state in OPEN_STATES:
        decide_contract(project.contract, "terminate", actor=actor, reason=reason)
    notify(
        org_members(project.organization_id),
        _l("Project terminated: %(title)s", title=project.title),
        _l("The project was terminated. Reason: %(reason)s", reason=reason.strip()),
        _link("delivery.show", project_id=project.id),
    )


class ClosingRefused(TransitionRefused):
    """Closing refused; problems lists every loose end (venture.integrity.closing)."""

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = [str(p) for p in problems]


def close_project(project, *, actor):
    """结项: after the passed final evaluation and the final payment, archive every document
    as a ZIP; the project is read-only from then on and its contract completed."""
    from venture.contracts.enums import ContractState
    from venture.contracts.operations import decide_contract
    from venture.delivery.archive import archive_name, build_archive
    from venture.delivery.documents import REPORT_DOCUMENTS
    from venture.payments.enums import InstallmentState
    from venture.payments.operations import project_closed

    refusal = PROJECT_WORKFLOW.refusal(project, "close", actor)
    if refusal:
        raise ClosingRefused(refusal, CLOSING_RULES.closing_problems(project))
    REPORT_DOCUMENTS.issue_final_report(project, actor=actor)  # verification code, QR, signature
    data = build_archive(project)
    project.archive = store_bytes(
        data, name=archive_name(project), content_type="application/zip", actor=actor
    )
    transition(PROJECT_WORKFLOW, project, "close", actor=actor)
    project.closed_at = now()
    project_closed(project)
    db.session.flush()
    audit.record(
        "project.archive",
        project,
        actor=actor,
        after={"sha256": project.archive.sha256, "size": project.archive.size},
    )
    # an installment paid on closing keeps the contract in force until finance pays it
    unpaid = [i for i in project.contract.installments if i.state != InstallmentState.PAID]
    if project.contract.state == ContractState.IN_FORCE and not unpaid:
        decide_contract(project.contract, "complete", actor=actor)
    notify(
        org_members(project.organization_id),
        _l("Project closed: %(title)s", title=project.title),
        _l("The project is closed (结项). Its records are archived and can no longer change."),
        _link("delivery.show", project_id=project.id),
    )


def set_reporting_plan(call, *, frequency, grace_days, actor):
    if not can_manage_project(actor):
        raise DeliveryError(_("You are not allowed to do this."))
    if grace_days is None or not 0 <= grace_days <= 60:
        raise DeliveryError(_("Give a number of days from 0 to 60."), "grace_days")
    plan, before = audit.found_or_added(
        db.session.scalar(sa.select(ReportingPlan).where(ReportingPlan.call_id == call.id)),
        lambda: ReportingPlan(call_id=call.id, frequency=frequency, grace_days=grace_days),
        ("frequency", "grace_days"),
    )
    plan.frequency = frequency
    plan.grace_days = grace_days
    plan.updated_by_id = actor.id
    audit.record(
        "reporting_plan.set",
        plan,
        actor=actor,
        before=before,
        after=audit.snapshot(plan, ("frequency", "grace_days")),
    )
    return plan


# ── messages and documents ─────────────────────────────────────────────────────────────────


def post_message(project, *, body, actor):
    if not can_post(actor, project):
        raise DeliveryError(_("You are not allowed to do this."))
    body = (body or "").strip()
    if not body:
        raise DeliveryError(_("Write the message."), "body")
    if len(body) > MESSAGE_MAX:
        raise DeliveryError(
            _("Please keep the message under %(max)d characters.", max=MESSAGE_MAX), "body"
        )
    message = ProjectMessage(project_id=project.id, author_id=actor.id, body=body)
    db.session.add(message)
    audit.record("project.message", project, actor=actor, after={"length": len(body)})
    others = (
        _officer_or_staff(project)
        if is_project_member(actor, project)
        else org_members(project.organization_id)
    )
    notify(
        [u for u in others if u.id != actor.id],
        _l("New message on %(title)s", title=project.title),
        body,
        _link("delivery.show", project_id=project.id, _anchor="messages"),
    )
    return message


def add_document(project, *, label, storage, actor):
    if not can_post(actor, project):
        raise DeliveryError(_("You are not allowed to do this."))
    label = (label or "").strip()
    if not label:
        raise DeliveryError(_("Say what the document is."), "label")
    stored = store_required_upload(storage, DeliveryError, "file", _("Choose a file."), actor=actor)
    document = ProjectDocument(
        project_id=project.id, label=label[:200], file=stored, uploaded_by_id=actor.id
    )
    db.session.add(document)
    audit.record(
        "project.document", project, actor=actor, after={"label": label, "sha256": stored.sha256}
    )
    return document


# the project follows its contract (created on issue, started in force, ended on termination)
if follow_contract not in CONTRACT_WORKFLOW.after_hooks:
    CONTRACT_WORKFLOW.after_hooks.append(follow_contract)
