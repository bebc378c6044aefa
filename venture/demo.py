"""Demo data: a plausible district (20 streets, 4 towns, 117 communities), organizations and
one login per role. Names are invented."""

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from stdnum.cn import uscc

from venture.auth.enums import Role
from venture.auth.operations import create_user
from venture.calls.enums import DEFAULT_INSTALLMENT_PLAN, Route
from venture.core.timeutil import clock_on, local_today, now
from venture.extensions import db
from venture.orgs.credit_code import org_type_for
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.reference.models import Community, ServiceCategory, Street

DEMO_PASSWORD = "Venture2026demo"
SEED = 20261125

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
COMMUNITY_WORDS = [
    "安康",
    "和谐",
    "幸福",
    "明珠",
    "春华",
    "秋实",
    "锦绣",
    "翠园",
    "丽景",
    "东升",
    "向阳",
    "晨光",
    "长青",
    "福顺",
    "嘉和",
    "新兴",
    "兴旺",
    "瑞祥",
    "民安",
    "宏伟",
    "振兴",
    "永和",
    "松花",
    "北苑",
    "南岗",
    "西城",
    "东湖",
    "文化",
    "红星",
    "光明",
]
CATEGORIES = [
    ("elderly", "养老", "Elderly care"),
    ("children", "为小", "Children"),
    ("disability", "助残", "Disability support"),
    ("self_governance", "自治互助", "Self-governance and mutual aid"),
    ("co_building", "共驻共建", "Co-building"),
    ("culture_sport", "文体娱乐", "Culture and sport"),
    ("mediation", "矛盾调解", "Mediation"),
    ("care", "人文关怀", "Care"),
    ("counselling", "心理疏导", "Counselling"),
]
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
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]


