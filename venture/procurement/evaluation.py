"""Procurement pages: opening (开标), evaluation (评标) and the result, staff."""

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from venture.announcements.period_views import announce_page
from venture.auth.enums import Role
from venture.core.access import deny_unless, roles_required, signed_in
from venture.core.actions import button, post_action, run_action
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.integers import ids_in
from venture.core.spreadsheet import csv_bytes
from venture.core.timeutil import to_local
from venture.extensions import db
from venture.procurement import operations, rules
from venture.procurement.blueprint import bp, get_or_404
from venture.procurement.forms import (
    ConfirmForm,
    DrawPanelForm,
    ManualPanelForm,
    ReasonForm,
)
from venture.procurement.models import Award, Bid, Tender
from venture.procurement.permissions import (
    can_manage_procurement,
    can_oversee_procurement,
    can_view_opening_record,
    is_sealed,
)
from venture.procurement.routes import route_for

# ── opening (开标) and evaluation (评标), staff ───────────────────────────────────────────────


@bp.route("/staff/tenders/<int:tender_id>/open", methods=["POST"])
@roles_required(Role.STAFF)
def open_bids(tender_id):
    tender = get_or_404(Tender, tender_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    opened = run_action(
        lambda: operations.open_tender(tender, actor=current_user),
        success=lambda bids: _("%(n)d bids were opened.", n=len(bids)),
        warnings=lambda bids: (
            [
                _(
                    "Fewer than three bids were opened: by law the tender fails (流标). Cancel the "
                    "call and publish the tender again."
                )
            ]
            if len(bids) < 3
            else []
        ),
        target=url_for("procurement.opening", tender_id=tender.id),
    )
    return opened or redirect(url_for("procurement.tender", tender_id=tender.id))


@bp.route("/tenders/<int:tender_id>/opening")
@signed_in
def opening(tender_id):
    """开标记录: bidders, prices, submission and opening times, seal digests."""
    tender = get_or_404(Tender, tender_id)
    deny_unless(can_view_opening_record(current_user, tender), 404)
    from venture.procurement.practice_views import opening_context

    bids = operations.opened_bids(tender)
    return render_template(
        "procurement/opening.html",
        tender=tender,
        call=tender.call,
        bids=bids,
        digests={b.id: operations.seal_digest(b) for b in bids},
        **opening_context(tender, current_user),
    )


@bp.route("/tenders/<int:tender_id>/opening.pdf")
@signed_in
def opening_pdf(tender_id):
    tender = get_or_404(Tender, tender_id)
    deny_unless(can_view_opening_record(current_user, tender), 404)
    if tender.opening_record is not None:
        return send_stored(tender.opening_record)
    abort(404)


def _evaluation_context(tender):
    from venture.reference.models import ServiceCategory
    from venture.review.models import ReviewerProfile
    from venture.review.operations import criteria_of

    panel = operations.tender_panel(tender)
    bids = operations.opened_bids(tender) if tender.is_opened else []
    # ranked first, by rank; then the others by submission time
    bids = sorted(bids, key=lambda b: (b.rank is None, b.rank or 0))
    experts = db.session.scalars(
        select(ReviewerProfile).where(ReviewerProfile.active).order_by(ReviewerProfile.id)
    ).all()
    tied = operations.tied_experts(tender, [e.id for e in experts]) if tender.is_opened else set()
    categories = db.session.scalars(select(ServiceCategory).order_by(ServiceCategory.id)).all()
    manual = ManualPanelForm(formdata=None)
    choices = [(e.id, e.name) for e in experts if e.id not in tied]
    manual.member_ids.choices = manual.reserve_ids.choices = choices
    drawn = DrawPanelForm(formdata=None, data={"size": rules.MIN_PANEL[tender.method]})
    drawn.category_ids.choices = [(c.id, c.name) for c in categories]
    sheets = operations.submitted_sheets(tender) if panel else {}
    return {
        "tender": tender,
        "call": tender.call,
        "bids": bids,
        "panel": panel,
        "criteria": criteria_of(tender.call_id),
        "sheets": sheets,
        "tied": [e for e in experts if e.id in tied],
        "manual_form": manual,
        "draw_form": drawn,
        "confirm_form": ConfirmForm(),
        "reason_form": ReasonForm(formdata=None),
        "sealed_count": operations.submitted_count(tender),
        "minimum_panel": rules.MIN_PANEL[tender.method],
        "manage": can_manage_procurement(current_user),
        "award": db.session.scalar(
            select(Award).where(Award.call_id == tender.call_id).order_by(Award.id.desc())
        ),
    }


@bp.route("/staff/tenders/<int:tender_id>/evaluation")
@roles_required(Role.STAFF, Role.ADMIN)
def evaluation(tender_id):
    """评标: compliance, panel, scores and ranking (after the opening)."""
    tender = get_or_404(Tender, tender_id)
    return render_template("procurement/evaluation.html", **_evaluation_context(tender))


def _tender(tender_id):
    return get_or_404(Tender, tender_id)


def _evaluation_url(tender):
    return url_for("procurement.evaluation", tender_id=tender.id)


def _open_bid(bid_id):
    bid = get_or_404(Bid, bid_id)
    deny_unless(not is_sealed(bid), 404)
    return bid


tender_button = partial(button, load=_tender, target=_evaluation_url)


@bp.route("/staff/tenders/<int:tender_id>/compliance", methods=["POST"])
@roles_required(Role.STAFF)
@tender_button(success=_l("The compliance check is done."))
def compliance(tender, _form):
    return operations.check_compliance(tender, actor=current_user)


@bp.route("/staff/bids/<int:bid_id>/non-compliant", methods=["POST"])
@roles_required(Role.STAFF)
@tender_button(
    load=_open_bid,
    target=lambda bid: url_for("procurement.evaluation", tender_id=bid.tender_id),
    success=_l("The bid is marked non-compliant."),
    form=ReasonForm,
    invalid=_l("Please give a reason."),
)
def non_compliant(bid, form):
    return operations.mark_non_compliant(bid, reason=form.reason.data, actor=current_user)


@bp.route("/staff/tenders/<int:tender_id>/panel/<any(draw, manual):method>", methods=["POST"])
@roles_required(Role.STAFF)
def panel_form(tender_id, method):
    tender = get_or_404(Tender, tender_id)
    form = DrawPanelForm() if method == "draw" else ManualPanelForm()
    typed = request.form.getlist("member_ids") + request.form.getlist("reserve_ids")
    ids = ids_in(typed)
    if method == "draw":
        form.category_ids.choices = [
            (v, str(v)) for v in ids_in(request.form.getlist("category_ids"))
        ]
    else:
        form.member_ids.choices = form.reserve_ids.choices = [(i, str(i)) for i in ids]

    make = operations.draw_tender_panel if method == "draw" else operations.form_tender_panel
    return post_action(
        lambda: make(tender, **form.panel_values(), actor=current_user),
        success=_("The evaluation panel is formed."),
        target=url_for("procurement.evaluation", tender_id=tender.id),
        form=form,
        invalid=_("Please correct the panel form."),
    )


@bp.route("/staff/tenders/<int:tender_id>/panel/dissolve", methods=["POST"])
@roles_required(Role.STAFF)
@tender_button(success=_l("The panel is dissolved."))
def panel_dissolve(tender, _form):
    return operations.dissolve_tender_panel(tender, actor=current_user)


@bp.route("/staff/tenders/<int:tender_id>/scores", methods=["POST"])
@roles_required(Role.STAFF)
@tender_button(success=_l("The bids are scored and ranked."))
def score_bids(tender, _form):
    return operations.compute_scores(tender, actor=current_user)


@bp.route("/staff/tenders/<int:tender_id>/result", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def result(tender_id):
    """Propose the top-ranked bid and publish the result (中标候选人公示)."""
    tender = get_or_404(Tender, tender_id)
    route = route_for(tender.call)
    least = route.minimum_announcement_days
    ranked = route.result_candidates(tender.call)
    if not ranked:
        flash(_("Score and rank the bids first."), "warning")
        return redirect(url_for("procurement.evaluation", tender_id=tender.id))
    return announce_page(
        "procurement/result.html",
        lambda form: operations.publish_tender_result(
            tender,
            title=form.title.data.strip(),
            introduction=form.introduction.data,
            period_days=form.period_days.data,
            actor=current_user,
        ),
        title=_("Tender result announcement: %(title)s", title=tender.call.title),
        success=_("The result is published."),
        least=least,
        target=url_for("procurement.evaluation", tender_id=tender.id),
        tender=tender,
        call=tender.call,
        bids=ranked,
        panel=operations.tender_panel(tender),
    )


@bp.route("/tenders/<int:tender_id>/award-notice.pdf")
@signed_in
def award_notice(tender_id):
    """中标通知书: the winner's members, staff and admin."""
    tender = get_or_404(Tender, tender_id)
    award = db.session.scalar(select(Award).where(Award.call_id == tender.call_id))
    deny_unless(tender.award_notice is not None and award is not None, 404)
    deny_unless(
        can_oversee_procurement(current_user)
        or current_user.organization_id == award.organization_id,
        404,
    )
    return send_stored(tender.award_notice)


EXPORT_COLUMNS = (
    "bidder",
    "credit_code",
    "price",
    "submitted_at",
    "state",
    "technical",
    "price_score",
    "total",
    "rank",
)


def _bid_rows(tender):
    """The opened bids as plain rows (nothing before the opening)."""
    if not tender.is_opened:
        return []
    return [
        {
            "id": b.id,
            "bidder": b.organization.name,
            "credit_code": b.organization.credit_code,
            "price": str(b.price),
            "submitted_at": b.submitted_at.isoformat(),
            "state": b.state.value,
            "technical": str(b.technical_score) if b.technical_score is not None else "",
            "price_score": str(b.price_score) if b.price_score is not None else "",
            "total": str(b.total_score) if b.total_score is not None else "",
            "rank": b.rank or "",
            "compliance_reasons": b.compliance_reasons or [],
            "digest": b.seal_digest,
        }
        for b in operations.opened_bids(tender)
    ]


def localised_bid_rows(tender):
    """The rows of the bid exports people read: Beijing times and the states in the page's
    language (the JSON API keeps ISO UTC times and the state codes)."""
    by_id = {b.id: b for b in operations.opened_bids(tender)}
    return [
        {
            **row,
            "submitted_at": to_local(by_id[row["id"]].submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            "state": str(by_id[row["id"]].state.label),
        }
        for row in _bid_rows(tender)
    ]


@bp.route("/staff/tenders/<int:tender_id>/bids.csv")
@roles_required(Role.STAFF, Role.ADMIN)
def bids_export(tender_id):
    """The opened bids as CSV (UTF-8 with BOM, for Excel); refused while sealed."""
    tender = get_or_404(Tender, tender_id)
    if not tender.is_opened:
        flash(_("The bids are sealed until the opening."), "warning")
        return redirect(url_for("procurement.tender", tender_id=tender.id))
    rows = [
        [
            _("Bidder"),
            _("Credit code"),
            _("Price"),
            _("Submitted at (Beijing time)"),
            _("State"),
            _("Technical score"),
            _("Price score"),
            _("Total"),
            _("Rank"),
        ]
    ]
    rows += [[row[c] for c in EXPORT_COLUMNS] for row in localised_bid_rows(tender)]
    return send_download(csv_bytes(rows), filename=f"bids-{tender.id}.csv", mimetype="text/csv")


@bp.route("/api/procurement/tenders/<int:tender_id>/bids")
@roles_required(Role.STAFF, Role.ADMIN)
def api_bids(tender_id):
    """JSON of the opened bids; while sealed, only the opening time and sealed: true."""
    tender = get_or_404(Tender, tender_id)
    return {
        "tender": tender.id,
        "call": tender.call_id,
        "opening_at": tender.opening_at.isoformat(),
        "opened_at": tender.opened_at.isoformat() if tender.opened_at else None,
        "sealed": not tender.is_opened,
        "bids": _bid_rows(tender),
    }
