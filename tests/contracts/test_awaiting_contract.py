"""award.awaiting_contract (the staff home's "awards waiting for a contract") is kept right by
every flush that confirms or cancels an award or drafts a contract from one, and checked by
`flask integrity check`."""

import sqlalchemy as sa

from venture.auth.enums import Role
from venture.contracts import operations
from venture.contracts.work import staff_contract_counts
from venture.core.lifecycle import transition
from venture.extensions import db
from venture.integrity.checks import run_checks
from venture.procurement.enums import AwardState
from venture.procurement.lifecycle import AWARD_WORKFLOW
from venture.procurement.models import Award


def _awaiting():
    """The awards stored as waiting for a contract, and the staff home's count of them."""
    stored = db.session.scalars(
        sa.select(Award.id).where(Award.awaiting_contract.is_(True)).order_by(Award.id)
    ).all()
    return stored, db.session.scalar(sa.select(staff_contract_counts()["awards_waiting"]))


def _proposed(make):
    award = make.award()
    db.session.execute(
        sa.update(Award)
        .where(Award.id == award.id)
        .values(state=AwardState.PROPOSED, awaiting_contract=False)
    )
    db.session.commit()
    db.session.refresh(award)
    return award


def test_a_final_award_awaits_a_contract_until_one_is_drafted(app, make):
    staff = make.user(Role.STAFF)
    award = make.award()
    assert _awaiting() == ([award.id], 1)
    operations.draft_contract(award, actor=staff)
    db.session.commit()
    assert _awaiting() == ([], 0)


def test_confirming_an_award_makes_it_await_a_contract_and_cancelling_does_not(app, make):
    staff = make.user(Role.STAFF)
    confirmed, cancelled = _proposed(make), _proposed(make)
    assert _awaiting() == ([], 0)
    transition(AWARD_WORKFLOW, confirmed, "confirm", actor=staff)
    transition(AWARD_WORKFLOW, cancelled, "cancel", actor=staff, reason="撤回")
    db.session.commit()
    assert (confirmed.state, cancelled.state) == (AwardState.FINAL, AwardState.CANCELLED)
    assert _awaiting() == ([confirmed.id], 1)


def test_a_contract_drafted_with_its_award_in_one_flush_leaves_nothing_waiting(app, make):
    contract = make.contract("2000.00")
    assert contract.award.awaiting_contract is False
    assert _awaiting() == ([], 0)


def test_integrity_check_finds_a_stored_awaiting_contract_that_is_wrong(app, make):
    award = make.award()
    drafted = make.contract("3000.00").award
    assert [f for f in run_checks() if f.rule == "money.award_awaiting_contract"] == []
    db.session.execute(sa.update(Award).values(awaiting_contract=sa.not_(Award.awaiting_contract)))
    db.session.commit()
    findings = [f for f in run_checks() if f.rule == "money.award_awaiting_contract"]
    assert sorted((f.record, f.detail) for f in findings) == sorted(
        [
            (f"award {award.id}", "stored awaiting_contract False, it is True"),
            (f"award {drafted.id}", "stored awaiting_contract True, it is False"),
        ]
    )