def credit_code(rng, prefix):
    """A valid code: prefix (51/52/53), Xiangfang's region 230110, 9 random characters."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = prefix + "230110" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def load_reference():
    streets = [Street(name=name, kind="street") for name in STREETS]
    streets += [Street(name=name, kind="town") for name in TOWNS]
    db.session.add_all(streets)
    communities = []
    for index in range(117):
        street = streets[index % len(streets)]
        word = COMMUNITY_WORDS[index % len(COMMUNITY_WORDS)]
        suffix = "村" if street.kind == "town" else "社区"
        name = f"{word}{suffix}" if index < len(COMMUNITY_WORDS) else f"{word}{index // 30}{suffix}"
        communities.append(Community(name=name, street=street))
    db.session.add_all(communities)
    db.session.add_all(
        ServiceCategory(code=code, name_zh=zh, name_en=en) for code, zh, en in CATEGORIES
    )
    db.session.flush()
    return streets, communities


def load_organizations(rng, streets):
    prefixes = ["52", "52", "51", "52", "51", "53"]
    orgs = []
    for index, name in enumerate(ORG_NAMES):
        prefix = "53" if name.endswith("基金会") else prefixes[index % 5]
        code = credit_code(rng, prefix)
        status = OrgStatus.VERIFIED if index % 7 else OrgStatus.PENDING
        contact = _person(rng)
        orgs.append(
            Organization(
                name=name,
                credit_code=code,
                org_type=org_type_for(code),
                legal_representative=_person(rng),
                address=f"哈尔滨市香坊区{rng.choice(STREETS)[:-2]}{rng.randint(1, 300)}号",
                street=streets[index % len(streets)],
                contact_name=contact,
                contact_phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
                contact_email=f"org{index + 1}@demo.example.com",
                bank_name="中国工商银行哈尔滨香坊支行",
                bank_account_name=name,
                bank_account="3500" + "".join(str(rng.randint(0, 9)) for _ in range(15)),
                status=status,
                verified_at=now() if status == OrgStatus.VERIFIED else None,
                bank_verified_at=now() if status == OrgStatus.VERIFIED else None,
            )
        )
    db.session.add_all(orgs)
    db.session.flush()
    return orgs


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
    from venture.demo_steps import load_steps

    load_steps()  # records waiting at every step (venture/demo_steps.py)
    return [(role.value, email) for role, email, _name, _extra in logins]


# --- calls and applications (征集与申报) -------------------------------------------------

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
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


def _demo_file(label):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(DEMO_PDF), filename=f"{label}.pdf")


def _demo_values(call, title, category, lines, *, complete=True):
    """What an organization typed into its application."""
    from venture.applications.enums import BudgetCategory

    start = call.project_start
    return {
        "title": title,
        "category_id": category.id,
        "community_ids": [c.id for c in call.communities[:2]],
        "target_group": "辖区居民，重点是有需要的家庭和个人",
        "beneficiaries": 120,
        "needs_analysis": "社区走访和居委会需求清单显示，相关服务长期不足，居民意愿强烈。",
        "objectives": "一年内稳定服务 120 名居民，满意度达到 90% 以上。",
        "activity_plan": "第一季度需求调研与招募；第二、三季度常规服务；第四季度总结评估。",
        "team": "项目主管 1 名、专职社工 2 名、志愿者 20 名。" if complete else "",
        "project_start": start,
        "project_end": call.project_end,
        "declaration": complete,
        "budget_lines": [
            {
                "category": BudgetCategory(kind),
                "item": item,
                "unit_price": Decimal(price),
                "quantity": Decimal(quantity),
                "requested": Decimal(requested),
                "own_funds": Decimal(own),
            }
            for kind, item, price, quantity, requested, own in lines
        ],
        "milestones": [
            {
                "title": "完成需求调研",
                "due_date": start + timedelta(days=45),
                "deliverable": "调研报告",
            },
            {
                "title": "中期总结",
                "due_date": start + timedelta(days=180),
                "deliverable": "中期报告",
            },
        ],
        "typed_input": {},
    }


def load_venture_grant_call(orgs, streets):
    """An open venture-grant call with applications in several states."""
    from flask import current_app
    from sqlalchemy import select

    from venture.applications import operations as applications
    from venture.auth.models import User
    from venture.calls import operations as calls
    from venture.core.timeutil import from_local, local_today

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
            application = applications.start_application(call, actor=member)
            values = _demo_values(call, title, categories[code], lines)
            applications.save_draft(application, values, actor=member)
            for label in call.attachment_names:
                applications.attach_file(application, label, _demo_file(label), actor=member)
            applications.submit_application(application, actor=member)
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
        values = _demo_values(
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


def _demo_call(staff, title, route, categories, streets, *, description, budget, opens, closes):
    from venture.calls import operations as calls

    today = local_today()
    return calls.create_call(
        {
            "title": title,
            "year": today.year,
            "route": route,
            "description": description,
            "eligibility": "在香坊区民政局依法登记的社会组织\n近两年年度检查合格",
            "required_attachments": "",
            "category_ids": [c.id for c in categories],
            "community_ids": [c.id for s in streets for c in s.communities],
            "total_budget": budget,
            "cap_per_project": budget,
            "max_applications_per_org": 1,
            "project_start": date(today.year + 1, 1, 1),
            "project_end": date(today.year + 1, 12, 31),
            "opens_at": opens,
            "closes_at": closes,
            "installment_plan": list(DEFAULT_INSTALLMENT_PLAN),
        },
        actor=staff,
    )


def load_procurement(orgs, streets):
    """A targeted purchase being announced (its organization preparing the service plan) and
    an open tender taking bids: two sealed bids, one draft, one clarification."""
    from flask import current_app
    from sqlalchemy import select

    from venture.auth.models import User
    from venture.calls import operations as calls
    from venture.core.timeutil import from_local, local_today
    from venture.procurement import operations as procurement
    from venture.procurement.enums import DesignationReason, EvaluationMethod, TenderMethod
    from venture.review import operations as review

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
        call = _demo_call(
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
        call = _demo_call(
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
        tender = procurement.save_tender(
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
            actor=staff,
        )
        review.save_rubric(
            call,
            [
                {"id": None, "name": "服务方案", "description": "方案针对性、可行性",
                 "max_score": Decimal(30)},
                {"id": None, "name": "团队与资质", "description": "人员资格与稳定性",
                 "max_score": Decimal(20)},
                {"id": None, "name": "服务经验", "description": "近三年同类项目业绩",
                 "max_score": Decimal(20)},
            ],
            actor=staff,
        )  # fmt: skip
        calls.publish_call(call, actor=staff)
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
            bidder = member_of(org)
            bid = procurement.start_bid(tender, actor=bidder)
            procurement.save_bid(
                bid,
                {
                    "price": Decimal(price),
                    "approach": "在 6 个街道各设心理服务站，团体辅导与个案咨询相结合。",
                    "team": "国家二级心理咨询师 4 名、持证社工 6 名。",
                    "schedule": "签约后一个月内建站，按季度开展服务并评估。",
                    "quality": "督导制度、个案记录和满意度回访。",
                    "declaration": True,
                },
                actor=bidder,
            )
            for label in tender.document_names:
                procurement.attach_bid_file(bid, label, _demo_file(label), actor=bidder)
            if submit:
                procurement.submit_bid(bid, actor=bidder)
    db.session.flush()


# --- community needs and supervision (需求清单与社区监督) ----------------------------------------

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
    _load_supervision()


def _load_supervision():
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


# --- the year so far: a closed call through review, contracts, payments, delivery (全流程) -------
#
# The operations stamp their changes with the current time and take no date (except the
# signing date, the payment date and the evaluation's due date). So that the story reads as
# months of work, the loader sets the timestamps an operation just stamped to the day the story
# has it happen (`_backdate`), right after calling it; nothing else is written by hand. The
# audit rows keep the real moment the demo was loaded, and the chain stays intact.

PAST_CALL_DESCRIPTION = """香坊区民政局安排福利彩票公益金，面向全区社会组织征集第一批公益创投项目，\
重点支持困境儿童关爱、居家养老互助、残疾人康复、矛盾纠纷调解和青少年心理健康服务。

