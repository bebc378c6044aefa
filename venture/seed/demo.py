"""Demo data: a plausible district (20 streets, 4 towns, 117 communities), organizations and
one login per role, an open venture-grant call, a targeted purchase and an open tender, the
community's needs, the year so far (`demo_past`) and a record waiting at every step
(`demo_steps`). Names are invented.

The district and its organizations are written by the same record writers as the bench city
(`venture.seed.writers`); everything after goes through the real operations."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from venture.auth.enums import Role
from venture.auth.models import User
from venture.auth.operations import create_user
from venture.calls.enums import DEFAULT_INSTALLMENT_PLAN, Route
from venture.core.timeutil import clock_on, from_local, local_today, now
from venture.extensions import db
from venture.orgs.models import Organization
from venture.reference.models import Community, ServiceCategory, Street
from venture.seed import writers
from venture.seed.bulk import Writer
from venture.seed.demo_community import load_community
from venture.seed.demo_past import load_past_cycle
from venture.seed.demo_steps import load_steps
from venture.seed.story import (
    DEMO_PASSWORD,
    SEED,
    application_values,
    demo_call,
    place_bid,
    publish_tender,
    submit_application,
)
from venture.seed.vocabulary import (
    CATEGORIES,
    COMMUNITY_WORDS,
    CREDIT_CODE_ALPHABET,
    GIVEN,
    SURNAMES,
    with_check_digit,
)

__all__ = ["DEMO_PASSWORD", "load_demo"]

STREETS = [
    "香坊大街街道",
    "安埠街道",
    "通天街道",
    "新香坊街道",
    "铁东街道",
    "六顺街道",
    "建筑街道",
    "哈平路街道",
    "大庆路街道",
    "进乡街道",
    "通乡街道",
    "和平路街道",
    "新成街道",
    "红旗街道",
    "民生路街道",
    "文政街道",
    "王兆街道",
    "黎明街道",
    "朝阳街道",
    "公滨街道",
]
TOWNS = ["成高子镇", "幸福镇", "向阳镇", "团结镇"]
ORG_NAMES = [
    "香坊区夕阳红养老服务中心",
    "香坊区童心成长服务社",
    "香坊区阳光助残服务中心",
    "香坊区邻里互助协会",
    "香坊区共建家园促进会",
    "香坊区乐活文体协会",
    "香坊区和为贵调解服务中心",
    "香坊区暖心关怀服务社",
    "香坊区心桥心理咨询服务中心",
    "香坊区银龄互助社",
    "香坊区彩虹儿童之家",
    "香坊区康复助残协会",
    "香坊区社区营造研究会",
    "香坊区志愿者联合会",
    "香坊区书香阅读推广中心",
    "香坊区益行公益发展中心",
    "香坊区善源慈善基金会",
    "香坊区晨曦青少年服务中心",
    "香坊区安宁社会工作服务社",
    "香坊区福寿居家养老服务中心",
    "香坊区爱邻社区发展中心",
    "香坊区绿色家园环保协会",
    "香坊区启明星特殊儿童服务中心",
    "香坊区同心社会工作服务中心",
    "香坊区健康生活促进会",
    "香坊区和美家庭服务中心",
    "香坊区松花江公益基金会",
    "香坊区守望相助服务社",
    "香坊区汇爱社会服务中心",
    "香坊区新市民融合服务中心",
]


def credit_code(rng, prefix):
    """A valid code: prefix (51/52/53), Xiangfang's region 230110, 9 random characters."""
    return with_check_digit(
        prefix + "230110" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    )


def _person(rng):
    # the demo's names draw on the first 20 surnames and 15 given-name characters
    return rng.choice(SURNAMES[:20]) + rng.choice(GIVEN[:15]) + rng.choice(GIVEN[:15])


def load_reference():
    """The district's streets and towns, their communities and the service categories."""
    w = Writer()
    kinds = ["street"] * len(STREETS) + ["town"] * len(TOWNS)
    street_ids = [
        writers.write_street(w, name, kind)
        for name, kind in zip(STREETS + TOWNS, kinds, strict=True)
    ]
    for index in range(117):
        n = index % len(street_ids)
        word = COMMUNITY_WORDS[index % len(COMMUNITY_WORDS)]
        suffix = "村" if kinds[n] == "town" else "社区"
        name = f"{word}{suffix}" if index < len(COMMUNITY_WORDS) else f"{word}{index // 30}{suffix}"
        writers.write_community(w, street_ids[n], name)
    for code, zh, en in CATEGORIES:
        writers.write_category(w, code, zh, en)
    w.finish()
    streets = db.session.scalars(
        select(Street).where(Street.id.in_(street_ids)).order_by(Street.id)
    ).all()
    communities = db.session.scalars(
        select(Community).where(Community.street_id.in_(street_ids)).order_by(Community.id)
    ).all()
    return streets, communities


