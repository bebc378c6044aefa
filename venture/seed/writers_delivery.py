"""One writer per kind of record from the contract on: contracts, installments, payments,
projects with their plan, progress reports, evaluations and surplus settlements, each with the
audit rows its operation leaves (see `venture.seed.writers`)."""

from datetime import timedelta
from decimal import Decimal

from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core.timeutil import LOCAL_TZ
from venture.delivery.enums import ReportKind
from venture.delivery.enums import ReportState as RS
from venture.delivery.models import (
    Activity,
    BeneficiaryCount,
    Expenditure,
    PlanLine,
    PlanMilestone,
    ProgressReport,
    Project,
)
from venture.evaluation.enums import EvaluationState
from venture.evaluation.grading import grade_for
from venture.evaluation.models import Evaluation, EvaluationScore
from venture.payments.enums import InstallmentState
from venture.payments.models import Installment, Payment
from venture.seed.bulk import nulls, stamps
from venture.seed.writers import write_scores

# ── contracts and money ───────────────────────────────────────────────────────────────────


def write_contract(w, *, staff, drafted, issued, confirmed, in_force, completed, **fields):
    """A contract drafted, issued, signed and in force (and completed when `completed`);
    `fields` are its number, parties, amount and terms."""
    contract = w.add(
        Contract,
        **fields,
        state=ContractState.COMPLETED if completed else ContractState.IN_FORCE,
        legal_basis="《中华人民共和国民法典》《政府购买服务管理办法》（财政部令第102号）",
        service_content="按申报书（投标文件）所列服务内容提供社区服务。",
        places="项目服务所在社区",
        quantity_targets="全年开展服务活动不少于24次，服务不少于500人次。",
        quality_targets="服务对象满意度不低于90%。",
        template_version="2026.1",
        **nulls(
            "document_data", "document_id", "signed_scan_id", "terminated_at", "termination_reason"
        ),
        issued_at=issued,
        issued_by_id=staff,
        scan_uploaded_at=confirmed - timedelta(hours=18),
        signature_confirmed_at=confirmed,
        signature_confirmed_by_id=staff,
        in_force_at=in_force,
        completed_at=completed,
        created_by_id=staff,
        version=5,
        **stamps(drafted, completed or in_force),
    )
    w.audit(
        "contract.draft",
        "Contract",
        contract,
        actor=staff,
        at=drafted,
        after={
            "number": fields["number"],
            "amount": fields["amount"],
            "award_id": fields["award_id"],
        },
    )
    steps = [
        ("issue", "draft", "issued", issued),
        ("confirm_signature", "issued", "signed", confirmed),
        ("put_in_force", "signed", "in_force", in_force),
    ]
    if completed:
        steps.append(("complete", "in_force", "completed", completed))
    for action, before, after, at in steps:
        w.transition("contract", action, "Contract", contract, before, after, actor=staff, at=at)
    return contract


def write_installment(w, contract, position, *, percent, condition, amount, staff, drafted, met):
    """An installment of the contract; with `met` (its condition's moment) it was approved a
    day later and is paid three days after (its payments follow: write_payment)."""
    paid = met is not None
    approved = met + timedelta(days=1) if paid else None
    paid_at = met + timedelta(days=3) if paid else None
    installment = w.add(
        Installment,
        contract_id=contract,
        position=position,
        percent=Decimal(percent),
        condition=condition,
        amount=amount,
        state=InstallmentState.PAID if paid else InstallmentState.PENDING,
        condition_met_at=met,
        condition_note=None,
        approved_at=approved,
        approved_by_id=staff if paid else None,
        paid_at=paid_at,
        paid_total=amount if paid else Decimal("0.00"),  # its payments add up to the amount
        **stamps(drafted, paid_at if paid else drafted),
    )
    if paid:
        for action, before, after, at in (
            ("meet_condition", "pending", "condition_met", met),
            ("approve_release", "condition_met", "release_approved", approved),
        ):
            w.transition(
                "installment", action, "Installment", installment, before, after, actor=staff, at=at
            )
    return installment


def write_payment(w, installment, n, *, part, owed, so_far, at, finance):
    """The installment's n-th payment (from 0), of `part` towards `owed`, `so_far` being paid
    already; its voucher and bank reference follow from the installment and n."""
    day = at.astimezone(LOCAL_TZ).date()
    voucher = f"记{day.year}-{day.month:02d}-{installment % 100000:05d}{n}"
    reference = f"ICBC{day:%Y%m%d}{installment:07d}{n}"
    w.add(
        Payment,
        installment_id=installment,
        paid_on=day,
        amount=part,
        voucher_no=voucher,
        bank_reference=reference,
        recorded_by_id=finance,
        recorded_at=at,
    )
    w.audit(
        "payment.record",
        "Installment",
        installment,
        actor=finance,
        at=at,
        before={"paid": so_far, "remaining": owed - so_far},
        after={
            "paid": so_far + part,
            "remaining": owed - so_far - part,
            "amount": part,
            "paid_on": day,
            "voucher_no": voucher,
            "bank_reference": reference,
        },
    )


def write_installment_paid(w, installment, *, finance, at):
    w.transition(
        "installment",
        "mark_paid",
        "Installment",
        installment,
        "release_approved",
        "paid",
        actor=finance,
        at=at,
    )


# ── projects and their plan ───────────────────────────────────────────────────────────────


