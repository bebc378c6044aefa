"""The delivery steps of the demo's story, shared by its past cycle and the records waiting
at each step: the contract signed and in force with its first installment paid, reports on the
periods that are over, and evaluations announced (see `venture.seed.story`)."""

import io
from datetime import timedelta
from decimal import Decimal

from venture.extensions import db
from venture.seed.story import (
    announcement_back_to,
    backdate,
    demo_file,
    finalise_announcement,
    first_member,
    moment,
    working_day,
)

ACTIVITY_TITLES = {
    "children": ["四点半课堂", "亲子阅读会", "困境儿童入户陪伴", "儿童安全教育课堂"],
    "elderly": ["结对入户探访", "老年健康讲座", "智能手机使用培训", "助老志愿者培训"],
    "disability": ["上门康复指导", "照护者培训", "康复知识讲座", "残疾人联谊活动"],
    "mediation": ["楼院议事会", "邻里纠纷调解", "普法宣传进楼院", "调解员培训"],
    "counselling": ["青少年团体辅导", "家长课堂", "个案心理咨询", "心理健康讲座"],
    "co_building": ["志愿者招募培训", "共建单位联席会", "社区志愿服务日", "志愿服务表彰会"],
    "self_governance": ["居民议事会", "楼栋长培训", "邻里互助活动", "自治公约讨论会"],
}
BENEFICIARY_GROUPS = {
    "children": ("children", "families"),
    "elderly": ("elderly", "residents"),
    "disability": ("disabled", "families"),
    "mediation": ("residents", "families"),
    "counselling": ("children", "families"),
    "co_building": ("residents", "families"),
    "self_governance": ("residents", "families"),
}


def signed_scan(contract, day):
    """A one-page PDF standing in for the contract signed and sealed by both parties."""
    from werkzeug.datastructures import FileStorage

    from venture.contracts.document import party_a
    from venture.core.money import uppercase_yuan
    from venture.core.pdf import render_pdf

    pdf = render_pdf(
        "pdf/demo_signed_scan.html",
        heading=f"{contract.title} 服务合同（签字盖章页）",
        lines=[
            f"合同编号：{contract.number}",
            f"合同金额：{uppercase_yuan(contract.amount)}（¥{contract.amount}）",
        ],
        parties=[
            {
                "role": "甲方（盖章）",
                "seal": party_a()["name"],
                "signature": "法定代表人或授权代表（签字）：李明",
            },
            {
                "role": "乙方（盖章）",
                "seal": contract.organization.name,
                "signature": f"法定代表人（签字）：{contract.organization.legal_representative}",
            },
        ],
        signed_on=f"{day.year}年{day.month}月{day.day}日",
    )
    return FileStorage(stream=io.BytesIO(pdf), filename=f"{contract.number} 签字盖章.pdf")


def reallocate_after_cut(contract, staff):
    """After a cut (核减) the organization re-allocates its budget table to the awarded amount,
    in proportion to its request, and staff confirm (venture.integrity.money)."""
    from venture.contracts.budget import confirm_budget_allocation, propose_budget_allocation
    from venture.delivery.operations import _scaled
    from venture.integrity.money import budget_refusal, requested_budget

    if budget_refusal(contract) is None:
        return
    requested = requested_budget(contract.application)
    amounts = dict(zip(requested, _scaled(list(requested.values()), contract.amount), strict=True))
    propose_budget_allocation(contract, amounts, actor=first_member(contract.organization))
    confirm_budget_allocation(contract, actor=staff)


def contract_and_first_payment(award, people, start, final_day, n):
    """Draft, issue, signed scan, confirmation, in force on the term's first day; the first
    installment released by staff and paid by finance. Returns the project."""
    from venture.contracts import operations as contracts
    from venture.delivery.operations import find_project

    staff = people["staff"]
    contract = contracts.draft_contract(award, actor=staff)
    db.session.flush()
    reallocate_after_cut(contract, staff)
    contracts.issue_contract(contract, actor=staff)
    issued_on = working_day(final_day + timedelta(days=4 + n % 2))
    signed_on = working_day(issued_on + timedelta(days=3 + n))
    contracts.upload_signed_scan(
        contract,
        signed_scan(contract, signed_on),
        actor=first_member(award.organization),
        reason="机构公章在外地年检，无法在线签署，提交纸质盖章扫描件",
    )
    contracts.confirm_signature(contract, actor=staff, signed_on=signed_on)
    contracts.decide_contract(contract, "put_in_force", actor=staff)
    confirmed = moment(working_day(signed_on + timedelta(days=1)), 10)
    backdate(
        contract,
        issued_at=moment(issued_on, 15),
        scan_uploaded_at=moment(signed_on, 16),
        signature_confirmed_at=confirmed,
        in_force_at=moment(working_day(start), 9),
    )
    project = find_project(contract.id)
    backdate(project, started_at=moment(working_day(start), 9))
    first = contract.installments[0]
    approved_on = working_day(start + timedelta(days=1))
    paid_on = working_day(approved_on + timedelta(days=2))
    pay_in_full(first, people, paid_on, voucher=30 + n, reference=n)
    backdate(
        first,
        condition_met_at=confirmed,
        approved_at=moment(approved_on, 11),
        paid_at=moment(paid_on, 15),
    )
    return project


