"""Contract numbers: per year and route, never reused, unique under concurrent drafting."""

import threading

import pytest
from sqlalchemy import select

from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.contracts import operations
from venture.contracts.models import Contract, ContractCounter
from venture.core.timeutil import local_today
from venture.extensions import db


def test_contract_number_reads_district_route_year_sequence():
    assert operations.contract_number(Route.VENTURE_GRANT, 2026, 7) == "XF-GYCT-2026-0007"
    assert operations.contract_number(Route.TENDER, 2027, 123) == "XF-ZTB-2027-0123"


def test_numbers_count_per_route_within_the_year(make):
    year = local_today().year
    first = make.contract("1000.00")
    second = make.contract("1000.00")
    targeted = make.contract("1000.00", route="targeted")
    assert [first.number, second.number, targeted.number] == [
        f"XF-GYCT-{year}-0001",
        f"XF-GYCT-{year}-0002",
        f"XF-DXGM-{year}-0001",
    ]


def test_number_of_a_rolled_back_draft_is_not_given_again(make):
    staff = make.user(Role.STAFF)
    kept = make.award("1000.00", staff=staff)
    dropped = make.award("1000.00", staff=staff)
    operations.draft_contract(dropped, actor=staff)
    db.session.commit()
    db.session.delete(db.session.scalars(select(Contract)).one())  # e.g. removed by a DBA
    db.session.commit()
    contract = operations.draft_contract(kept, actor=staff)
    db.session.commit()
    assert contract.sequence == 2


def test_concurrent_drafts_get_distinct_numbers(app, make):
    """Threads with their own sessions draft at once (SQLite here, PostgreSQL in CI)."""
    staff = make.user(Role.STAFF)
    award_ids = [make.award("1000.00", staff=staff).id for _ in range(8)]
    staff_id = staff.id
    barrier = threading.Barrier(len(award_ids))
    errors = []

    def draft(award_id):
        from venture.auth.models import User
        from venture.procurement.models import Award

        with app.app_context():
            try:
                actor = db.session.get(User, staff_id)
                award = db.session.get(Award, award_id)
                barrier.wait()
                operations.draft_contract(award, actor=actor)
                db.session.commit()
            except Exception as error:  # reported below; a thread cannot fail the test itself
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=draft, args=(award_id,)) for award_id in award_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    sequences = sorted(db.session.scalars(select(Contract.sequence)))
    assert sequences == list(range(1, 9))
    counter = db.session.scalars(select(ContractCounter)).one()
    assert (counter.route, counter.last) == (Route.VENTURE_GRANT, 8)


def test_counter_row_is_unique_per_year_and_route(make):
    db.session.add(ContractCounter(year=2030, route=Route.TENDER, last=1))
    db.session.commit()
    db.session.add(ContractCounter(year=2030, route=Route.TENDER, last=5))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()
