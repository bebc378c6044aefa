"""The status of a community need, as a transition table, and the hooks that move needs when
their call or an application answering them moves."""

from flask_babel import lazy_gettext as _l

from venture.community.enums import NeedStatus as S
from venture.community.permissions import can_decide_need, is_staff
from venture.core.lifecycle import Transition, Workflow, actor_can
from venture.payments.lifecycle import SYSTEM

_staff = actor_can(is_staff)


def _staff_or_platform(user, _need):
    # a need follows its call and its applications: the platform moves it when they move
    return user is SYSTEM or is_staff(user)


def _has_target(need, _actor):
    if need.merged_into is None:
        return _l("Choose the need this one duplicates.")
    return None


NEED_WORKFLOW = Workflow(name="need", state_attr="status", transitions=(
    # a call takes the need up (when staff attach it to a call)
    Transition("address", S.OPEN, S.ADDRESSED, _staff_or_platform, _l("Address in a call")),
    # the call dropped it (a draft edited, or the call cancelled)
    Transition("release", S.ADDRESSED, S.OPEN, _staff_or_platform, _l("Release from the call")),
    # an application answering it was awarded
    Transition("answer", (S.OPEN, S.ADDRESSED), S.ANSWERED, _staff_or_platform,
               _l("Mark answered")),
    Transition("close", (S.OPEN, S.ADDRESSED, S.ANSWERED), S.CLOSED, can_decide_need,
               _l("Close the need"), needs_reason=True),
    Transition("reopen", S.CLOSED, S.OPEN, can_decide_need, _l("Reopen the need")),
    Transition("merge", S.OPEN, S.MERGED, _staff, _l("Merge into another need"), guard=_has_target,
               needs_reason=True),
))  # fmt: skip
