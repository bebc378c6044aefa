"""The call's rubric (评分标准) and its panel (评审专家组): formed by hand or drawn."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from venture.core import audit
from venture.core.concurrency import claim_edit
from venture.extensions import db
from venture.review import draw
from venture.review.enums import PanelMethod
from venture.review.models import (
    Panel,
    PanelMember,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerProfile,
    ReviewScore,
    ReviewSheet,
)
from venture.review.operations.common import MIN_PER_APPLICATION, ReviewError
from venture.review.rules import panel_size_refusal
from venture.review.scoring import display_points

# ── the rubric ──────────────────────────────────────────────────────────────────────────────


def criteria_of(call_id):
    return db.session.scalars(
        select(ReviewCriterion)
        .where(ReviewCriterion.call_id == call_id)
        .order_by(ReviewCriterion.position)
    ).all()


def rubric_locked(call_id):
    """Locked from the first submitted score sheet of the call on (reopening does not unlock)."""
    found = db.session.scalar(
        select(ReviewSheet.id)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .join(Panel, Panel.id == ReviewAssignment.panel_id)
        .where(Panel.call_id == call_id, ReviewSheet.first_submitted_at.is_not(None))
        .limit(1)
    )
    return found is not None


def default_rubric():
    """The usual venture-grant rubric, 100 points."""
    return [
        {
            "name": _("Need"),
            "description": _(
                "Is the residents' need real, documented and matched to the call's categories?"
            ),
            "max_score": Decimal(15),
        },
        {
            "name": _("Project design"),
            "description": _(
                "Are the objectives clear and measurable, and do the activities lead to them?"
            ),
            "max_score": Decimal(20),
        },
        {
            "name": _("Feasibility"),
            "description": _("Are the plan, schedule and milestones realistic?"),
            "max_score": Decimal(15),
        },
        {
            "name": _("Organizational capacity"),
            "description": _("Do the team and the organization's record fit the project?"),
            "max_score": Decimal(15),
        },
        {
            "name": _("Budget reasonableness"),
            "description": _("Are the costs necessary, priced fairly and matched by own funds?"),
            "max_score": Decimal(15),
        },
        {
            "name": _("Sustainability"),
            "description": _("Will the service or its effects continue after the funding?"),
            "max_score": Decimal(10),
        },
        {
            "name": _("Innovation"),
            "description": _("Does the project try a new approach worth learning from?"),
            "max_score": Decimal(10),
        },
    ]


def _rubric_snapshot(criteria):
    return "; ".join(f"{c.name} {display_points(c.max_score)}" for c in criteria)


def save_rubric(call, rows, *, actor):
    """Replace the call's criteria with rows [{id|None, name, description, max_score}] in order.

    Draft scores of removed criteria go with them. Refused once a sheet has been submitted.
    """
    if rubric_locked(call.id):
        raise ReviewError(_("The rubric is locked: score sheets have been submitted against it."))
    if not rows:
        raise ReviewError(_("The rubric needs at least one criterion."))
    claim_edit(call, "rubric_version")  # first write: two saves at the same instant conflict
    existing = {c.id: c for c in criteria_of(call.id)}
    before = _rubric_snapshot(existing.values())
    kept = {row["id"] for row in rows if row.get("id") in existing}
    for criterion_id in set(existing) - kept:
        db.session.execute(delete(ReviewScore).where(ReviewScore.criterion_id == criterion_id))
        db.session.delete(existing[criterion_id])
    # positions move in two steps so the unique (call, position) never sees a duplicate
    for offset, criterion_id in enumerate(kept, start=1):
        existing[criterion_id].position = -offset
    db.session.flush()
    result = []
    for position, row in enumerate(rows, start=1):
        criterion = existing.get(row.get("id")) or ReviewCriterion(call_id=call.id)
        criterion.position = position
        criterion.name = row["name"]
        criterion.description = row.get("description") or ""
        criterion.max_score = row["max_score"]
        db.session.add(criterion)
        result.append(criterion)
    db.session.flush()
    audit.record(
        "review.rubric",
        call,
        actor=actor,
        before={"rubric": before},
        after={"rubric": _rubric_snapshot(result)},
    )
    return result


# ── panels ──────────────────────────────────────────────────────────────────────────────────


def panel_of(call_id):
    return db.session.scalar(select(Panel).where(Panel.call_id == call_id))


def _check_panel_settings(call, size, per_application):
    refusal = panel_size_refusal(size, call)
    if refusal:
        raise ReviewError(str(refusal), "size")
    if not MIN_PER_APPLICATION <= per_application <= size:
        raise ReviewError(
            _(
                "Each application needs from %(least)d to %(size)d reviewers (the panel's size).",
                least=MIN_PER_APPLICATION,
                size=size,
            ),
            "reviewers_per_application",
        )


def _new_panel(call, *, method, size, settings, actor):
    if panel_of(call.id) is not None:
        raise ReviewError(_("This call has a panel already; dissolve it first to form another."))
    _check_panel_settings(call, size, settings["reviewers_per_application"])
    panel = Panel(call=call, method=method, size=size, formed_by_id=actor.id, **settings)
    db.session.add(panel)
    return panel


def add_members(panel, member_ids, reserve_ids):
    """Seat the members, then the reserves, in that order (tender panels too)."""
    for position, reviewer_id in enumerate([*member_ids, *reserve_ids], start=1):
        panel.members.append(
            PanelMember(
                reviewer_id=reviewer_id, reserve=position > len(member_ids), position=position
            )
        )


def seat_chosen(panel, experts, member_ids, reserve_ids, *, actor, noted):
    """Seat experts chosen by hand ({id: ReviewerProfile}) and log "panel.form" with their
    names and what the caller noted."""
    add_members(panel, member_ids, reserve_ids)
    seated = {
        "members": ",".join(experts[i].name for i in member_ids),
        "reserves": ",".join(experts[i].name for i in reserve_ids),
    }
    audit.record("panel.form", panel, actor=actor, after={**noted, **seated})


def seat_drawn(panel, candidates, reserves, seed, category_ids, *, actor, noted):
    """Draw the panel's members (panel.size) and reserves from candidates with seed, keep the
    draw on the panel, seat them and log "panel.draw" with the draw and what the caller noted."""
    size = panel.size
    drawn = draw.draw_panel(candidates, size + reserves, seed)
    panel.seed, panel.draw_categories = seed, sorted(category_ids)
    panel.candidates, panel.drawn = candidates, drawn
    add_members(panel, drawn[:size], drawn[size:])
    drawing = {
        "seed": seed,
        "candidates": ",".join(map(str, candidates)),
        "drawn": ",".join(map(str, drawn)),
    }
    audit.record("panel.draw", panel, actor=actor, after={**noted, **drawing})


def active_experts(ids):
    """{id: ReviewerProfile} of the active experts of the pool among ids."""
    found = db.session.scalars(
        select(ReviewerProfile).where(ReviewerProfile.id.in_(ids), ReviewerProfile.active)
    ).all()
    return {e.id: e for e in found}


def form_panel(call, *, member_ids, reserve_ids, settings, actor):
    """A panel chosen by hand from active experts; reserves replace members who step back."""
    member_ids, reserve_ids = list(dict.fromkeys(member_ids)), list(dict.fromkeys(reserve_ids))
    if set(member_ids) & set(reserve_ids):
        raise ReviewError(_("An expert cannot be both a member and a reserve."), "reserve_ids")
    experts = active_experts([*member_ids, *reserve_ids])
    if len(experts) != len(member_ids) + len(reserve_ids):
        raise ReviewError(_("Only active experts of the pool can sit on a panel."), "member_ids")
    panel = _new_panel(
        call, method=PanelMethod.MANUAL, size=len(member_ids), settings=settings, actor=actor
    )
    noted = {"call_id": call.id, "method": PanelMethod.MANUAL, **settings}
    seat_chosen(panel, experts, member_ids, reserve_ids, actor=actor, noted=noted)
    return panel


def draw_candidates(category_ids):
    """Active experts with expertise in any of category_ids (all active experts if none)."""
    from venture.review.models import reviewer_expertise

    query = select(ReviewerProfile.id).where(ReviewerProfile.active)
    if category_ids:
        query = query.where(
            ReviewerProfile.id.in_(
                select(reviewer_expertise.c.reviewer_id).where(
                    reviewer_expertise.c.category_id.in_(category_ids)
                )
            )
        )
    return sorted(db.session.scalars(query).all())


def draw_panel(call, *, category_ids, size, reserves, seed, settings, actor):
    """A panel drawn at random from the filtered pool; seed, candidates and result recorded."""
    seed = (seed or "").strip() or draw.new_seed()
    candidates = draw_candidates(category_ids)
    needed = size + reserves
    if needed > len(candidates):
        raise ReviewError(
            _(
                "Only %(n)d active experts match these fields; %(size)d members and "
                "%(reserves)d reserves need %(needed)d.",
                n=len(candidates),
                size=size,
                reserves=reserves,
                needed=needed,
            ),
            "size",
        )
    panel = _new_panel(call, method=PanelMethod.DRAW, size=size, settings=settings, actor=actor)
    noted = {"call_id": call.id, "size": size, "reserves": reserves, **settings}
    noted["categories"] = ",".join(map(str, sorted(category_ids)))
    seat_drawn(panel, candidates, reserves, seed, category_ids, actor=actor, noted=noted)
    return panel


def draw_reproduces(panel):
    """Whether drawing again from the recorded seed and candidates gives the recorded result."""
    if panel.method != PanelMethod.DRAW:
        return None
    return draw.draw_panel(panel.candidates, len(panel.drawn), panel.seed) == panel.drawn


def _assignment_count(panel):
    return db.session.scalar(
        select(func.count())
        .select_from(ReviewAssignment)
        .where(ReviewAssignment.panel_id == panel.id)
    )


def dissolve_panel(panel, *, actor):
    """Remove a panel that has not been given any application yet."""
    if _assignment_count(panel):
        raise ReviewError(_("The panel has assignments already; it can no longer be dissolved."))
    audit.record(
        "panel.dissolve",
        panel,
        actor=actor,
        before={"members": ",".join(m.reviewer.name for m in panel.members)},
    )
    db.session.delete(panel)


def add_reserve(panel, expert, *, actor):
    """Another reserve for a panel at work, to replace members who step back."""
    refuse_after_proposal(panel)
    if not expert.active:
        raise ReviewError(_("Only active experts of the pool can sit on a panel."), "reviewer_id")
    if any(m.reviewer_id == expert.id for m in panel.members):
        raise ReviewError(_("%(name)s is on the panel already.", name=expert.name), "reviewer_id")
    position = max((m.position for m in panel.members), default=0) + 1
    panel.members.append(PanelMember(reviewer_id=expert.id, reserve=True, position=position))
    audit.record("panel.add_reserve", panel, actor=actor, after={"reserve": expert.name})


def update_panel_settings(panel, *, deadline, spread_threshold, actor):
    refuse_after_proposal(panel)
    before = audit.snapshot(panel, ("deadline", "spread_threshold"))
    panel.deadline, panel.spread_threshold = deadline, spread_threshold
    audit.record_changes(
        "panel.settings", panel, actor=actor, before=before, fields=("deadline", "spread_threshold")
    )


def refuse_after_proposal(panel):
    if panel.proposed_at is not None:
        raise ReviewError(_("Awards have been proposed for this call; the review is closed."))
