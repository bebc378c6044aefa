"""The demo's community needs and supervision (需求清单与社区监督): needs published by residents'
committees, taken up by the venture-grant call and answered by its applications; the
committees' checks of reported activities and residents' satisfaction answers."""

import random
from decimal import Decimal

from venture.auth.enums import Role
from venture.auth.operations import create_user
from venture.calls.enums import Route
from venture.extensions import db
from venture.reference.models import ServiceCategory
from venture.seed.story import DEMO_PASSWORD, SEED

DEMO_NEEDS = [
    # (community index, key, title, category, urgency, residents, target group, place, description)
    (0, "after_school", "双职工家庭孩子放学后无人照看", "children", "urgent", 45,
     "辖区6至12岁双职工家庭儿童", "社区党群服务中心",
     "小区双职工家庭多，孩子下午四点放学后无人接送和看护，家长反映强烈。"),
    (0, "home_visits", "独居老人日常探访和健康监测", "elderly", "pressing", 86,
     "辖区80岁以上独居、空巢老人", "各居民楼院",
     "独居老人行动不便，子女不在身边，突发疾病无人发现，需要定期上门探访。"),
    (0, "visit_duplicate", "独居老人需要有人上门看看", "elderly", "normal", 40,
     "独居老人", "3号楼院", "楼长反映3号楼院几位独居老人希望有人定期上门看看。"),
    (0, "stair_lights", "老旧楼道照明和扶手改造", "co_building", "normal", 200,
     "老旧小区居民，特别是老年人", "1至6号楼",
     "楼道灯损坏、没有扶手，老人上下楼困难，希望协调驻区单位共建改造。"),
    (24, "rehab", "残疾人康复训练缺少场地和指导", "disability", "pressing", 30,
     "辖区肢体残疾和智力残疾居民", "社区康复室",
     "康复室器材闲置，缺少专业康复师指导，残疾人家属希望有人定期开展康复训练。"),
    (24, "yard_council", "楼院议事缺少组织", "self_governance", "normal", 150,
     "楼院居民", "各楼院", "停车、环境卫生等楼院事务缺少议事渠道，希望培育居民议事会。"),
    (1, "smartphones", "老年人智能手机使用培训", "elderly", "normal", 120,
     "60岁以上老年居民", "社区活动室", "老人不会用手机挂号、缴费、扫码，希望有耐心的培训。"),
    (1, "mediation", "邻里纠纷调解", "mediation", "pressing", 25,
     "有邻里矛盾的居民家庭", "社区调解室", "噪音、漏水等邻里纠纷增多，需要专业调解力量。"),
    (2, "teen_counselling", "青少年心理辅导", "counselling", "urgent", 40,
     "辖区初高中学生及家长", "社区心理服务站", "学业压力大，部分学生情绪问题突出，家长求助无门。"),
    (20, "left_behind", "留守儿童暑期看护", "children", "urgent", 60,
     "父母外出务工的留守儿童", "村委会活动室", "暑假期间留守儿童无人看护，存在安全隐患。"),
    (20, "square_dance", "广场舞噪音扰民协调", "mediation", "normal", 300,
     "广场周边居民", "文化广场", "晚间广场舞音量过大，周边居民投诉。"),
]  # fmt: skip
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

    from venture.applications.models import Application
    from venture.auth.models import User
    from venture.calls.models import Call
    from venture.community import operations as community
    from venture.community.enums import Pricing, Urgency
    from venture.community.models import ServicePrice

    staff = db.session.scalar(select(User).where(User.email == "staff@venture.example.com"))
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    committees = {
        communities[0].id: db.session.scalar(
            select(User).where(User.email == "community@venture.example.com")
        )
    }
    needs = {}
    for index, key, title, category, urgency, residents, group, place, text in DEMO_NEEDS:
        place_of = communities[index]
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
        needs[key] = community.publish_need(
            {
                "category_id": categories[category].id,
                "title": title,
                "target_group": group,
                "residents": residents,
                "place": place,
                "urgency": Urgency(urgency),
                "description": text,
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
