"""Publishing and cancelling a call, as a transition table (its status then follows its times)."""

from flask_babel import lazy_gettext as _l

from venture.calls.enums import CallStage as S
from venture.calls.hooks import PROCUREMENT_ROUTES
from venture.calls.permissions import can_manage_calls
from venture.core.lifecycle import Transition, Workflow, actor_can, all_problems
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


_staff = actor_can(can_manage_calls)

CALL_WORKFLOW = Workflow(name="call", state_attr="stage", transitions=(
    Transition("publish", S.DRAFT, S.PUBLISHED, _staff, _l("Publish"),
               guard=all_problems(publish_problems)),
    Transition("cancel", (S.DRAFT, S.PUBLISHED), S.CANCELLED, _staff, _l("Cancel the call"),
               needs_reason=True),
))  # fmt: skip
