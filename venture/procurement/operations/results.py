"""Scores, ranking, the award proposal and the tender result (中标候选人公示)."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.announcements.enums import AnnouncementState
from venture.announcements.operations import publish_about, register_finaliser
from venture.calls.enums import Route
from venture.core import audit
from venture.core.lifecycle import transition
from venture.core.money import format_yuan
from venture.core.pdf import render_pdf
from venture.core.timeutil import now
from venture.documents.enums import DocumentKind
from venture.documents.operations import issue_pdf
from venture.extensions import db
from venture.procurement import scoring
from venture.procurement.awards import proposed_awards
from venture.procurement.enums import AwardState, BidState, EvaluationMethod
from venture.procurement.lifecycle import AWARD_WORKFLOW, BID_WORKFLOW
from venture.procurement.models import Award, Bid, Tender
from venture.procurement.opening import opened_bids
from venture.procurement.operations.common import ProcurementError, active_members, notify_link
from venture.procurement.operations.designations import propose_designation_award
from venture.procurement.operations.evaluation import (
    _require_evaluating,
    compliant_bids,
    submitted_sheets,
    tender_panel,
)
from venture.procurement.routes import register_route, route_for
from venture.procurement.rules import tender_of
from venture.review import operations as review
from venture.review import results as review_results


def compute_scores(tender, *, actor):
    """Scores and ranking of the compliant bids; they become scored.

    Comprehensive: technical = mean of the members' sheet totals, price score by formula,
    total = technical + price score (scoring.py). Lowest price: ranked by price alone.
    """
    _require_evaluating(tender)
    if tender.compliance_checked_at is None:
        raise ProcurementError(_("Check the compliance of the bids first."))
    panel = tender_panel(tender)
    if panel is None:
        raise ProcurementError(_("Form the evaluation panel first."))
    if len(panel.regular_members) != panel.size:
        raise ProcurementError(
            _(
                "The panel has %(n)d of its %(size)d members after a member stepped back; "
                "dissolve it and form it again.",
                n=len(panel.regular_members),
                size=panel.size,
            )
        )
    bids = compliant_bids(tender)
    if not bids:
        raise ProcurementError(_("No bid is compliant: the tender fails (废标)."))
    if tender.evaluation == EvaluationMethod.COMPREHENSIVE:
        sheets = submitted_sheets(tender)
        expected = len(panel.regular_members)
        missing = sum(max(0, expected - len(sheets.get(b.id, []))) for b in bids)
        if missing:
            raise ProcurementError(_("%(n)d score sheets are not submitted yet.", n=missing))
        prices = scoring.price_scores({b.id: b.price for b in bids}, tender.price_weight)
        for bid in bids:
            bid.technical_score = scoring.technical_score(s.total for s in sheets[bid.id])
            bid.price_score = prices[bid.id]
            bid.total_score = bid.technical_score + bid.price_score
        ordered = scoring.rank_comprehensive(bids)
    else:
        ordered = scoring.rank_lowest_price(bids)
    for position, bid in enumerate(ordered, start=1):
        bid.rank = position
        transition(BID_WORKFLOW, bid, "score", actor=actor)
        audit.record(
            "bid.score",
            bid,
            actor=actor,
            after={
                "rank": position,
                "technical": bid.technical_score,
                "price_score": bid.price_score,
                "total": bid.total_score,
            },
        )
    tender.scored_at = now()
    return ordered


def ranked_bids(tender):
    """The scored (and then won or lost) bids by rank."""
    return db.session.scalars(
        select(Bid)
        .where(
            Bid.tender_id == tender.id,
            Bid.state.in_((BidState.SCORED, BidState.WON, BidState.LOST)),
        )
        .order_by(Bid.rank)
    ).all()


def propose_tender_award(tender, *, actor):
    """The proposed award of the top-ranked bid at its price (中标候选人)."""
    existing = db.session.scalar(
        select(Award).where(Award.call_id == tender.call_id, Award.state == AwardState.PROPOSED)
    )
    if existing is not None:
        return existing
    ranked = ranked_bids(tender)
    if tender.scored_at is None or not ranked:
        raise ProcurementError(_("Score and rank the bids first."))
    winner = ranked[0]
    award = Award(
        call_id=tender.call_id,
        organization_id=winner.organization_id,
        bid_id=winner.id,
        route=tender.call.route,
        amount=winner.price,
        state=AwardState.PROPOSED,
        rank=1,
        created_by_id=actor.id,
    )
    db.session.add(award)
    tender.proposed_at = now()
    audit.record(
        "award.propose",
        award,
        actor=actor,
        after={"bid_id": winner.id, "amount": winner.price, "rank": 1},
    )
    return award


def publish_tender_result(tender, *, title, introduction, period_days, actor):
    """中标候选人公示: the winner, price, ranking and panel, for at least three working days."""
    route = route_for(tender.call)
    if not isinstance(period_days, int) or period_days < route.minimum_announcement_days:
        raise ProcurementError(
            _(
                "The result is announced for at least %(least)d working days.",
                least=route.minimum_announcement_days,
            ),
            "period_days",
        )
    current = tender.announcement
    if current is not None and current.state != AnnouncementState.WITHDRAWN:
        raise ProcurementError(_("The result is published already."))
    award = route.make_awards(tender.call, actor=actor)[0]
    panel = tender_panel(tender)
    with force_locale("zh_CN"):
        body = render_template(
            "procurement/tender_result_announcement.html",
            tender=tender,
            call=tender.call,
            award=award,
            bids=ranked_bids(tender),
            panel=panel,
            introduction=(introduction or "").strip(),
        )
    tender.announcement = publish_about(
        "tender.publish_result",
        tender,
        kind=route.announcement_kind,
        title=title,
        body=body,
        period_days=period_days,
        actor=actor,
        after={"award_id": award.id},
    )
    return tender.announcement


def render_award_notice(tender, award, verify=None):
    with force_locale("zh_CN"):
        return render_pdf(
            "pdf/tender_award_notice.html",
            tender=tender,
            call=tender.call,
            award=award,
            verify=verify,
        )


def finalise_tender_result(announcement, actor):
    """Finaliser of "tender_result": the award becomes final, the winner won and the other
    scored bids lost; the award notice (中标通知书) is issued."""
    tender = announcement.subject
    if not isinstance(tender, Tender):
        raise ProcurementError(_("This announcement is not a tender result."))
    award = db.session.scalar(
        select(Award).where(Award.call_id == tender.call_id, Award.state == AwardState.PROPOSED)
    )
    if award is None:
        raise ProcurementError(_("The tender has no proposed award."))
    transition(AWARD_WORKFLOW, award, "confirm", actor=actor)
    award.final_at = now()
    for bid in ranked_bids(tender):
        if bid.state == BidState.SCORED:
            transition(BID_WORKFLOW, bid, "win" if bid.id == award.bid_id else "lose", actor=actor)
    db.session.flush()
    # issued with a verification code and the office's signature (venture/documents)
    tender.award_notice = issue_pdf(
        DocumentKind.AWARD_NOTICE,
        award,
        lambda mark: render_award_notice(tender, award, mark),
        reference=tender.call.title[:60],
        title=f"中标通知书：{tender.call.title}",
        parties=[award.organization.name],
        amount=award.amount,
        name=f"中标通知书-{award.organization.name}.pdf",
        actor=actor,
    ).file
    for bid in opened_bids(tender):
        won = bid.id == award.bid_id
        notify_link(
            active_members(bid.organization),
            _l("Tender result: %(title)s", title=tender.call.title),
            _l(
                "Your bid won. The award notice (中标通知书) can be downloaded; staff will "
                "prepare the contract."
            )
            if won
            else _l(
                "Your bid did not win. The winner is %(org)s at %(price)s.",
                org=award.organization.name,
                price=format_yuan(award.amount),
            ),
            "procurement.tender",
            tender_id=tender.id,
        )


register_finaliser("tender_result", finalise_tender_result)


# ── what each route does with its records (procurement/routes.py) ──────────────────────────


def _grant_candidates(call):
    panel = review.panel_of(call.id)
    return review_results.ranking(panel).rows if panel is not None else []


def _grant_awards(call, *, actor, ranking, decisions):
    review.propose_awards(review.panel_of(call.id), ranking, decisions, actor=actor)
    return proposed_awards(call.id)


def _designation_awards(call, *, actor, **_decision):
    return [propose_designation_award(call, actor=actor)]


def _tender_candidates(call):
    tender = tender_of(call.id)
    return ranked_bids(tender) if tender is not None else []


def _tender_awards(call, *, actor, **_decision):
    return [propose_tender_award(tender_of(call.id), actor=actor)]


register_route(Route.VENTURE_GRANT, result_candidates=_grant_candidates, make_awards=_grant_awards)
register_route(Route.TARGETED, make_awards=_designation_awards)
register_route(Route.TENDER, result_candidates=_tender_candidates, make_awards=_tender_awards)
