"""Transition tables of procurement: awards (授予), designations (定向委托) and bids (投标).

Every route ends in an Award; the module that announces the result (review, targeted
purchase, tender) takes these actions once its announcement's objection period is over.
"""

from flask_babel import lazy_gettext as _l

from venture.announcements.enums import AnnouncementState
from venture.auth.enums import Role
from venture.core.lifecycle import Transition, Workflow, actor_can, first_problem
from venture.core.timeutil import now
from venture.procurement import rules
from venture.procurement.enums import AwardState as A
from venture.procurement.enums import BidState as B
from venture.procurement.enums import DesignationState as D
from venture.procurement.permissions import can_manage_procurement, is_bidder_member


def _staff_role(user, _award):
    return user.is_authenticated and user.has_role(Role.STAFF)


# designations and bids: whoever manages procurement
_staff = actor_can(can_manage_procurement)


AWARD_WORKFLOW = Workflow(name="award", transitions=(
    Transition("confirm", A.PROPOSED, A.FINAL, _staff_role, _l("Confirm")),
    Transition("cancel", A.PROPOSED, A.CANCELLED, _staff_role, _l("Cancel the award"),
               needs_reason=True),
))  # fmt: skip


# ── designations (定向委托) ──────────────────────────────────────────────────────────────────


def _ready_to_announce(designation, _actor):
    if not designation.call.is_public or designation.call.cancelled_at is not None:
        return _l("Publish the call first: the designated organization applies to it.")
    if not designation.organization.is_verified:
        return _l("Only a verified organization can be designated.")
    current = designation.announcement
    if current is not None and current.state != AnnouncementState.WITHDRAWN:
        return _l("The designation is being announced already.")
    return None


DESIGNATION_WORKFLOW = Workflow(name="designation", transitions=(
    Transition("announce", (D.DRAFTED, D.ANNOUNCED), D.ANNOUNCED, _staff,
               _l("Announce the designation"), guard=_ready_to_announce),
    Transition("award", D.ANNOUNCED, D.AWARDED, _staff, _l("Award")),
    Transition("cancel", (D.DRAFTED, D.ANNOUNCED), D.CANCELLED, _staff,
               _l("Cancel the designation"), needs_reason=True),
))  # fmt: skip


# ── bids (投标) ──────────────────────────────────────────────────────────────────────────────


def _opening_time_reached(bid, _actor):
    if now() < bid.tender.opening_at:
        return _l("The bids are opened at the opening time, not before.")
    return None


BID_WORKFLOW = Workflow(name="bid", transitions=(
    Transition("submit", B.DRAFT, B.SUBMITTED, is_bidder_member, _l("Submit the bid"),
               guard=first_problem(rules.submission_problems)),
    Transition("replace", B.SUBMITTED, B.SUBMITTED, is_bidder_member, _l("Replace the bid"),
               guard=first_problem(rules.submission_problems)),
    Transition("recall", B.SUBMITTED, B.DRAFT, is_bidder_member, _l("Withdraw the bid (撤回)"),
               guard=first_problem(rules.bidding_problems)),
    Transition("open", B.SUBMITTED, B.OPENED, _staff, _l("Open"), guard=_opening_time_reached),
    Transition("find_compliant", B.OPENED, B.COMPLIANT, _staff, _l("Compliant")),
    Transition("find_non_compliant", (B.OPENED, B.COMPLIANT), B.NON_COMPLIANT, _staff,
               _l("Non-compliant"), needs_reason=True),
    Transition("score", B.COMPLIANT, B.SCORED, _staff, _l("Scored")),
    Transition("win", B.SCORED, B.WON, _staff, _l("Won")),
    Transition("lose", B.SCORED, B.LOST, _staff, _l("Lost")),
))  # fmt: skip
