"""Evaluation (评标): compliance, the tender panel and its members' score sheets.

The panel, its members and their sheets are review's (venture/review): this module checks the
tender's rules and calls review's public functions.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.core import audit
from venture.core.lifecycle import transition
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement import rules
from venture.procurement.enums import BidState, EvaluationMethod
from venture.procurement.lifecycle import BID_WORKFLOW
from venture.procurement.models import Bid
from venture.procurement.opening import opened_bids
from venture.procurement.operations.common import ProcurementError, notify_link
from venture.review import sheets as review_sheets
from venture.review.enums import SheetState

# ── evaluation (评标) ────────────────────────────────────────────────────────────────────────


def _require_evaluating(tender):
    from venture.procurement.opening import evaluation_blocker

    if not tender.is_opened:
        raise ProcurementError(_("Open the bids first."))
    if tender.scored_at is not None:
        raise ProcurementError(_("The bids are scored; the evaluation is closed."))
    blocker = evaluation_blocker(tender)
    if blocker:
        raise ProcurementError(blocker)


def check_compliance(tender, *, actor):
    """符合性审查: price above the ceiling or a missing required document makes an opened bid
    non-compliant, with the reasons; the others are compliant."""
    _require_evaluating(tender)
    for bid in db.session.scalars(
        select(Bid).where(Bid.tender_id == tender.id, Bid.state == BidState.OPENED)
    ):
        reasons = [str(r) for r in rules.compliance_reasons(bid)]
        bid.compliance_reasons = reasons
        if reasons:
            transition(
                BID_WORKFLOW, bid, "find_non_compliant", actor=actor, reason="; ".join(reasons)
            )
        else:
            transition(BID_WORKFLOW, bid, "find_compliant", actor=actor)
    tender.compliance_checked_at = now()


def mark_non_compliant(bid, *, reason, actor):
    """The panel or staff find a compliant bid non-compliant for another reason."""
    _require_evaluating(bid.tender)
    reason = (reason or "").strip()
    transition(BID_WORKFLOW, bid, "find_non_compliant", actor=actor, reason=reason)
    bid.compliance_reasons = [*(bid.compliance_reasons or []), reason]


def bidder_org_ids(tender):
    return {bid.organization_id for bid in opened_bids(tender)}


def tied_experts(tender, reviewer_ids):
    """{reviewer_id} of experts tied to any opened bidder (ties within three years, or a
    member of the bidder): they may not sit on the panel (回避)."""
    from venture.review.operations import tied_organizations

    bidders = bidder_org_ids(tender)
    ties = tied_organizations(reviewer_ids)
    return {r for r in reviewer_ids if ties.get(r, set()) & bidders}


def _new_tender_panel(tender, *, method, size, actor):
    from venture.review.models import Panel
    from venture.review.operations import panel_of
    from venture.review.rules import panel_size_refusal

    _require_evaluating(tender)
    if panel_of(tender.call_id) is not None:
        raise ProcurementError(_("This tender has a panel already; dissolve it first."))
    refusal = panel_size_refusal(size, tender.call)
    if refusal:
        raise ProcurementError(str(refusal), "size")
    panel = Panel(
        call=tender.call,
        method=method,
        size=size,
        reviewers_per_application=size,
        formed_by_id=actor.id,
    )
    db.session.add(panel)
    return panel


def form_tender_panel(tender, *, member_ids, reserve_ids, actor):
    """评标委员会 chosen by staff from active experts with no tie to any bidder."""
    from venture.review.enums import PanelMethod
    from venture.review.operations import active_experts, seat_chosen

    member_ids, reserve_ids = list(dict.fromkeys(member_ids)), list(dict.fromkeys(reserve_ids))
    if set(member_ids) & set(reserve_ids):
        raise ProcurementError(_("An expert cannot be both a member and a reserve."), "member_ids")
    experts = active_experts([*member_ids, *reserve_ids])
    if len(experts) != len(member_ids) + len(reserve_ids):
        raise ProcurementError(_("Only active experts of the pool can sit on a panel."))
    tied = tied_experts(tender, list(experts))
    if tied:
        raise ProcurementError(
            _(
                "Tied to a bidder, so they may not evaluate this tender (回避): %(names)s.",
                names="、".join(experts[i].name for i in sorted(tied)),
            ),
            "member_ids",
        )
    panel = _new_tender_panel(tender, method=PanelMethod.MANUAL, size=len(member_ids), actor=actor)
    noted = {"call_id": tender.call_id}
    seat_chosen(panel, experts, member_ids, reserve_ids, actor=actor, noted=noted)
    return panel


def draw_tender_panel(tender, *, category_ids, size, reserves, seed, actor):
    """A panel drawn at random (seed recorded) from experts with no tie to any bidder."""
    from venture.review import draw
    from venture.review.enums import PanelMethod
    from venture.review.operations import draw_candidates, seat_drawn

    _require_evaluating(tender)
    seed = (seed or "").strip() or draw.new_seed()
    pool = draw_candidates(category_ids)
    excluded = tied_experts(tender, pool)
    candidates = [r for r in pool if r not in excluded]
    if size + reserves > len(candidates):
        raise ProcurementError(
            _(
                "Only %(n)d experts without a tie to a bidder match; %(needed)d are needed.",
                n=len(candidates),
                needed=size + reserves,
            ),
            "size",
        )
    panel = _new_tender_panel(tender, method=PanelMethod.DRAW, size=size, actor=actor)
    excluded_for_ties = ",".join(map(str, sorted(excluded)))
    noted = {"call_id": tender.call_id, "excluded_for_ties": excluded_for_ties}
    seat_drawn(panel, candidates, reserves, seed, category_ids, actor=actor, noted=noted)
    return panel


def tender_panel(tender):
    from venture.review.operations import panel_of

    return panel_of(tender.call_id)


def dissolve_tender_panel(tender, *, actor):
    panel = tender_panel(tender)
    if panel is None:
        raise ProcurementError(_("The tender has no panel."))
    _require_evaluating(tender)
    sheets = review_sheets.bid_sheets(_bid_ids(tender))
    if any(sheet.state == SheetState.SUBMITTED for sheet in sheets):
        raise ProcurementError(_("Members have submitted sheets; the panel can no longer change."))
    review_sheets.discard_sheets(sheets)
    audit.record("panel.dissolve", panel, actor=actor, before={"call_id": tender.call_id})
    db.session.delete(panel)


def declare_tender_conflict(tender, *, reason, actor):
    """回避: a panel member tied to a bidder steps back before submitting any sheet; the first
    reserve takes the seat (without one, staff dissolve and form the panel again)."""
    panel = tender_panel(tender)
    member = next(
        (m for m in (panel.regular_members if panel else []) if m.reviewer.user_id == actor.id),
        None,
    )
    if member is None:
        raise ProcurementError(_("You are not allowed to do this."))
    _require_evaluating(tender)
    reason = (reason or "").strip()
    if not reason:
        raise ProcurementError(_("Please give a reason."), "reason")
    sheets = review_sheets.bid_sheets(_bid_ids(tender), reviewer_ids=[member.reviewer_id])
    if any(sheet.state == SheetState.SUBMITTED for sheet in sheets):
        raise ProcurementError(
            _("Your sheets are submitted; a conflict can no longer be declared.")
        )
    review_sheets.discard_sheets(sheets)
    reserve = next(iter(panel.reserve_members), None)
    panel.members.remove(member)
    if reserve is not None:
        reserve.reserve = False
    audit.record(
        "panel.conflict",
        panel,
        actor=actor,
        after={
            "stepped_back": member.reviewer.name,
            "replaced_by": reserve.reviewer.name if reserve else None,
        },
        reason=reason,
    )
    notify_link(
        [panel.formed_by] + ([reserve.reviewer.user] if reserve else []),
        _l("A panel member stepped back (回避): %(title)s", title=tender.call.title),
        _l(
            "%(name)s stepped back from evaluating “%(title)s”: %(reason)s. %(next)s",
            name=member.reviewer.name,
            title=tender.call.title,
            reason=reason,
            next=_l("%(name)s, a reserve, takes the seat.", name=reserve.reviewer.name)
            if reserve
            else _l("No reserve is left: dissolve the panel and form it again."),
        ),
        "procurement.evaluation",
        tender_id=tender.id,
    )
    return reserve


def is_member_of(panel, user):
    return any(m.reviewer.user_id == user.id for m in panel.regular_members)


def compliant_bids(tender):
    return db.session.scalars(
        select(Bid)
        .where(Bid.tender_id == tender.id, Bid.state == BidState.COMPLIANT)
        .order_by(Bid.submitted_at, Bid.id)
    ).all()


def _bid_ids(tender):
    return select(Bid.id).where(Bid.tender_id == tender.id)


def existing_sheet(bid, reviewer):
    return review_sheets.bid_sheet(bid.id, reviewer.id)


def sheet_for(bid, reviewer):
    """The member's sheet on the bid (review's shared sheet), made on the first save."""
    return review_sheets.open_bid_sheet(tender_panel(bid.tender), bid=bid, reviewer=reviewer)


def sheet_states(reviewer, bids):
    """{bid_id: SheetState} of the member's sheets on the bids."""
    return review_sheets.bid_sheet_states(reviewer.id, [b.id for b in bids])


