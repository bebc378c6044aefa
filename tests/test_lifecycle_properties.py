"""Lifecycle integrity: random sequences of actions by random roles through the real operations,
with the platform's promises checked after every step.

Invariants: the awards of a call stay within its budget; installments add up to their
contract's amount; payments never exceed their installment nor their contract; no sealed bid is
readable (predicate and staff pages) before the opening; every state change has its audit rows,
one per transition and in order, and the audit chain verifies; every rule registered with
`flask integrity check` (venture.integrity) finds nothing.

The clock moves: it starts on a fixed day and rules move it on by calendar days and by Chinese
working days (across weekends and holidays), so deadlines pass while the machine runs.
"""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine
from flask import g
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests import factories
from tests.procurement import helpers as tenders
from tests.review import helpers as reviews
from venture.applications import operations as applications
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.contracts import operations as contracts
from venture.contracts.models import Contract
from venture.core import audit
from venture.core.files import store_bytes
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import local_today, now
from venture.core.workdays import add_working_days
from venture.extensions import db
from venture.integrity.checks import run_checks
from venture.payments import operations as payments
from venture.payments.models import Installment, Payment
from venture.procurement import operations as procurement
from venture.procurement.enums import AwardState
from venture.procurement.models import Award, Bid
from venture.procurement.permissions import can_read_bid
from venture.review import operations as review
from venture.review import results

REFUSALS = (
    TransitionRefused,
    applications.ApplicationError,
    applications.SubmissionRefused,
    contracts.ContractError,
    payments.PaymentRefused,
)
BID_PRICE = "87654.32"
ROLES = ["staff", "second_staff", "finance", "admin", "reviewer", "member", "other_member"]
# Tuesday 2026-09-29, 10:00 in Asia/Shanghai: the National Day holidays and the 10-10 make-up
# working day lie ahead, so moving by working days crosses them
START = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


def role(right):
    """Mostly the role that may act, sometimes any other."""
    return st.one_of(st.just(right), st.just(right), st.sampled_from(ROLES))


AMOUNTS = st.decimals(min_value=-1000, max_value=400000, places=2, allow_nan=False)


def _stateful_models():
    """Every mapped class with a `state` column: the records workflows move."""
    found = []
    for mapper in db.Model.registry.mappers:
        table = getattr(mapper.class_, "__table__", None)
        if table is not None and "state" in table.c:
            found.append(mapper.class_)
    return found


def _states():
    snapshot = {}
    for model in _stateful_models():
        rows = db.session.execute(sa.select(model.__table__.c.id, model.__table__.c.state))
        for row_id, state in rows:
            snapshot[(model.__name__, row_id)] = getattr(state, "value", state)
    return snapshot


def _state_rows_after(seq):
    """Audit rows past seq that record a state change (before and after carry a state)."""
    entries = db.session.scalars(
        sa.select(audit.AuditEntry).where(audit.AuditEntry.seq > seq).order_by(audit.AuditEntry.seq)
    )
    found = []
    for entry in entries:
        before = json.loads(entry.before) if entry.before else {}
        after = json.loads(entry.after) if entry.after else {}
        if (
            isinstance(before, dict)
            and isinstance(after, dict)
            and "state" in before
            and "state" in after
            and before["state"] != after["state"]
        ):
            found.append(entry)
    return found


def _last_seq():
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(audit.AuditEntry.seq), 0)))


def _empty_tables():
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


