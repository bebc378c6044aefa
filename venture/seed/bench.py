"""Benchmark data: a whole city's cycles of calls, applications, review, contracts, payments and
delivery, written in bulk (`flask --app venture bench-data --scale city`).

Every row is one the app itself would have written: states follow the workflows, totals add up,
numbers follow the counters, and each step leaves the audit row its operation writes, chained
like audit.record() chains them. Ids are given here, in Python, so rows go in as batched
multi-row INSERTs (and PostgreSQL's sequences are moved past them at the end). Names, amounts
and scores come from one seeded random.Random; dates are placed around the current month so that
some calls are open, some in review, and three years of projects are delivering or closed.

This module plans the people and the calls and runs the whole; `bench_awards` takes the calls
to their awards and `bench_delivery` the awards through delivery. The rows themselves are
written by `venture.seed.writers` and `venture.seed.writers_delivery`.
"""

import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from venture.applications.models import Application
from venture.auth.models import User
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.contracts.models import Contract, refresh_awaiting_contract
from venture.core.audit import AuditEntry
from venture.core.timeutil import clock_on, local_today
from venture.delivery.enums import ReportFrequency
from venture.delivery.models import ProgressReport, Project
from venture.evaluation.enums import EvaluationKind
from venture.evaluation.models import Evaluation
from venture.extensions import db
from venture.orgs.models import Organization
from venture.payments.models import Installment, Payment, refresh_ledger_figures
from venture.procurement.models import Award, Bid
from venture.reference.models import Community, ServiceCategory, Street
from venture.review.models import ReviewAssignment, ReviewScore, ReviewSheet, refresh_queue_order
from venture.seed import writers
from venture.seed.bench_awards import Awards
from venture.seed.bench_delivery import Delivery
from venture.seed.bench_plan import (
    COMMUNITY_WORDS,
    DISTRICTS,
    DOMAIN,
    EVALUATION_RUBRIC,
    LOGINS,
    OPEN,
    ORG_KINDS,
    ORG_WORDS,
    PASSWORD,
    PROCUREMENT_PHASES,
    PROJECT_START,
    REVIEW_RUBRIC,
    SCALES,
    STREET_WORDS,
    TENDER_RUBRIC,
    VENTURE_PHASES,
    Plan,
    add_months,
    local_at,
)
from venture.seed.bulk import Writer
from venture.seed.vocabulary import (
    CATEGORIES,
    CREDIT_CODE_ALPHABET,
    GIVEN,
    SURNAMES,
    with_check_digit,
)

__all__ = ["LOGINS", "PASSWORD", "SCALES", "counts", "foreign_rows", "generate", "generated_rows"]