def write_project(w, *, staff, in_force, closed, activity_plan, team, **fields):
    """A project started when its contract came in force (closed when `closed`)."""
    project = w.add(
        Project,
        **fields,
        officer_id=staff,
        original_end_date=fields["end_date"],
        activity_plan=activity_plan,
        original_activity_plan=activity_plan,
        team=team,
        original_team=team,
        started_at=in_force,
        **nulls(
            "rectification_due",
            "rectification_requirements",
            "archive_id",
            "terminated_at",
            "termination_reason",
        ),
        closed_at=closed,
        **stamps(in_force, closed),
    )
    write_project_step(w, project, "start", "contracting", "in_force", actor=staff, at=in_force)
    return project


def write_project_step(w, project, action, before, after, *, actor, at):
    """A step of a project's lifecycle (start, evaluations passed, close) as its audit row."""
    w.transition("project", action, "Project", project, before, after, actor=actor, at=at)


def write_plan_line(w, project, position, category, item, amount):
    return w.add(
        PlanLine,
        project_id=project,
        position=position,
        category=category,
        item=item,
        amount=amount,
        original_amount=amount,
        budget_line_id=None,
    )


def write_plan_milestone(w, project, position, *, title, deliverable, due, completed_on):
    return w.add(
        PlanMilestone,
        project_id=project,
        position=position,
        title=title,
        deliverable=deliverable,
        due_date=due,
        original_due_date=due,
        status="done" if completed_on else "in_progress",
        completed_on=completed_on,
    )


# ── progress reports ──────────────────────────────────────────────────────────────────────


def write_report(w, project, *, member, staff, submitted, decided, **fields):
    """A scheduled progress report, submitted and (when `decided`) accepted."""
    report = w.add(
        ProgressReport,
        project_id=project,
        kind=ReportKind.SCHEDULED,
        state=RS.ACCEPTED if decided else RS.SUBMITTED,
        **fields,
        created_by_id=member,
        submitted_at=submitted,
        submitted_by_id=member,
        decided_at=decided,
        decided_by_id=staff if decided else None,
        staff_comment="报告内容完整，予以通过。" if decided else None,
        **stamps(submitted - timedelta(days=2), decided or submitted),
    )
    steps = [("submit", "draft", "submitted", member, submitted)]
    if decided:
        steps.append(("accept", "submitted", "accepted", staff, decided))
    for action, before, after, actor, at in steps:
        w.transition(
            "progress_report", action, "ProgressReport", report, before, after, actor=actor, at=at
        )
    return report


def write_activity(w, report, *, held_on, community, title, participants, description=""):
    return w.add(
        Activity,
        report_id=report,
        held_on=held_on,
        community_id=community,
        title=title,
        participants=participants,
        description=description,
    )


def write_beneficiary_count(w, report, group, count):
    return w.add(BeneficiaryCount, report_id=report, group=group, count=count)


def write_expenditure(w, report, plan_line, amount):
    return w.add(
        Expenditure,
        report_id=report,
        plan_line_id=plan_line,
        amount=amount,
        note="",
        explanation="",
    )


# ── evaluations and closing ───────────────────────────────────────────────────────────────


def write_evaluation(w, project, kind, scores, *, evaluator, staff, assigned, scored, due):
    """A final, passed evaluation: assigned, self-assessed, scored, announced the next day and
    final nine days later; scores are [(criterion id, score)]."""
    total = sum((s for _c, s in scores), Decimal("0.0"))
    evaluation = w.add(
        Evaluation,
        project_id=project,
        kind=kind,
        round=1,
        **nulls(
            "reevaluation_of_id",
            "self_assessment_file_id",
            "final_report_file_id",
            "announcement_id",
        ),
        state=EvaluationState.FINAL,
        evaluator_id=evaluator,
        assigned_by_id=staff,
        assigned_at=assigned,
        self_assessment_due=due - timedelta(days=7),
        self_assessment="项目按计划推进，各项指标完成情况良好。",
        self_submitted_at=assigned + timedelta(days=8),
        site_visit_on=due - timedelta(days=2),
        site_visit_place="项目服务社区",
        site_visit_people="项目负责人、社区居委会主任",
        site_visit_notes="查阅台账，访谈服务对象。",
        overall_comment="项目执行规范，成效明显。",
        total=total,
        grade=grade_for(total),
        scored_at=scored,
        announced_at=scored + timedelta(days=1),
        passed=True,
        finalised_at=scored + timedelta(days=9),
        conflict_notes="",
        **stamps(assigned, scored + timedelta(days=9)),
    )
    write_scores(w, EvaluationScore, scores, evaluation_id=evaluation)
    w.audit(
        "evaluation.assign",
        "Evaluation",
        evaluation,
        actor=staff,
        after={"kind": kind, "evaluator_id": evaluator},
        at=assigned,
    )
    for action, before, after, actor, at in (
        ("score", "self_assessed", "scored", evaluator, scored),
        ("finalise", "announced", "final", staff, scored + timedelta(days=9)),
    ):
        w.transition(
            "evaluation", action, "Evaluation", evaluation, before, after, actor=actor, at=at
        )
    return evaluation


def write_settlement(w, project, *, paid, spent, kind, document, receipt, staff, at):
    """结余资金处理: the settlement of a project's surplus before it closes (the operation is
    venture.delivery.settlement.settle_surplus)."""
    from venture.delivery.settlement import SurplusSettlement

    surplus = paid - spent
    w.add(
        SurplusSettlement,
        project_id=project,
        paid=paid,
        spent=spent,
        surplus=surplus,
        kind=kind,
        reason="",
        receipt_id=receipt,
        document_id=document,
        recorded_by_id=staff,
        recorded_at=at,
        **stamps(at),
    )
    w.audit(
        "project.settle_surplus",
        "Project",
        project,
        actor=staff,
        at=at,
        after={"paid": paid, "spent": spent, "surplus": surplus, "kind": kind},
    )
