"""Demo records waiting at every step, so each step can be tried without changing the clock.

Called at the end of the demo loader (venture.seed.demo.load_demo). Everything is made through the
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
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from venture.calls.enums import Route
from venture.core.timeutil import from_local, local_today, now
from venture.delivery.enums import ProjectState
from venture.delivery.models import Project
from venture.evaluation.rules import open_evaluation
from venture.extensions import db
from venture.orgs.models import Organization
from venture.reference.models import ServiceCategory, Street
from venture.seed.story import (
    announcement_back_to,
    application_values,
    backdate,
    demo_call,
    expert_panel,
    final_awards,
    first_member,
    moment,
    past_call,
    place_bid,
    propose_and_publish,
    publish_tender,
    score_sheets,
    submit_application,
    two_quarters_ago,
    working_day,
)
from venture.seed.story import (
    people as demo_people,
)
from venture.seed.story_delivery import contract_and_first_payment, deliver, evaluate, pay_in_full

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


def load_steps():
    """Add the records that wait at each step (see the module docstring)."""
    today = local_today()
    people = demo_people()
    orgs = db.session.scalars(select(Organization).order_by(Organization.id)).all()
    with current_app.test_request_context():
        _tender_past_opening(people, orgs, today)
        awards, start = _second_batch(people, orgs, today)
        _contract_waiting_for_signature(awards[0], people)
        closing = contract_and_first_payment(
            awards[2], people, start, start - timedelta(days=20), 9
        )
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
    from venture.procurement.enums import EvaluationMethod, TenderMethod

    staff = people["staff"]
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    streets = db.session.scalars(select(Street).order_by(Street.id)).all()
    # bids go in while the deadline is ahead; then deadline and opening move to yesterday
    ahead = now() + timedelta(days=11)  # 磋商: at least 10 days after the notice
    call = demo_call(
        staff,
        f"{today.year + 1}年香坊区社区助餐服务采购项目（竞争性磋商）",
        Route.TENDER,
        [categories["elderly"]],
        streets[:3],
        budget=Decimal("240000.00"),
        description="为辖区 3 个街道的老年人提供社区助餐服务，含中央厨房配送和助餐点运营。",
        closes=ahead,
        opens=from_local(datetime.combine(today - timedelta(days=20), time(9))),
    )
    db.session.flush()
    tender = publish_tender(
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
        [("服务方案", "助餐点布局与配送方案", 40), ("食品安全", "制度、资质与应急预案", 30)],
        staff=staff,
    )
    for index, price in ((5, "226000.00"), (6, "219800.00"), (8, "228500.00")):
        bid = place_bid(
            tender,
            first_member(orgs[index]),
            {
                "price": Decimal(price),
                "approach": "中央厨房统一配餐，3 个助餐点分餐，行动不便老人送餐上门。",
                "team": "持证厨师 3 名、营养师 1 名、送餐员 6 名。",
                "schedule": "签约后两周内开餐，按月报送服务数据。",
                "quality": "食品留样、每日消毒记录和满意度回访。",
            },
        )
        bid.submitted_at = moment(today - timedelta(days=2), 10 + index % 5)
    yesterday = moment(today - timedelta(days=1), 9, 30)
    call.closes_at = yesterday
    tender.opening_at = yesterday
    call.published_at = moment(today - timedelta(days=21), 10)
    return tender


# --- a second batch of venture-grant awards -----------------------------------------------


def _second_batch(people, orgs, today):
    """A smaller venture-grant call reviewed by three experts of the pool, its result
    announced and final: three final awards, no contracts yet. Returns (awards, start)."""
    from venture.applications import operations as applications
    from venture.review import operations as review
    from venture.review.enums import Aggregation
    from venture.review.models import ReviewerProfile

    rng = random.Random(SEED)
    staff = people["staff"]
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    streets = db.session.scalars(select(Street).order_by(Street.id)).all()
    # the projects started two quarters ago, as the past cycle's: contracts go in force and
    # evaluations have happened by now
    start = two_quarters_ago(today)
    opens_on = working_day(start - timedelta(days=70))
    closes_on = working_day(start - timedelta(days=45))

    def submit(call):
        submitted = []
        for n, (index, title, code, lines) in enumerate(SECOND_BATCH):
            values = application_values(call, title, categories[code], lines)
            application = submit_application(call, first_member(orgs[index]), values)
            backdate(application, submitted_at=moment(opens_on + timedelta(days=5 + 2 * n), 10))
            submitted.append(application)
        return submitted

    call, submitted = past_call(
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
        },
        staff=staff,
        opens_on=opens_on,
        closes_on=closes_on,
        published_on=opens_on - timedelta(days=3),
        submit=submit,
    )  # fmt: skip
    for application in submitted:
        checklist = [(item, True) for item in call.eligibility_items]
        applications.screen_application(
            application, "mark_eligible", actor=staff, checklist=checklist
        )
    experts = db.session.scalars(
        select(ReviewerProfile).where(ReviewerProfile.active).order_by(ReviewerProfile.id)
    ).all()[:3]
    criteria, panel, made = expert_panel(
        call, experts, [], deadline=closes_on + timedelta(days=14), staff=staff
    )
    quality = {a.id: q for a, q in zip(submitted, (0.9, 0.84, 0.8), strict=True)}

    def points(assignment, criterion):
        share = min(max(quality[assignment.application_id] + rng.gauss(0, 0.04), 0.3), 1.0)
        return f"{round(share * float(criterion.max_score) * 2) / 2:g}"

    score_sheets(
        made,
        criteria,
        points=points,
        comment=lambda: "方案可行。",
        when=lambda: moment(closes_on + timedelta(days=rng.randint(3, 10)), 15),
    )
    review.choose_aggregation(panel, Aggregation.MEAN, actor=staff)
    announcement, _ranked = propose_and_publish(
        call,
        panel,
        lambda rows: {row.application.id: (row.application.requested_amount, "") for row in rows},
        proposed_at=moment(closes_on + timedelta(days=15), 16),
        introduction="经资格审查、专家评审，现将拟立项项目予以公示。",
        staff=staff,
    )
    ends_on = announcement_back_to(announcement, working_day(closes_on + timedelta(days=17)))
    awards, _final_day = final_awards(call, announcement, ends_on, staff=staff)
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
    item, _final_day = evaluate(
        project,
        people,
        today,
        kind=kind,
        finalise=finalise,
        days_ago=days_ago,
        scores=lambda criteria: [f"{round(float(c.max_score) * 1.7) / 2:g}" for c in criteria],
        comment="阶段目标基本完成，服务档案完整。",
        visit=(
            6,
            "项目负责人、社区居委会主任、服务对象代表 5 名",
            "查看服务档案和签到表，与服务对象座谈。",
        ),
        timeline=(20, 10, 12, 3),
    )
    if finalise:
        position = 1 if kind == "midterm" else 2
        backdate(project.contract.installments[position], condition_met_at=item.finalised_at)
    return item


# --- a project ready to close -------------------------------------------------------------


def _pay(installment, people, day, n):
    pay_in_full(installment, people, day, voucher=60 + n, reference=70 + n)
    backdate(installment, approved_at=moment(day, 10), paid_at=moment(day, 15))


def _ready_to_close(project, people, today):
    """Every report accepted, mid-term and final evaluations passed and final, every
    installment paid and the surplus settled: the closing checklist holds, staff can close."""
    from venture.delivery.settlement import settle_surplus

    deliver(project, people["staff"], today, random.Random(SEED + 1))
    _midterm(project, people, today, finalise=True, days_ago=40)
    _pay(project.contract.installments[1], people, working_day(today - timedelta(days=20)), 1)
    _midterm(project, people, today, finalise=True, kind="final", days_ago=14)
    _pay(project.contract.installments[2], people, today, 2)
    settle_surplus(
        project,
        kind="carried_over",
        reason="经区民政局局务会批准，结余资金结转用于本社区下一年度同类服务",
        actor=people["staff"],
    )