def _check_sheet(sheet, actor):
    bid, reviewer = sheet.assignment.bid, sheet.assignment.reviewer
    tender = bid.tender
    panel = tender_panel(tender)
    if panel is None or not is_member_of(panel, actor) or reviewer.user_id != actor.id:
        raise ProcurementError(_("You are not allowed to do this."))
    if tender.evaluation != EvaluationMethod.COMPREHENSIVE:
        raise ProcurementError(_("Lowest-price evaluation has no technical scores."))
    _require_evaluating(tender)
    if bid.state != BidState.COMPLIANT:
        raise ProcurementError(_("Only compliant bids are scored."))
    if sheet.state != SheetState.DRAFT:
        raise ProcurementError(_("This sheet is submitted and final."))
    from venture.procurement.conflicts import undeclared_refusal

    undeclared = undeclared_refusal(bid, reviewer)
    if undeclared:
        raise ProcurementError(undeclared)


def save_bid_sheet(sheet, *, entries, overall_comment, actor):
    """Keep what was typed; {criterion_id: message} for values that are not scores."""
    from venture.review.operations import criteria_of

    _check_sheet(sheet, actor)
    bid = sheet.assignment.bid
    errors = review_sheets.write_entries(
        sheet, criteria_of(bid.tender.call_id), entries, overall_comment
    )
    audit.record("bid_sheet.save", sheet, actor=actor, after={"bid_id": bid.id})
    return errors


