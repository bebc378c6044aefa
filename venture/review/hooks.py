"""What review asks of procurement, which owns the Award rows a review's result proposes.

Procurement reads review's panels and rubrics, so review does not import it: procurement fills
these hooks when the app is built (procurement/awards.py), e.g. `AWARDS.awarded_total(call_id)`.
"""

from venture.core.hooks import Hooks

# a call's awards (procurement/awards.py): add_proposed_award(call, application, *, amount, rank,
# justification, actor, after, reason=None); live_awards(call_id, application_ids=None) →
# {application id: award} not cancelled; awarded_total(call_id); proposed_awards(call_id);
# confirm_awards(call_id, actor) makes the proposed ones final
AWARDS = Hooks(
    "review.AWARDS",
    "add_proposed_award",
    "live_awards",
    "awarded_total",
    "proposed_awards",
    "confirm_awards",
)