class Lifecycle(RuleBasedStateMachine):
    """One review call, one tender and contracts on final awards, driven at random."""

    def __init__(self):
        super().__init__()
        self.clock = time_machine.travel(START, tick=True)
        self.moved = self.clock.start()
        _empty_tables()
        self.client = self._app.test_client()
        self.seq = 0
        self.states = {}

    _app = None

    # -- setup -----------------------------------------------------------------------------

    @initialize(budget=st.sampled_from(["150000.00", "250000.00", "300000.00"]))
    def setup(self, budget):
        self.people = {
            "staff": factories.user(Role.STAFF),
            "second_staff": factories.user(Role.STAFF),
            "finance": factories.user(Role.FINANCE),
            "admin": factories.user(Role.ADMIN),
        }
        staff = self.people["staff"]
        self.call = reviews.call(budget=budget, cap="100000.00", staff=staff)
        self.criteria = reviews.rubric(self.call, staff=staff)
        self.apps = [reviews.application(self.call, requested="90000.00") for _ in range(3)]
        experts = [reviews.expert(staff=staff) for _ in range(3)]
        self.people["reviewer"] = experts[0].user
        self.panel = reviews.panel(self.call, experts, staff=staff)
        reviews.assign(self.panel, staff=staff)
        self.tender = tenders.published_tender(staff=staff)
        self.people["member"] = factories.member()
        self.people["other_member"] = factories.member()
        self.open_call = factories.call("open", staff=staff)
        self.drafts = []
        self.contracts = []
        db.session.commit()
        self.seq = _last_seq()
        self.states = _states()

    # -- helpers ---------------------------------------------------------------------------

    def _do(self, action):
        """Run one action and commit; a refusal rolls back and is fine, anything else fails."""
        try:
            action()
            db.session.commit()
        except REFUSALS:
            db.session.rollback()
        g.__dict__.clear()

    def _who(self, role):
        return self.people[role]

    # -- applications ----------------------------------------------------------------------

    @rule()
    def new_draft(self):
        made = factories.application(self.open_call, state="draft")
        self.drafts.append(made)

    @precondition(lambda self: self.drafts)
    @rule(data=st.data(), role=role("owner"))
    def submit_draft(self, data, role):
        app = data.draw(st.sampled_from(self.drafts))
        actor = factories.member(app.organization) if role == "owner" else self._who(role)
        self._do(lambda: applications.submit_application(app, actor=actor))

    @rule(days=st.integers(1, 20))
    def days_pass(self, days):
        """Calendar days go by."""
        self.moved.shift(timedelta(days=days))

    @rule(n=st.integers(1, 8))
    def working_days_pass(self, n):
        """Chinese working days go by (weekends, holidays and make-up days counted)."""
        today = local_today()
        self.moved.shift(add_working_days(today, n) - today)

    @rule()
    def deadline_passes(self):
        """Time moves on: the tender's deadline and opening time pass (once: an opening that
        happened keeps its time)."""
        if not self.tender.is_opened:
            tenders.pass_deadline(self.tender)

    @precondition(lambda self: self.drafts)
    @rule(
        data=st.data(),
        role=role("staff"),
        action=st.sampled_from(["mark_eligible", "mark_ineligible", "return_for_correction"]),
        met=st.booleans(),
    )
    def screen(self, data, role, action, met):
        app = data.draw(st.sampled_from(self.drafts))
        checklist = [(item, met) for item in app.call.eligibility.splitlines()]
        self._do(
            lambda: applications.screen_application(
                app,
                action,
                actor=self._who(role),
                reason="材料不全" if action != "mark_eligible" else None,
                checklist=checklist,
                deadline=now() + timedelta(days=5) if action == "return_for_correction" else None,
            )
        )

    # -- review and awards -----------------------------------------------------------------

    @rule(data=st.data(), overshoot=st.booleans())
    def score(self, data, overshoot):
        assignments = [
            a for a in review.assignments_of(self.panel) if a.is_active and not a.is_submitted
        ]
        if not assignments:
            return
        assignment = data.draw(st.sampled_from(assignments))
        scores = [
            data.draw(st.integers(0, int(c.max_score) + (5 if overshoot else 0)))
            for c in self.criteria
        ]

        self._submit(assignment, scores)

    def _submit(self, assignment, scores):
        def act():
            sheet = assignment.sheet or review.declare_no_conflict(
                assignment, actor=assignment.reviewer.user
            )
            entries = {c.id: (str(s), "") for c, s in zip(self.criteria, scores, strict=True)}
            review.submit_sheet(
                sheet, entries=entries, overall_comment="", actor=assignment.reviewer.user
            )

        self._do(act)

    @rule(score=st.integers(0, 30))
    def panel_finishes(self, score):
        """Every reviewer still scoring submits a valid sheet."""
        for assignment in review.assignments_of(self.panel):
            if assignment.is_active and not assignment.is_submitted:
                self._submit(assignment, [score] * len(self.criteria))

    @rule(amounts=st.lists(st.one_of(st.none(), AMOUNTS), min_size=3, max_size=3))
    def propose(self, amounts):
        ranking = results.ranking(self.panel).rows
        decisions = {
            app.id: (amount, "排名靠后但社区急需")
            for app, amount in zip(self.apps, amounts, strict=True)
        }
        self._do(
            lambda: review.propose_awards(self.panel, ranking, decisions, actor=self._who("staff"))
        )

    # -- contracts and payments ------------------------------------------------------------

    @rule(amount=st.decimals(min_value=1, max_value=300000, places=2))
    def draft_contract(self, amount):
        award = factories.award(str(amount), staff=self._who("staff"))
        self._do(
            lambda: self.contracts.append(contracts.draft_contract(award, actor=self._who("staff")))
        )

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), role=role("staff"))
    def issue(self, data, role):
        contract = data.draw(st.sampled_from(self.contracts))
        self._do(lambda: contracts.issue_contract(contract, actor=self._who(role)))

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), role=role("staff"))
    def sign(self, data, role):
        contract = data.draw(st.sampled_from(self.contracts))

        def act():
            if contract.signed_scan is None:
                contract.signed_scan = store_bytes(
                    b"%PDF-1.4 signed", name="signed.pdf", content_type="application/pdf"
                )
            contracts.confirm_signature(contract, actor=self._who(role))

        self._do(act)

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), role=role("staff"))
    def put_in_force(self, data, role):
        contract = data.draw(st.sampled_from(self.contracts))
        self._do(lambda: contracts.decide_contract(contract, "put_in_force", actor=self._who(role)))

    def _installments(self):
        return [i for c in self.contracts for i in c.installments]

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), role=role("staff"))
    def approve(self, data, role):
        installments = self._installments()
        if not installments:
            return
        installment = data.draw(st.sampled_from(installments))
        self._do(lambda: payments.approve_release(installment, actor=self._who(role)))

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), role=role("staff"))
    def record_condition(self, data, role):
        """Staff say a condition holds: refused unless its event happened."""
        installment = data.draw(st.sampled_from(self._installments() or [None]))
        if installment is not None:
            self._do(
                lambda: payments.set_condition_met(
                    installment, actor=self._who(role), reason="中期评估合格后"
                )
            )

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), role=role("staff"), confirm=role("second_staff"))
    def condition_exception(self, data, role, confirm):
        """One staff member asks for an exception, another (or anyone at random) confirms."""
        installment = data.draw(st.sampled_from(self._installments() or [None]))
        if installment is None:
            return
        self._do(
            lambda: payments.request_condition_override(
                installment, reason="评估机构延期", actor=self._who(role)
            )
        )
        self._do(lambda: payments.confirm_condition_override(installment, actor=self._who(confirm)))

    @precondition(lambda self: self.contracts)
    @rule(
        data=st.data(),
        role=role("finance"),
        amount=AMOUNTS,
        days_ago=st.integers(-3, 30),
    )
    def pay(self, data, role, amount, days_ago):
        installments = self._installments()
        if not installments:
            return
        installment = data.draw(st.sampled_from(installments))
        self._do(
            lambda: payments.record_payment(
                installment,
                amount=amount,
                paid_on=local_today() - timedelta(days=days_ago),
                voucher_no=f"记-{installment.id}-{days_ago}",
                bank_reference="BOC2026",
                actor=self._who(role),
            )
        )

    # -- tender ----------------------------------------------------------------------------

    @rule()
    def place_bid(self):
        def act():
            tenders.bid(self.tender, BID_PRICE)

        self._do(act)

    @rule(role=role("staff"))
    def open_tender(self, role):
        self._do(lambda: procurement.open_tender(self.tender, actor=self._who(role)))

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def awards_within_budget(self):
        rows = db.session.execute(
            sa.select(Call.id, Call.total_budget, sa.func.sum(Award.amount))
            .join(Award, Award.call_id == Call.id)
            .where(Award.state != AwardState.CANCELLED)
            .group_by(Call.id, Call.total_budget)
        )
        for call_id, budget, total in rows:
            assert total <= budget, (call_id, total, budget)

    @invariant()
    def installments_sum_to_contract(self):
        for contract in db.session.scalars(sa.select(Contract)):
            assert sum(i.amount for i in contract.installments) == contract.amount

    @invariant()
    def payments_within_installments(self):
        paid = dict(
            db.session.execute(
                sa.select(Payment.installment_id, sa.func.sum(Payment.amount)).group_by(
                    Payment.installment_id
                )
            ).all()
        )
        per_contract = {}
        for installment in db.session.scalars(sa.select(Installment)):
            total = paid.get(installment.id, Decimal("0"))
            assert total <= installment.amount, (installment.id, total, installment.amount)
            per_contract[installment.contract_id] = (
                per_contract.get(installment.contract_id, Decimal("0")) + total
            )
        for contract in db.session.scalars(sa.select(Contract)):
            assert per_contract.get(contract.id, Decimal("0")) <= contract.amount

    @invariant()
    def sealed_bids_unreadable(self):
        if not hasattr(self, "tender"):
            return
        bids = db.session.scalars(sa.select(Bid).where(Bid.tender_id == self.tender.id)).all()
        if self.tender.is_opened:
            return
        staff_page = None
        for bid in bids:
            for role in ("staff", "admin", "reviewer", "other_member", "finance"):
                assert not can_read_bid(self._who(role), bid), (role, bid.id)
            if staff_page is None:
                self.client.post(
                    "/login",
                    data={"email": self._who("staff").email, "password": factories.PASSWORD},
                )
                staff_page = True
            for url in (f"/bids/{bid.id}", f"/staff/tenders/{self.tender.id}/evaluation"):
                response = self.client.get(url)
                assert response.status_code < 500
                assert BID_PRICE.encode() not in response.get_data()
                assert b"87,654.32" not in response.get_data()
            g.__dict__.clear()

    @invariant()
    def every_state_change_audited(self):
        if not hasattr(self, "people"):
            return
        current = _states()
        rows = _state_rows_after(self.seq)
        chains = {}
        for entry in rows:
            chains.setdefault((entry.object_type, entry.object_id), []).append(entry)
        for key, entries in chains.items():
            states = [json.loads(e.before)["state"] for e in entries] + [
                json.loads(entries[-1].after)["state"]
            ]
            for earlier, later in zip(entries, entries[1:], strict=False):
                assert json.loads(earlier.after)["state"] == json.loads(later.before)["state"]
            if key in self.states:
                assert states[0] == self.states[key], (key, states, self.states[key])
            assert states[-1] == current[key], (key, states, current.get(key))
        for key, state in current.items():
            if key in self.states and self.states[key] != state:
                assert key in chains, f"{key} went {self.states[key]} → {state} unaudited"
        self.seq = _last_seq()
        self.states = current

    @invariant()
    def audit_chain_intact(self):
        _checked, broken = audit.verify_chain()
        assert broken is None, broken.seq

    @invariant()
    def integrity_check_finds_nothing(self):
        """Every rule of `flask integrity check` holds after every step."""
        assert [str(f) for f in run_checks()] == []

    def teardown(self):
        g.__dict__.clear()
        _empty_tables()
        self.clock.stop()


@pytest.mark.filterwarnings("ignore")
def test_lifecycle_keeps_its_promises_under_random_actions(app):
    Lifecycle._app = app
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=8,
            stateful_step_count=40,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
