"""The Award rows a review's result proposes and makes final (review/hooks.py AWARDS)."""

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from venture.core import audit
from venture.core.lifecycle import transition
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement.enums import AwardState
from venture.procurement.lifecycle import AWARD_WORKFLOW
from venture.procurement.models import Award
from venture.review.hooks import AWARDS


def add_proposed_award(
    call, application, *, amount, rank, justification, actor, after, reason=None
):
    """A proposed award of amount to application, audited as award.propose (after: more of
    what the proposal rests on)."""
    award = Award(
        call_id=call.id,
        organization_id=application.organization_id,
        application_id=application.id,
        route=call.route,
        amount=amount,
        state=AwardState.PROPOSED,
        rank=rank,
        justification=justification,
        created_by_id=actor.id,
    )
    audit.record_added(
        "award.propose",
        award,
        actor=actor,
        after={"application_id": application.id, "amount": amount, **after},
        reason=reason,
    )
    return award


def live_awards(call_id, application_ids=None):
    """{application id: award} of the call's awards not cancelled; of application_ids only
    when given (a ranking row shows the amount and justification: nothing else is loaded)."""
    query = select(Award).where(Award.call_id == call_id, Award.state != AwardState.CANCELLED)
    if application_ids is not None:
        query = query.where(Award.application_id.in_(application_ids)).options(lazyload("*"))
    return {a.application_id: a for a in db.session.scalars(query)}


def awarded_total(call_id):
    """The sum of the call's awards not cancelled."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Award.amount), 0)).where(
            Award.call_id == call_id, Award.state != AwardState.CANCELLED
        )
    )


def proposed_awards(call_id):
    return db.session.scalars(
        select(Award).where(Award.call_id == call_id, Award.state == AwardState.PROPOSED)
    ).all()


def confirm_awards(call_id, actor):
    """The call's proposed awards become final."""
    for award in proposed_awards(call_id):
        transition(AWARD_WORKFLOW, award, "confirm", actor=actor)
        award.final_at = now()


AWARDS.register(add_proposed_award, live_awards, awarded_total, proposed_awards, confirm_awards)
