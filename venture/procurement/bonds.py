"""投标保证金 (bid bonds): the tender's bond, the bidder's payment or guarantee letter,
finance's confirmation, refund due dates in working days, overdue refunds and the ledger.

Rules:
- the bond is at most 2% of the procurement budget (政府采购法实施条例 第三十三条);
- refunds are due within 5 working days: to unsuccessful bidders from the award notice, to the
  winner from the signing of the contract (财政部令第87号 第三十八条); when the tender fails
  (废标) and the procurement ends, from the failure (同令 第二十九条).

Finance sees who paid a bond before the opening (it must, to confirm receipt); the amounts and
names stay off every page that staff, panels or the public read until the opening.
"""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from venture.auth.enums import Role
from venture.core import audit
from venture.core.files import store_required_upload
from venture.core.lifecycle import TransitionRefused
from venture.core.money import format_yuan
from venture.core.timeutil import local_today, now, to_local
from venture.core.workdays import _all_overrides, _nth_working_day, add_working_days
from venture.extensions import db
from venture.procurement.enums import AwardState
from venture.procurement.permissions import UNOPENED, is_bidder_member
from venture.procurement.practice_enums import BondForm, BondState
from venture.procurement.practice_models import BidBond

BOND_MAX_SHARE = Decimal("0.02")  # 实施条例 第三十三条
REFUND_WORKING_DAYS = 5  # 87号令 第三十八条、第二十九条
REFERENCE_MAX = 100


class BondError(TransitionRefused):
    """A refused bond operation; field names the form field to show it on."""


def can_handle_bonds(user):
    """Finance confirms receipt and records refunds."""
    return user.is_authenticated and user.has_role(Role.FINANCE)


def bond_cap(budget):
    """The largest bond a tender of this budget may ask: 2%, to the fen (rounded down)."""
    return (Decimal(budget) * BOND_MAX_SHARE).quantize(Decimal("0.01"), rounding="ROUND_DOWN")


def bond_amount_refusal(amount, budget):
    """Why amount cannot be the bond of a tender with this budget, or None."""
    if amount is None:
        return None
    if amount <= 0:
        return _("The bid bond must be more than 0, or left empty when none is required.")
    cap = bond_cap(budget)
    if amount > cap:
        return _(
            "The bid bond may be at most 2%% of the procurement budget (政府采购法实施条例 "
            "第三十三条): at most %(cap)s for a budget of %(budget)s; %(amount)s is too much.",
            cap=format_yuan(cap),
            budget=format_yuan(budget),
            amount=format_yuan(amount),
        )
    return None


# ── the bidder records the bond ─────────────────────────────────────────────────────────────


def record_bond(bid, *, form, amount, reference, proof, actor):
    """The bidder records a transfer with its proof, or uploads a guarantee letter (保函).

    A bond finance has not confirmed yet (or did not accept) is replaced; a confirmed one
    stays as it is.
    """
    from venture.procurement.rules import timing_problems

    tender = bid.tender
    if not is_bidder_member(actor, bid):
        raise BondError(_("You are not allowed to do this."))
    if tender.bond_amount is None:
        raise BondError(_("This tender does not ask for a bid bond."))
    if bid.state not in UNOPENED:
        raise BondError(_("The bid was opened; its bond can no longer be recorded."))
    problems = timing_problems(bid)
    if problems:
        raise BondError(problems[0])
    existing = bid.bond
    if existing is not None and existing.state in (BondState.CONFIRMED, BondState.REFUNDED):
        raise BondError(_("Finance has confirmed the bond already."))
    try:
        form = BondForm(form)
    except ValueError:
        raise BondError(_("Choose how the bond is given."), "form") from None
    if amount is None or amount < tender.bond_amount:
        raise BondError(
            _(
                "The bond of this tender is %(amount)s; record at least that amount.",
                amount=format_yuan(tender.bond_amount),
            ),
            "amount",
        )
    reference = (reference or "").strip()
    if not reference:
        raise BondError(
            _("Give the transfer's serial number or the guarantee letter's number."), "reference"
        )
    if len(reference) > REFERENCE_MAX:
        raise BondError(
            _("The number is longer than %(max)d characters.", max=REFERENCE_MAX), "reference"
        )
    missing = _("Upload the bank's proof of the transfer or the guarantee letter.")
    stored = store_required_upload(proof, BondError, "proof", missing, actor=actor)
    existing, before = audit.found_or_added(
        existing, lambda: BidBond(bid=bid), ("state", "amount", "form")
    )
    existing.form, existing.amount, existing.reference = form, amount, reference
    existing.proof = stored
    existing.state = BondState.RECORDED
    existing.recorded_at, existing.recorded_by_id = now(), actor.id
    existing.rejection_reason = None
    audit.record(
        "bid_bond.record",
        existing,
        actor=actor,
        before=before,
        after={"state": existing.state, "amount": amount, "form": form},
    )
    return existing


