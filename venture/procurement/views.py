"""Procurement pages: panel scoring (评标打分) by reviewers, and the home page panels.

The other pages are in designations.py, tenders.py, bids.py, evaluation.py and
practice_views.py, on the same blueprint (blueprint.py); importing this module registers them.
"""

from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import join, outerjoin, select

from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core.access import deny_unless, roles_required
from venture.core.actions import form_page, post_action
from venture.core.json_rows import json_rows, moment
from venture.core.panels import home_figures, home_list, home_panel
from venture.extensions import db
from venture.procurement import operations
from venture.procurement.bids import open_tenders
from venture.procurement.blueprint import bp, get_or_404
from venture.procurement.conflicts import has_declared
from venture.procurement.enums import BidState, DesignationState
from venture.procurement.forms import ConfirmForm, ReasonForm
from venture.procurement.models import Bid, Designation, Tender
from venture.review.enums import SheetState
from venture.review.sheet_views import save_or_submit, typed_sheet

# ── panel scoring (评标打分), reviewers ──────────────────────────────────────────────────────


SCORABLE = (BidState.COMPLIANT, BidState.SCORED, BidState.WON, BidState.LOST)


def _my_panels(user):
    from venture.review.models import Panel, PanelMember, ReviewerProfile

    return db.session.scalars(
        select(Tender)
        .join(Panel, Panel.call_id == Tender.call_id)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .join(ReviewerProfile, ReviewerProfile.id == PanelMember.reviewer_id)
        .where(ReviewerProfile.user_id == user.id, PanelMember.reserve.is_(False))
        .order_by(Tender.opened_at.desc())
    ).all()


@bp.route("/review/tenders")
@roles_required(Role.REVIEWER)
def evaluations():
    """The tenders the reviewer evaluates, with the compliant bids to score."""
    from venture.review.operations import profile_for

    profile = profile_for(current_user)
    rows = []
    for tender in _my_panels(current_user):
        bids = operations.compliant_bids(tender) if tender.scored_at is None else []
        states = {}
        if profile is not None and bids:
            states = operations.sheet_states(profile, bids)
        rows.append((tender, bids, states))
    return render_template(
        "procurement/evaluations.html", rows=rows, reason_form=ReasonForm(formdata=None)
    )


@bp.route("/review/tenders/<int:tender_id>/conflict", methods=["POST"])
@roles_required(Role.REVIEWER)
def declare_conflict(tender_id):
    """回避: the member steps back from the tender's evaluation, with the reason."""
    tender = get_or_404(Tender, tender_id)
    panel = operations.tender_panel(tender)
    deny_unless(panel is not None and operations.is_member_of(panel, current_user), 404)
    form = ReasonForm()
    return post_action(
        lambda: operations.declare_tender_conflict(
            tender, reason=form.reason.data, actor=current_user
        ),
        success=_("You stepped back from this evaluation; staff are told."),
        target=url_for("procurement.evaluations"),
        form=form,
        invalid=_("Please give a reason."),
    )


@bp.route("/review/tenders/bids/<int:bid_id>", methods=["GET", "POST"])
@roles_required(Role.REVIEWER)
def bid_sheet(bid_id):
    """One member's technical scores for one compliant bid."""
    from venture.review.operations import criteria_of, profile_for

    bid = get_or_404(Bid, bid_id)
    tender = bid.tender
    panel = operations.tender_panel(tender)
    deny_unless(panel is not None and operations.is_member_of(panel, current_user), 404)
    deny_unless(bid.state in SCORABLE, 404)
    profile = profile_for(current_user)
    if not has_declared(bid, profile):
        # 回避声明 first, as in venture-grant review: the sheet opens after it
        return form_page(
            "procurement/bid_declare.html",
            bid=bid,
            tender=tender,
            confirm_form=ConfirmForm(),
            reason_form=ReasonForm(formdata=None),
        )
    sheet = operations.existing_sheet(bid, profile)
    criteria = criteria_of(tender.call_id)
    errors = {}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        sheet = sheet or operations.sheet_for(bid, profile)
        entries, comment = typed_sheet(criteria)
        outcome, errors = save_or_submit(
            operations.save_bid_sheet,
            operations.submit_bid_sheet,
            sheet,
            entries=entries,
            overall_comment=comment,
            actor=current_user,
            incomplete=operations.SheetIncomplete,
        )
        if outcome is None:
            return redirect(url_for("procurement.evaluations"))
        if outcome != "incomplete" and sheet.state == SheetState.SUBMITTED:
            flash(_("The sheet is submitted."), "success")
            return redirect(url_for("procurement.evaluations"))
        if outcome != "incomplete":
            flash(_("The draft is saved."), "success" if not errors else "warning")
    return render_template(
        "procurement/bid_sheet.html",
        bid=bid,
        tender=tender,
        sheet=sheet,
        criteria=criteria,
        errors=errors,
        confirm_form=ConfirmForm(),
    ), (400 if errors else 200)


