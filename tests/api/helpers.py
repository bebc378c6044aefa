"""Builders for API tests: a tender call taken through award, contract and payment, and the
OCDS 1.1.5 schema loaded from the shared folder (no $ref is ever fetched)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests import factories
from tests.procurement import helpers as procurement
from tests.procurement.test_designation import _on
from venture.announcements.operations import finalise_announcement
from venture.auth.enums import Role
from venture.contracts import operations as contracts
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.payments import operations as payments
from venture.procurement import operations as procurement_ops
from venture.procurement.enums import AwardState
from venture.procurement.models import Award

# a copy of ../shared/ocds-1.1.5 (licence in its LICENSE), so the tests run from any folder
OCDS = Path(__file__).resolve().parent / "ocds-1.1.5"


def ocds_validator(name="release-package-schema.json"):
    """A Draft 4 validator of the OCDS schema whose $refs resolve to the local files."""
    schemas = {p.name: json.loads(p.read_text()) for p in OCDS.glob("*-schema.json")}
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in schemas.values()
    )
    return Draft4Validator(
        schemas[name], registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def ocds_errors(package):
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in ocds_validator().iter_errors(package)
    ]


def tender_through_payment(monkeypatch, *, prices=("90000.00", "100000.00", "120000.00")):
    """A published tender with bids, opened, scored, its result announced and final, the
    contract signed and in force, and the first installment paid. Returns a dict of records."""
    staff = factories.user(Role.STAFF)
    finance = factories.user(Role.FINANCE)
    tender = procurement.published_tender(staff=staff, ceiling="150000.00")
    bids = [procurement.bid(tender, price) for price in prices]
    procurement.evaluated(tender, {b: [30, 20] for b in bids}, staff=staff)
    _on(monkeypatch, date(2026, 4, 2))
    announcement = procurement_ops.publish_tender_result(
        tender, title="中标结果公示", introduction="", period_days=3, actor=staff
    )
    db.session.commit()
    _on(monkeypatch, date(2026, 4, 9))
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    monkeypatch.undo()
    award = db.session.query(Award).one()
    assert award.state == AwardState.FINAL
    contract = contracts.draft_contract(award, actor=staff)
    db.session.commit()
    contracts.issue_contract(contract, actor=staff)
    contracts.upload_signed_scan(
        contract, procurement.pdf("signed.pdf"), actor=bids[0].member, reason="纸质签署"
    )
    contracts.confirm_signature(contract, actor=staff)
    db.session.commit()
    first = contract.installments[0]
    payments.approve_release(first, actor=staff)
    db.session.commit()
    payment = payments.record_payment(
        first,
        amount=first.amount,
        paid_on=local_today(),
        voucher_no="记-001",
        bank_reference="HX20260301001",
        actor=finance,
    )
    db.session.commit()
    return {
        "tender": tender,
        "call": tender.call,
        "bids": bids,
        "award": award,
        "contract": contract,
        "payment": payment,
        "staff": staff,
        "finance": finance,
        "announcement": announcement,
        "amount": Decimal(prices[0]),
    }