def load_organizations(rng, streets):
    """The district's organizations; every seventh waits for verification."""
    w = Writer()
    prefixes = ["52", "52", "51", "52", "51", "53"]
    ids = []
    for index, name in enumerate(ORG_NAMES):
        prefix = "53" if name.endswith("基金会") else prefixes[index % 5]
        code = credit_code(rng, prefix)
        contact = _person(rng)
        representative = _person(rng)
        address = f"哈尔滨市香坊区{rng.choice(STREETS)[:-2]}{rng.randint(1, 300)}号"
        phone = f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}"
        account = "3500" + "".join(str(rng.randint(0, 9)) for _ in range(15))
        ids.append(
            writers.write_organization(
                w,
                name=name,
                credit_code=code,
                verified=bool(index % 7),
                at=now(),
                legal_representative=representative,
                address=address,
                street_id=streets[index % len(streets)].id,
                contact_name=contact,
                contact_phone=phone,
                contact_email=f"org{index + 1}@demo.example.com",
                bank_name="中国工商银行哈尔滨香坊支行",
                bank_account=account,
            )
        )
    w.finish()
    return db.session.scalars(
        select(Organization).where(Organization.id.in_(ids)).order_by(Organization.id)
    ).all()


def load_demo(today=None):
    """Everything the demo needs, as of `today` (default: the real date); returns
    [(role, email)] of the demo logins."""
    with clock_on(today):
        return _load_demo()


def _load_demo():
    rng = random.Random(SEED)
    streets, communities = load_reference()
    orgs = load_organizations(rng, streets)
    logins = [
        (Role.ADMIN, "admin@venture.example.com", "系统管理员", {}),
        (Role.STAFF, "staff@venture.example.com", "项目主管 李明", {}),
        (Role.FINANCE, "finance@venture.example.com", "财务 王芳", {}),
        (Role.EVALUATOR, "evaluator@venture.example.com", "评估机构 张静", {}),
        (Role.APPLICANT, "applicant@venture.example.com", "申报人 赵磊", {"organization": orgs[1]}),
        (
            Role.COMMUNITY,
            "community@venture.example.com",
            "居委会 孙丽",
            {"community": communities[0]},
        ),
    ]
    logins += [
        (Role.REVIEWER, f"reviewer{n}@venture.example.com", f"评审专家 {_person(rng)}", {})
        for n in range(1, 8)
    ]
    for role, email, name, extra in logins:
        create_user(
            email=email, name=name, password=DEMO_PASSWORD, roles=[role], actor=None, **extra
        )
    for org in orgs[2:12]:
        create_user(
            email=f"member{org.id}@demo.example.com",
            name=org.contact_name,
            password=DEMO_PASSWORD,
            roles=[Role.APPLICANT],
            actor=None,
            organization=org,
        )
    db.session.flush()
    load_venture_grant_call(orgs, streets)
    load_procurement(orgs, streets)
    load_community(communities)
    load_past_cycle(orgs, streets, communities)
    load_steps()  # records waiting at every step (venture/seed/demo_steps.py)
    return [(role.value, email) for role, email, _name, _extra in logins]


# --- calls and applications (征集与申报) -------------------------------------------------

CALL_DESCRIPTION = """为深入推进“以居民需求为导向”的社区治理，激发社会组织参与社区服务的活力，\
香坊区民政局安排福利彩票公益金 200 万元，面向全区社会组织公开征集公益创投项目。

本次征集重点支持为老服务、儿童关爱、助残服务和社区自治互助四类项目。项目须立足社区实际需求，\
服务对象明确、活动设计可行、预算编制合理，并有社区居委会的支持。

项目经资格审查、专家评审和结果公示后立项，签订服务协议后分期拨付资金。"""
DEMO_APPLICATIONS = [
    # (organization index, title, category code, state after submission, line items)
    (1, "四点半课堂——双职工家庭儿童课后托管", "children", "submitted",
     [("personnel", "社工补贴", "3000", "12", "30000", "6000"),
      ("materials", "学习用品与绘本", "25.50", "200", "5100", "0"),
      ("activities", "亲子活动", "1500", "6", "7000", "2000")]),
    (2, "银龄守护——社区独居老人关爱服务", "elderly", "eligible",
     [("personnel", "社工补贴", "3500", "12", "36000", "6000"),
      ("activities", "健康讲座", "800", "12", "9600", "0")]),
    (3, "阳光同行——残疾人康复陪伴计划", "disability", "returned",
     [("personnel", "康复师劳务", "4000", "10", "35000", "5000"),
      ("materials", "康复器具", "1200", "8", "9600", "0")]),
    (4, "邻里守望——楼院自治议事会培育", "self_governance", "ineligible",
     [("activities", "议事会培训", "2000", "8", "16000", "0")]),
    (5, "夕阳红合唱团——老年文化活动", "elderly", "submitted",
     [("activities", "合唱排练与演出", "1800", "20", "30000", "6000"),
      ("publicity", "演出宣传", "2000", "1", "2000", "0")]),
]  # fmt: skip


