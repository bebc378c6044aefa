"""What the bench city is made of: the scales, the logins, the phases calls are in, the
words names are made from, and the plan of a call (`Plan`, `AwardPlan`)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from venture.applications.enums import BudgetCategory
from venture.calls.enums import Route
from venture.core.timeutil import LOCAL_TZ
from venture.delivery.enums import ReportFrequency
from venture.seed.vocabulary import COMMUNITY_WORDS as WORDS

PASSWORD = "Venture2026demo"
DOMAIN = "bench.example.com"
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
COMMUNITY_WORDS = WORDS[:10]
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


def local_at(day, hour=10, minute=0):
    """A local (Asia/Shanghai) day and time as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def half(value):
    return Decimal(round(value * 2) / 2).quantize(Decimal("0.1"))


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
