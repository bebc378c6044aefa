"""Review pages: ranking, award proposal, publication of the result and exports (staff)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.announcements.period_views import announce_page
from venture.auth.enums import Role
from venture.core.access import deny_unless, roles_required
from venture.core.formatting import local_date, yuan
from venture.core.integers import ids_in
from venture.core.lifecycle import TransitionRefused
from venture.core.money import InvalidAmount, to_amount
from venture.extensions import db
from venture.review import exports, operations, result_pages, results
from venture.review.blueprint import bp
from venture.review.enums import Aggregation
from venture.review.forms import AggregationForm, ReasonForm
from venture.review.panel_views import (
    call_or_404,
    panel_or_404,
    shown_call_and_panel_or_404,
    simple_post,
)
from venture.review.scoring import TIE_BREAK_RULE

# ── ranking, awards, publication, exports (staff) ───────────────────────────────────────────


def _chosen_aggregation(panel):
    value = request.args.get("aggregation")
    try:
        return Aggregation(value) if value else panel.aggregation
    except ValueError:
        return panel.aggregation


@bp.route("/staff/review/calls/<int:call_id>/ranking")
@roles_required(Role.STAFF)
def ranking(call_id):
    """排名: best first, running sum of requests against the budget, the award proposal."""
    call, panel, _formed_by = shown_call_and_panel_or_404(call_id)
    deny_unless(panel is not None, 404)
    aggregation = _chosen_aggregation(panel)
    return _ranking_page(call, panel, aggregation)


def _ranking_page(call, panel, aggregation, *, typed=None, errors=None, status=200):
    ranked, data = result_pages.ranking_page(panel, aggregation)
    return render_template(
        "review/ranking.html",
        # each state shown on the page translated once, not once per row
        state_labels={s: str(s.label) for s in {row.application.state for row in ranked.rows}},
        call=call,
        panel=panel,
        data=data,
        ranked=ranked,
        aggregation=aggregation,
        aggregations=list(Aggregation),
        tie_rule=TIE_BREAK_RULE,
        typed=typed,
        errors=errors or {},
        aggregation_form=AggregationForm(aggregation=aggregation.value),
        post_form=ReasonForm(),
    ), status


@bp.route("/staff/review/calls/<int:call_id>/ranking/aggregation", methods=["POST"])
@roles_required(Role.STAFF)
def choose_aggregation(call_id):
    call = call_or_404(call_id)
    panel = panel_or_404(call)
    form = AggregationForm()
    if form.validate_on_submit():
        try:
            operations.choose_aggregation(
                panel, Aggregation(form.aggregation.data), actor=current_user
            )
        except operations.ReviewError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The ranking now uses: %(name)s.", name=panel.aggregation.label), "success")
    return redirect(url_for("review.ranking", call_id=call.id))


@bp.route("/staff/review/calls/<int:call_id>/awards", methods=["POST"])
@roles_required(Role.STAFF)
def propose(call_id):
    """Propose awards down the ranking (full or reduced amounts)."""
    call = call_or_404(call_id)
    panel = panel_or_404(call)
    simple_post()
    ranked = results.ranking(panel)
    decisions, errors, typed = {}, {}, {}
    # the form shows one page of the ranking; rows of the other pages keep the default
    # proposal (funded at the requested amount within the funding line)
    shown = _posted_ids(request.form.get("shown"))
    if shown is not None:
        decisions = result_pages.default_decisions(panel, panel.aggregation, shown)
    for row in ranked.rows:
        app_id = row.application.id
        if shown is not None and app_id not in shown:
            continue
        fund = request.form.get(f"fund-{app_id}") == "1"
        raw = request.form.get(f"amount-{app_id}", "").strip()
        justification = request.form.get(f"justification-{app_id}", "")
        typed[app_id] = {"fund": fund, "amount": raw, "justification": justification}
        if not fund:
            continue
        try:
            decisions[app_id] = (to_amount(raw), justification)
        except (InvalidAmount, TypeError):
            errors[app_id] = _("Enter an amount in yuan, such as 80000 or 80000.50.")
    if not errors:
        try:
            total = operations.propose_awards(panel, ranked.rows, decisions, actor=current_user)
        except operations.ProposalRefused as refused:
            db.session.rollback()
            errors = refused.errors
            flash(refused.message, "danger")
        except TransitionRefused as refused:
            db.session.rollback()
            flash(refused.message, "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Awards of %(total)s in all were proposed. Publish the result to open the "
                    "objection period.",
                    total=yuan(total),
                ),
                "success",
            )
            return redirect(url_for("review.publish", call_id=call.id))
    else:
        flash(_("Please correct the marked rows."), "danger")
    return _ranking_page(call, panel, panel.aggregation, typed=typed, errors=errors, status=400)


def _posted_ids(text):
    """The application ids of the posted page ("1 2 3"), or None for a form without the list."""
    if text is None:
        return None
    return set(ids_in(text.split()))


@bp.route("/staff/review/calls/<int:call_id>/publish", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def publish(call_id):
    """公示: publish the proposed awards for a period of working days."""
    call = call_or_404(call_id)
    panel = panel_or_404(call)
    deny_unless(panel.proposed_at is not None, 404)
    ranked = results.ranking(panel)
    return announce_page(
        "review/publish.html",
        lambda form: operations.publish_result(
            panel,
            ranked,
            title=form.title.data,
            introduction=form.introduction.data,
            period_days=form.period_days.data,
            actor=current_user,
        ),
        title=_("Public notice of the review result: %(call)s", call=call.title),
        least=5,
        form_least=5,
        success=lambda announcement: _(
            "The result is published; objections can be lodged until %(date)s.",
            date=local_date(announcement.ends_on),
        ),
        target=url_for("review.publish", call_id=call.id),
        call=call,
        panel=panel,
        ranked=ranked,
        announcement=operations.result_announcement(panel),
    )


@bp.route("/staff/review/calls/<int:call_id>/<any(ranking, sheets):what>.<any(pdf, xlsx):fmt>")
@roles_required(Role.STAFF)
def export(call_id, what, fmt):
    """The ranking or every score sheet, as a signed-sheet PDF or as a spreadsheet."""
    call = call_or_404(call_id)
    panel = panel_or_404(call)
    return exports.response(panel, what, fmt, _chosen_aggregation(panel))