# ── finance ─────────────────────────────────────────────────────────────────────────────────


def _require_finance(actor):
    if not can_handle_bonds(actor):
        raise BondError(_("Only finance confirms bonds and records refunds."))


def _move(bond, action, state, *, actor, reason=None, **noted):
    """Finance moves the bond to state, logged as bid_bond.<action> with what is noted."""
    before = {"state": bond.state}
    bond.state = state
    after = {"state": state, **noted}
    audit.record(f"bid_bond.{action}", bond, actor=actor, before=before, after=after, reason=reason)


def confirm_bond(bond, *, actor):
    """Finance confirms the money arrived (or holds the guarantee letter)."""
    _require_finance(actor)
    if bond.state != BondState.RECORDED:
        raise BondError(_("Only a recorded bond can be confirmed."))
    bond.confirmed_at, bond.confirmed_by_id = now(), actor.id
    _move(bond, "confirm", BondState.CONFIRMED, actor=actor, amount=bond.amount)


def reject_bond(bond, *, reason, actor):
    """Finance found no matching receipt: the bidder may record it again before the deadline."""
    _require_finance(actor)
    reason = (reason or "").strip()
    if not reason:
        raise BondError(_("Please give a reason."), "reason")
    if bond.state != BondState.RECORDED:
        raise BondError(_("Only a recorded bond can be refused."))
    bond.rejection_reason = reason
    _move(bond, "reject", BondState.REJECTED, actor=actor, reason=reason)


def refund_bond(bond, *, actor):
    """Finance paid the bond back (or returned the guarantee letter)."""
    _require_finance(actor)
    if bond.state != BondState.CONFIRMED:
        raise BondError(_("Only a confirmed bond can be refunded."))
    if refund_basis(bond) is None:
        raise BondError(
            _("The bond is refunded after the award notice, the contract or a failure.")
        )
    due = refund_due(bond)
    bond.refunded_at, bond.refunded_by_id = now(), actor.id
    _move(bond, "refund", BondState.REFUNDED, actor=actor, amount=bond.amount, due=due)


# ── refund due dates ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class RefundBasis:
    """The event a refund is counted from: its Beijing date and what it was."""

    day: date
    event: str


def refund_due_after(day):
    """The last day of a refund: the fifth working day after day (day itself not counted)."""
    return add_working_days(day, REFUND_WORKING_DAYS)


def refund_bases(bonds):
    """{bond.id: RefundBasis or None} for many bonds in three queries (failures, final
    awards, the winners' contracts), whatever their number."""
    from venture.procurement.models import Award
    from venture.procurement.practice_models import TenderFailure

    bonds = list(bonds)
    if not bonds:
        return {}
    tender_ids = {b.bid.tender_id for b in bonds}
    call_ids = {b.bid.tender.call_id for b in bonds}
    failures = {
        f.tender_id: f
        for f in db.session.scalars(
            select(TenderFailure).where(TenderFailure.tender_id.in_(tender_ids))
        )
    }
    awards = {
        a.call_id: a
        for a in db.session.scalars(
            select(Award)
            .where(Award.call_id.in_(call_ids), Award.state == AwardState.FINAL)
            .options(selectinload(Award.contract))
        )
    }
    bases = {}
    for bond in bonds:
        bid = bond.bid
        failure = failures.get(bid.tender_id)
        award = awards.get(bid.tender.call_id)
        if failure is not None:
            basis = RefundBasis(to_local(failure.declared_at).date(), str(_l("the tender failed")))
        elif award is None or award.final_at is None:
            basis = None
        elif award.bid_id == bid.id:
            signed = _signed_on(award.contract)
            basis = RefundBasis(signed, str(_l("the contract was signed"))) if signed else None
        else:
            basis = RefundBasis(
                to_local(award.final_at).date(), str(_l("the award notice was issued"))
            )
        bases[bond.id] = basis
    return bases


