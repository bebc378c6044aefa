"""The demo's year so far: a venture-grant call from earlier in the year taken through review,
contracts, payments and delivery (全流程), through the real operations with the story's
timestamps moved back (see `venture.seed.story`)."""

import json
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from venture.calls.enums import Route
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.reference.models import ServiceCategory
from venture.seed.demo_community import load_supervision
from venture.seed.story import (
    SEED,
    announcement_back_to,
    application_values,
    backdate,
    expert_panel,
    final_awards,
    first_member,
    moment,
    past_call,
    propose_and_publish,
    score_sheets,
    submit_application,
    two_quarters_ago,
    user,
    working_day,
)
from venture.seed.story import (
    people as demo_people,
)
from venture.seed.story_delivery import (
    MIDTERM_SELF_ASSESSMENT,
    contract_and_first_payment,
    deliver,
    evaluate,
    start_current_report,
)
from venture.seed.vocabulary import score_text

PAST_CALL_DESCRIPTION = """香坊区民政局安排福利彩票公益金，面向全区社会组织征集第一批公益创投项目，\
重点支持困境儿童关爱、居家养老互助、残疾人康复、矛盾纠纷调解和青少年心理健康服务。

项目经资格审查、专家评审和结果公示后立项，签订服务协议后按进度分期拨付资金。"""
# the organizations' applications to the call: organization (an index into the district's),
# title, category code, the quality 0–1 the panel's scores follow (null: found ineligible),
# communities served (indexes), beneficiaries, target group, objectives, budget lines
# (category, item, unit price, quantity, requested, own funds)
PAST_APPLICATIONS = json.loads(
    Path(__file__).with_name("demo_past_applications.json").read_text(encoding="utf-8")
)
PAST_CALL_BUDGET = Decimal("480000.00")
EXPERTS = [
    # (title 职称, employer, fields of expertise)
    ("教授", "黑龙江大学社会学院", ("elderly", "self_governance", "mediation")),
    ("副教授", "哈尔滨工业大学人文学院", ("children", "counselling")),
    ("高级社会工作师", "哈尔滨市社会工作协会", ("elderly", "disability", "care")),
    ("注册会计师", "黑龙江正信会计师事务所", ("co_building", "self_governance")),
    ("主任医师", "哈尔滨市第一专科医院", ("counselling", "disability")),
    ("副研究员", "黑龙江省社会科学院", ("children", "culture_sport")),
    ("律师", "黑龙江龙信律师事务所", ("mediation", "co_building")),
]
SHEET_COMMENTS = [
    "需求调研扎实，服务对象明确，建议细化季度目标。",
    "项目设计合理，预算基本符合实际，志愿者管理需加强。",
    "团队经验较丰富，建议与社区居委会建立定期沟通机制。",
    "活动安排可行，创新性一般，可借鉴同类项目经验。",
    "预算中人员费用占比偏高，建议压缩并增加活动投入。",
]


def load_past_cycle(orgs, streets, communities):
    """A venture-grant call from earlier in the year, taken through the whole lifecycle: 8
    applications (7 eligible), an expert panel of 5 with submitted score sheets, 5 awards
    announced and final, 5 contracts in force with the first installment paid, 5 projects
    reporting to staff and communities, mid-term evaluations (one final and passed, one with
    the evaluator)."""
    rng = random.Random(SEED + 31)
    today = local_today()
    # the projects' year began two quarters before the current one: two reporting quarters
    # are over, the third is running and the mid-term evaluation is due
    start = two_quarters_ago(today)
    people = demo_people()
    with current_app.test_request_context():
        call, qualities, closes_on = _past_call(
            orgs, streets, communities, start, people["staff"], rng
        )
        awards, final_day = _past_review(call, qualities, closes_on, people["staff"], rng)
        projects = [
            contract_and_first_payment(award, people, start, final_day, n)
            for n, award in enumerate(awards, 1)
        ]
        applicant = user("applicant@venture.example.com")
        own = next(p for p in projects if p.organization_id == applicant.organization_id)
        others = [p for p in projects if p is not own]
        for project in projects:
            # one report waits for the officer's decision
            deliver(project, people["staff"], today, rng, keep_last_submitted=project is others[0])
        _pass_midterm(own, people, today)
        start_current_report(own, applicant, today, rng)
        _assign_midterm(others[1], people, today)
    db.session.flush()
    # the residents' committees check the reported activities (venture/community's loader,
    # which found no projects when it ran earlier)
    load_supervision()


