"""Benchmark data: a whole city's cycles of calls, applications, review, contracts, payments and
delivery, written in bulk (`flask --app venture bench-data --scale city`).

Every row is one the app itself would have written: states follow the workflows, totals add up,
numbers follow the counters, and each step leaves the audit row its operation writes, chained
like audit.record() chains them. Ids are given here, in Python, so rows go in as batched
multi-row INSERTs (and PostgreSQL's sequences are moved past them at the end). Names, amounts
and scores come from one seeded random.Random; dates are placed around the current month so that
some calls are open, some in review, and three years of projects are delivering or closed.
"""

import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from stdnum.cn import uscc
from werkzeug.security import generate_password_hash

from venture.announcements.enums import AnnouncementKind, AnnouncementState
from venture.announcements.models import Announcement
from venture.applications.enums import ApplicationState, BudgetCategory
from venture.applications.models import (
    Application,
    ApplicationNumberCounter,
    BudgetLine,
    Milestone,
    application_community,
)
from venture.auth.models import User, UserRole
from venture.calls.enums import Route
from venture.calls.models import Call, call_category, call_community
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract, ContractCounter
from venture.core.audit import GENESIS, AuditChainHead, AuditEntry, _dump, entry_hash
from venture.core.money import split_by_percentages
from venture.core.timeutil import LOCAL_TZ, clock_on, local_today
from venture.delivery.enums import BeneficiaryGroup, ProjectState, ReportFrequency, ReportKind
from venture.delivery.enums import ReportState as RS
from venture.delivery.models import (
    Activity,
    BeneficiaryCount,
    Expenditure,
    PlanLine,
    PlanMilestone,
    ProgressReport,
    Project,
    ReportingPlan,
)
from venture.evaluation.enums import EvaluationKind, EvaluationState, Grade
from venture.evaluation.models import Evaluation, EvaluationCriterion, EvaluationScore
from venture.extensions import db
from venture.orgs.credit_code import org_type_for
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.payments.enums import InstallmentState
from venture.payments.models import Installment, Payment
from venture.procurement.enums import (
    AwardState,
    BidState,
    DesignationReason,
    DesignationState,
    EvaluationMethod,
    TenderMethod,
)
from venture.procurement.models import Award, Bid, Designation, Tender
from venture.reference.models import Community, ServiceCategory, Street
from venture.review.enums import Aggregation, AssignmentState, PanelMethod, SheetState
from venture.review.models import (
    Panel,
    PanelMember,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerProfile,
    ReviewScore,
    ReviewSheet,
    refresh_queue_order,
    reviewer_expertise,
)

PASSWORD = "Venture2026demo"
DOMAIN = "bench.example.com"
BATCH = 2000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scale:
    """How much of everything; the city is the issue's figure, the district a twentieth."""

    organizations: int
    reviewers: int
    venture_calls: int
    targeted_calls: int
    tender_calls: int
    venture_applications: int  # across all venture-grant calls
    large_call: int  # applications of the first (largest) venture-grant call
    designations_per_call: int
    bids_per_tender: int


SCALES = {
    "tiny": Scale(12, 9, 5, 1, 1, 40, 12, 3, 5),
    "district": Scale(150, 40, 7, 1, 2, 975, 150, 20, 125),
    "city": Scale(2000, 300, 150, 25, 25, 19500, 1000, 20, 200),
}

# the logins the benchmarks sign in with (password PASSWORD)
LOGINS = {
    "admin": f"admin@{DOMAIN}",
    "staff": f"staff@{DOMAIN}",
    "finance": f"finance@{DOMAIN}",
    "evaluator": f"evaluator@{DOMAIN}",
    "reviewer": f"reviewer1@{DOMAIN}",  # sits on every venture-grant panel: the biggest queue
    "applicant": f"org1@{DOMAIN}",  # a member of the organization with the most applications
}

# the phase a call has reached today; venture-grant calls cycle through this pattern
BENCH_SETTLEMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CLOSED, DELIVERING, STARTED, REVIEWING, OPEN = (
    "closed",
    "delivering",
    "started",
    "reviewing",
    "open",
)
VENTURE_PHASES = [STARTED, CLOSED, DELIVERING, REVIEWING, OPEN] + [CLOSED, DELIVERING, STARTED] * 5
PROCUREMENT_PHASES = [STARTED, CLOSED, DELIVERING]
AWARDED_PHASES = (CLOSED, DELIVERING, STARTED)
# months from today's month to the projects' first day
PROJECT_START = {CLOSED: -22, DELIVERING: -9, STARTED: -4, REVIEWING: 1, OPEN: 4}

DISTRICTS = ["道里", "南岗", "道外", "香坊", "平房", "松北", "呼兰", "阿城", "双城"]
STREET_WORDS = ["中央", "新华", "和平", "民主", "建国", "红旗", "胜利", "友谊", "解放", "兴华"]
COMMUNITY_WORDS = ["安康", "和谐", "幸福", "明珠", "春华", "秋实", "锦绣", "翠园", "丽景", "东升"]
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
ORG_WORDS = ["夕阳红", "童心", "阳光", "邻里", "益友", "暖心", "同心", "馨家", "向日葵", "启航"]
ORG_WORDS += ["长青", "彩虹", "乐龄", "朝阳", "善缘", "和美", "惠民", "康乐", "晨曦", "春苗"]
ORG_KINDS = [
    ("养老服务中心", "52"),
    ("社会工作服务社", "52"),
    ("志愿者协会", "51"),
    ("助残服务中心", "52"),
    ("儿童发展中心", "52"),
    ("社区发展促进会", "51"),
    ("公益基金会", "53"),
    ("心理咨询服务中心", "52"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红梅建国志文海燕"
PROJECT_THEMES = {
    "elderly": ["“银龄相伴”空巢老人关爱", "长者助餐与居家探访", "老年人防诈骗宣传"],
    "children": ["“四点半课堂”课后托管", "留守儿童成长陪伴", "青少年心理健康护航"],
    "disability": ["残障人士康复支持", "“无障碍”出行志愿服务", "残疾人就业技能培训"],
    "self_governance": ["楼院自治议事会培育", "居民互助积分银行", "邻里守望互助网络"],
    "co_building": ["共驻共建单位资源对接", "社区党群共建服务", "驻区单位志愿联盟"],
    "culture_sport": ["社区文艺队伍培育", "全民健身社区行", "邻里文化节"],
    "mediation": ["“老娘舅”矛盾调解室", "物业纠纷调解服务", "家庭关系调解"],
    "care": ["困境家庭帮扶", "独居老人人文关怀", "新市民融入关怀"],
    "counselling": ["社区心理疏导服务", "青少年情绪支持小组", "失独家庭心理关怀"],
}
REVIEW_RUBRIC = [
    ("需求分析", 20),
    ("项目设计", 25),
    ("可行性", 20),
    ("组织能力", 15),
    ("预算合理性", 20),
]
TENDER_RUBRIC = [("服务方案", 30), ("团队配置", 15), ("实施进度", 10), ("质量保障", 15)]
EVALUATION_RUBRIC = [("目标完成", 30), ("服务质量", 25), ("资金管理", 25), ("社会效益", 20)]
BUDGET_ITEMS = [
    (BudgetCategory.PERSONNEL, "项目社工补贴", Decimal("2500.00")),
    (BudgetCategory.ACTIVITIES, "社区活动场地与物料", Decimal("800.00")),
    (BudgetCategory.MATERIALS, "服务物资采购", Decimal("150.00")),
]
SHEET_COMMENTS = [
    "需求调研扎实，活动设计与目标匹配。",
    "项目设计较完整，建议细化评估指标。",
    "团队经验丰富，预算基本合理。",
    "活动频次偏高，执行压力较大，建议调整。",
    "服务对象明确，社区参与度有待加强。",
]


def _local(day, hour=10, minute=0):
    """A local (Asia/Shanghai) day and time as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _half(value):
    return Decimal(round(value * 2) / 2).quantize(Decimal("0.1"))


def _text(score):
    return f"{score:.1f}".removesuffix(".0")


def _grade(total):
    if total >= 90:
        return Grade.EXCELLENT
    if total >= 80:
        return Grade.GOOD
    if total >= 60:
        return Grade.PASS
    return Grade.FAIL


class Writer:
    """Batched inserts with ids given here, and audit rows chained as audit.record() does."""

    def __init__(self, echo):
        self.echo = echo
        self.buffers = {}
        self.counts = {}
        self.next_ids = {}
        self.started = time.monotonic()
        head = db.session.get(AuditChainHead, 1)
        self.last_seq = head.last_seq if head else 0
        self.last_hash = head.last_hash if head else GENESIS
        self.had_head = head is not None

    def new_id(self, table):
        if table.name not in self.next_ids:
            biggest = db.session.scalar(sa.select(sa.func.max(table.c.id)))
            self.next_ids[table.name] = (biggest or 0) + 1
        value = self.next_ids[table.name]
        self.next_ids[table.name] += 1
        return value

    def add(self, model, **row):
        """Queue a row of model (or a Table); gives it an id when it has an id column."""
        table = getattr(model, "__table__", model)
        if "id" in table.c and "id" not in row:
            row["id"] = self.new_id(table)
        rows = self.buffers.setdefault(table.name, (table, []))[1]
        rows.append(row)
        if len(rows) >= BATCH:
            # every buffer, parents first (tables are first used in that order): a child row
            # never goes in before the row it points at
            self.flush()
        return row.get("id")

    def flush(self, name=None):
        for key in [name] if name else list(self.buffers):
            table, rows = self.buffers[key]
            if rows:
                db.session.execute(table.insert(), rows)
                self.counts[key] = self.counts.get(key, 0) + len(rows)
                rows.clear()

    def audit(self, action, object_type, object_id, *, actor, at, before=None, after=None):
        """An audit row as audit.record() writes it, next in the chain."""
        self.last_seq += 1
        entry = AuditRow(
            seq=self.last_seq,
            prev_hash=self.last_hash,
            at=at,
            actor_id=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=_dump(before),
            after=_dump(after),
            reason=None,
        )
        entry.hash = entry_hash(entry)
        self.last_hash = entry.hash
        self.add(AuditEntry, **entry.__dict__, ip=None)

    def transition(self, workflow, action, object_type, object_id, before, after, *, actor, at):
        self.audit(
            f"{workflow}.{action}",
            object_type,
            object_id,
            actor=actor,
            at=at,
            before={"state": before},
            after={"state": after},
        )

    def finish(self):
        """Flush everything, move the chain head, the counters and PostgreSQL's sequences."""
        self.flush()
        head = AuditChainHead.__table__
        values = {"last_seq": self.last_seq, "last_hash": self.last_hash}
        if self.had_head:
            db.session.execute(head.update().where(head.c.id == 1).values(**values))
        else:
            db.session.execute(head.insert().values(id=1, **values))
        if db.engine.dialect.name == "postgresql":
            for name in self.next_ids:
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{name}"))'
                    )
                )

    def progress(self, label):
        self.flush()
        elapsed = time.monotonic() - self.started
        self.echo(f"  {label:<40} {elapsed:7.1f} s")


