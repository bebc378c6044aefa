"""The bench city's awards through delivery: contracts, installments and payments, projects,
progress reports, evaluations and the settlement of a closed project's surplus (a mixin of
`venture.seed.bench.Generator`)."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from venture.contracts.models import ContractCounter
from venture.core.money import split_by_percentages
from venture.core.timeutil import LOCAL_TZ
from venture.delivery.enums import BeneficiaryGroup, ProjectState, ReportFrequency
from venture.delivery.enums import ReportState as RS
from venture.evaluation.enums import EvaluationKind
from venture.extensions import db
from venture.seed import writers_delivery as writers
from venture.seed.bench_plan import (
    AWARDED_PHASES,
    BUDGET_ITEMS,
    CLOSED,
    DELIVERING,
    STARTED,
    add_months,
    half,
    local_at,
    money,
)
from venture.seed.vocabulary import PLACEHOLDER_PDF

MILESTONES = [
    ("完成需求调研与队伍组建", "调研报告、活动记录"),
    ("完成全部服务活动与总结", "结项报告"),
]


class Delivery:
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
        drafted = local_at(award.decided + timedelta(days=3), 10)
        signed_on = award.decided + timedelta(days=7 + rng.randint(0, 6))
        in_force = local_at(plan.start, 9)
        done = plan.phase == CLOSED
        year = drafted.astimezone(LOCAL_TZ).year
        sequence, number = self.contract_number(plan, year)
        contract = writers.write_contract(
            self.w,
            staff=staff,
            drafted=drafted,
            issued=drafted + timedelta(days=1),
            confirmed=local_at(signed_on + timedelta(days=1), 10),
            in_force=in_force,
            number=number,
            year=year,
            completed=local_at(plan.end + timedelta(days=40), 10) if done else None,
            sequence=sequence,
            route=plan.route,
            award_id=award.id,
            call_id=plan.id,
            organization_id=award.organization,
            application_id=award.application["id"] if award.application else None,
            amount=award.amount,
            title=award.title,
            start_date=plan.start,
            end_date=plan.end,
            signed_on=signed_on,
        )
        # installments: what the phase has paid so far
        paid_count = {CLOSED: 3, DELIVERING: 2, STARTED: 1}[plan.phase]
        moments = [
            in_force,
            local_at(add_months(plan.start, 6) + timedelta(days=10), 10),
            local_at(plan.end + timedelta(days=30), 10),
        ]
        conditions = ["on_signing", "midterm_passed", "final_passed"]
        amounts = split_by_percentages(award.amount, [50, 30, 20])
        for position, (percent, condition, amount, met) in enumerate(
            zip([50, 30, 20], conditions, amounts, moments, strict=True), 1
        ):
            paid = position <= paid_count
            installment = writers.write_installment(
                self.w,
                contract,
                position,
                percent=percent,
                condition=condition,
                amount=amount,
                staff=staff,
                drafted=drafted,
                met=met if paid else None,
            )
            if not paid:
                continue
            paid_at = met + timedelta(days=3)
            parts = [amount] if rng.random() < 0.5 else split_by_percentages(amount, [60, 40])
            so_far = Decimal("0.00")
            for n, part in enumerate(parts):
                writers.write_payment(
                    self.w,
                    installment,
                    n,
                    part=part,
                    owed=amount,
                    so_far=so_far,
                    at=paid_at + timedelta(days=20 * n),
                    finance=finance,
                )
                so_far += part
            writers.write_installment_paid(
                self.w,
                installment,
                finance=finance,
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
        closed = local_at(plan.end + timedelta(days=45), 10) if plan.phase == CLOSED else None
        project = writers.write_project(
            self.w,
            staff=staff,
            in_force=in_force,
            closed=closed,
            activity_plan="每月开展2次集中活动，每周开展入户探访。",
            team="项目负责人1名，专职社工2名，志愿者15名。",
            contract_id=contract,
            call_id=plan.id,
            organization_id=award.organization,
            application_id=app["id"] if app else None,
            title=award.title,
            state=state,
            start_date=plan.start,
            end_date=plan.end,
            planned_beneficiaries=rng.randint(100, 600),
        )
        if app:
            lines = [(p, c, i, req) for p, c, i, _u, _q, _a, req, _o in app["lines"]]
        else:
            shares = split_by_percentages(award.amount, [60, 30, 10])
            lines = [
                (n, c, i, s)
                for (n, (c, i, _u)), s in zip(enumerate(BUDGET_ITEMS, 1), shares, strict=True)
            ]
        plan_lines = [
            (writers.write_plan_line(self.w, project, position, category, item, amount), amount)
            for position, category, item, amount in lines
        ]
        for position, (title, deliverable) in enumerate(MILESTONES, 1):
            due = plan.start + timedelta(days=120 * position)
            writers.write_plan_milestone(
                self.w,
                project,
                position,
                title=title,
                deliverable=deliverable,
                due=due,
                completed_on=due if due < self.today else None,
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
            at = local_at(add_months(plan.start, 6) + timedelta(days=9), 10)
            writers.write_project_step(
                self.w, project, "pass_midterm", "in_force", "midterm_evaluated", actor=staff, at=at
            )
        if plan.phase == CLOSED:
            at = local_at(plan.end + timedelta(days=29), 10)
            writers.write_project_step(
                self.w,
                project,
                "pass_final",
                "midterm_evaluated",
                "final_evaluated",
                actor=staff,
                at=at,
            )
            self.settle_surplus(project, award.amount, spent, staff, closed - timedelta(days=1))
            writers.write_project_step(
                self.w, project, "close", "final_evaluated", "closed", actor=staff, at=closed
            )

    def settle_surplus(self, project, paid, spent, staff, at):
        """结余资金处理 before closing: the surplus returned (venture.integrity.closing). The
        generated settlements share one stored confirmation file: bench data renders no PDFs."""
        from venture.core.files import store_bytes
        from venture.delivery.settlement import DOCUMENT_LABEL, SettlementKind

        if getattr(self, "settlement_file", None) is None:
            self.settlement_file = store_bytes(
                PLACEHOLDER_PDF, name=f"{DOCUMENT_LABEL}.pdf", content_type="application/pdf"
            )
            db.session.flush()
        surplus = paid - spent
        writers.write_settlement(
            self.w,
            project,
            paid=paid,
            spent=spent,
            kind=SettlementKind.RETURNED if surplus else SettlementKind.NONE,
            document=self.settlement_file.id,
            receipt=self.settlement_file.id if surplus else None,
            staff=staff,
            at=at,
        )

    def periods(self, plan):
        months = 1 if plan.frequency == ReportFrequency.MONTHLY else 3
        periods, start = [], plan.start
        while True:
            end = add_months(start, months) - timedelta(days=1)
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
            submitted = local_at(end + timedelta(days=rng.randint(3, 14)), rng.randint(9, 20))
            report = writers.write_report(
                self.w,
                project,
                member=member,
                staff=staff,
                submitted=submitted,
                decided=submitted + timedelta(days=3) if state == RS.ACCEPTED else None,
                title=(
                    f"{start.year}年{start.month}月进度报告"
                    if plan.frequency == ReportFrequency.MONTHLY
                    else f"{start.year}年{start.month}—{end.month}月季度进度报告"
                ),
                period_start=start,
                period_end=end,
                due_on=end + timedelta(days=15),
                summary="本期按计划开展入户探访和集中活动，服务对象参与积极。",
                problems="部分活动受天气影响延期。",
                next_steps="下期继续开展常规服务，筹备阶段性成果展示。",
            )
            writers.write_activity(
                self.w,
                report,
                held_on=start + timedelta(days=10),
                community=plan.communities[report % len(plan.communities)],
                title="社区集中服务活动",
                participants=rng.randint(15, 80),
            )
            for group in (BeneficiaryGroup.RESIDENTS, BeneficiaryGroup.ELDERLY):
                writers.write_beneficiary_count(self.w, report, group, rng.randint(10, 120))
            for line, amount in plan_lines:
                share = amount / max(len(periods), 4)
                spending = money(share * Decimal(rng.uniform(0.7, 1.0)))
                if state == RS.ACCEPTED:
                    spent += spending
                writers.write_expenditure(self.w, report, line, spending)
        return spent

    def evaluation(self, plan, project, kind, member, staff):
        rng = self.rng
        if kind == EvaluationKind.MIDTERM:
            day = add_months(plan.start, 6)
        else:
            day = plan.end + timedelta(days=10)
        scores = [
            (cid, half(top * rng.uniform(0.72, 0.98))) for cid, top in plan.eval_criteria[kind]
        ]
        writers.write_evaluation(
            self.w,
            project,
            kind,
            scores,
            evaluator=self.evaluator,
            staff=staff,
            assigned=local_at(day - timedelta(days=20), 10),
            scored=local_at(day, 15),
            due=day,
        )
