"""The stamp of a call's stored OCDS package: every change of a record its release shows
moves the call's release_version (api.ocds_store.keep_release_version), whatever made the
change; a change elsewhere does not; and the integrity check finds a change that slipped past.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests import factories
from tests.api.helpers import tender_through_payment
from tests.procurement.test_designation import values
from venture.api import ocds_store
from venture.applications.models import Application
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core.timeutil import local_today, now
from venture.extensions import db
from venture.integrity.checks import run_checks
from venture.payments.models import Payment
from venture.procurement import operations as procurement_ops
from venture.procurement.models import Clarification


def _versions():
    return dict(db.session.execute(sa.select(Call.id, Call.release_version)).all())


def _moved(change, records, call):
    """The calls whose release_version the change (committed) moved on."""
    before = _versions()
    change(records)
    db.session.commit()
    after = _versions()
    moved = sorted(i for i in after if after[i] != before.get(i))
    return moved, after[call.id] - before[call.id]


@pytest.fixture
def granted():
    """A venture grant delivered: application, award, contract in force, project; and
    another call that no change below touches."""
    other = factories.project()
    project = factories.project()
    contract = project.contract
    award = contract.award
    return {
        "call": project.call,
        "other": other.call,
        "application": award.application,
        "award": award,
        "contract": contract,
        "installment": contract.installments[0],
        "project": project,
        "staff": factories.user(Role.STAFF),
        "category": factories.category(),
    }


def _pay(r):
    db.session.add(
        Payment(
            installment=r["installment"],
            amount=Decimal("1.00"),
            paid_on=local_today(),
            voucher_no="记-900",
            bank_reference="HX900",
            recorded_by_id=r["staff"].id,
            recorded_at=now(),
        )
    )


def _announce(r):
    factories.announcement(kind="call_notice", title="补充公告", call=r["call"], actor=r["staff"])


GRANT_CHANGES = {
    "the call": lambda r: setattr(r["call"], "title", "新标题"),
    "the call's categories": lambda r: setattr(r["call"], "categories", [r["category"]]),
    "the application": lambda r: setattr(r["application"], "title", "新的项目名称"),
    "the application's milestone": lambda r: setattr(
        r["application"].milestones[0], "title", "新节点"
    ),
    "the award": lambda r: setattr(r["award"], "rank", 3),
    "the contract": lambda r: setattr(r["contract"], "title", "新合同名称"),
    "an installment": lambda r: setattr(r["installment"], "condition_note", "已核实"),
    "a payment added": _pay,
    "an announcement": _announce,
    "the project": lambda r: setattr(r["project"], "title", "新项目名称"),
    "the project's milestone": lambda r: setattr(
        r["project"].milestones[0], "completed_on", local_today()
    ),
    "the supplier's name": lambda r: setattr(r["award"].organization, "name", "新名称服务中心"),
    "the supplier's address": lambda r: setattr(r["award"].organization, "address", "新地址"),
    "a category's name": lambda r: setattr(r["application"].category, "name_zh", "新类别"),
}


@pytest.mark.parametrize("change", GRANT_CHANGES, ids=list(GRANT_CHANGES))
def test_each_change_a_grant_release_shows_moves_its_call_on(granted, change):
    if change == "a category's name":
        granted["call"].categories = [granted["application"].category]
        db.session.commit()
    moved, by = _moved(GRANT_CHANGES[change], granted, granted["call"])
    assert (moved, by) == ([granted["call"].id], 1)


def test_a_removed_payment_moves_its_call_on(granted):
    _pay(granted)
    db.session.commit()
    (payment,) = granted["installment"].payments
    moved, _by = _moved(lambda r: db.session.delete(payment), granted, granted["call"])
    assert moved == [granted["call"].id]


GRANT_UNSHOWN = {
    "the supplier's bank account": lambda r: setattr(
        r["award"].organization, "bank_account", "6222020000000000"
    ),
    "a category's English name": lambda r: setattr(
        r["application"].category, "name_en", "Other care"
    ),
    "a draft application": lambda r: db.session.add(
        Application(
            call=r["call"],
            organization=factories.org(),
            title="草稿",
            created_by_id=r["staff"].id,
        )
    ),
}


@pytest.mark.parametrize("change", GRANT_UNSHOWN, ids=list(GRANT_UNSHOWN))
def test_a_change_no_release_shows_moves_no_call(granted, change):
    assert _moved(GRANT_UNSHOWN[change], granted, granted["call"]) == ([], 0)


def test_editing_a_draft_moves_nothing_and_submitting_it_does(make):
    call = make.call("open")
    draft = make.application(call)
    assert _moved(lambda _r: setattr(draft, "title", "草稿二"), {}, call) == ([], 0)
    draft.number = "2026-GYCT-9001"
    assert _moved(lambda _r: setattr(draft, "state", "submitted"), {}, call) == ([call.id], 1)


@pytest.fixture
def tendered(monkeypatch):
    return tender_through_payment(monkeypatch)


def _clarify(r):
    db.session.add(
        Clarification(
            tender=r["tender"],
            text="补充说明",
            published_at=now(),
            published_by_id=r["staff"].id,
            deadline_before=r["call"].closes_at,
        )
    )


TENDER_CHANGES = {
    "the tender": lambda r: setattr(r["tender"], "opening_place", "二楼会议室"),
    "a clarification": _clarify,
    "a bid": lambda r: setattr(r["bids"][1], "rank", 5),
    "a tenderer's name": lambda r: setattr(r["bids"][2].organization, "name", "另一家中心"),
    "a payment removed": lambda r: db.session.delete(r["payment"]),
    "the announcement": lambda r: setattr(r["announcement"], "title", "中标结果公示（更正）"),
}


@pytest.mark.parametrize("change", TENDER_CHANGES, ids=list(TENDER_CHANGES))
def test_each_change_a_tender_release_shows_moves_its_call_on(tendered, change):
    assert _moved(TENDER_CHANGES[change], tendered, tendered["call"]) == ([tendered["call"].id], 1)


def test_a_designation_moves_its_call_on(make):
    staff = make.user(Role.STAFF)
    call = make.call(route="targeted", staff=staff, cap_per_project="200000.00")
    made = []

    def designate(_r):
        made.append(procurement_ops.create_designation(call, values(make.org()), actor=staff))

    assert _moved(designate, {}, call) == ([call.id], 1)
    change = lambda _r: setattr(made[0], "justification", "更新的理由")  # noqa: E731
    assert _moved(change, {}, call) == ([call.id], 1)


def test_the_stamp_follows_the_version_the_row_and_the_clock(granted, monkeypatch):
    call = granted["call"]
    stamp = ocds_store.release_stamp(call.id)
    assert stamp[:2] == [call.id, call.release_version]
    granted["contract"].title = "又一个名称"
    db.session.commit()
    moved = ocds_store.release_stamp(call.id)
    assert (moved[1], moved[2:]) == (stamp[1] + 1, stamp[2:])
    # the rubric's save is an UPDATE of the call's row outside the ORM: updated_at moves
    from venture.core.concurrency import claim_edit

    claim_edit(call, "rubric_version")
    db.session.commit()
    assert ocds_store.release_stamp(call.id)[2] != stamp[2]
    # a call closes by the clock alone
    open_call = factories.call("open")
    before = ocds_store.release_stamp(open_call.id)
    later = now() + timedelta(days=400)
    monkeypatch.setattr("venture.calls.models.now", lambda: later)
    monkeypatch.setattr("venture.api.ocds_store.now", lambda: later)
    assert (before[3], ocds_store.release_stamp(open_call.id)[3]) == ("open", "closed")


def test_a_draft_call_has_no_stamp(make):
    assert ocds_store.release_stamp(make.call("draft").id) is None


def _package_findings():
    return [str(f) for f in run_checks(["ocds.package_stamp"])]


def test_integrity_check_finds_a_change_that_did_not_move_the_stamp(api, granted):
    call, contract = granted["call"], granted["contract"]
    assert api.get(f"/api/v1/ocds/calls/{call.id}.json").status_code == 200
    assert _package_findings() == []
    # through the ORM: the stamp moves, the stored package is simply built again
    contract.title = "改过的名称"
    db.session.commit()
    assert _package_findings() == []
    assert api.get(f"/api/v1/ocds/calls/{call.id}.json").status_code == 200
    # past the ORM: a row changed and the call's release_version left as it was
    table = type(contract).__table__
    db.session.execute(table.update().where(table.c.id == contract.id).values(title="绕过的名称"))
    db.session.commit()
    assert _package_findings() == [
        f"[ocds.package_stamp] call {call.id}: a record of its release changed after its "
        "stored OCDS package was built, and the call's release_version did not move"
    ]