@dataclass
class AuditRow:
    seq: int
    prev_hash: str
    at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: int | None
    before: str | None
    after: str | None
    reason: str | None
    hash: str = ""


@dataclass
class Plan:
    """One call as planned: its phase, dates and what it decides."""

    id: int
    route: Route
    phase: str
    year: int
    title: str
    category: tuple
    opens: date
    closes: date
    start: date
    end: date
    frequency: ReportFrequency
    criteria: list = field(default_factory=list)  # [(id, max)]
    eval_criteria: dict = field(default_factory=dict)  # kind -> [(id, max)]
    members: list = field(default_factory=list)  # reviewer profile ids
    panel_id: int | None = None
    k: int = 5
    communities: list = field(default_factory=list)
    awards: list = field(default_factory=list)  # AwardPlan


@dataclass
class AwardPlan:
    id: int
    organization: int
    amount: Decimal
    title: str
    application: dict | None
    decided: date


class Generator:
    def __init__(self, scale, seed, echo):
        self.scale = scale
        self.rng = random.Random(seed)
        self.echo = echo
        self.w = Writer(echo)
        self.today = local_today()
        self.month = self.today.replace(day=1)
        self.numbers = {}  # (year, route code) -> last application number
        self.contract_numbers = {}

    # ── people and reference data ───────────────────────────────────────────────────────────

    def person(self):
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choices(GIVEN, k=self.rng.randint(1, 2))
        )

    def phone(self):
        return f"1{self.rng.choice('3578')}{self.rng.randint(100000000, 999999999)}"

    def credit_code(self, prefix, n):
        # the index inside the code keeps 2,000 codes unique without a lookup
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        middle = "".join(self.rng.choice(alphabet) for _ in range(4))
        body = f"{prefix}230100{middle}{n:05d}"
        return body + uscc.calc_check_digit(body)

    def reference(self):
        """The city's streets, communities and the service categories, added where missing
        (a database with other data keeps its own)."""
        names = set(db.session.scalars(sa.select(Street.name)))
        for d, district in enumerate(DISTRICTS):
            for s, word in enumerate(STREET_WORDS[:4]):
                name = f"{district}区{word}街道"
                if name in names:
                    continue
                street = self.w.add(Street, name=name, kind="street", active=True)
                for c in range(3):
                    word2 = COMMUNITY_WORDS[(d + s + c) % len(COMMUNITY_WORDS)]
                    self.w.add(Community, street_id=street, name=f"{word2}{c + 1}社区", active=True)
        codes = set(db.session.scalars(sa.select(ServiceCategory.code)))
        for code, zh, en in CATEGORIES:
            if code not in codes:
                self.w.add(ServiceCategory, code=code, name_zh=zh, name_en=en, active=True)
        self.w.flush()
        generated = [f"{d}区{w}街道" for d in DISTRICTS for w in STREET_WORDS[:4]]
        self.streets = db.session.scalars(
            sa.select(Street.id).where(Street.name.in_(generated)).order_by(Street.id)
        ).all()
        self.communities = db.session.execute(
            sa.select(Community.id, Community.street_id)
            .where(Community.street_id.in_(self.streets))
            .order_by(Community.id)
        ).all()
        self.categories = db.session.execute(
            sa.select(ServiceCategory.id, ServiceCategory.code)
            .where(ServiceCategory.code.in_([code for code, _zh, _en in CATEGORIES]))
            .order_by(ServiceCategory.id)
        ).all()

    def user(self, email, name, roles, *, organization=None, at):
        uid = self.w.add(
            User,
            email=email,
            name=name,
            phone=None,
            password_hash=self.password_hash,
            active=True,
            locale=None,
            session_version=1,
            last_login_at=None,
            organization_id=organization,
            community_id=None,
            created_at=at,
            updated_at=at,
        )
        for role in roles:
            self.w.add(UserRole, user_id=uid, role=role)
        self.w.audit("user.create", "User", uid, actor=None, at=at, after={"email": email})
        return uid

    def people(self):
        scale = self.scale
        at = _local(_add_months(self.month, -30), 9)
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(PASSWORD, method=method)
        self.admin = self.user(LOGINS["admin"], "系统管理员", ["admin"], at=at)
        self.staff = [self.user(LOGINS["staff"], "项目主管 李明", ["staff"], at=at)]
        self.staff += [
            self.user(f"staff{n}@{DOMAIN}", f"项目主管 {self.person()}", ["staff"], at=at)
            for n in range(2, 6)
        ]
        self.finance = self.user(LOGINS["finance"], "财务 王芳", ["finance"], at=at)
        self.evaluator = self.user(LOGINS["evaluator"], "评估机构 张静", ["evaluator"], at=at)
        self.orgs, self.members = [], {}
        for n in range(1, scale.organizations + 1):
            kind, prefix = ORG_KINDS[n % len(ORG_KINDS)]
            district = DISTRICTS[n % len(DISTRICTS)]
            name = f"哈尔滨市{district}区{ORG_WORDS[n % len(ORG_WORDS)]}{kind}"
            if n > len(ORG_WORDS) * len(ORG_KINDS) // 4:
                name = f"哈尔滨市{district}区{ORG_WORDS[n % len(ORG_WORDS)]}{n}号{kind}"
            code = self.credit_code(prefix, n)
            contact = self.person()
            street = self.streets[n % len(self.streets)]
            org = self.w.add(
                Organization,
                name=name,
                credit_code=code,
                org_type=org_type_for(code),
                legal_representative=self.person(),
                address=(
                    f"哈尔滨市{district}区{self.rng.choice(STREET_WORDS)}路"
                    f"{self.rng.randint(1, 400)}号"
                ),
                street_id=street,
                contact_name=contact,
                contact_phone=self.phone(),
                contact_email=f"org{n}@{DOMAIN}",
                bank_name="中国工商银行哈尔滨分行",
                bank_account_name=name,
                bank_account="3500" + "".join(str(self.rng.randint(0, 9)) for _ in range(15)),
                certificate_id=None,
                status=OrgStatus.VERIFIED,
                status_reason=None,
                verified_at=at,
                bank_verified_at=at,
                created_at=at,
                updated_at=at,
            )
            self.orgs.append(org)
        self.w.flush("organization")
        for n, org in enumerate(self.orgs, 1):
            self.members[org] = self.user(
                f"org{n}@{DOMAIN}", self.person(), ["applicant"], organization=org, at=at
            )
        self.reviewers = []
        for n in range(1, scale.reviewers + 1):
            uid = self.user(
                f"reviewer{n}@{DOMAIN}", f"评审专家 {self.person()}", ["reviewer"], at=at
            )
            profile = self.w.add(
                ReviewerProfile,
                user_id=uid,
                title=self.rng.choice(["副教授", "高级社工师", "研究员", "主任", "会计师"]),
                employer=self.rng.choice(
                    ["黑龙江大学", "哈尔滨工业大学", "市社会工作协会", "市社科院"]
                ),
                phone=self.phone(),
                notes="",
                active=True,
                created_at=at,
                updated_at=at,
            )
            for category, _code in self.rng.sample(self.categories, 2):
                self.w.add(reviewer_expertise, reviewer_id=profile, category_id=category)
            self.reviewers.append(profile)
        self.w.progress("organizations, users, experts")

    # ── calls ───────────────────────────────────────────────────────────────────────────────

    def plan_calls(self):
        scale = self.scale
        routes = [Route.VENTURE_GRANT] * scale.venture_calls
        routes += [Route.TARGETED] * scale.targeted_calls + [Route.TENDER] * scale.tender_calls
        self.plans = []
        counters = {}
        for n, route in enumerate(routes):
            index = counters[route] = counters.get(route, -1) + 1
            pattern = VENTURE_PHASES if route == Route.VENTURE_GRANT else PROCUREMENT_PHASES
            phase = pattern[index % len(pattern)]
            start = _add_months(self.month, PROJECT_START[phase] - index // len(pattern) % 3)
            if phase == OPEN:
                opens = self.today - timedelta(days=15 + index % 10)
                closes = self.today + timedelta(days=20 + index % 10)
            else:
                closes = start - timedelta(days=60 + index % 20)
                opens = closes - timedelta(days=30)
            category = self.categories[n % len(self.categories)]
            district = DISTRICTS[n % len(DISTRICTS)]
            kind = {
                Route.VENTURE_GRANT: "公益创投项目征集公告",
                Route.TARGETED: "定向购买社会服务项目",
                Route.TENDER: "政府购买服务公开招标",
            }[route]
            theme = {c: z for c, z, _e in CATEGORIES}[category[1]]
            plan = Plan(
                id=self.w.new_id(Call.__table__),
                route=route,
                phase=phase,
                year=opens.year,
                title=f"{opens.year}年{district}区{theme}类{kind}（第{index // 9 + 1}批）",
                category=category,
                opens=opens,
                closes=closes,
                start=start,
                end=_add_months(start, 12) - timedelta(days=1),
                frequency=ReportFrequency.MONTHLY if n % 3 == 0 else ReportFrequency.QUARTERLY,
            )
            street = self.streets[n % len(self.streets)]
            plan.communities = [c for c, s in self.communities if s == street][:3]
            self.plans.append(plan)

    def calls(self):
        for plan in self.plans:
            staff = self.staff[plan.id % len(self.staff)]
            created = _local(plan.opens - timedelta(days=10), 9)
            published = _local(plan.opens - timedelta(days=5), 10)
            self.w.add(
                Call,
                id=plan.id,
                title=plan.title,
                year=plan.year,
                route=plan.route,
                description=f"<p>为满足居民{plan.category[1]}方面的服务需求，现面向社会组织征集服务项目。</p>",
                eligibility="依法登记的社会组织\n近两年年度检查合格\n有健全的财务管理制度",
                required_attachments="",
                total_budget=Decimal("1.00"),  # set once the awards are known (see _budgets)
                cap_per_project=Decimal("1.00"),
                max_applications_per_org=1 if plan.route == Route.VENTURE_GRANT else 2,
                project_start=plan.start,
                project_end=plan.end,
                opens_at=_local(plan.opens, 9),
                closes_at=_local(plan.closes, 17),
                installment_plan=[
                    {"percent": 50, "condition": "on_signing"},
                    {"percent": 30, "condition": "midterm_passed"},
                    {"percent": 20, "condition": "final_passed"},
                ],
                published_at=published,
                cancelled_at=None,
                cancel_reason=None,
                notice_id=None,
                created_by_id=staff,
                created_at=created,
                updated_at=published,
            )
            self.w.audit("call.create", "Call", plan.id, actor=staff, at=created, after={})
            self.w.transition(
                "call", "publish", "Call", plan.id, "draft", "published", actor=staff, at=published
            )
            self.w.add(call_category, call_id=plan.id, category_id=plan.category[0])
            for community in plan.communities:
                self.w.add(call_community, call_id=plan.id, community_id=community)
            rubric = TENDER_RUBRIC if plan.route == Route.TENDER else REVIEW_RUBRIC
            for position, (name, top) in enumerate(rubric, 1):
                cid = self.w.add(
                    ReviewCriterion,
                    call_id=plan.id,
                    position=position,
                    name=name,
                    description=f"{name}：按评分细则打分。",
                    max_score=Decimal(top),
                )
                plan.criteria.append((cid, top))
            for kind in EvaluationKind:
                plan.eval_criteria[kind] = []
                for position, (name, top) in enumerate(EVALUATION_RUBRIC, 1):
                    cid = self.w.add(
                        EvaluationCriterion,
                        call_id=plan.id,
                        kind=kind,
                        position=position,
                        name=name,
                        description="",
                        max_score=Decimal(top),
                    )
                    plan.eval_criteria[kind].append((cid, top))
            self.w.add(
                ReportingPlan,
                call_id=plan.id,
                frequency=plan.frequency,
                grace_days=15,
                updated_by_id=staff,
                created_at=created,
                updated_at=created,
            )
        self.w.progress("calls")

    # ── applications ────────────────────────────────────────────────────────────────────────

    def sizes(self):
        """Applications per venture-grant call: the first is the large one, the rest share."""
        scale = self.scale
        rest = scale.venture_applications - scale.large_call
        others = scale.venture_calls - 1
        sizes = [scale.large_call] + [
            rest // others + (1 if i < rest % others else 0) for i in range(others)
        ]
        return sizes

    def number(self, plan):
        key = (plan.year, plan.route.code)
        if key not in self.numbers:
            table = ApplicationNumberCounter.__table__
            self.numbers[key] = (
                db.session.scalar(
                    sa.select(table.c.last_value).where(
                        table.c.year == plan.year, table.c.route_code == plan.route.code
                    )
                )
                or 0
            )
        self.numbers[key] += 1
        return f"{plan.year}-{plan.route.code}-{self.numbers[key]:04d}"

    def application(self, plan, org, state, *, submitted_on, title=None):
        """An application row with its lines, milestones and communities; returns a dict."""
        rng = self.rng
        member = self.members[org]
        theme = rng.choice(PROJECT_THEMES[plan.category[1]])
        title = title or f"{theme}项目"
        lines = []
        for position, (category, item, unit) in enumerate(BUDGET_ITEMS, 1):
            quantity = Decimal(rng.randint(4, 24))
            amount = unit * quantity
            own = _money(amount * Decimal(rng.choice([0, 0, 5, 10])) / 100)
            lines.append((position, category, item, unit, quantity, amount, amount - own, own))
        requested = sum((line[6] for line in lines), Decimal("0.00"))
        own_funds = sum((line[7] for line in lines), Decimal("0.00"))
        created = _local(plan.opens + timedelta(days=rng.randint(0, 5)), rng.randint(9, 17))
        submitted = state != ApplicationState.DRAFT
        submitted_at = (
            _local(submitted_on, rng.randint(9, 20), rng.randint(0, 59)) if submitted else None
        )
        app_id = self.w.add(
            Application,
            call_id=plan.id,
            organization_id=org,
            number=self.number(plan) if submitted else None,
            state=state,
            title=title,
            category_id=plan.category[0],
            target_group=f"{plan.category[1]}服务对象及其家庭",
            beneficiaries=rng.randint(60, 800),
            needs_analysis="经入户走访和问卷调查，辖区内相关居民服务需求突出，现有服务供给不足。",
            objectives="1. 定期开展服务活动；2. 建立志愿服务队伍；3. 服务满意度达到90%以上。",
            activity_plan="每月开展2次集中活动，每周开展入户探访，季度召开居民议事会。",
            team=f"项目负责人{self.person()}（中级社工师），专职社工2名，志愿者15名。",
            project_start=plan.start,
            project_end=plan.end,
            requested_amount=requested,
            own_funds=own_funds,
            declaration=submitted,
            submitted_at=submitted_at,
            correction_comment=None,
            correction_deadline=None,
            screening_reason=None,
            screening_checklist=None,
            typed_input={},
            created_by_id=member,
            version=2 if submitted else 1,
            created_at=created,
            updated_at=submitted_at or created,
        )
        for position, category, item, unit, quantity, amount, req, own in lines:
            self.w.add(
                BudgetLine,
                application_id=app_id,
                position=position,
                category=category,
                item=item,
                unit_price=unit,
                quantity=quantity,
                amount=amount,
                requested=req,
                own_funds=own,
            )
        for position in (1, 2):
            self.w.add(
                Milestone,
                application_id=app_id,
                position=position,
                title=["完成需求调研与队伍组建", "完成全部服务活动与总结"][position - 1],
                due_date=plan.start + timedelta(days=120 * position),
                deliverable="调研报告、活动记录" if position == 1 else "结项报告",
            )
        for community in plan.communities[: rng.randint(1, 3)]:
            self.w.add(application_community, application_id=app_id, community_id=community)
        self.w.audit(
            "application.create",
            "Application",
            app_id,
            actor=member,
            at=created,
            after={"call_id": plan.id},
        )
        if submitted:
            self.w.transition(
                "application",
                "submit",
                "Application",
                app_id,
                "draft",
                "submitted",
                actor=member,
                at=submitted_at,
            )
        return {
            "id": app_id,
            "org": org,
            "title": title,
            "requested": requested,
            "lines": lines,
            "quality": rng.uniform(0.55, 0.95),
            "state": state,
            "submitted_at": submitted_at,
        }

    def screen(self, plan, app, outcome, at):
        staff = self.staff[0]
        self.w.transition(
            "application",
            outcome,
            "Application",
            app["id"],
            "submitted",
            "eligible" if outcome == "mark_eligible" else "ineligible",
            actor=staff,
            at=at,
        )

    def venture_calls(self):
        plans = [p for p in self.plans if p.route == Route.VENTURE_GRANT]
        for plan, size in zip(plans, self.sizes(), strict=True):
            orgs = self.rng.sample(self.orgs, min(size, len(self.orgs)))
            # org1 (the applicant login) applies to every call
            orgs = [self.orgs[0]] + [o for o in orgs if o != self.orgs[0]][: size - 1]
            apps = []
            for i, org in enumerate(orgs):
                day = plan.opens + timedelta(days=1 + i * 28 // max(size, 1))
                if plan.phase == OPEN:
                    state = ApplicationState.DRAFT if i % 5 == 4 else ApplicationState.SUBMITTED
                elif i >= size - size * 3 // 100:
                    state = ApplicationState.DRAFT
                elif i >= size - size * 5 // 100:
                    state = ApplicationState.WITHDRAWN
                elif i >= size - size * 10 // 100:
                    state = ApplicationState.INELIGIBLE
                else:
                    state = ApplicationState.UNDER_REVIEW
                app = self.application(plan, org, state, submitted_on=min(day, plan.closes))
                apps.append(app)
                screened = _local(plan.closes + timedelta(days=5), 10)
                if state == ApplicationState.WITHDRAWN:
                    self.w.transition(
                        "application",
                        "withdraw",
                        "Application",
                        app["id"],
                        "submitted",
                        "withdrawn",
                        actor=self.members[org],
                        at=app["submitted_at"] + timedelta(days=1),
                    )
                elif state == ApplicationState.INELIGIBLE:
                    self.screen(plan, app, "mark_ineligible", screened)
                elif state == ApplicationState.UNDER_REVIEW:
                    self.screen(plan, app, "mark_eligible", screened)
                    self.w.transition(
                        "application",
                        "start_review",
                        "Application",
                        app["id"],
                        "eligible",
                        "under_review",
                        actor=self.staff[0],
                        at=screened + timedelta(days=2),
                    )
            plan.apps = apps
        self.w.progress("venture-grant applications")

    # ── review ──────────────────────────────────────────────────────────────────────────────

    def review(self):
        for plan in self.plans:
            if plan.route == Route.TENDER:
                self.panel(plan, size=5, k=5)
                continue
            if plan.route != Route.VENTURE_GRANT or plan.phase == OPEN:
                continue
            plan.k = 5 if plan.id % 5 < 3 else 7
            self.panel(plan, size=plan.k + 2, k=plan.k)
            reviewed = [a for a in plan.apps if a["state"] == ApplicationState.UNDER_REVIEW]
            leaning = {r: self.rng.uniform(-0.06, 0.06) for r in plan.members}
            for i, app in enumerate(reviewed):
                chosen = [plan.members[(i + j) % len(plan.members)] for j in range(plan.k)]
                totals = []
                for j, reviewer in enumerate(chosen):
                    step = 0 if plan.phase != REVIEWING else (i + j) % 5
                    total = self.sheet(plan, app, reviewer, leaning[reviewer], step)
                    if total is not None:
                        totals.append(total)
                app["totals"] = totals
        self.w.progress("panels, assignments, score sheets")

    def panel(self, plan, *, size, k):
        staff = self.staff[0]
        # reviewer1 sits on every venture-grant panel: the benchmarks' big queue
        pool = self.reviewers[1:]
        if plan.route == Route.VENTURE_GRANT:
            members = [self.reviewers[0]] + self.rng.sample(pool, size - 1)
        else:
            members = self.rng.sample(pool, size)
        plan.members = members
        formed = _local(plan.closes + timedelta(days=6), 10)
        plan.panel_id = self.w.add(
            Panel,
            call_id=plan.id,
            method=PanelMethod.MANUAL,
            size=size,
            reviewers_per_application=k,
            blind=False,
            deadline=plan.closes + timedelta(days=20),
            spread_threshold=Decimal("20.0"),
            aggregation=Aggregation.TRIMMED if k >= 5 else Aggregation.MEAN,
            seed=None,
            draw_categories=None,
            candidates=None,
            drawn=None,
            formed_by_id=staff,
            reminded_at=None,
            proposed_at=_local(plan.closes + timedelta(days=22), 16)
            if plan.phase in AWARDED_PHASES
            else None,
            created_at=formed,
            updated_at=formed,
        )
        for position, reviewer in enumerate(members, 1):
            self.w.add(
                PanelMember,
                panel_id=plan.panel_id,
                reviewer_id=reviewer,
                reserve=False,
                position=position,
            )
        self.w.audit(
            "panel.form",
            "Panel",
            plan.panel_id,
            actor=staff,
            at=formed,
            after={"size": size, "reviewers_per_application": k},
        )

    def sheet(self, plan, app, reviewer, lean, step):
        """One assignment; step 0-2 submitted, 3 a draft sheet, 4 not opened yet."""
        rng = self.rng
        formed = _local(plan.closes + timedelta(days=7), 10)
        opened = _local(plan.closes + timedelta(days=rng.randint(8, 18)), rng.randint(8, 22))
        reviewer_user = self.reviewer_user(reviewer)
        assignment = self.w.add(
            ReviewAssignment,
            panel_id=plan.panel_id,
            application_id=app["id"],
            reviewer_id=reviewer,
            state=AssignmentState.ACTIVE,
            no_conflict_at=opened if step < 4 else None,
            conflict_at=None,
            conflict_reason=None,
            created_by_id=self.staff[0],
            created_at=formed,
            updated_at=opened,
        )
        if step == 4:
            return None
        self.w.audit(
            "review.no_conflict",
            "ReviewAssignment",
            assignment,
            actor=reviewer_user,
            at=opened,
            after={"no_conflict_at": opened},
        )
        submitted = step < 3
        scores = []
        for cid, top in plan.criteria:
            share = min(max(app["quality"] + lean + rng.gauss(0, 0.06), 0.2), 1.0)
            scores.append((cid, _half(share * top)))
        total = sum((s for _c, s in scores), Decimal("0.0")) if submitted else None
        sheet = self.w.add(
            ReviewSheet,
            assignment_id=assignment,
            state=SheetState.SUBMITTED if submitted else SheetState.DRAFT,
            overall_comment=rng.choice(SHEET_COMMENTS),
            total=total,
            submitted_at=opened if submitted else None,
            first_submitted_at=opened if submitted else None,
            created_at=opened,
            updated_at=opened,
        )
        for cid, score in scores:
            self.w.add(
                ReviewScore,
                sheet_id=sheet,
                criterion_id=cid,
                raw=_text(score),
                score=score,
                comment="",
            )
        if submitted:
            self.w.transition(
                "review_sheet",
                "submit",
                "ReviewSheet",
                sheet,
                "draft",
                "submitted",
                actor=reviewer_user,
                at=opened,
            )
        return total

    def reviewer_user(self, profile):
        # profiles and users were made in step: profile n belongs to the n-th reviewer user
        if not hasattr(self, "_reviewer_users"):
            self.w.flush()
            self._reviewer_users = dict(
                db.session.execute(sa.select(ReviewerProfile.id, ReviewerProfile.user_id)).all()
            )
        return self._reviewer_users[profile]

    # ── decisions: venture-grant awards ─────────────────────────────────────────────────────

    def venture_awards(self):
        decided = {ApplicationState.AWARDED: [], ApplicationState.NOT_SELECTED: []}
        for plan in self.plans:
            if plan.route != Route.VENTURE_GRANT or plan.phase not in AWARDED_PHASES:
                continue
            staff = self.staff[0]
            reviewed = [a for a in plan.apps if a["state"] == ApplicationState.UNDER_REVIEW]
            ranked = sorted(reviewed, key=lambda a: (-self.trimmed(a["totals"]), a["id"]))
            funded = ranked[: round(len(ranked) * 0.62)]
            proposed = _local(plan.closes + timedelta(days=22), 16)
            final = _local(plan.closes + timedelta(days=32), 9, 30)
            announcement = self.announcement(
                plan,
                AnnouncementKind.REVIEW_RESULT,
                plan.title.replace("征集公告", "评审结果公示"),
                proposed,
                None,
            )
            for rank, app in enumerate(ranked, 1):
                won = rank <= len(funded)
                target = "proposed" if won else "not_selected"
                self.w.transition(
                    "application",
                    "propose_award" if won else "not_select",
                    "Application",
                    app["id"],
                    "under_review",
                    target,
                    actor=staff,
                    at=proposed,
                )
                app["state"] = ApplicationState.AWARDED if won else ApplicationState.NOT_SELECTED
                decided[app["state"]].append(app["id"])
                if not won:
                    continue
                self.w.transition(
                    "application",
                    "confirm_award",
                    "Application",
                    app["id"],
                    "proposed",
                    "awarded",
                    actor=staff,
                    at=final,
                )
                award = self.award(
                    plan,
                    app["org"],
                    app["requested"],
                    rank=rank,
                    application=app,
                    proposed=proposed,
                    final=final,
                )
                plan.awards.append(
                    AwardPlan(award, app["org"], app["requested"], app["title"], app, final.date())
                )
            plan.announcement = announcement
        self.w.flush()
        table = Application.__table__
        for state, ids in decided.items():
            for start in range(0, len(ids), 500):
                db.session.execute(
                    table.update()
                    .where(table.c.id.in_(ids[start : start + 500]))
                    .values(state=state)
                )
        self.w.progress("rankings and awards")

    @staticmethod
    def trimmed(totals):
        values = sorted(totals)
        if len(values) >= 5:
            values = values[1:-1]
        return float(sum(values) / len(values)) if values else 0.0

    def announcement(self, plan, kind, title, published, subject):
        starts = published.astimezone(LOCAL_TZ).date()
        final = plan.phase in AWARDED_PHASES
        staff = self.staff[0]
        aid = self.w.add(
            Announcement,
            kind=kind,
            title=title,
            body="<p>经评审，现将结果予以公示。公示期内如有异议，请实名提出。</p>",
            call_id=plan.id,
            subject_type=subject[0] if subject else None,
            subject_id=subject[1] if subject else None,
            published_at=published,
            period_days=5,
            starts_on=starts,
            ends_on=starts + timedelta(days=7),
            state=AnnouncementState.FINALISED if final else AnnouncementState.PUBLISHED,
            published_by_id=staff,
            finalised_at=published + timedelta(days=10) if final else None,
            finalised_by_id=staff if final else None,
            withdrawn_at=None,
            withdrawn_by_id=None,
            withdrawal_reason=None,
            created_at=published,
            updated_at=published,
        )
        self.w.audit(
            "announcement.publish",
            "Announcement",
            aid,
            actor=staff,
            at=published,
            after={"kind": kind, "title": title},
        )
        if final:
            self.w.transition(
                "announcement",
                "finalise",
                "Announcement",
                aid,
                "published",
                "finalised",
                actor=staff,
                at=published + timedelta(days=10),
            )
        return aid

    def award(
        self,
        plan,
        org,
        amount,
        *,
        rank,
        proposed,
        final,
        application=None,
        bid=None,
        justification=None,
    ):
        staff = self.staff[0]
        award = self.w.add(
            Award,
            call_id=plan.id,
            organization_id=org,
            application_id=application["id"] if application else None,
            bid_id=bid,
            route=plan.route,
            amount=amount,
            state=AwardState.FINAL,
            rank=rank,
            justification=justification,
            final_at=final,
            created_by_id=staff,
            created_at=proposed,
            updated_at=final,
        )
        self.w.audit(
            "award.propose",
            "Award",
            award,
            actor=staff,
            at=proposed,
            after={"amount": amount, "organization_id": org},
        )
        self.w.transition(
            "award", "confirm", "Award", award, "proposed", "final", actor=staff, at=final
        )
        return award

    # ── targeted purchases and tenders ──────────────────────────────────────────────────────

    def targeted(self):
        for plan in self.plans:
            if plan.route != Route.TARGETED:
                continue
            staff = self.staff[0]
            plan.apps = []
            orgs = self.rng.sample(self.orgs[1:], self.scale.designations_per_call)
            for n, org in enumerate(orgs):
                drafted = _local(plan.opens, 10)
                announced = _local(plan.opens + timedelta(days=2), 10)
                final = _local(plan.closes + timedelta(days=10), 9)
                app = self.application(
                    plan,
                    org,
                    ApplicationState.AWARDED,
                    submitted_on=plan.opens + timedelta(days=5 + n % 10),
                )
                plan.apps.append(app)
                self.screen(plan, app, "mark_eligible", announced + timedelta(days=8))
                self.w.transition(
                    "application",
                    "confirm_award",
                    "Application",
                    app["id"],
                    "eligible",
                    "awarded",
                    actor=staff,
                    at=final,
                )
                designation = self.w.new_id(Designation.__table__)
                announcement = self.announcement(
                    plan,
                    AnnouncementKind.DESIGNATION,
                    f"{app['title']}定向委托公示",
                    announced,
                    ("Designation", designation),
                )
                self.w.add(
                    Designation,
                    id=designation,
                    call_id=plan.id,
                    organization_id=org,
                    service=app["title"],
                    service_content="按服务需求清单提供全年服务。",
                    amount=app["requested"],
                    term_start=plan.start,
                    term_end=plan.end,
                    reason=self.rng.choice(list(DesignationReason)),
                    justification="该组织长期在本社区提供同类服务，具备唯一的服务能力与居民信任基础。",
                    state=DesignationState.AWARDED,
                    application_id=app["id"],
                    announcement_id=announcement,
                    cancel_reason=None,
                    created_by_id=staff,
                    created_at=drafted,
                    updated_at=final,
                )
                self.w.transition(
                    "designation",
                    "announce",
                    "Designation",
                    designation,
                    "drafted",
                    "announced",
                    actor=staff,
                    at=announced,
                )
                self.w.transition(
                    "designation",
                    "award",
                    "Designation",
                    designation,
                    "announced",
                    "awarded",
                    actor=staff,
                    at=final,
                )
                award = self.award(
                    plan,
                    org,
                    app["requested"],
                    rank=None,
                    application=app,
                    proposed=announced,
                    final=final,
                    justification="定向委托公示期满无异议。",
                )
                plan.awards.append(
                    AwardPlan(award, org, app["requested"], app["title"], app, final.date())
                )
        self.w.progress("targeted purchases")

    def tenders(self):
        for plan in self.plans:
            if plan.route != Route.TENDER:
                continue
            rng, staff = self.rng, self.staff[0]
            plan.apps = []
            ceiling = Decimal(rng.randint(30, 80) * 10000)
            opening = _local(plan.closes, 17)
            tender_id = self.w.new_id(Tender.__table__)
            announcement = self.announcement(
                plan,
                AnnouncementKind.TENDER_RESULT,
                plan.title + "中标结果公示",
                opening + timedelta(days=8),
                ("Tender", tender_id),
            )
            self.w.add(
                Tender,
                id=tender_id,
                call_id=plan.id,
                method=TenderMethod.OPEN,
                evaluation=EvaluationMethod.COMPREHENSIVE,
                requirements="服务覆盖辖区全部社区；配备专职社工不少于5名；全年服务不少于2000人次。",
                budget_ceiling=ceiling,
                price_weight=Decimal(30),
                required_documents="",
                opening_at=opening,
                opening_place="区政务服务中心开标室",
                opened_at=opening,
                opened_by_id=staff,
                opening_record_id=None,
                compliance_checked_at=opening + timedelta(days=1),
                scored_at=opening + timedelta(days=5),
                proposed_at=opening + timedelta(days=6),
                announcement_id=announcement,
                award_notice_id=None,
                created_by_id=staff,
                created_at=_local(plan.opens, 9),
                updated_at=opening + timedelta(days=6),
            )
            orgs = rng.sample(self.orgs[1:], self.scale.bids_per_tender)
            bids = []
            for n, org in enumerate(orgs):
                price = _money(ceiling * Decimal(rng.uniform(0.78, 0.99)))
                compliant = n % 10 != 9
                quality = rng.uniform(0.6, 0.95)
                bids.append(
                    {
                        "org": org,
                        "price": price,
                        "compliant": compliant,
                        "quality": quality,
                        "id": self.w.new_id(Bid.__table__),
                    }
                )
            lowest = min(b["price"] for b in bids if b["compliant"])
            for bid in bids:
                if not bid["compliant"]:
                    continue
                bid["sheets"] = [
                    self.bid_marks(plan, bid, reviewer, opening) for reviewer in plan.members
                ]
                technical = [total for _r, _at, _scores, total in bid["sheets"]]
                bid["technical"] = _money(sum(technical) / len(technical))
                bid["price_score"] = _money(lowest / bid["price"] * 30)
                bid["total"] = bid["technical"] + bid["price_score"]
            ranked = sorted((b for b in bids if b["compliant"]), key=lambda b: -b["total"])
            for rank, bid in enumerate(ranked, 1):
                bid["rank"] = rank
            for bid in bids:
                member = self.members[bid["org"]]
                submitted = opening - timedelta(days=rng.randint(1, 9), hours=rng.randint(1, 6))
                state = (
                    BidState.NON_COMPLIANT
                    if not bid["compliant"]
                    else BidState.WON
                    if bid.get("rank") == 1
                    else BidState.LOST
                )
                self.w.add(
                    Bid,
                    id=bid["id"],
                    tender_id=tender_id,
                    organization_id=bid["org"],
                    state=state,
                    price=bid["price"],
                    approach="组建专业服务团队，分片区开展入户服务与集中活动。",
                    team="项目主管1名，专职社工5名，志愿者30名。",
                    schedule="签约后一个月内完成需求评估，按季度推进服务。",
                    quality="建立服务质量督导与满意度回访机制。",
                    declaration=True,
                    submitted_at=submitted,
                    version=1,
                    seal_digest=hashlib.sha256(str(bid["id"]).encode()).hexdigest(),
                    compliance_reasons=None if bid["compliant"] else ["资质证明文件不全"],
                    technical_score=bid.get("technical"),
                    price_score=bid.get("price_score"),
                    total_score=bid.get("total"),
                    rank=bid.get("rank"),
                    created_by_id=member,
                    created_at=submitted - timedelta(days=2),
                    updated_at=opening + timedelta(days=6),
                )
                self.w.audit(
                    "bid.create",
                    "Bid",
                    bid["id"],
                    actor=member,
                    at=submitted - timedelta(days=2),
                    after={"tender_id": tender_id},
                )
                self.w.transition(
                    "bid",
                    "submit",
                    "Bid",
                    bid["id"],
                    "draft",
                    "submitted",
                    actor=member,
                    at=submitted,
                )
                self.w.transition(
                    "bid", "open", "Bid", bid["id"], "submitted", "opened", actor=staff, at=opening
                )
            self.w.flush()  # the bids before their sheets and the award that points at one
            for bid in bids:
                for marks in bid.get("sheets", []):
                    self.bid_sheet(plan, bid, *marks)
            winner = ranked[0]
            final = opening + timedelta(days=18)
            award = self.award(
                plan,
                winner["org"],
                winner["price"],
                rank=1,
                bid=winner["id"],
                proposed=opening + timedelta(days=6),
                final=final,
            )
            plan.awards.append(
                AwardPlan(
                    award,
                    winner["org"],
                    winner["price"],
                    plan.title.split("（")[0] + "服务",
                    None,
                    final.date(),
                )
            )
        self.w.progress("tenders and bids")

    def bid_marks(self, plan, bid, reviewer, opening):
        """(reviewer, when, [(criterion, score)], total) of one member's sheet on a bid."""
        rng = self.rng
        at = opening + timedelta(days=rng.randint(2, 4), hours=rng.randint(0, 8))
        scores = []
        for cid, top in plan.criteria:
            scores.append((cid, _half(min(max(bid["quality"] + rng.gauss(0, 0.05), 0.2), 1) * top)))
        return reviewer, at, scores, sum((s for _c, s in scores), Decimal("0.0"))

    def bid_sheet(self, plan, bid, reviewer, at, scores, total):
        """A member's submitted sheet on a bid: review's shared assignment, sheet and scores."""
        assignment = self.w.add(
            ReviewAssignment,
            panel_id=plan.panel_id,
            bid_id=bid["id"],
            reviewer_id=reviewer,
            state=AssignmentState.ACTIVE,
            no_conflict_at=at,
            created_by_id=self.reviewer_user(reviewer),
            created_at=at,
            updated_at=at,
        )
        sheet = self.w.add(
            ReviewSheet,
            assignment_id=assignment,
            state=SheetState.SUBMITTED,
            overall_comment="方案完整，响应招标要求。",
            total=total,
            submitted_at=at,
            created_at=at,
            updated_at=at,
        )
        for cid, score in scores:
            self.w.add(
                ReviewScore,
                sheet_id=sheet,
                criterion_id=cid,
                raw=_text(score),
                score=score,
                comment="",
            )
        self.w.audit(
            "bid_sheet.submit",
            "ReviewSheet",
            sheet,
            actor=self.reviewer_user(reviewer),
            at=at,
            after={"total": total},
        )

    def budgets(self):
        """Each call's budget: its awards plus a margin, so awards never exceed it."""
        table = Call.__table__
        for plan in self.plans:
            awarded = sum((a.amount for a in plan.awards), Decimal("0.00"))
            largest = max((a.amount for a in plan.awards), default=Decimal("0.00"))
            apps = getattr(plan, "apps", [])
            requested = max((a["requested"] for a in apps), default=Decimal("0.00"))
            cap = max(largest, requested, Decimal("100000.00"))
            cap = (cap / 10000).to_integral_value(rounding="ROUND_CEILING") * 10000
            total = max(awarded * Decimal("1.05"), cap)
            total = (total / 10000).to_integral_value(rounding="ROUND_CEILING") * 10000
            db.session.execute(
                table.update()
                .where(table.c.id == plan.id)
                .values(total_budget=total, cap_per_project=cap)
            )
        for (year, code), last in self.numbers.items():
            counter = ApplicationNumberCounter.__table__
            updated = db.session.execute(
                counter.update()
                .where(counter.c.year == year, counter.c.route_code == code)
                .values(last_value=last)
            ).rowcount
            if not updated:
                db.session.execute(
                    counter.insert().values(year=year, route_code=code, last_value=last)
                )

    # ── contracts, payments, delivery ───────────────────────────────────────────────────────

    def contract_number(self, plan, year):
        key = (year, plan.route)
        if key not in self.contract_numbers:
            table = ContractCounter.__table__
            self.contract_numbers[key] = (
                db.session.scalar(
                    sa.select(table.c.last).where(table.c.year == year, table.c.route == plan.route)
                )
                or 0
            )
        self.contract_numbers[key] += 1
        sequence = self.contract_numbers[key]
        return sequence, f"XF-{plan.route.code}-{year}-{sequence:04d}"

    def contracts(self):
        self.w.flush()
        for plan in self.plans:
            if plan.phase not in AWARDED_PHASES:
                continue
            for award in plan.awards:
                self.contract(plan, award)
        table = ContractCounter.__table__
        self.w.flush()
        for (year, route), last in self.contract_numbers.items():
            updated = db.session.execute(
                table.update().where(table.c.year == year, table.c.route == route).values(last=last)
            ).rowcount
            if not updated:
                self.w.add(ContractCounter, year=year, route=route, last=last)
        self.w.progress("contracts, payments, projects, reports")

    def contract(self, plan, award):
        rng, staff, finance = self.rng, self.staff[0], self.finance
        drafted = _local(award.decided + timedelta(days=3), 10)
        issued = drafted + timedelta(days=1)
        signed_on = award.decided + timedelta(days=7 + rng.randint(0, 6))
        confirmed = _local(signed_on + timedelta(days=1), 10)
        in_force = _local(plan.start, 9)
        done = plan.phase == CLOSED
        completed = _local(plan.end + timedelta(days=40), 10) if done else None
        year = drafted.astimezone(LOCAL_TZ).year
        sequence, number = self.contract_number(plan, year)
        contract = self.w.add(
            Contract,
            number=number,
            year=year,
            sequence=sequence,
            route=plan.route,
            award_id=award.id,
            call_id=plan.id,
            organization_id=award.organization,
            application_id=award.application["id"] if award.application else None,
            state=ContractState.COMPLETED if done else ContractState.IN_FORCE,
            amount=award.amount,
            title=award.title,
            legal_basis="《中华人民共和国民法典》《政府购买服务管理办法》（财政部令第102号）",
            service_content="按申报书（投标文件）所列服务内容提供社区服务。",
            places="项目服务所在社区",
            start_date=plan.start,
            end_date=plan.end,
            quantity_targets="全年开展服务活动不少于24次，服务不少于500人次。",
            quality_targets="服务对象满意度不低于90%。",
            template_version="2026.1",
            document_data=None,
            document_id=None,
            issued_at=issued,
            issued_by_id=staff,
            signed_scan_id=None,
            scan_uploaded_at=confirmed - timedelta(hours=18),
            signed_on=signed_on,
            signature_confirmed_at=confirmed,
            signature_confirmed_by_id=staff,
            in_force_at=in_force,
            completed_at=completed,
            terminated_at=None,
            termination_reason=None,
            created_by_id=staff,
            version=5,
            created_at=drafted,
            updated_at=completed or in_force,
        )
        self.w.audit(
            "contract.draft",
            "Contract",
            contract,
            actor=staff,
            at=drafted,
            after={"number": number, "amount": award.amount, "award_id": award.id},
        )
        steps = [
            ("issue", "draft", "issued", issued),
            ("confirm_signature", "issued", "signed", confirmed),
            ("put_in_force", "signed", "in_force", in_force),
        ]
        if done:
            steps.append(("complete", "in_force", "completed", completed))
        for action, before, after, at in steps:
            self.w.transition(
                "contract", action, "Contract", contract, before, after, actor=staff, at=at
            )
        # installments: what the phase has paid so far
        paid_count = {CLOSED: 3, DELIVERING: 2, STARTED: 1}[plan.phase]
        moments = [
            in_force,
            _local(_add_months(plan.start, 6) + timedelta(days=10), 10),
            _local(plan.end + timedelta(days=30), 10),
        ]
        conditions = ["on_signing", "midterm_passed", "final_passed"]
        amounts = split_by_percentages(award.amount, [50, 30, 20])
        for position, (percent, condition, amount, met) in enumerate(
            zip([50, 30, 20], conditions, amounts, moments, strict=True), 1
        ):
            paid = position <= paid_count
            approved = met + timedelta(days=1)
            paid_at = met + timedelta(days=3)
            installment = self.w.add(
                Installment,
                contract_id=contract,
                position=position,
                percent=Decimal(percent),
                condition=condition,
                amount=amount,
                state=InstallmentState.PAID if paid else InstallmentState.PENDING,
                condition_met_at=met if paid else None,
                condition_note=None,
                approved_at=approved if paid else None,
                approved_by_id=staff if paid else None,
                paid_at=paid_at if paid else None,
                created_at=drafted,
                updated_at=paid_at if paid else drafted,
            )
            if not paid:
                continue
            self.w.transition(
                "installment",
                "meet_condition",
                "Installment",
                installment,
                "pending",
                "condition_met",
                actor=staff,
                at=met,
            )
            self.w.transition(
                "installment",
                "approve_release",
                "Installment",
                installment,
                "condition_met",
                "release_approved",
                actor=staff,
                at=approved,
            )
            parts = [amount] if rng.random() < 0.5 else split_by_percentages(amount, [60, 40])
            so_far = Decimal("0.00")
            for n, part in enumerate(parts):
                day = (paid_at + timedelta(days=20 * n)).astimezone(LOCAL_TZ).date()
                voucher = f"记{day.year}-{day.month:02d}-{installment % 100000:05d}{n}"
                reference = f"ICBC{day:%Y%m%d}{installment:07d}{n}"
                self.w.add(
                    Payment,
                    installment_id=installment,
                    paid_on=day,
                    amount=part,
                    voucher_no=voucher,
                    bank_reference=reference,
                    recorded_by_id=finance,
                    recorded_at=paid_at + timedelta(days=20 * n),
                )
                self.w.audit(
                    "payment.record",
                    "Installment",
                    installment,
                    actor=finance,
                    at=paid_at + timedelta(days=20 * n),
                    before={"paid": so_far, "remaining": amount - so_far},
                    after={
                        "paid": so_far + part,
                        "remaining": amount - so_far - part,
                        "amount": part,
                        "paid_on": day,
                        "voucher_no": voucher,
                        "bank_reference": reference,
                    },
                )
                so_far += part
            self.w.transition(
                "installment",
                "mark_paid",
                "Installment",
                installment,
                "release_approved",
                "paid",
                actor=finance,
                at=paid_at + timedelta(days=20 * (len(parts) - 1)),
            )
        self.project(plan, award, contract, in_force)

    def project(self, plan, award, contract, in_force):
        rng, staff = self.rng, self.staff[plan.id % len(self.staff)]
        state = {
            CLOSED: ProjectState.CLOSED,
            DELIVERING: ProjectState.MIDTERM_EVALUATED,
            STARTED: ProjectState.IN_FORCE,
        }[plan.phase]
        app = award.application
        closed = _local(plan.end + timedelta(days=45), 10) if plan.phase == CLOSED else None
        project = self.w.add(
            Project,
            contract_id=contract,
            call_id=plan.id,
            organization_id=award.organization,
            application_id=app["id"] if app else None,
            title=award.title,
            state=state,
            officer_id=staff,
            start_date=plan.start,
            end_date=plan.end,
            original_end_date=plan.end,
            activity_plan="每月开展2次集中活动，每周开展入户探访。",
            original_activity_plan="每月开展2次集中活动，每周开展入户探访。",
            team="项目负责人1名，专职社工2名，志愿者15名。",
            original_team="项目负责人1名，专职社工2名，志愿者15名。",
            planned_beneficiaries=rng.randint(100, 600),
            started_at=in_force,
            rectification_due=None,
            rectification_requirements=None,
            closed_at=closed,
            archive_id=None,
            terminated_at=None,
            termination_reason=None,
            created_at=in_force,
            updated_at=closed or in_force,
        )
        self.w.transition(
            "project",
            "start",
            "Project",
            project,
            "contracting",
            "in_force",
            actor=staff,
            at=in_force,
        )
        if app:
            lines = [(p, c, i, req) for p, c, i, _u, _q, _a, req, _o in app["lines"]]
        else:
            shares = split_by_percentages(award.amount, [60, 30, 10])
            lines = [
                (n, c, i, s)
                for (n, (c, i, _u)), s in zip(enumerate(BUDGET_ITEMS, 1), shares, strict=True)
            ]
        plan_lines = []
        for position, category, item, amount in lines:
            plan_lines.append(
                (
                    self.w.add(
                        PlanLine,
                        project_id=project,
                        position=position,
                        category=category,
                        item=item,
                        amount=amount,
                        original_amount=amount,
                        budget_line_id=None,
                    ),
                    amount,
                )
            )
        for position in (1, 2):
            due = plan.start + timedelta(days=120 * position)
            finished = due < self.today
            self.w.add(
                PlanMilestone,
                project_id=project,
                position=position,
                title=["完成需求调研与队伍组建", "完成全部服务活动与总结"][position - 1],
                deliverable="调研报告、活动记录" if position == 1 else "结项报告",
                due_date=due,
                original_due_date=due,
                status="done" if finished else "in_progress",
                completed_on=due if finished else None,
            )
        member = self.members[award.organization]
        spent = self.reports(plan, project, plan_lines, staff, member)
        kinds = {
            CLOSED: [EvaluationKind.MIDTERM, EvaluationKind.FINAL],
            DELIVERING: [EvaluationKind.MIDTERM],
            STARTED: [],
        }[plan.phase]
        for kind in kinds:
            self.evaluation(plan, project, kind, member, staff)
        if plan.phase in (CLOSED, DELIVERING):
            at = _local(_add_months(plan.start, 6) + timedelta(days=9), 10)
            self.w.transition(
                "project",
                "pass_midterm",
                "Project",
                project,
                "in_force",
                "midterm_evaluated",
                actor=staff,
                at=at,
            )
        if plan.phase == CLOSED:
            at = _local(plan.end + timedelta(days=29), 10)
            self.w.transition(
                "project",
                "pass_final",
                "Project",
                project,
                "midterm_evaluated",
                "final_evaluated",
                actor=staff,
                at=at,
            )
            self.settle_surplus(project, award.amount, spent, staff, closed - timedelta(days=1))
            self.w.transition(
                "project",
                "close",
                "Project",
                project,
                "final_evaluated",
                "closed",
                actor=staff,
                at=closed,
            )

    def settle_surplus(self, project, paid, spent, staff, at):
        """结余资金处理 before closing: the surplus returned (venture.integrity.closing). The
        generated settlements share one stored confirmation file: bench data renders no PDFs."""
        from venture.core.files import store_bytes
        from venture.delivery.settlement import DOCUMENT_LABEL, SettlementKind, SurplusSettlement

        if getattr(self, "settlement_file", None) is None:
            self.settlement_file = store_bytes(
                BENCH_SETTLEMENT_PDF, name=f"{DOCUMENT_LABEL}.pdf", content_type="application/pdf"
            )
            db.session.flush()
        surplus = paid - spent
        kind = SettlementKind.RETURNED if surplus else SettlementKind.NONE
        self.w.add(
            SurplusSettlement,
            project_id=project,
            paid=paid,
            spent=spent,
            surplus=surplus,
            kind=kind,
            reason="",
            receipt_id=self.settlement_file.id if surplus else None,
            document_id=self.settlement_file.id,
            recorded_by_id=staff,
            recorded_at=at,
            created_at=at,
            updated_at=at,
        )
        self.w.audit(
            "project.settle_surplus",
            "Project",
            project,
            actor=staff,
            at=at,
            after={"paid": paid, "spent": spent, "surplus": surplus, "kind": kind},
        )

    def periods(self, plan):
        months = 1 if plan.frequency == ReportFrequency.MONTHLY else 3
        periods, start = [], plan.start
        while True:
            end = _add_months(start, months) - timedelta(days=1)
            if end > plan.end or end + timedelta(days=15) >= self.today:
                return periods
            periods.append((start, end))
            start = end + timedelta(days=1)

    def reports(self, plan, project, plan_lines, staff, member):
        """The project's progress reports; returns the spending of the accepted ones."""
        rng = self.rng
        periods = self.periods(plan)
        spent = Decimal("0.00")
        for n, (start, end) in enumerate(periods):
            last = n == len(periods) - 1 and plan.phase != CLOSED
            state = RS.SUBMITTED if last and project % 4 == 0 else RS.ACCEPTED
            due = end + timedelta(days=15)
            submitted = _local(end + timedelta(days=rng.randint(3, 14)), rng.randint(9, 20))
            decided = submitted + timedelta(days=3) if state == RS.ACCEPTED else None
            label = (
                f"{start.year}年{start.month}月进度报告"
                if plan.frequency == ReportFrequency.MONTHLY
                else f"{start.year}年{start.month}—{end.month}月季度进度报告"
            )
            report = self.w.add(
                ProgressReport,
                project_id=project,
                kind=ReportKind.SCHEDULED,
                state=state,
                title=label,
                period_start=start,
                period_end=end,
                due_on=due,
                summary="本期按计划开展入户探访和集中活动，服务对象参与积极。",
                problems="部分活动受天气影响延期。",
                next_steps="下期继续开展常规服务，筹备阶段性成果展示。",
                created_by_id=member,
                submitted_at=submitted,
                submitted_by_id=member,
                decided_at=decided,
                decided_by_id=staff if decided else None,
                staff_comment="报告内容完整，予以通过。" if decided else None,
                created_at=submitted - timedelta(days=2),
                updated_at=decided or submitted,
            )
            self.w.transition(
                "progress_report",
                "submit",
                "ProgressReport",
                report,
                "draft",
                "submitted",
                actor=member,
                at=submitted,
            )
            if decided:
                self.w.transition(
                    "progress_report",
                    "accept",
                    "ProgressReport",
                    report,
                    "submitted",
                    "accepted",
                    actor=staff,
                    at=decided,
                )
            community = plan.communities[report % len(plan.communities)]
            self.w.add(
                Activity,
                report_id=report,
                held_on=start + timedelta(days=10),
                community_id=community,
                title="社区集中服务活动",
                participants=rng.randint(15, 80),
                description="",
            )
            for group in (BeneficiaryGroup.RESIDENTS, BeneficiaryGroup.ELDERLY):
                self.w.add(
                    BeneficiaryCount, report_id=report, group=group, count=rng.randint(10, 120)
                )
            for line, amount in plan_lines:
                share = amount / max(len(periods), 4)
                spending = _money(share * Decimal(rng.uniform(0.7, 1.0)))
                if state == RS.ACCEPTED:
                    spent += spending
                self.w.add(
                    Expenditure,
                    report_id=report,
                    plan_line_id=line,
                    amount=spending,
                    note="",
                    explanation="",
                )
        return spent

    def evaluation(self, plan, project, kind, member, staff):
        rng = self.rng
        if kind == EvaluationKind.MIDTERM:
            day = _add_months(plan.start, 6)
        else:
            day = plan.end + timedelta(days=10)
        assigned = _local(day - timedelta(days=20), 10)
        scored = _local(day, 15)
        scores = [
            (cid, _half(top * rng.uniform(0.72, 0.98))) for cid, top in plan.eval_criteria[kind]
        ]
        total = sum((s for _c, s in scores), Decimal("0.0"))
        evaluation = self.w.add(
            Evaluation,
            project_id=project,
            kind=kind,
            round=1,
            reevaluation_of_id=None,
            state=EvaluationState.FINAL,
            evaluator_id=self.evaluator,
            assigned_by_id=staff,
            assigned_at=assigned,
            self_assessment_due=day - timedelta(days=7),
            self_assessment="项目按计划推进，各项指标完成情况良好。",
            self_assessment_file_id=None,
            final_report_file_id=None,
            self_submitted_at=assigned + timedelta(days=8),
            site_visit_on=day - timedelta(days=2),
            site_visit_place="项目服务社区",
            site_visit_people="项目负责人、社区居委会主任",
            site_visit_notes="查阅台账，访谈服务对象。",
            overall_comment="项目执行规范，成效明显。",
            total=total,
            grade=_grade(total),
            scored_at=scored,
            announcement_id=None,
            announced_at=scored + timedelta(days=1),
            passed=True,
            finalised_at=scored + timedelta(days=9),
            conflict_notes="",
            created_at=assigned,
            updated_at=scored + timedelta(days=9),
        )
        for cid, score in scores:
            self.w.add(
                EvaluationScore,
                evaluation_id=evaluation,
                criterion_id=cid,
                raw=_text(score),
                score=score,
                comment="",
            )
        self.w.audit(
            "evaluation.assign",
            "Evaluation",
            evaluation,
            actor=staff,
            at=assigned,
            after={"kind": kind, "evaluator_id": self.evaluator},
        )
        self.w.transition(
            "evaluation",
            "score",
            "Evaluation",
            evaluation,
            "self_assessed",
            "scored",
            actor=self.evaluator,
            at=scored,
        )
        self.w.transition(
            "evaluation",
            "finalise",
            "Evaluation",
            evaluation,
            "announced",
            "final",
            actor=staff,
            at=scored + timedelta(days=9),
        )

    # ── the whole run ───────────────────────────────────────────────────────────────────────

    def run(self):
        self.reference()
        self.people()
        self.plan_calls()
        self.calls()
        self.venture_calls()
        self.targeted()
        self.w.flush()
        self.review()
        self.venture_awards()
        self.tenders()
        self.budgets()
        self.contracts()
        self.w.finish()
        # the queue columns the review module keeps on each change, set once for the bulk rows
        refresh_queue_order(db.session.connection())
        return self.w.counts


def _sheets_on(scored):
    """The shared sheets on applications or on bids (scored: the assignment's column)."""
    return (
        sa.select(ReviewSheet.id)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .where(scored.is_not(None))
        .subquery()
    )


def _scores_on(scored):
    return (
        sa.select(ReviewScore.id)
        .join(ReviewSheet, ReviewSheet.id == ReviewScore.sheet_id)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .where(scored.is_not(None))
        .subquery()
    )


COUNTED = [
    ("organizations", Organization),
    ("users", User),
    ("calls", Call),
    ("applications", Application),
    ("review sheets", _sheets_on(ReviewAssignment.application_id)),
    ("review scores", _scores_on(ReviewAssignment.application_id)),
    ("bids", Bid),
    ("bid sheets", _sheets_on(ReviewAssignment.bid_id)),
    ("awards", Award),
    ("contracts", Contract),
    ("installments", Installment),
    ("payments", Payment),
    ("projects", Project),
    ("progress reports", ProgressReport),
    ("evaluations", Evaluation),
    ("audit rows", AuditEntry),
]


def counts():
    """[(label, rows)] of the main tables."""
    return [
        (label, db.session.scalar(sa.select(sa.func.count()).select_from(model)))
        for label, model in COUNTED
    ]


def foreign_rows():
    """Accounts not made by this generator: the database holds someone's data."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(~User.email.endswith(f"@{DOMAIN}"))
    )


def generated_rows():
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email.endswith(f"@{DOMAIN}"))
    )


def generate(scale_name, seed=1, echo=print, today=None):
    """Write the scale's data as of `today` (default: the real date) in one transaction (the
    caller commits); returns counts()."""
    with clock_on(today):
        generator = Generator(SCALES[scale_name], seed, echo)
        generator.run()
        return counts()