def load_venture_grant_call(orgs, streets):
    """An open venture-grant call with applications in several states."""
    from venture.applications import operations as applications
    from venture.calls import operations as calls

    staff = db.session.scalar(select(User).where(User.email == "staff@venture.example.com"))
    today = local_today()
    term_start = date(today.year + (today.month > 10), (today.month + 1) % 12 + 1, 1)
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    # url_for in notifications needs a request; the demo runs from the command line
    with current_app.test_request_context():
        call = calls.create_call(
            {
                "title": f"{today.year}年香坊区公益创投项目征集公告",
                "year": today.year,
                "route": Route.VENTURE_GRANT,
                "description": CALL_DESCRIPTION,
                "eligibility": "在香坊区民政局依法登记的社会组织\n近两年年度检查合格\n"
                "有健全的财务管理制度和专职财务人员\n近三年无违法违规记录",
                "required_attachments": "登记证书副本\n项目预算明细表\n社区居委会支持意见",
                "category_ids": [
                    categories[c].id
                    for c in ("elderly", "children", "disability", "self_governance")
                ],
                "community_ids": [c.id for s in streets[:6] for c in s.communities],
                "total_budget": Decimal("2000000.00"),
                "cap_per_project": Decimal("200000.00"),
                "max_applications_per_org": 2,
                "project_start": term_start,
                "project_end": date(term_start.year + 1, term_start.month, 1) - timedelta(days=1),
                "opens_at": from_local(datetime.combine(today - timedelta(days=10), time(9))),
                "closes_at": from_local(datetime.combine(today + timedelta(days=30), time(17))),
                "installment_plan": list(DEFAULT_INSTALLMENT_PLAN),
            },
            actor=staff,
        )
        db.session.flush()
        calls.publish_call(call, actor=staff)
        for index, title, code, state, lines in DEMO_APPLICATIONS:
            member = db.session.scalar(
                select(User).where(User.organization_id == orgs[index].id).order_by(User.id)
            )
            values = application_values(call, title, categories[code], lines)
            application = submit_application(call, member, values)
            checklist = [(item, state != "ineligible") for item in call.eligibility_items]
            if state == "eligible":
                applications.screen_application(
                    application, "mark_eligible", actor=staff, checklist=checklist
                )
            elif state == "ineligible":
                applications.screen_application(
                    application,
                    "mark_ineligible",
                    actor=staff,
                    reason="未提供近两年年度检查合格证明。",
                    checklist=checklist,
                )
            elif state == "returned":
                applications.screen_application(
                    application,
                    "return_for_correction",
                    actor=staff,
                    reason="项目预算明细表缺少单位盖章，请补充后重新上传。",
                    deadline=from_local(datetime.combine(today + timedelta(days=7), time(17))),
                )
        # the applicant demo organization also has a draft in progress
        member = db.session.scalar(
            select(User).where(User.email == "applicant@venture.example.com")
        )
        draft = applications.start_application(call, actor=member)
        values = application_values(
            call,
            "平安童行——社区儿童安全教育",
            categories["children"],
            [("activities", "安全教育课堂", "600", "10", "6000", "0")],
            complete=False,
        )
        applications.save_draft(draft, values, actor=member)
    db.session.flush()


# --- procurement: a targeted purchase and an open tender (定向购买与招投标) ---------------------

DESIGNATION_JUSTIFICATION = (
    "该中心自 2023 年起连续承接红旗社区居家养老服务，已为 86 名独居、空巢老人建立服务档案，"
    "与老人及家属建立了稳定的信任关系。为保证服务不中断、服务对象不因更换承接主体受影响，"
    "拟继续定向委托该中心提供服务。"
)
TENDER_REQUIREMENTS = """为香坊区 6 个街道的社区居民提供心理疏导服务：
1. 每个街道设立 1 个心理服务站，每周开放不少于 2 个半天；
2. 全年开展团体辅导不少于 48 场、个案咨询不少于 300 人次；
3. 建立心理危机转介机制，与辖区医院精神科建立合作；
4. 服务人员须持有心理咨询或社会工作相关资格证书。"""