def _signed_on(contract):
    if contract is None:
        return None
    if contract.signed_on is not None:
        return contract.signed_on
    if contract.signature_confirmed_at is not None:
        return to_local(contract.signature_confirmed_at).date()
    return None


def refund_basis(bond):
    """From which event the refund is counted, or None while the bond is still held."""
    return refund_bases([bond])[bond.id]


def refund_due(bond):
    """The last day to refund the bond, or None while it is still held."""
    basis = refund_basis(bond)
    return refund_due_after(basis.day) if basis else None


def refund_dues(bonds):
    """{bond.id: last refund day or None} for many bonds (a fixed number of queries: admin's
    working-day corrections are read once, not once per bond)."""
    overrides = _all_overrides()
    return {
        bond_id: _nth_working_day(basis.day, REFUND_WORKING_DAYS, overrides) if basis else None
        for bond_id, basis in refund_bases(bonds).items()
    }


def bonds_to_refund():
    """Confirmed bonds not yet refunded, with their due dates (None: not yet due)."""
    from venture.procurement.models import Bid

    bonds = db.session.scalars(
        select(BidBond)
        .where(BidBond.state == BondState.CONFIRMED)
        .options(selectinload(BidBond.bid).selectinload(Bid.tender))
        .order_by(BidBond.id)
    ).all()
    dues = refund_dues(bonds)
    return [(bond, dues[bond.id]) for bond in bonds]


def overdue_refunds(today=None):
    """(bond, due) of confirmed bonds whose refund day has passed, oldest first."""
    today = today or local_today()
    late = [(b, due) for b, due in bonds_to_refund() if due is not None and due < today]
    return sorted(late, key=lambda pair: (pair[1], pair[0].id))


# ── the ledger (保证金台账) ─────────────────────────────────────────────────────────────────


def ledger_rows():
    """Every bond: tender, bidder, form, amount, state, times, refund due and refund."""
    from venture.core.formatting import local_date, local_datetime
    from venture.procurement.models import Bid

    bonds = db.session.scalars(
        select(BidBond)
        .options(selectinload(BidBond.bid).selectinload(Bid.tender))
        .order_by(BidBond.recorded_at, BidBond.id)
    ).all()
    dues = refund_dues(b for b in bonds if b.state in (BondState.CONFIRMED, BondState.REFUNDED))
    rows = []
    for bond in bonds:
        due = dues.get(bond.id)
        rows.append(
            [
                bond.bid.tender.call.title,
                bond.bid.organization.name,
                bond.bid.organization.credit_code,
                str(bond.form.label),
                bond.amount,
                bond.reference,
                str(bond.state.label),
                local_datetime(bond.recorded_at),
                local_datetime(bond.confirmed_at),
                local_date(due) if due else "",
                local_datetime(bond.refunded_at),
            ]
        )
    return rows


def ledger_headers():
    return [
        _("Tender"),
        _("Bidder"),
        _("Credit code"),
        _("Form"),
        _("Amount"),
        _("Transfer or letter number"),
        _("State"),
        _("Recorded at"),
        _("Confirmed at"),
        _("Refund due by"),
        _("Refunded at"),
    ]


def write_xlsx(title, headers, rows):
    """The bond ledger as XLSX, written through the shared formula-safe writer."""
    from openpyxl import Workbook

    from venture.core.spreadsheet import append_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    append_row(sheet, [str(h) for h in headers])
    for row in rows:
        append_row(sheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ledger_xlsx():
    return write_xlsx(str(_("Bid bonds")), ledger_headers(), ledger_rows())
