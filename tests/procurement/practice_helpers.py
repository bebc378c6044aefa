"""Builders for tender-practice tests: a tender asking for a bond, bonds paid and confirmed."""

from decimal import Decimal

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.procurement import bonds

BOND = Decimal("2000.00")


def bonded_tender(staff=None, bond=BOND, **kwargs):
    """A published tender (budget ¥200,000.00) asking for a bid bond."""
    tender = helpers.published_tender(staff=staff, **kwargs)
    tender.bond_amount = bond
    db.session.commit()
    return tender


def pay_bond(bid, *, finance=None, confirm=True, form="transfer"):
    """The bidder records the bond; finance confirms it (unless confirm is False)."""
    bond = bonds.record_bond(
        bid,
        form=form,
        amount=bid.tender.bond_amount,
        reference="HX2026093000017",
        proof=helpers.pdf("转账回单.pdf"),
        actor=bid.member,
    )
    if confirm:
        bonds.confirm_bond(bond, actor=finance or factories.user(Role.FINANCE))
    db.session.commit()
    return bond
