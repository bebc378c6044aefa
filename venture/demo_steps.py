"""Demo records waiting at every step, so each step can be tried without changing the clock.

Called at the end of the demo loader (venture.demo.load_demo). Everything is made through the
real operations; where a step needs time to have passed (a deadline, an opening, a 公示
period), the timestamps an operation just stamped are moved back into the story, as the demo's
past cycle does. Dates are relative to `local_today()`.

The steps and who tries them (README, "Try each step"):

| step                                            | record                                 |
|-------------------------------------------------|----------------------------------------|
| a tender past its opening, awaiting evaluation  | a tender whose opening was yesterday   |
| an announcement past its period, to confirm     | a mid-term result 公示 that has ended   |
| a final award awaiting its contract             | second-batch award, no contract        |
| a contract awaiting signature                   | second-batch contract, issued          |
| an installment awaiting approval                | a passed mid-term's second installment |
| a report awaiting review                        | (the demo's past cycle)                |
| an evaluation awaiting scoring                  | (the demo's past cycle)                |
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from venture.calls.enums import DEFAULT_INSTALLMENT_PLAN, Route
from venture.core.timeutil import from_local, local_today, now
from venture.delivery.enums import ProjectState
from venture.delivery.models import Project
from venture.evaluation.rules import open_evaluation
from venture.extensions import db
from venture.orgs.models import Organization
from venture.reference.models import ServiceCategory, Street

SEED = 20261207

SECOND_BATCH = [
    # (organization index, title, category code, budget lines)
    (1, "书香童年——社区儿童阅读陪伴计划", "children",
     [("personnel", "社工补贴", "3500", "12", "36000", "6000"),
      ("activities", "亲子阅读会", "1500", "12", "18000", "0"),
      ("materials", "图书与阅读材料", "40", "250", "10000", "0")]),
    (10, "邻里议事厅——楼院自治能力提升", "self_governance",
     [("personnel", "社工补贴", "3000", "12", "30000", "6000"),
      ("activities", "议事会培训与观摩", "2000", "10", "20000", "0"),
      ("publicity", "宣传与成果展示", "4000", "1", "4000", "0")]),
    (11, "温暖同行——社区志愿服务队伍建设", "co_building",
     [("personnel", "社工补贴", "3000", "12", "30000", "6000"),
      ("activities", "志愿者培训", "1800", "10", "18000", "0"),
      ("materials", "志愿服务物资", "50", "120", "6000", "0")]),
]  # fmt: skip


def _people():
    from venture.demo import _user

    return {
        "staff": _user("staff@venture.example.com"),
        "finance": _user("finance@venture.example.com"),
        "evaluator": _user("evaluator@venture.example.com"),
    }


def load_steps():
    """Add the records that wait at each step (see the module docstring)."""
    today = local_today()
    people = _people()
    orgs = db.session.scalars(select(Organization).order_by(Organization.id)).all()
    with current_app.test_request_context():
        _tender_past_opening(people, orgs, today)
        awards, start = _second_batch(people, orgs, today)
        _contract_waiting_for_signature(awards[0], people)
        closing = _in_force_and_first_payment(awards[2], people, start)
        projects = [
            p
            for p in db.session.scalars(
                select(Project).where(Project.state == ProjectState.IN_FORCE).order_by(Project.id)
            )
            if open_evaluation(p) is None and p.contract.call_id != awards[0].call_id
        ]
        _midterm(projects[-1], people, today, finalise=True)  # its installment waits
        _midterm(projects[-2], people, today, finalise=False)  # its 公示 waits
        _ready_to_close(closing, people, today)
    db.session.flush()


# --- a tender past its opening ------------------------------------------------------------


def _tender_past_opening(people, orgs, today):
    """A 磋商 tender with three sealed bids whose deadline and opening were yesterday."""
    from venture.calls import operations as calls
    from venture.demo import _demo_call, _demo_file, _first_member, _local
    from venture.procurement import operations as procurement
    from venture.procurement.enums import EvaluationMethod, TenderMethod
    from venture.review import operations as review

    staff = people["staff"]
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    streets = db.session.scalars(select(Street).order_by(Street.id)).all()
    # bids go in while the deadline is ahead; then deadline and opening move to yesterday
    ahead = now() + timedelta(days=11)  # 磋商: at least 10 days after the notice
    call = _demo_call(
        staff,
        f"{today.year + 1}年香坊区社区助餐服务采购项目（竞争性磋商）",
        Route.TENDER,
        [categories["elderly"]],
        streets[:3],
        description="为辖区 3 个街道的老年人提供社区助餐服务，含中央厨房配送和助餐点运营。",
        budget=Decimal("240000.00"),
        opens=from_local(datetime.combine(today - timedelta(days=20), time(9))),
        closes=ahead,
    )
    db.session.flush()
    tender = procurement.save_tender(
        call,
        {
            "method": TenderMethod.NEGOTIATION,
            "evaluation": EvaluationMethod.COMPREHENSIVE,
            "requirements": "助餐点 3 个，每日午餐不少于 150 份，食品安全责任险全覆盖。",
            "budget_ceiling": Decimal("230000.00"),
            "price_weight": Decimal("30"),
            "required_documents": "登记证书副本\n报价明细表",
            "bid_deadline": ahead,
            "opening_at": ahead,
            "opening_place": "香坊区民政局二楼会议室",
        },
        actor=staff,
    )
    review.save_rubric(
        call,
        [
            {"id": None, "name": "服务方案", "description": "助餐点布局与配送方案",
             "max_score": Decimal(40)},
            {"id": None, "name": "食品安全", "description": "制度、资质与应急预案",
             "max_score": Decimal(30)},
        ],
        actor=staff,
    )  # fmt: skip
    calls.publish_call(call, actor=staff)
    for index, price in ((5, "226000.00"), (6, "219800.00"), (8, "228500.00")):
        bidder = _first_member(orgs[index])
        bid = procurement.start_bid(tender, actor=bidder)
        procurement.save_bid(
            bid,
            {
                "price": Decimal(price),
                "approach": "中央厨房统一配餐，3 个助餐点分餐，行动不便老人送餐上门。",
                "team": "持证厨师 3 名、营养师 1 名、送餐员 6 名。",
                "schedule": "签约后两周内开餐，按月报送服务数据。",
                "quality": "食品留样、每日消毒记录和满意度回访。",
                "declaration": True,
            },
            actor=bidder,
        )
        for label in tender.document_names:
            procurement.attach_bid_file(bid, label, _demo_file(label), actor=bidder)
        procurement.submit_bid(bid, actor=bidder)
        bid.submitted_at = _local(today - timedelta(days=2), 10 + index % 5)
    yesterday = _local(today - timedelta(days=1), 9, 30)
    call.closes_at = yesterday
    tender.opening_at = yesterday
    call.published_at = _local(today - timedelta(days=21), 10)
    return tender


# --- a second batch of venture-grant awards -----------------------------------------------


def _second_batch(people, orgs, today):
    """A smaller venture-grant call reviewed by three experts of the pool, its result
    announced and final: three final awards, no contracts yet. Returns (awards, start)."""
    from venture.applications import operations as applications
    from venture.calls import operations as calls
    from venture.core.files import store_bytes
    from venture.demo import (
        _announcement_back_to,
        _backdate,
        _demo_file,
        _demo_values,
        _finalise_announcement,
        _first_member,
        _local,
        _working_day,
    )
    from venture.procurement.enums import AwardState
    from venture.procurement.models import Award
    from venture.review import operations as review
    from venture.review import results
    from venture.review.enums import Aggregation
    from venture.review.models import ReviewerProfile

    rng = random.Random(SEED)
    staff = people["staff"]
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    streets = db.session.scalars(select(Street).order_by(Street.id)).all()
    # the projects started two quarters ago, as the past cycle's: contracts go in force and
    # evaluations have happened by now
    quarter = (today.year * 12 + (today.month - 1) // 3 * 3) - 6
    start = date(quarter // 12, quarter % 12 + 1, 1)
    opens_on = _working_day(start - timedelta(days=70))
    closes_on = _working_day(start - timedelta(days=45))
    call = calls.create_call(
        {
            "title": f"{opens_on.year}年香坊区公益创投项目（第二批）征集公告",
            "year": opens_on.year,
            "route": Route.VENTURE_GRANT,
            "description": "第二批公益创投项目重点支持儿童阅读、楼院自治和志愿服务。",
            "eligibility": "在香坊区民政局依法登记的社会组织\n近两年年度检查合格",
            "required_attachments": "登记证书副本",
            "category_ids": [categories[c].id for c in ("children", "self_governance",
                                                        "co_building")],
            "community_ids": [c.id for s in streets[:4] for c in s.communities],
            "total_budget": Decimal("200000.00"),
            "cap_per_project": Decimal("80000.00"),
            "max_applications_per_org": 1,
            "project_start": start,
            "project_end": date(start.year + 1, start.month, 1) - timedelta(days=1),
            "opens_at": _local(opens_on, 9),
            "closes_at": _local(closes_on, 17),
            "installment_plan": list(DEFAULT_INSTALLMENT_PLAN),
        },
        actor=staff,
    )  # fmt: skip
    db.session.flush()
    closes_at = call.closes_at
    call.closes_at = now() + timedelta(days=1)
    calls.publish_call(call, actor=staff)
    submitted = []
    for n, (index, title, code, lines) in enumerate(SECOND_BATCH):
        member = _first_member(orgs[index])
        application = applications.start_application(call, actor=member)
        applications.save_draft(
            application, _demo_values(call, title, categories[code], lines), actor=member
        )
        for label in call.attachment_names:
            applications.attach_file(application, label, _demo_file(label), actor=member)
        applications.submit_application(application, actor=member)
        _backdate(application, submitted_at=_local(opens_on + timedelta(days=5 + 2 * n), 10))
        submitted.append(application)
    call.closes_at = closes_at
    _backdate(call, published_at=_local(opens_on - timedelta(days=3), 10))
    call.notice = store_bytes(
        calls.render_notice(call),
        name=f"{call.title}.pdf",
        content_type="application/pdf",
        actor=staff,
    )
    for application in submitted:
        checklist = [(item, True) for item in call.eligibility_items]
        applications.screen_application(
            application, "mark_eligible", actor=staff, checklist=checklist
        )
    experts = db.session.scalars(
        select(ReviewerProfile).where(ReviewerProfile.active).order_by(ReviewerProfile.id)
    ).all()[:3]
    criteria = review.save_rubric(
        call, [{"id": None, **row} for row in review.default_rubric()], actor=staff
    )
    panel = review.form_panel(
        call,
        member_ids=[e.id for e in experts],
        reserve_ids=[],
        settings={
            "reviewers_per_application": 3,
            "blind": False,
            "deadline": closes_on + timedelta(days=14),
            "spread_threshold": Decimal("20.0"),
        },
        actor=staff,
    )
    db.session.flush()
    made, _missing = review.assign_reviewers(panel, actor=staff)
    quality = {a.id: q for a, q in zip(submitted, (0.9, 0.84, 0.8), strict=True)}
    for assignment in made:
        reviewer = assignment.reviewer.user
        sheet = review.declare_no_conflict(assignment, actor=reviewer)
        db.session.flush()
        entries = {}
        for criterion in criteria:
            share = min(max(quality[assignment.application_id] + rng.gauss(0, 0.04), 0.3), 1.0)
            points = round(share * float(criterion.max_score) * 2) / 2
            entries[criterion.id] = (f"{points:g}", "")
        review.submit_sheet(sheet, entries=entries, overall_comment="方案可行。", actor=reviewer)
        moment = _local(closes_on + timedelta(days=rng.randint(3, 10)), 15)
        _backdate(assignment, no_conflict_at=moment)
        _backdate(sheet, submitted_at=moment, first_submitted_at=moment)
    review.choose_aggregation(panel, Aggregation.MEAN, actor=staff)
    ranked = results.ranking(panel)
    decisions = {row.application.id: (row.application.requested_amount, "") for row in ranked.rows}
    review.propose_awards(panel, ranked.rows, decisions, actor=staff)
    _backdate(panel, proposed_at=_local(closes_on + timedelta(days=15), 16))
    ranked = results.ranking(panel)
    announcement = review.publish_result(
        panel,
        ranked,
        title=call.title.replace("征集公告", "评审结果公示"),
        introduction="经资格审查、专家评审，现将拟立项项目予以公示。",
        period_days=5,
        actor=staff,
    )
    ends_on = _announcement_back_to(announcement, _working_day(closes_on + timedelta(days=17)))
    final_day = _working_day(ends_on + timedelta(days=1))
    _finalise_announcement(announcement, actor=staff, day=final_day)
    awards = db.session.scalars(
        select(Award)
        .where(Award.call_id == call.id, Award.state == AwardState.FINAL)
        .order_by(Award.rank)
    ).all()
    for award in awards:
        _backdate(award, final_at=_local(final_day, 9, 30))
    # the applicant's organization first: the demo's applicant login signs its contract
    applicant_org = orgs[1].id
    awards.sort(key=lambda a: (a.organization_id != applicant_org, a.rank))
    return awards, start


def _contract_waiting_for_signature(award, people):
    """Drafted and issued to the organization, which signs and uploads it next."""
    from venture.contracts import operations as contracts

    contract = contracts.draft_contract(award, actor=people["staff"])
    db.session.flush()
    contracts.issue_contract(contract, actor=people["staff"])
    return contract


# --- evaluations of the past cycle's projects ---------------------------------------------


def _midterm(project, people, today, *, finalise, kind="midterm", days_ago=14):
    """A mid-term evaluation scored and announced; with finalise, its 公示 is over and final
    (the second installment's condition is met and waits for staff's approval); without, the
    公示's period is over and it waits for staff to make it final."""
    from venture.core.workdays import period_end
    from venture.demo import (
        MIDTERM_SELF_ASSESSMENT,
        _announcement_back_to,
        _backdate,
        _demo_file,
        _finalise_announcement,
        _first_member,
        _local,
        _working_day,
    )
    from venture.evaluation import operations as evaluation

    staff, evaluator = people["staff"], people["evaluator"]
    member = _first_member(project.organization)
    day = _working_day(today - timedelta(days=days_ago))
    while period_end(day, evaluation.ANNOUNCEMENT_DAYS).end >= today:
        day = _working_day(day - timedelta(days=7))
    item = evaluation.assign_evaluation(
        project, kind=kind, evaluator=evaluator, due=today, actor=staff
    )
    evaluation.save_self_assessment(
        item,
        text=MIDTERM_SELF_ASSESSMENT,
        final_report=_demo_file("项目结项报告") if kind == "final" else None,
        actor=member,
    )
    evaluation.submit_self_assessment(item, actor=member)
    criteria = evaluation.criteria_of(project.call_id, kind)
    evaluation.save_scores(
        item,
        entries={c.id: (f"{round(float(c.max_score) * 1.7) / 2:g}", "") for c in criteria},
        overall_comment="阶段目标基本完成，服务档案完整。",
        site_visit={
            "on": day - timedelta(days=6),
            "place": "项目服务社区活动室",
            "people": "项目负责人、社区居委会主任、服务对象代表 5 名",
            "notes": "查看服务档案和签到表，与服务对象座谈。",
        },
        actor=evaluator,
    )
    evaluation.submit_scores(item, actor=evaluator)
    announcement = evaluation.announce_result(item, actor=staff)
    ends_on = _announcement_back_to(announcement, day)
    moments = {
        "assigned_at": _local(day - timedelta(days=20), 10),
        "self_assessment_due": day - timedelta(days=10),
        "self_submitted_at": _local(day - timedelta(days=12), 16),
        "scored_at": _local(day - timedelta(days=3), 17),
        "announced_at": _local(day, 9),
    }
    if finalise:
        final_day = min(_working_day(ends_on + timedelta(days=1)), today)
        _finalise_announcement(announcement, actor=staff, day=final_day)
        moments["finalised_at"] = _local(final_day, 9, 30)
        position = 1 if kind == "midterm" else 2
        _backdate(project.contract.installments[position], condition_met_at=moments["finalised_at"])
    _backdate(item, **moments)
    return item


