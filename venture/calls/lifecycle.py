"""Publishing and cancelling a call, as a transition table (its status then follows its times)."""

from flask_babel import lazy_gettext as _l

from venture.calls.enums import CallStage
from venture.calls.hooks import PROCUREMENT_ROUTES
from venture.calls.permissions import can_manage_calls
from venture.core.lifecycle import Transition, Workflow
from venture.core.timeutil import now


def publish_problems(call):
    """What a call still lacks before it can be published, one message per problem."""
    problems = []
    if not call.categories:
        problems.append(_l("Choose at least one service category."))
    if not call.communities:
        problems.append(_l("Choose the communities the call covers."))
    if not call.description.strip():
        problems.append(_l("Write the call's description."))
    if call.closes_at <= now():
        problems.append(_l("The closing time has passed; set a later one before publishing."))
    if sum(int(row["percent"]) for row in call.installment_plan) != 100:
        problems.append(_l("The installment percentages must add up to 100."))
    # the route's own publication rules (procurement/routes.py: tender periods, designation)
    problems.extend(PROCUREMENT_ROUTES.route_for(call).validate_call(call))
    return problems


def _ready_to_publish(call, _actor):
    problems = publish_problems(call)
    return " ".join(str(p) for p in problems) or None


CALL_WORKFLOW = Workflow(
    name="call",
    state_attr="stage",
    transitions=(
        Transition(
            "publish",
            (CallStage.DRAFT,),
            CallStage.PUBLISHED,
            allowed=lambda user, call: can_manage_calls(user),
            label=_l("Publish"),
            guard=_ready_to_publish,
        ),
        Transition(
            "cancel",
            (CallStage.DRAFT, CallStage.PUBLISHED),
            CallStage.CANCELLED,
            allowed=lambda user, call: can_manage_calls(user),
            label=_l("Cancel the call"),
            needs_reason=True,
        ),
    ),
)