class Generator(Awards, Delivery):
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
        middle = "".join(self.rng.choice(CREDIT_CODE_ALPHABET) for _ in range(4))
        return with_check_digit(f"{prefix}230100{middle}{n:05d}")

    def reference(self):
        """The city's streets, communities and the service categories, added where missing
        (a database with other data keeps its own)."""
        names = set(db.session.scalars(sa.select(Street.name)))
        for d, district in enumerate(DISTRICTS):
            for s, word in enumerate(STREET_WORDS[:4]):
                name = f"{district}区{word}街道"
                if name in names:
                    continue
                street = writers.write_street(self.w, name)
                for c in range(3):
                    word2 = COMMUNITY_WORDS[(d + s + c) % len(COMMUNITY_WORDS)]
                    writers.write_community(self.w, street, f"{word2}{c + 1}社区")
        codes = set(db.session.scalars(sa.select(ServiceCategory.code)))
        for code, zh, en in CATEGORIES:
            if code not in codes:
                writers.write_category(self.w, code, zh, en)
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
        return writers.write_user(
            self.w,
            email,
            name,
            roles,
            password_hash=self.password_hash,
            organization=organization,
            at=at,
        )

    def people(self):
        scale = self.scale
        at = local_at(add_months(self.month, -30), 9)
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
            self.orgs.append(self.organization(n, at))
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
            rng = self.rng
            title = rng.choice(["副教授", "高级社工师", "研究员", "主任", "会计师"])
            employer = rng.choice(["黑龙江大学", "哈尔滨工业大学", "市社会工作协会", "市社科院"])
            phone = self.phone()
            fields = [category for category, _code in rng.sample(self.categories, 2)]
            profile = writers.write_reviewer_profile(
                self.w, uid, title=title, employer=employer, phone=phone, categories=fields, at=at
            )
            self.reviewers.append(profile)
        self.w.progress("organizations, users, experts")

    def organization(self, n, at):
        kind, prefix = ORG_KINDS[n % len(ORG_KINDS)]
        district = DISTRICTS[n % len(DISTRICTS)]
        name = f"哈尔滨市{district}区{ORG_WORDS[n % len(ORG_WORDS)]}{kind}"
        if n > len(ORG_WORDS) * len(ORG_KINDS) // 4:
            name = f"哈尔滨市{district}区{ORG_WORDS[n % len(ORG_WORDS)]}{n}号{kind}"
        code = self.credit_code(prefix, n)
        contact = self.person()
        representative = self.person()
        address = (
            f"哈尔滨市{district}区{self.rng.choice(STREET_WORDS)}路{self.rng.randint(1, 400)}号"
        )
        phone = self.phone()
        account = "3500" + "".join(str(self.rng.randint(0, 9)) for _ in range(15))
        return writers.write_organization(
            self.w,
            name=name,
            credit_code=code,
            verified=True,
            at=at,
            legal_representative=representative,
            address=address,
            street_id=self.streets[n % len(self.streets)],
            contact_name=contact,
            contact_phone=phone,
            contact_email=f"org{n}@{DOMAIN}",
            bank_name="中国工商银行哈尔滨分行",
            bank_account=account,
        )

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
            start = add_months(self.month, PROJECT_START[phase] - index // len(pattern) % 3)
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
                end=add_months(start, 12) - timedelta(days=1),
                frequency=ReportFrequency.MONTHLY if n % 3 == 0 else ReportFrequency.QUARTERLY,
            )
            street = self.streets[n % len(self.streets)]
            plan.communities = [c for c, s in self.communities if s == street][:3]
            self.plans.append(plan)

    def calls(self):
        for plan in self.plans:
            staff = self.staff[plan.id % len(self.staff)]
            created = local_at(plan.opens - timedelta(days=10), 9)
            writers.write_call(
                self.w,
                staff=staff,
                created=created,
                published=local_at(plan.opens - timedelta(days=5), 10),
                categories=[plan.category[0]],
                communities=plan.communities,
                id=plan.id,
                title=plan.title,
                year=plan.year,
                route=plan.route,
                description=f"<p>为满足居民{plan.category[1]}方面的服务需求，现面向社会组织征集服务项目。</p>",
                eligibility="依法登记的社会组织\n近两年年度检查合格\n有健全的财务管理制度",
                required_attachments="",
                total_budget=Decimal("1.00"),  # set once the awards are known (see budgets)
                cap_per_project=Decimal("1.00"),
                max_applications_per_org=1 if plan.route == Route.VENTURE_GRANT else 2,
                project_start=plan.start,
                project_end=plan.end,
                opens_at=local_at(plan.opens, 9),
                closes_at=local_at(plan.closes, 17),
                installment_plan=[
                    {"percent": 50, "condition": "on_signing"},
                    {"percent": 30, "condition": "midterm_passed"},
                    {"percent": 20, "condition": "final_passed"},
                ],
            )
            rubric = TENDER_RUBRIC if plan.route == Route.TENDER else REVIEW_RUBRIC
            plan.criteria = writers.write_criteria(self.w, plan.id, rubric)
            for kind in EvaluationKind:
                plan.eval_criteria[kind] = writers.write_criteria(
                    self.w, plan.id, EVALUATION_RUBRIC, kind=kind
                )
            writers.write_reporting_plan(self.w, plan.id, plan.frequency, staff=staff, at=created)
        self.w.progress("calls")

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
        # the installments' ledger figures (paid total, payment dates, route, number), likewise
        refresh_ledger_figures(db.session.connection())
        refresh_awaiting_contract(db.session.connection())  # the contracts module's, likewise
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