def _past_call(orgs, streets, communities, start, staff, rng):
    """The call, open from about 75 to 50 days before the projects' start, and its
    applications submitted and screened; returns (call, {application id: quality}, closing
    day)."""
    from venture.applications import operations as applications

    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    opens_on = working_day(start - timedelta(days=75))
    closes_on = working_day(start - timedelta(days=50))
    qualities = {}

    def submit(call):
        submitted = []
        for n, row in enumerate(PAST_APPLICATIONS):
            category = categories[row["category"]]
            values = application_values(call, row["title"], category, row["budget_lines"])
            values |= {
                "community_ids": [communities[i].id for i in row["communities"]],
                "beneficiaries": row["beneficiaries"],
                "target_group": row["target_group"],
                "objectives": row["objectives"],
            }
            member = first_member(orgs[row["organization"]])
            application = submit_application(call, member, values)
            # every application goes in before the deadline (venture.integrity.phases)
            submitted_on = min(
                working_day(opens_on + timedelta(days=6 + 3 * n)), closes_on - timedelta(days=1)
            )
            backdate(application, submitted_at=moment(submitted_on, 9 + n % 8, 5 * n))
            qualities[application.id] = row["quality"]
            submitted.append(application)
        return submitted

    fields = {
        "title": f"{opens_on.year}年香坊区公益创投项目（第一批）征集公告",
        "year": opens_on.year,
        "route": Route.VENTURE_GRANT,
        "description": PAST_CALL_DESCRIPTION,
        "eligibility": "在香坊区民政局依法登记的社会组织\n近两年年度检查合格\n"
        "有健全的财务管理制度和专职财务人员",
        "required_attachments": "登记证书副本\n项目预算明细表",
        "category_ids": [
            categories[code].id
            for code in (
                "elderly",
                "children",
                "disability",
                "self_governance",
                "mediation",
                "counselling",
            )
        ],
        "community_ids": [c.id for s in streets[:6] for c in s.communities],
        "total_budget": PAST_CALL_BUDGET,
        "cap_per_project": Decimal("150000.00"),
        "max_applications_per_org": 1,
        "project_start": start,
    }
    call, submitted = past_call(
        fields,
        staff=staff,
        opens_on=opens_on,
        closes_on=closes_on,
        published_on=opens_on - timedelta(days=5),
        submit=submit,
    )
    for application in submitted:
        eligible = qualities[application.id] is not None
        # the ineligible one fails the annual inspection requirement (the second)
        checklist = [(item, eligible or n != 1) for n, item in enumerate(call.eligibility_items)]
        if eligible:
            applications.screen_application(
                application, "mark_eligible", actor=staff, checklist=checklist
            )
        else:
            applications.screen_application(
                application,
                "mark_ineligible",
                actor=staff,
                reason="近两年年度检查结论为基本合格，不符合申报条件。",
                checklist=checklist,
            )
    db.session.flush()
    return call, {k: v for k, v in qualities.items() if v is not None}, closes_on