项目经资格审查、专家评审和结果公示后立项，签订服务协议后按进度分期拨付资金。"""
PAST_APPLICATIONS = [
    # (organization index, title, category code, quality 0–1 that the panel's scores follow,
    #  community indexes served, beneficiaries, target group, objectives, budget lines
    #  (category, item, unit price, quantity, requested, own funds))
    (1, "童心守护——困境儿童成长陪伴计划", "children", 0.88, (0, 24), 160,
     "辖区困境儿童、留守儿童及其家庭",
     "为 160 名困境儿童建立成长档案，开展课后陪伴、亲子活动和入户探访，家长满意度达到 90%。",
     [("personnel", "社工补贴", "4000", "12", "42000", "6000"),
      ("activities", "成长营与亲子活动", "3000", "16", "45000", "3000"),
      ("materials", "学习用品与绘本", "60", "300", "18000", "0"),
      ("publicity", "宣传与成果展示", "5000", "1", "5000", "0")]),
    (9, "银龄互助——低龄老人结对帮扶高龄独居老人", "elderly", 0.85, (0, 1), 120,
     "辖区 80 岁以上独居老人和 60 至 70 岁的低龄志愿者",
     "组织 60 名低龄老人与 60 名高龄独居老人结对，每周探访一次，建立应急联络机制。",
     [("personnel", "社工补贴", "3500", "12", "36000", "6000"),
      ("activities", "结对探访与健康讲座", "1200", "24", "28800", "0"),
      ("materials", "助老服务包", "150", "160", "22000", "2000"),
      ("administration", "项目管理费", "5000", "1", "5000", "0")]),
    (11, "康复到家——居家残疾人康复指导", "disability", 0.83, (24, 2), 60,
     "辖区居家肢体残疾和智力残疾居民及其照护者",
     "为 60 名居家残疾人提供每月两次上门康复指导，培训照护者 40 人次。",
     [("personnel", "康复师劳务", "5000", "12", "54000", "6000"),
      ("materials", "康复器具", "1500", "20", "30000", "0"),
      ("activities", "康复知识讲座", "1000", "12", "12000", "0")]),
    (6, "和为贵——楼院矛盾纠纷调解", "mediation", 0.80, (1, 25), 300,
     "有邻里矛盾的居民家庭和楼院居民",
     "培育 4 支楼院调解队，调解邻里纠纷 80 件以上，调解成功率达到 85%。",
     [("personnel", "调解员补贴", "3000", "12", "32000", "4000"),
      ("activities", "调解培训与楼院议事会", "1500", "20", "30000", "0"),
      ("publicity", "普法宣传", "4000", "1", "4000", "0")]),
    (8, "心桥——社区青少年心理健康服务", "counselling", 0.77, (2, 0), 200,
     "辖区初高中学生及其家长",
     "开展团体辅导 30 场、个案咨询 150 人次，建立心理危机转介机制。",
     [("personnel", "心理咨询师劳务", "6000", "12", "66000", "6000"),
      ("activities", "团体辅导", "2000", "30", "54000", "6000"),
      ("materials", "心理测评与教具", "15000", "1", "15000", "0")]),
    (10, "彩虹课堂——社区儿童四点半课堂", "children", 0.72, (3, 4), 90,
     "辖区双职工家庭小学生",
     "为 90 名小学生提供课后托管和作业辅导，每周开课 5 天。",
     [("personnel", "辅导老师补贴", "3000", "12", "36000", "0"),
      ("activities", "兴趣课堂", "800", "40", "30000", "2000"),
      ("materials", "学习用品", "40", "300", "12000", "0")]),
    (2, "阳光就业——残疾人辅助性就业", "disability", 0.68, (24, 26), 40,
     "辖区有劳动意愿的残疾人",
     "为 40 名残疾人提供手工技能培训和辅助性就业岗位，人均月增收 500 元。",
     [("personnel", "就业辅导员补贴", "3500", "12", "40000", "2000"),
      ("materials", "手工原材料", "20000", "1", "20000", "0"),
      ("activities", "义卖展销活动", "3000", "5", "15000", "0")]),
    (3, "邻里守望——楼院互助小组培育", "self_governance", None, (5,), 100,
     "楼院居民", "培育 10 个楼院互助小组。",
     [("activities", "互助小组培训", "2000", "10", "20000", "0")]),
]  # fmt: skip
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


def _local(day, hour=10, minute=0):
    """The moment hour:minute Beijing time on day, as stored (aware UTC), never later than
    now (a step the story puts "today" has happened by the time the demo is loaded)."""
    from venture.core.timeutil import from_local

    return min(from_local(datetime.combine(day, time(hour, minute))), now())


def _backdate(record, **moments):
    """Move the timestamps an operation just stamped with "now" to the story's day (see the
    note at the top of this section)."""
    for name, value in moments.items():
        setattr(record, name, value)


def _working_day(day):
    """day, or the next working day (announcements are published on working days)."""
    from venture.core.workdays import is_working_day

    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _announcement_back_to(announcement, day):
    """Publish the announcement on day instead of today; its period follows from that day."""
    from venture.core.workdays import period_end

    _backdate(
        announcement,
        published_at=_local(day, 9),
        starts_on=day,
        ends_on=period_end(day, announcement.period_days).end,
    )
    return announcement.ends_on


def _finalise_announcement(announcement, *, actor, day):
    from venture.announcements import operations as announcements

    announcements.finalise_announcement(announcement, actor=actor)
    _backdate(announcement, finalised_at=_local(day, 9, 30))


def _user(email):
    from sqlalchemy import select

    from venture.auth.models import User

    return db.session.scalar(select(User).where(User.email == email))


def _first_member(org):
    from sqlalchemy import select

    from venture.auth.models import User

    return db.session.scalar(select(User).where(User.organization_id == org.id).order_by(User.id))


def load_past_cycle(orgs, streets, communities):
    """A venture-grant call from earlier in the year, taken through the whole lifecycle: 8
    applications (7 eligible), an expert panel of 5 with submitted score sheets, 5 awards
    announced and final, 5 contracts in force with the first installment paid, 5 projects
    reporting to staff and communities, mid-term evaluations (one final and passed, one with
    the evaluator)."""
    from flask import current_app

    from venture.core.timeutil import local_today

    rng = random.Random(SEED + 31)
    today = local_today()
    # the projects' year began two quarters before the current one: two reporting quarters
    # are over, the third is running and the mid-term evaluation is due
    quarter = (today.year * 12 + (today.month - 1) // 3 * 3) - 6
    start = date(quarter // 12, quarter % 12 + 1, 1)
    people = {
        "staff": _user("staff@venture.example.com"),
        "finance": _user("finance@venture.example.com"),
        "evaluator": _user("evaluator@venture.example.com"),
    }
    with current_app.test_request_context():
        call, qualities, closes_on = _past_call(
            orgs, streets, communities, start, people["staff"], rng
        )
        awards, final_day = _past_review(call, qualities, closes_on, people["staff"], rng)
        projects = [
            _contract_and_first_payment(award, people, start, final_day, n)
            for n, award in enumerate(awards, 1)
        ]
        applicant = _user("applicant@venture.example.com")
        own = next(p for p in projects if p.organization_id == applicant.organization_id)
        others = [p for p in projects if p is not own]
        for project in projects:
            # one report waits for the officer's decision
            _deliver(project, people["staff"], today, rng, keep_last_submitted=project is others[0])
        _pass_midterm(own, people, today)
        _start_current_report(own, applicant, today, rng)
        _assign_midterm(others[1], people, today)
    db.session.flush()
    # the residents' committees check the reported activities (venture/community's loader,
    # which found no projects when it ran earlier)
    _load_supervision()


def _past_call(orgs, streets, communities, start, staff, rng):
    """The call, open from about 75 to 50 days before the projects' start, and its
    applications submitted and screened; returns (call, {application id: quality}, closing
    day)."""
    from sqlalchemy import select

    from venture.applications import operations as applications
    from venture.calls import operations as calls
    from venture.core.files import store_bytes

    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    opens_on = _working_day(start - timedelta(days=75))
    closes_on = _working_day(start - timedelta(days=50))
    call = calls.create_call(
        {
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
            "project_end": date(start.year + 1, start.month, 1) - timedelta(days=1),
            "opens_at": _local(opens_on, 9),
            "closes_at": _local(closes_on, 17),
            "installment_plan": list(DEFAULT_INSTALLMENT_PLAN),
        },
        actor=staff,
    )
    db.session.flush()
    # publishing and submitting need the call open now: its closing time moves to tomorrow
    # while the applications go in, then back (the notice is rendered again with it)
    closes_at = call.closes_at
    call.closes_at = now() + timedelta(days=1)
    calls.publish_call(call, actor=staff)
    qualities = {}
    submitted = []
    for n, (index, title, code, quality, served, people, group, objectives, lines) in enumerate(
        PAST_APPLICATIONS
    ):
        member = _first_member(orgs[index])
        application = applications.start_application(call, actor=member)
        values = _demo_values(call, title, categories[code], lines)
        values |= {
            "community_ids": [communities[i].id for i in served],
            "beneficiaries": people,
            "target_group": group,
            "objectives": objectives,
        }
        applications.save_draft(application, values, actor=member)
        for label in call.attachment_names:
            applications.attach_file(application, label, _demo_file(label), actor=member)
        applications.submit_application(application, actor=member)
        # every application goes in before the deadline (venture.integrity.phases)
        submitted_on = min(
            _working_day(opens_on + timedelta(days=6 + 3 * n)), closes_on - timedelta(days=1)
        )
        _backdate(application, submitted_at=_local(submitted_on, 9 + n % 8, 5 * n))
        qualities[application.id] = quality
        submitted.append(application)
    call.closes_at = closes_at
    _backdate(call, published_at=_local(opens_on - timedelta(days=5), 10))
    call.notice = store_bytes(
        calls.render_notice(call),
        name=f"{call.title}.pdf",
        content_type="application/pdf",
        actor=staff,
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


def _score_text(value):
    return f"{value:.1f}".removesuffix(".0")


def _past_review(call, qualities, closes_on, staff, rng):
    """The expert pool, the rubric, a panel of five, every sheet scored, the ranking, the
    awards down it within the budget, the 公示 (with one objection, dismissed) and the final
    result; returns (final awards in rank order, the day they became final)."""
    from sqlalchemy import select

    from venture.announcements import operations as announcements
    from venture.procurement.enums import AwardState
    from venture.procurement.models import Award
    from venture.review import operations as review
    from venture.review import results
    from venture.review.enums import Aggregation

    categories = {c.code: c for c in db.session.scalars(select(ServiceCategory))}
    experts = []
    for n, (title, employer, fields) in enumerate(EXPERTS, 1):
        experts.append(
            review.add_expert(
                _user(f"reviewer{n}@venture.example.com"),
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
    criteria = review.save_rubric(
        call, [{"id": None, **row} for row in review.default_rubric()], actor=staff
    )
    panel = review.form_panel(
        call,
        member_ids=[e.id for e in experts[:5]],
        reserve_ids=[experts[5].id],
        settings={
            "reviewers_per_application": 5,
            "blind": False,
            "deadline": closes_on + timedelta(days=16),
            "spread_threshold": Decimal("20.0"),
        },
        actor=staff,
    )
    db.session.flush()
    made, _missing = review.assign_reviewers(panel, actor=staff)
    # some reviewers mark leniently, some harshly, as on real panels
    leaning = dict(zip((e.id for e in experts[:5]), (0.03, -0.06, 0.0, 0.05, -0.02), strict=True))
    for assignment in made:
        reviewer = assignment.reviewer.user
        sheet = review.declare_no_conflict(assignment, actor=reviewer)
        db.session.flush()  # the sheet's state (draft) is its column default
        base = qualities[assignment.application_id] + leaning[assignment.reviewer_id]
        entries = {}
        for criterion in criteria:
            share = min(max(base + rng.gauss(0, 0.05), 0.3), 1.0)
            points = round(share * float(criterion.max_score) * 2) / 2
            entries[criterion.id] = (_score_text(points), "")
        review.submit_sheet(
            sheet, entries=entries, overall_comment=rng.choice(SHEET_COMMENTS), actor=reviewer
        )
        moment = _local(closes_on + timedelta(days=rng.randint(3, 14)), rng.randint(9, 21))
        _backdate(assignment, no_conflict_at=moment)
        _backdate(sheet, submitted_at=moment, first_submitted_at=moment)
    review.choose_aggregation(panel, Aggregation.TRIMMED, actor=staff)
    ranked = results.ranking(panel)
    decisions, left = {}, call.total_budget
    for row in ranked.rows:
        requested = row.application.requested_amount
        if left < requested * Decimal("0.8"):
            break  # the rest are not selected: funding stops where the budget runs out
        amount = min(requested, left, call.cap_per_project)
        decisions[row.application.id] = (amount, "")
        left -= amount
    review.propose_awards(panel, ranked.rows, decisions, actor=staff)
    _backdate(panel, proposed_at=_local(closes_on + timedelta(days=18), 16))
    ranked = results.ranking(panel)  # now with the proposed awards
    announcement = review.publish_result(
        panel,
        ranked,
        title=call.title.replace("征集公告", "评审结果公示"),
        introduction="经资格审查、专家评审，现将拟立项项目予以公示。"
        "公示期内如有异议，请在本页实名提出并说明理由。",
        period_days=5,
        actor=staff,
    )
    # the objection goes in while the period is open (now); the whole 公示 then moves back
    objector = _first_member(
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
    publish_day = _working_day(closes_on + timedelta(days=21))
    ends_on = _announcement_back_to(announcement, publish_day)
    _backdate(objection, submitted_at=_local(publish_day + timedelta(days=2), 14))
    _backdate(objection, answered_at=_local(publish_day + timedelta(days=3), 11))
    final_day = _working_day(ends_on + timedelta(days=1))
    _finalise_announcement(announcement, actor=staff, day=final_day)
    awards = db.session.scalars(
        select(Award)
        .where(Award.call_id == call.id, Award.state == AwardState.FINAL)
        .order_by(Award.rank)
    ).all()
    for award in awards:
        _backdate(award, final_at=_local(final_day, 9, 30))
    return awards, final_day


def _signed_scan(contract, day):
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


def _reallocate_after_cut(contract, staff):
    """After a cut (核减) the organization re-allocates its budget table to the awarded amount,
    in proportion to its request, and staff confirm (venture.integrity.money)."""
    from venture.contracts.budget import confirm_budget_allocation, propose_budget_allocation
    from venture.delivery.operations import _scaled
    from venture.integrity.money import budget_refusal, requested_budget

    if budget_refusal(contract) is None:
        return
    requested = requested_budget(contract.application)
    amounts = dict(zip(requested, _scaled(list(requested.values()), contract.amount), strict=True))
    propose_budget_allocation(contract, amounts, actor=_first_member(contract.organization))
    confirm_budget_allocation(contract, actor=staff)


def _contract_and_first_payment(award, people, start, final_day, n):
    """Draft, issue, signed scan, confirmation, in force on the term's first day; the first
    installment released by staff and paid by finance. Returns the project."""
    from venture.contracts import operations as contracts
    from venture.delivery.operations import find_project
    from venture.payments import operations as payments

    staff, finance = people["staff"], people["finance"]
    contract = contracts.draft_contract(award, actor=staff)
    db.session.flush()
    _reallocate_after_cut(contract, staff)
    contracts.issue_contract(contract, actor=staff)
    issued_on = _working_day(final_day + timedelta(days=4 + n % 2))
    signed_on = _working_day(issued_on + timedelta(days=3 + n))
    contracts.upload_signed_scan(
        contract,
        _signed_scan(contract, signed_on),
        actor=_first_member(award.organization),
        reason="机构公章在外地年检，无法在线签署，提交纸质盖章扫描件",
    )
    contracts.confirm_signature(contract, actor=staff, signed_on=signed_on)
    contracts.decide_contract(contract, "put_in_force", actor=staff)
    confirmed = _local(_working_day(signed_on + timedelta(days=1)), 10)
    _backdate(
        contract,
        issued_at=_local(issued_on, 15),
        scan_uploaded_at=_local(signed_on, 16),
        signature_confirmed_at=confirmed,
        in_force_at=_local(_working_day(start), 9),
    )
    project = find_project(contract.id)
    _backdate(project, started_at=_local(_working_day(start), 9))
    first = contract.installments[0]
    payments.approve_release(first, actor=staff)
    approved_on = _working_day(start + timedelta(days=1))
    paid_on = _working_day(approved_on + timedelta(days=2))
    payments.record_payment(
        first,
        amount=first.amount,
        paid_on=paid_on,
        voucher_no=f"记{paid_on.year}-{paid_on.month:02d}-{30 + n:03d}",
        bank_reference=f"ICBC{paid_on:%Y%m%d}{n:06d}",
        actor=finance,
    )
    _backdate(
        first,
        condition_met_at=confirmed,
        approved_at=_local(approved_on, 11),
        paid_at=_local(paid_on, 15),
    )
    return project


def _report_values(project, period, code, rng, *, today=None):
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


def _deliver(project, staff, today, rng, *, keep_last_submitted=False):
    """A report on every reporting period that is over, submitted within the grace days and
    accepted by the officer (the last one left submitted when keep_last_submitted)."""
    from venture.delivery import operations as delivery
    from venture.delivery.enums import ReportKind

    member = _first_member(project.organization)
    code = project.application.category.code
    periods = [row.period for row in delivery.schedule_rows(project) if row.period.end < today]
    for n, period in enumerate(periods, 1):
        report = delivery.start_report(
            project, kind=ReportKind.SCHEDULED, actor=member, period_start=period.start
        )
        delivery.save_report(report, _report_values(project, period, code, rng), actor=member)
        delivery.submit_report(report, actor=member)
        submitted_on = min(period.end + timedelta(days=rng.randint(2, 8)), today)
        _backdate(report, submitted_at=_local(submitted_on, rng.randint(9, 17)))
        if keep_last_submitted and n == len(periods):
            continue
        delivery.decide_report(
            report, "accept", comment="报告内容完整，支出与预算相符。", actor=staff
        )
        decided_on = min(submitted_on + timedelta(days=rng.randint(2, 5)), today)
        _backdate(report, decided_at=_local(decided_on, 15))


def _start_current_report(project, member, today, rng):
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
    values = _report_values(project, period, project.application.category.code, rng, today=today)
    delivery.save_report(report, values, actor=member)


MIDTERM_SELF_ASSESSMENT = (
    "项目启动以来按计划开展服务，活动场次、服务人数均达到阶段目标；资金按预算科目使用，"
    "票据齐全；与社区居委会建立了每月沟通机制。存在的不足：志愿者流动性较大，"
    "下一阶段将加强志愿者培训和激励。"
)


def _pass_midterm(project, people, today):
    """The mid-term evaluation from assignment to a final pass, announced (公示) in the past;
    staff then approve the second installment, which waits for finance."""
    from venture.core.workdays import period_end
    from venture.evaluation import operations as evaluation
    from venture.payments import operations as payments

    staff, evaluator = people["staff"], people["evaluator"]
    member = _first_member(project.organization)
    # the result was published about two weeks ago, early enough for its period to be over
    day = _working_day(today - timedelta(days=16))
    while period_end(day, evaluation.ANNOUNCEMENT_DAYS).end >= today:
        day = _working_day(day - timedelta(days=7))
    item = evaluation.assign_evaluation(
        project, kind="midterm", evaluator=evaluator, due=today, actor=staff
    )
    evaluation.save_self_assessment(item, text=MIDTERM_SELF_ASSESSMENT, actor=member)
    evaluation.submit_self_assessment(item, actor=member)
    marks = ("26", "13", "17", "16.5", "13")  # 85.5 points: 良好
    criteria = evaluation.criteria_of(project.call_id, "midterm")
    evaluation.save_scores(
        item,
        entries={c.id: (mark, "") for c, mark in zip(criteria, marks, strict=True)},
        overall_comment="项目执行规范，阶段目标基本完成，服务对象反响良好；"
        "建议加强志愿者队伍建设，完善服务档案。",
        site_visit={
            "on": day - timedelta(days=8),
            "place": "项目服务社区活动室",
            "people": "项目负责人、社工 2 名、社区居委会主任、服务对象代表 6 名",
            "notes": "查看了服务档案、签到表和财务票据，与服务对象座谈，活动开展情况与报告一致。",
        },
        actor=evaluator,
    )
    evaluation.submit_scores(item, actor=evaluator)
    announcement = evaluation.announce_result(item, actor=staff)
    ends_on = _announcement_back_to(announcement, day)
    final_day = min(_working_day(ends_on + timedelta(days=1)), today)
    _finalise_announcement(announcement, actor=staff, day=final_day)
    _backdate(
        item,
        assigned_at=_local(day - timedelta(days=22), 10),
        self_assessment_due=day - timedelta(days=12),
        self_submitted_at=_local(day - timedelta(days=14), 16),
        scored_at=_local(day - timedelta(days=4), 17),
        announced_at=_local(day, 9),
        finalised_at=_local(final_day, 9, 30),
    )
    second = project.contract.installments[1]
    payments.approve_release(second, actor=staff)
    _backdate(
        second,
        condition_met_at=_local(final_day, 9, 30),
        approved_at=_local(final_day, 14),
    )


def _assign_midterm(project, people, today):
    """A mid-term evaluation with the evaluator: the self-assessment is in, scoring is next."""
    from venture.evaluation import operations as evaluation

    member = _first_member(project.organization)
    item = evaluation.assign_evaluation(
        project,
        kind="midterm",
        evaluator=people["evaluator"],
        due=today + timedelta(days=10),
        actor=people["staff"],
    )
    evaluation.save_self_assessment(item, text=MIDTERM_SELF_ASSESSMENT, actor=member)
    evaluation.submit_self_assessment(item, actor=member)
    _backdate(
        item,
        assigned_at=_local(today - timedelta(days=6), 10),
        self_submitted_at=_local(today - timedelta(days=1), 16),
    )
