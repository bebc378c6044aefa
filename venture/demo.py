"""Demo data: a plausible district (20 streets, 4 towns, 117 communities), organizations and
one login per role. Names are invented."""

import random

from stdnum.cn import uscc

from venture.auth.enums import Role
from venture.auth.operations import create_user
from venture.core.timeutil import now
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
            )
        )
    db.session.add_all(orgs)
    db.session.flush()
    return orgs


def load_demo():
    """Everything the demo needs; returns [(role, email)] of the demo logins."""
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
    return [(role.value, email) for role, email, _name, _extra in logins]