class SheetIncomplete(ProcurementError):
    def __init__(self, errors):
        super().__init__(_("The sheet was saved as a draft but not submitted: see the marks."))
        self.errors = errors


def submit_bid_sheet(sheet, *, entries, overall_comment, actor):
    """Save, then submit when every criterion has a valid score (else SheetIncomplete, with
    the draft saved: the caller commits either way)."""
    from venture.review.operations import criteria_of

    errors = save_bid_sheet(sheet, entries=entries, overall_comment=overall_comment, actor=actor)
    bid = sheet.assignment.bid
    criteria = criteria_of(bid.tender.call_id)
    errors = review_sheets.unscored(sheet, criteria, errors)
    if errors:
        raise SheetIncomplete(errors)
    sheet.state = SheetState.SUBMITTED
    sheet.total = review_sheets.total_of(sheet, criteria)
    sheet.submitted_at = now()
    audit.record(
        "bid_sheet.submit", sheet, actor=actor, after={"bid_id": bid.id, "total": sheet.total}
    )


def submitted_sheets(tender):
    """{bid_id: [sheet]} of the regular members' submitted sheets."""
    panel = tender_panel(tender)
    members = [m.reviewer_id for m in panel.regular_members] if panel else []
    sheets = review_sheets.bid_sheets(_bid_ids(tender), reviewer_ids=members, submitted=True)
    result = {}
    for sheet in sheets:
        result.setdefault(sheet.assignment.bid_id, []).append(sheet)
    return result