# ── home panels ─────────────────────────────────────────────────────────────────────────────


@home_panel(Role.APPLICANT, "procurement/panel_applicant.html")
def _tenders_and_bids(user):
    bids = []
    if user.organization_id is not None:
        bids = db.session.scalars(
            select(Bid)
            .where(Bid.organization_id == user.organization_id)
            .order_by(Bid.updated_at.desc())
            .limit(5)
        ).all()
    return {"open_tenders": open_tenders(5), "bids": bids}


def _tender_due(values):
    id_, title, opening_at = values
    return SimpleNamespace(id=id_, title=title, opening_at=moment(opening_at))


def _tender(values):
    id_, title = values
    return SimpleNamespace(id=id_, title=title)


def _designation(values):
    id_, service, state = values
    return SimpleNamespace(id=id_, service=service, state=DesignationState(state))


# the panel's three lists, narrow rows (what it shows: each tender's id and call title, and
# opening time, each designation's service and state), read with the staff's 下一步
# (core.panels.home_list): the moment is its bound parameter b.at


@home_list(Role.STAFF, "tenders_opening_due", _tender_due)
def _opening_due_column(dialect, b):
    return json_rows(
        dialect,
        [Tender.id, Call.title, Tender.opening_at],
        select_from=join(Tender, Call, Call.id == Tender.call_id),
        where=[
            Tender.opened_at.is_(None),
            Tender.opening_at <= b.at,
            Call.published_at.is_not(None),
            Call.cancelled_at.is_(None),
        ],
        order_by=[Tender.opening_at],
        limit=5,
    )


@home_list(Role.STAFF, "tenders_evaluating", _tender)
def _evaluating_column(dialect, _b):
    return json_rows(
        dialect,
        [Tender.id, Call.title],
        select_from=outerjoin(Tender, Call, Call.id == Tender.call_id),
        where=[Tender.opened_at.is_not(None), Tender.award_notice_id.is_(None)],
        order_by=[Tender.opened_at.desc()],
        limit=5,
    )


@home_list(Role.STAFF, "designations_in_progress", _designation)
def _designations_column(dialect, _b):
    return json_rows(
        dialect,
        [Designation.id, Designation.service, Designation.state],
        select_from=Designation,
        where=[Designation.state.in_((DesignationState.DRAFTED, DesignationState.ANNOUNCED))],
        order_by=[Designation.created_at.desc()],
        limit=5,
    )


@home_panel(Role.STAFF, "procurement/panel_staff.html")
def _procurement_work(user):
    counted = home_figures(Role.STAFF, user)
    return {
        "opening_due": counted["tenders_opening_due"],
        "evaluating": counted["tenders_evaluating"],
        "designations": counted["designations_in_progress"],
    }


@home_panel(Role.REVIEWER, "procurement/panel_reviewer.html")
def _tenders_to_score(user):
    return {"tenders": [t for t in _my_panels(user) if t.is_opened and t.scored_at is None]}


# the other pages, on the same blueprint
import venture.procurement.bids  # noqa: E402, F401
import venture.procurement.designations  # noqa: E402, F401
import venture.procurement.evaluation  # noqa: E402, F401
import venture.procurement.practice_views  # noqa: E402, F401
import venture.procurement.tenders  # noqa: E402, F401