# --- a project ready to close -------------------------------------------------------------


def _in_force_and_first_payment(award, people, start):
    """Contract drafted, issued, signed, in force since the term began; first installment
    paid. Returns the project."""
    from venture.demo import _contract_and_first_payment

    return _contract_and_first_payment(award, people, start, start - timedelta(days=20), 9)


def _pay(installment, people, day, n):
    from venture.demo import _backdate, _local
    from venture.payments import operations as payments

    payments.approve_release(installment, actor=people["staff"])
    payments.record_payment(
        installment,
        amount=installment.amount,
        paid_on=day,
        voucher_no=f"记{day.year}-{day.month:02d}-{60 + n:03d}",
        bank_reference=f"ICBC{day:%Y%m%d}{70 + n:06d}",
        actor=people["finance"],
    )
    _backdate(installment, approved_at=_local(day, 10), paid_at=_local(day, 15))


def _ready_to_close(project, people, today):
    """Every report accepted, mid-term and final evaluations passed and final, every
    installment paid and the surplus settled: the closing checklist holds, staff can close."""
    from venture.delivery.settlement import settle_surplus
    from venture.demo import _deliver, _working_day

    _deliver(project, people["staff"], today, random.Random(SEED + 1))
    _midterm(project, people, today, finalise=True, days_ago=40)
    _pay(project.contract.installments[1], people, _working_day(today - timedelta(days=20)), 1)
    _midterm(project, people, today, finalise=True, kind="final", days_ago=14)
    _pay(project.contract.installments[2], people, today, 2)
    settle_surplus(
        project,
        kind="carried_over",
        reason="经区民政局局务会批准，结余资金结转用于本社区下一年度同类服务",
        actor=people["staff"],
    )