def pay_in_full(installment, people, paid_on, *, voucher, reference):
    """Staff release the installment and finance pay all of it on paid_on; voucher and
    reference are the running numbers of its voucher (记账凭证) and bank transfer."""
    from venture.payments import operations as payments

    payments.approve_release(installment, actor=people["staff"])
    payments.record_payment(
        installment,
        amount=installment.amount,
        paid_on=paid_on,
        voucher_no=f"记{paid_on.year}-{paid_on.month:02d}-{voucher:03d}",
        bank_reference=f"ICBC{paid_on:%Y%m%d}{reference:06d}",
        actor=people["finance"],
    )


def report_values(project, period, code, rng, *, today=None):
    """What the organization reports on a period: activities in the communities it serves,
    beneficiaries, spending in proportion to the time elapsed, milestones."""
    from venture.delivery.enums import BeneficiaryGroup, MilestoneStatus

    communities = project.application.communities
    titles = ACTIVITY_TITLES[code]
    draft = today is not None  # a report begun on the period running today
    last = min(period.end, today) if draft else period.end
    third = (last - period.start).days // 3
    activities = []
    for k in range(1 if draft else 3):
        title = titles[(k + period.start.month) % len(titles)]
        people = rng.randint(12, 60)
        activities.append(
            {
                # one in each third of the period, so the order never depends on the draw
                "held_on": period.start + timedelta(days=k * third + rng.randint(0, third)),
                "community_id": communities[k % len(communities)].id,
                "title": title,
                "participants": people,
                "description": f"{title}，{people} 人参加，社区居委会协助组织。",
            }
        )
    if draft:
        summary = "本季度服务按计划推进，详细情况待季度结束后补充。"
        return {"summary": summary, "activities": activities}
    term = (project.end_date - project.start_date).days + 1
    share = Decimal((period.end - period.start).days + 1) / Decimal(term)
    expenditures = {
        line.id: (
            (line.amount * share * Decimal(str(round(rng.uniform(0.85, 1.02), 3)))).quantize(
                Decimal("1.00")
            ),
            "按预算执行，票据齐全",
            "",
        )
        for line in project.plan_lines
    }
    first, second = BENEFICIARY_GROUPS[code]
    milestones = {}
    for milestone in project.milestones:
        if milestone.due_date <= period.end:
            done_on = milestone.due_date - timedelta(days=3)
            milestones[milestone.id] = (MilestoneStatus.DONE, done_on, "已按期完成")
        elif milestone.due_date <= period.end + timedelta(days=100):
            milestones[milestone.id] = (MilestoneStatus.IN_PROGRESS, None, "正在推进")
    return {
        "summary": f"本期开展活动 {len(activities)} 场，服务对象稳定，"
        "与社区居委会保持每月沟通，按计划推进各项服务。",
        "problems": "部分活动受天气影响改期，志愿者流动性较大。",
        "next_steps": "加强志愿者培训，按计划开展下一阶段服务。",
        "activities": activities,
        "beneficiaries": {
            BeneficiaryGroup(first): rng.randint(30, 80),
            BeneficiaryGroup(second): rng.randint(10, 40),
        },
        "expenditures": expenditures,
        "milestones": milestones,
    }