def _past_review(call, qualities, closes_on, staff, rng):
    """The expert pool, the rubric, a panel of five, every sheet scored, the ranking, the
    awards down it within the budget, the 公示 (with one objection, dismissed) and the final
    result; returns (final awards in rank order, the day they became final)."""
    from venture.announcements import operations as announcements
    from venture.review import operations as review
    from venture.review.enums import Aggregation

    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    experts = []
    for n, (title, employer, fields) in enumerate(EXPERTS, 1):
        experts.append(
            review.add_expert(
                user(f"reviewer{n}@venture.example.com"),
                profile={
                    "title": title,
                    "employer": employer,
                    "phone": f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
                    "notes": "",
                    "active": True,
                },
                categories=[categories[code] for code in fields],
                actor=staff,
            )
        )
    db.session.flush()
    criteria, panel, made = expert_panel(
        call, experts[:5], experts[5:6], deadline=closes_on + timedelta(days=16), staff=staff
    )
    # some reviewers mark leniently, some harshly, as on real panels
    leaning = dict(zip((e.id for e in experts[:5]), (0.03, -0.06, 0.0, 0.05, -0.02), strict=True))

    def points(assignment, criterion):
        base = qualities[assignment.application_id] + leaning[assignment.reviewer_id]
        share = min(max(base + rng.gauss(0, 0.05), 0.3), 1.0)
        return score_text(round(share * float(criterion.max_score) * 2) / 2)

    score_sheets(
        made,
        criteria,
        points=points,
        comment=lambda: rng.choice(SHEET_COMMENTS),
        when=lambda: moment(closes_on + timedelta(days=rng.randint(3, 14)), rng.randint(9, 21)),
    )
    review.choose_aggregation(panel, Aggregation.TRIMMED, actor=staff)

    def decide(rows):
        decisions, left = {}, call.total_budget
        for row in rows:
            requested = row.application.requested_amount
            if left < requested * Decimal("0.8"):
                break  # the rest are not selected: funding stops where the budget runs out
            amount = min(requested, left, call.cap_per_project)
            decisions[row.application.id] = (amount, "")
            left -= amount
        return decisions

    announcement, ranked = propose_and_publish(
        call,
        panel,
        decide,
        proposed_at=moment(closes_on + timedelta(days=18), 16),
        introduction="经资格审查、专家评审，现将拟立项项目予以公示。"
        "公示期内如有异议，请在本页实名提出并说明理由。",
        staff=staff,
    )
    # the objection goes in while the period is open (now); the whole 公示 then moves back
    objector = first_member(
        next(row.application.organization for row in ranked.rows if row.award is None)
    )
    objection = announcements.lodge_objection(
        announcement,
        user=objector,
        text="我单位项目得分与排名第五的项目接近，请说明评审专家组成和评分是否存在回避问题。",
    )
    announcements.answer_objection(
        objection,
        actor=staff,
        upheld=False,
        answer="经复核，评审专家均已声明无利益关联，评分按评分标准独立进行，"
        "采用去掉一个最高分和一个最低分的平均分排序，结果无误。",
    )
    publish_day = working_day(closes_on + timedelta(days=21))
    ends_on = announcement_back_to(announcement, publish_day)
    backdate(objection, submitted_at=moment(publish_day + timedelta(days=2), 14))
    backdate(objection, answered_at=moment(publish_day + timedelta(days=3), 11))
    return final_awards(call, announcement, ends_on, staff=staff)


def _pass_midterm(project, people, today):
    """The mid-term evaluation from assignment to a final pass, announced (公示) in the past;
    staff then approve the second installment, which waits for finance."""
    from venture.payments import operations as payments

    marks = ("26", "13", "17", "16.5", "13")  # 85.5 points: 良好
    _item, final_day = evaluate(
        project,
        people,
        today,
        days_ago=16,  # published about two weeks ago
        scores=lambda _criteria: marks,
        comment="项目执行规范，阶段目标基本完成，服务对象反响良好；"
        "建议加强志愿者队伍建设，完善服务档案。",
        visit=(
            8,
            "项目负责人、社工 2 名、社区居委会主任、服务对象代表 6 名",
            "查看了服务档案、签到表和财务票据，与服务对象座谈，活动开展情况与报告一致。",
        ),
        timeline=(22, 12, 14, 4),
    )
    second = project.contract.installments[1]
    payments.approve_release(second, actor=people["staff"])
    backdate(
        second,
        condition_met_at=moment(final_day, 9, 30),
        approved_at=moment(final_day, 14),
    )


def _assign_midterm(project, people, today):
    """A mid-term evaluation with the evaluator: the self-assessment is in, scoring is next."""
    from venture.evaluation import operations as evaluation

    member = first_member(project.organization)
    item = evaluation.assign_evaluation(
        project,
        kind="midterm",
        evaluator=people["evaluator"],
        due=today + timedelta(days=10),
        actor=people["staff"],
    )
    evaluation.save_self_assessment(item, text=MIDTERM_SELF_ASSESSMENT, actor=member)
    evaluation.submit_self_assessment(item, actor=member)
    backdate(
        item,
        assigned_at=moment(today - timedelta(days=6), 10),
        self_submitted_at=moment(today - timedelta(days=1), 16),
    )
