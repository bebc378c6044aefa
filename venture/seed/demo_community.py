"""The demo's community needs and supervision (需求清单与社区监督): needs published by residents'
committees, taken up by the venture-grant call and answered by its applications; the
committees' checks of reported activities and residents' satisfaction answers."""

import json
import random
from decimal import Decimal
from pathlib import Path

from venture.auth.enums import Role
from venture.auth.operations import create_user
from venture.calls.enums import Route
from venture.extensions import db
from venture.reference.models import ServiceCategory
from venture.seed.story import DEMO_PASSWORD, SEED

# needs published by residents' committees: the community (an index into the district's), a key
# the demo refers to it by, then the need as the committee's form has it
DEMO_NEEDS = json.loads(
    Path(__file__).with_name("demo_community_needs.json").read_text(encoding="utf-8")
)
# demo application title -> the needs it answers, and its service prices
DEMO_ANSWERS = {
    "四点半课堂——双职工家庭儿童课后托管": (
        ["after_school"],
        [("课后托管与作业辅导", "low_cost", "3.00", "天"), ("亲子活动", "free", None, "")],
    ),
    "银龄守护——社区独居老人关爱服务": (
        ["home_visits"],
        [("入户探访与健康监测", "free", None, ""), ("助餐服务", "low_cost", "5.00", "餐")],
    ),
    "阳光同行——残疾人康复陪伴计划": (["rehab"], [("康复训练指导", "free", None, "")]),
    "邻里守望——楼院自治议事会培育": (["yard_council"], []),
}


def load_community(communities):
    """Needs published by several residents' committees, some taken up by the venture-grant
    call and answered by its applications, a duplicate merged, one closed; on demo projects (if
    any) the committees' checks and residents' satisfaction answers."""
    from sqlalchemy import select

    from venture.applications.enums import Pricing
    from venture.applications.models import Application, ServicePrice
    from venture.auth.models import User
    from venture.calls.models import Call
    from venture.community import operations as community
    from venture.community.enums import Urgency

    staff = db.session.scalar(select(User).where(User.email == "staff@venture.example.com"))
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    committees = {
        communities[0].id: db.session.scalar(
            select(User).where(User.email == "community@venture.example.com")
        )
    }
    needs = {}
    for need in DEMO_NEEDS:
        place_of = communities[need["community"]]
        if place_of.id not in committees:
            committees[place_of.id] = create_user(
                email=f"juweihui{place_of.id}@demo.example.com",
                name=f"{place_of.name}居委会",
                password=DEMO_PASSWORD,
                roles=[Role.COMMUNITY],
                actor=None,
                community=place_of,
            )
            db.session.flush()
        needs[need["key"]] = community.publish_need(
            {
                "category_id": categories[need["category"]].id,
                "title": need["title"],
                "target_group": need["target_group"],
                "residents": need["residents"],
                "place": need["place"],
                "urgency": Urgency(need["urgency"]),
                "description": need["description"],
            },
            actor=committees[place_of.id],
        )
    db.session.flush()
    community.merge_need(
        needs["visit_duplicate"],
        needs["home_visits"],
        actor=staff,
        reason="同一社区独居老人探访需求，合并办理。",
    )
    community.decide_need(
        needs["square_dance"],
        "close",
        actor=committees[communities[20].id],
        reason="已协调调整活动时间和音量，居民不再投诉。",
    )

    call = db.session.scalar(
        select(Call).where(Call.route == Route.VENTURE_GRANT).order_by(Call.id).limit(1)
    )
    if call is None:
        return
    in_call = ("after_school", "home_visits", "rehab", "yard_council", "smartphones")
    community.set_call_needs(call, [needs[k].id for k in in_call], actor=staff)
    db.session.flush()
    for application in db.session.scalars(
        select(Application).where(Application.call_id == call.id)
    ):
        answers, prices = DEMO_ANSWERS.get(application.title, ([], []))
        application.needs = [needs[k] for k in answers]
        application.service_prices = [
            ServicePrice(
                position=n,
                service=service,
                pricing=Pricing(pricing),
                price=Decimal(price) if price else None,
                unit=unit,
            )
            for n, (service, pricing, price, unit) in enumerate(prices)
        ]
    db.session.flush()
    load_supervision()


def load_supervision():
    """Checks and satisfaction answers on the demo's delivered projects, when it has any."""
    import secrets

    from sqlalchemy import select

    from venture.auth.models import User
    from venture.community import operations as community
    from venture.community.enums import SurveyQuestion, Verdict
    from venture.community.permissions import CHECKABLE_REPORT_STATES
    from venture.delivery.models import Activity, ProgressReport, Project

    rng = random.Random(SEED + 12)
    activities = db.session.scalars(
        select(Activity)
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .where(ProgressReport.state.in_(CHECKABLE_REPORT_STATES))
        .order_by(Activity.id)
    ).all()
    for n, activity in enumerate(activities):
        checker = db.session.scalar(
            select(User).where(User.community_id == activity.community_id).order_by(User.id)
        )
        if checker is None or activity.report.project.is_read_only or n % 3 == 2:
            continue  # every third activity is left for the committee to check
        if n == 1:
            community.check_activity(
                activity,
                Verdict.DISPUTED,
                actor=checker,
                comment="据居民反映，当天活动室未开放，活动未按报告开展。",
            )
        else:
            community.check_activity(activity, Verdict.CONFIRMED, actor=checker)
    projects = db.session.scalars(select(Project).order_by(Project.id).limit(5)).all()
    for project in projects:
        if not community.survey_is_open(project):
            continue
        for _answer in range(8):
            scores = {q: rng.choice((3, 4, 4, 5, 5)) for q in SurveyQuestion}
            community.record_survey_answer(
                project,
                scores,
                device_token=secrets.token_urlsafe(24),
                address=f"demo-{rng.randint(1, 250)}",
            )
    db.session.flush()