def load_procurement(orgs, streets):
    """A targeted purchase being announced (its organization preparing the service plan) and
    an open tender taking bids: two sealed bids, one draft, one clarification."""
    from venture.calls import operations as calls
    from venture.procurement import operations as procurement
    from venture.procurement.enums import DesignationReason, EvaluationMethod, TenderMethod

    staff = db.session.scalar(select(User).where(User.email == "staff@venture.example.com"))
    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    today = local_today()
    opens = from_local(datetime.combine(today - timedelta(days=1), time(9)))

    def member_of(org):
        return db.session.scalar(
            select(User).where(User.organization_id == org.id).order_by(User.id)
        )

    with current_app.test_request_context():
        # 定向购买: the call, the designation of a verified organization, the 公示
        call = demo_call(
            staff,
            f"{today.year + 1}年红旗社区居家养老服务定向购买",
            Route.TARGETED,
            [categories["elderly"]],
            streets[:1],
            description="向红旗社区独居、空巢老人提供居家养老服务。",
            budget=Decimal("180000.00"),
            opens=opens,
            closes=from_local(datetime.combine(today + timedelta(days=30), time(17))),
        )
        db.session.flush()
        designation = procurement.create_designation(
            call,
            {
                "organization_id": orgs[2].id,
                "service": "红旗社区独居老人居家养老服务",
                "service_content": "每周上门探访、健康监测、助餐助洁，服务 86 名老人。",
                "amount": Decimal("180000.00"),
                "term_start": date(today.year + 1, 1, 1),
                "term_end": date(today.year + 1, 12, 31),
                "reason": DesignationReason.CONTINUITY,
                "justification": DESIGNATION_JUSTIFICATION,
            },
            actor=staff,
        )
        calls.publish_call(call, actor=staff)
        procurement.announce_designation(
            designation,
            title=f"定向委托公示：{designation.service}",
            period_days=5,
            actor=staff,
        )

        # 公开招标: details, criteria, the notice, a clarification, sealed bids and a draft
        deadline = from_local(datetime.combine(today + timedelta(days=25), time(9, 30)))
        call = demo_call(
            staff,
            f"{today.year + 1}年香坊区社区心理疏导服务采购项目（公开招标）",
            Route.TENDER,
            [categories["counselling"]],
            streets[:6],
            description=TENDER_REQUIREMENTS,
            budget=Decimal("320000.00"),
            opens=opens,
            closes=deadline,
        )
        db.session.flush()
        tender = publish_tender(
            call,
            {
                "method": TenderMethod.OPEN,
                "evaluation": EvaluationMethod.COMPREHENSIVE,
                "requirements": TENDER_REQUIREMENTS,
                "budget_ceiling": Decimal("300000.00"),
                "price_weight": Decimal("30"),
                "required_documents": "登记证书副本\n近两年年检证明\n报价明细表",
                "bid_deadline": deadline,
                "opening_at": deadline,
                "opening_place": "香坊区民政局三楼会议室",
            },
            [
                ("服务方案", "方案针对性、可行性", 30),
                ("团队与资质", "人员资格与稳定性", 20),
                ("服务经验", "近三年同类项目业绩", 20),
            ],
            staff=staff,
        )
        asker = member_of(orgs[3])
        question = procurement.ask_question(
            tender, user=asker, text="心理服务站的场地是否由街道提供？"
        )
        db.session.flush()
        procurement.publish_clarification(
            tender,
            text="心理服务站场地由各街道提供，投标报价中不含场地租金。",
            question_ids=[question.id],
            actor=staff,
        )
        for org, price, submit in ((orgs[3], "286000.00", True), (orgs[4], "279500.00", True),
                                   (orgs[5], "295000.00", False)):  # fmt: skip
            place_bid(
                tender,
                member_of(org),
                {
                    "price": Decimal(price),
                    "approach": "在 6 个街道各设心理服务站，团体辅导与个案咨询相结合。",
                    "team": "国家二级心理咨询师 4 名、持证社工 6 名。",
                    "schedule": "签约后一个月内建站，按季度开展服务并评估。",
                    "quality": "督导制度、个案记录和满意度回访。",
                },
                submit=submit,
            )
    db.session.flush()
