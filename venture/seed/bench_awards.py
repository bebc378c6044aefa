"""The bench city's calls taken to their awards: applications and screening, panels and score
sheets, rankings, targeted designations, tenders with bids, and the calls' budgets (a mixin of
`venture.seed.bench.Generator`)."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from venture.announcements.enums import AnnouncementKind
from venture.applications.enums import ApplicationState
from venture.applications.models import Application, ApplicationNumberCounter
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.extensions import db
from venture.procurement.enums import (
    BidState,
    DesignationReason,
    EvaluationMethod,
    TenderMethod,
)
from venture.procurement.models import Bid, Designation, Tender
from venture.review.enums import Aggregation
from venture.review.models import ReviewerProfile
from venture.seed import writers
from venture.seed.bench_plan import (
    AWARDED_PHASES,
    BUDGET_ITEMS,
    OPEN,
    PROJECT_THEMES,
    REVIEWING,
    SHEET_COMMENTS,
    AwardPlan,
    half,
    local_at,
    money,
)


class Awards:
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
            own = money(amount * Decimal(rng.choice([0, 0, 5, 10])) / 100)
            lines.append((position, category, item, unit, quantity, amount, amount - own, own))
        requested = sum((line[6] for line in lines), Decimal("0.00"))
        own_funds = sum((line[7] for line in lines), Decimal("0.00"))
        created = local_at(plan.opens + timedelta(days=rng.randint(0, 5)), rng.randint(9, 17))
        submitted = state != ApplicationState.DRAFT
        submitted_at = (
            local_at(submitted_on, rng.randint(9, 20), rng.randint(0, 59)) if submitted else None
        )
        beneficiaries = rng.randint(60, 800)
        team = f"项目负责人{self.person()}（中级社工师），专职社工2名，志愿者15名。"
        served = plan.communities[: rng.randint(1, 3)]
        app_id = writers.write_application(
            self.w,
            member=member,
            lines=lines,
            milestones=[
                ("完成需求调研与队伍组建", plan.start + timedelta(days=120), "调研报告、活动记录"),
                ("完成全部服务活动与总结", plan.start + timedelta(days=240), "结项报告"),
            ],
            communities=served,
            created=created,
            call_id=plan.id,
            organization_id=org,
            number=self.number(plan) if submitted else None,
            state=state,
            title=title,
            category_id=plan.category[0],
            target_group=f"{plan.category[1]}服务对象及其家庭",
            beneficiaries=beneficiaries,
            project_start=plan.start,
            project_end=plan.end,
            declaration=submitted,
            submitted_at=submitted_at,
            needs_analysis="经入户走访和问卷调查，辖区内相关居民服务需求突出，现有服务供给不足。",
            objectives="1. 定期开展服务活动；2. 建立志愿服务队伍；3. 服务满意度达到90%以上。",
            team=team,
            activity_plan="每月开展2次集中活动，每周开展入户探访，季度召开居民议事会。",
            requested_amount=requested,
            own_funds=own_funds,
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
        after = "eligible" if outcome == "mark_eligible" else "ineligible"
        writers.write_application_step(
            self.w, app["id"], outcome, "submitted", after, actor=self.staff[0], at=at
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
                screened = local_at(plan.closes + timedelta(days=5), 10)
                if state == ApplicationState.WITHDRAWN:
                    writers.write_application_step(
                        self.w,
                        app["id"],
                        "withdraw",
                        "submitted",
                        "withdrawn",
                        actor=self.members[org],
                        at=app["submitted_at"] + timedelta(days=1),
                    )
                elif state == ApplicationState.INELIGIBLE:
                    self.screen(plan, app, "mark_ineligible", screened)
                elif state == ApplicationState.UNDER_REVIEW:
                    self.screen(plan, app, "mark_eligible", screened)
                    writers.write_application_step(
                        self.w,
                        app["id"],
                        "start_review",
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
        # reviewer1 sits on every venture-grant panel: the benchmarks' big queue
        pool = self.reviewers[1:]
        if plan.route == Route.VENTURE_GRANT:
            members = [self.reviewers[0]] + self.rng.sample(pool, size - 1)
        else:
            members = self.rng.sample(pool, size)
        plan.members = members
        plan.panel_id = writers.write_panel(
            self.w,
            plan.id,
            members,
            staff=self.staff[0],
            formed=local_at(plan.closes + timedelta(days=6), 10),
            k=k,
            aggregation=Aggregation.TRIMMED if k >= 5 else Aggregation.MEAN,
            deadline=plan.closes + timedelta(days=20),
            proposed=local_at(plan.closes + timedelta(days=22), 16)
            if plan.phase in AWARDED_PHASES
            else None,
        )

    def sheet(self, plan, app, reviewer, lean, step):
        """One assignment; step 0-2 submitted, 3 a draft sheet, 4 not opened yet."""
        rng = self.rng
        opened = local_at(plan.closes + timedelta(days=rng.randint(8, 18)), rng.randint(8, 22))
        reviewer_user = self.reviewer_user(reviewer)
        assignment = writers.write_assignment(
            self.w,
            plan.panel_id,
            app["id"],
            reviewer,
            reviewer_user=reviewer_user,
            staff=self.staff[0],
            formed=local_at(plan.closes + timedelta(days=7), 10),
            opened=opened,
            declared=step < 4,
        )
        if step == 4:
            return None
        scores = []
        for cid, top in plan.criteria:
            share = min(max(app["quality"] + lean + rng.gauss(0, 0.06), 0.2), 1.0)
            scores.append((cid, half(share * top)))
        return writers.write_review_sheet(
            self.w,
            assignment,
            scores,
            reviewer_user=reviewer_user,
            comment=rng.choice(SHEET_COMMENTS),
            at=opened,
            submitted=step < 3,
        )

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
            proposed = local_at(plan.closes + timedelta(days=22), 16)
            final = local_at(plan.closes + timedelta(days=32), 9, 30)
            announcement = self.announcement(
                plan,
                AnnouncementKind.REVIEW_RESULT,
                plan.title.replace("征集公告", "评审结果公示"),
                proposed,
                None,
            )
            for rank, app in enumerate(ranked, 1):
                won = rank <= len(funded)
                writers.write_application_step(
                    self.w,
                    app["id"],
                    "propose_award" if won else "not_select",
                    "under_review",
                    "proposed" if won else "not_selected",
                    actor=staff,
                    at=proposed,
                )
                app["state"] = ApplicationState.AWARDED if won else ApplicationState.NOT_SELECTED
                decided[app["state"]].append(app["id"])
                if not won:
                    continue
                writers.write_application_step(
                    self.w, app["id"], "confirm_award", "proposed", "awarded", actor=staff, at=final
                )
                award = self.award(
                    plan, app["org"], app["requested"], rank=rank, proposed=proposed, final=final,
                    application_id=app["id"],
                )  # fmt: skip
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
        return writers.write_announcement(
            self.w,
            call=plan.id,
            kind=kind,
            title=title,
            published=published,
            subject=subject,
            staff=self.staff[0],
            final=plan.phase in AWARDED_PHASES,
        )

    def award(self, plan, org, amount, *, rank, proposed, final, **subject):
        return writers.write_award(
            self.w,
            call=plan.id,
            route=plan.route,
            org=org,
            amount=amount,
            rank=rank,
            staff=self.staff[0],
            proposed=proposed,
            final=final,
            **subject,
        )

    # ── targeted purchases and tenders ──────────────────────────────────────────────────────

    def targeted(self):
        for plan in self.plans:
            if plan.route != Route.TARGETED:
                continue
            staff = self.staff[0]
            plan.apps = []
            orgs = self.rng.sample(self.orgs[1:], self.scale.designations_per_call)
            for n, org in enumerate(orgs):
                drafted = local_at(plan.opens, 10)
                announced = local_at(plan.opens + timedelta(days=2), 10)
                final = local_at(plan.closes + timedelta(days=10), 9)
                app = self.application(
                    plan,
                    org,
                    ApplicationState.AWARDED,
                    submitted_on=plan.opens + timedelta(days=5 + n % 10),
                )
                plan.apps.append(app)
                self.screen(plan, app, "mark_eligible", announced + timedelta(days=8))
                writers.write_application_step(
                    self.w, app["id"], "confirm_award", "eligible", "awarded", actor=staff, at=final
                )
                designation = self.w.new_id(Designation.__table__)
                announcement = self.announcement(
                    plan,
                    AnnouncementKind.DESIGNATION,
                    f"{app['title']}定向委托公示",
                    announced,
                    ("Designation", designation),
                )
                writers.write_designation(
                    self.w,
                    designation,
                    staff=staff,
                    drafted=drafted,
                    announced=announced,
                    final=final,
                    service=app["title"],
                    call_id=plan.id,
                    organization_id=org,
                    service_content="按服务需求清单提供全年服务。",
                    amount=app["requested"],
                    term_start=plan.start,
                    term_end=plan.end,
                    reason=self.rng.choice(list(DesignationReason)),
                    justification="该组织长期在本社区提供同类服务，具备唯一的服务能力与居民信任基础。",
                    application_id=app["id"],
                    announcement_id=announcement,
                )
                award = self.award(
                    plan, org, app["requested"], rank=None, proposed=announced, final=final,
                    application_id=app["id"], justification="定向委托公示期满无异议。",
                )  # fmt: skip
                plan.awards.append(
                    AwardPlan(award, org, app["requested"], app["title"], app, final.date())
                )
        self.w.progress("targeted purchases")

    def tenders(self):
        for plan in self.plans:
            if plan.route == Route.TENDER:
                self.tender(plan)
        self.w.progress("tenders and bids")

    def tender(self, plan):
        rng, staff = self.rng, self.staff[0]
        plan.apps = []
        ceiling = Decimal(rng.randint(30, 80) * 10000)
        opening = local_at(plan.closes, 17)
        tender_id = self.w.new_id(Tender.__table__)
        announcement = self.announcement(
            plan,
            AnnouncementKind.TENDER_RESULT,
            plan.title + "中标结果公示",
            opening + timedelta(days=8),
            ("Tender", tender_id),
        )
        writers.write_tender(
            self.w,
            tender_id,
            staff=staff,
            created=local_at(plan.opens, 9),
            opening=opening,
            call_id=plan.id,
            method=TenderMethod.OPEN,
            evaluation=EvaluationMethod.COMPREHENSIVE,
            requirements="服务覆盖辖区全部社区；配备专职社工不少于5名；全年服务不少于2000人次。",
            budget_ceiling=ceiling,
            price_weight=Decimal(30),
            required_documents="",
            opening_place="区政务服务中心开标室",
            announcement_id=announcement,
        )
        orgs = rng.sample(self.orgs[1:], self.scale.bids_per_tender)
        bids = []
        for n, org in enumerate(orgs):
            price = money(ceiling * Decimal(rng.uniform(0.78, 0.99)))
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
            bid["technical"] = money(sum(technical) / len(technical))
            bid["price_score"] = money(lowest / bid["price"] * 30)
            bid["total"] = bid["technical"] + bid["price_score"]
        ranked = sorted((b for b in bids if b["compliant"]), key=lambda b: -b["total"])
        for rank, bid in enumerate(ranked, 1):
            bid["rank"] = rank
        for bid in bids:
            submitted = opening - timedelta(days=rng.randint(1, 9), hours=rng.randint(1, 6))
            state = (
                BidState.NON_COMPLIANT
                if not bid["compliant"]
                else BidState.WON
                if bid.get("rank") == 1
                else BidState.LOST
            )
            writers.write_bid(
                self.w,
                bid["id"],
                member=self.members[bid["org"]],
                staff=staff,
                submitted=submitted,
                opening=opening,
                decided=opening + timedelta(days=6),
                tender_id=tender_id,
                organization_id=bid["org"],
                state=state,
                price=bid["price"],
                approach="组建专业服务团队，分片区开展入户服务与集中活动。",
                team="项目主管1名，专职社工5名，志愿者30名。",
                schedule="签约后一个月内完成需求评估，按季度推进服务。",
                quality="建立服务质量督导与满意度回访机制。",
                compliance_reasons=None if bid["compliant"] else ["资质证明文件不全"],
                technical_score=bid.get("technical"),
                price_score=bid.get("price_score"),
                total_score=bid.get("total"),
                rank=bid.get("rank"),
            )
        self.w.flush()  # the bids before their sheets and the award that points at one
        for bid in bids:
            for reviewer, at, scores, total in bid.get("sheets", []):
                writers.write_bid_sheet(
                    self.w,
                    bid["id"],
                    reviewer,
                    panel=plan.panel_id,
                    reviewer_user=self.reviewer_user(reviewer),
                    at=at,
                    scores=scores,
                    total=total,
                    comment="方案完整，响应招标要求。",
                )
        winner = ranked[0]
        final = opening + timedelta(days=18)
        award = self.award(
            plan, winner["org"], winner["price"], rank=1, proposed=opening + timedelta(days=6),
            final=final, bid_id=winner["id"],
        )  # fmt: skip
        title = plan.title.split("（")[0] + "服务"
        plan.awards.append(
            AwardPlan(award, winner["org"], winner["price"], title, None, final.date())
        )

    def bid_marks(self, plan, bid, reviewer, opening):
        """(reviewer, when, [(criterion, score)], total) of one member's sheet on a bid."""
        rng = self.rng
        at = opening + timedelta(days=rng.randint(2, 4), hours=rng.randint(0, 8))
        scores = []
        for cid, top in plan.criteria:
            scores.append((cid, half(min(max(bid["quality"] + rng.gauss(0, 0.05), 0.2), 1) * top)))
        return reviewer, at, scores, sum((s for _c, s in scores), Decimal("0.0"))

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