def deliver(project, staff, today, rng, *, keep_last_submitted=False):
    """A report on every reporting period that is over, submitted within the grace days and
    accepted by the officer (the last one left submitted when keep_last_submitted)."""
    from venture.delivery import operations as delivery
    from venture.delivery.enums import ReportKind

    member = first_member(project.organization)
    code = project.application.category.code
    periods = [row.period for row in delivery.schedule_rows(project) if row.period.end < today]
    for n, period in enumerate(periods, 1):
        report = delivery.start_report(
            project, kind=ReportKind.SCHEDULED, actor=member, period_start=period.start
        )
        delivery.save_report(report, report_values(project, period, code, rng), actor=member)
        delivery.submit_report(report, actor=member)
        submitted_on = min(period.end + timedelta(days=rng.randint(2, 8)), today)
        backdate(report, submitted_at=moment(submitted_on, rng.randint(9, 17)))
        if keep_last_submitted and n == len(periods):
            continue
        delivery.decide_report(
            report, "accept", comment="报告内容完整，支出与预算相符。", actor=staff
        )
        decided_on = min(submitted_on + timedelta(days=rng.randint(2, 5)), today)
        backdate(report, decided_at=moment(decided_on, 15))


def start_current_report(project, member, today, rng):
    """The organization has begun its report on the period running now (a report to write)."""
    from venture.delivery import operations as delivery
    from venture.delivery.enums import ReportKind

    period = next(
        row.period
        for row in delivery.schedule_rows(project)
        if row.period.start <= today <= row.period.end
    )
    report = delivery.start_report(
        project, kind=ReportKind.SCHEDULED, actor=member, period_start=period.start
    )
    values = report_values(project, period, project.application.category.code, rng, today=today)
    delivery.save_report(report, values, actor=member)


MIDTERM_SELF_ASSESSMENT = (
    "项目启动以来按计划开展服务，活动场次、服务人数均达到阶段目标；资金按预算科目使用，"
    "票据齐全；与社区居委会建立了每月沟通机制。存在的不足：志愿者流动性较大，"
    "下一阶段将加强志愿者培训和激励。"
)


def evaluate(project, people, today, *, days_ago, scores, comment, visit, timeline, **how):
    """An evaluation (how: kind, "midterm" by default) assigned, self-assessed, scored and
    announced (公示) on a working day about `days_ago` before today, early enough for its period
    to be over; made final too unless how says finalise=False. `scores(criteria)` are the marks
    as typed, `visit` (days before that day, people met, notes) the site visit, `timeline` the
    days before it of the assignment, the self-assessment's due date, its submission and the
    scoring. Returns (the evaluation, the day it became final or None)."""
    from venture.core.workdays import period_end
    from venture.evaluation import operations as evaluation

    kind = how.get("kind", "midterm")
    staff, evaluator = people["staff"], people["evaluator"]
    member = first_member(project.organization)
    day = working_day(today - timedelta(days=days_ago))
    while period_end(day, evaluation.ANNOUNCEMENT_DAYS).end >= today:
        day = working_day(day - timedelta(days=7))
    item = evaluation.assign_evaluation(
        project, kind=kind, evaluator=evaluator, due=today, actor=staff
    )
    evaluation.save_self_assessment(
        item,
        text=MIDTERM_SELF_ASSESSMENT,
        final_report=demo_file("项目结项报告") if kind == "final" else None,
        actor=member,
    )
    evaluation.submit_self_assessment(item, actor=member)
    criteria = evaluation.criteria_of(project.call_id, kind)
    visit_days, met, notes = visit
    evaluation.save_scores(
        item,
        entries={c.id: (mark, "") for c, mark in zip(criteria, scores(criteria), strict=True)},
        overall_comment=comment,
        site_visit={
            "on": day - timedelta(days=visit_days),
            "place": "项目服务社区活动室",
            "people": met,
            "notes": notes,
        },
        actor=evaluator,
    )
    evaluation.submit_scores(item, actor=evaluator)
    announcement = evaluation.announce_result(item, actor=staff)
    ends_on = announcement_back_to(announcement, day)
    assigned, due, self_submitted, scored = timeline
    moments = {
        "assigned_at": moment(day - timedelta(days=assigned), 10),
        "self_assessment_due": day - timedelta(days=due),
        "self_submitted_at": moment(day - timedelta(days=self_submitted), 16),
        "scored_at": moment(day - timedelta(days=scored), 17),
        "announced_at": moment(day, 9),
    }
    final_day = None
    if how.get("finalise", True):
        final_day = min(working_day(ends_on + timedelta(days=1)), today)
        finalise_announcement(announcement, actor=staff, day=final_day)
        moments["finalised_at"] = moment(final_day, 9, 30)
    backdate(item, **moments)
    return item, final_day
