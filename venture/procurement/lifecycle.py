"""Transition tables of procurement: awards (授予), designations (定向委托) and bids (投标).

Every route ends in an Award; the module that announces the result (review, targeted
purchase, tender) takes these actions once its announcement's objection period is over.
"""

from flask_babel import lazy_gettext as _l

from venture.announcements.enums import AnnouncementState
from venture.auth.enums import Role
from venture.core.lifecycle import Transition, Workflow
from venture.core.timeutil import now
from venture.procurement import rules
from venture.procurement.enums import AwardState, BidState, DesignationState
from venture.procurement.permissions import can_manage_procurement, is_bidder_member


def _staff(user, _record):
    return user.is_authenticated and user.has_role(Role.STAFF)


AWARD_WORKFLOW = Workflow(
    name="award",
    transitions=(
        Transition("confirm", (AwardState.PROPOSED,), AwardState.FINAL, _staff, _l("Confirm")),
        Transition(
            "cancel",
            (AwardState.PROPOSED,),
            AwardState.CANCELLED,
            allowed=_staff,
            label=_l("Cancel the award"),
            needs_reason=True,
        ),
    ),
)


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


DESIGNATION_WORKFLOW = Workflow(
    name="designation",
    transitions=(
        Transition(
            "announce",
            (DesignationState.DRAFTED, DesignationState.ANNOUNCED),
            DesignationState.ANNOUNCED,
            allowed=lambda user, _d: can_manage_procurement(user),
            label=_l("Announce the designation"),
            guard=_ready_to_announce,
        ),
        Transition(
            "award",
            (DesignationState.ANNOUNCED,),
            DesignationState.AWARDED,
            allowed=lambda user, _d: can_manage_procurement(user),
            label=_l("Award"),
        ),
        Transition(
            "cancel",
            (DesignationState.DRAFTED, DesignationState.ANNOUNCED),
            DesignationState.CANCELLED,
            allowed=lambda user, _d: can_manage_procurement(user),
            label=_l("Cancel the designation"),
            needs_reason=True,
        ),
    ),
)


# ── bids (投标) ──────────────────────────────────────────────────────────────────────────────


def _submittable(bid, _actor):
    problems = rules.submission_problems(bid)
    return problems[0] if problems else None


def _before_deadline(bid, _actor):
    problems = rules.bidding_problems(bid)
    return problems[0] if problems else None


def _opening_time_reached(bid, _actor):
    if now() < bid.tender.opening_at:
        return _l("The bids are opened at the opening time, not before.")
    return None


def _bid_staff(user, _bid):
    return can_manage_procurement(user)


BID_WORKFLOW = Workflow(
    name="bid",
    transitions=(
        Transition(
            "submit",
            (BidState.DRAFT,),
            BidState.SUBMITTED,
            allowed=is_bidder_member,
            label=_l("Submit the bid"),
            guard=_submittable,
        ),
        Transition(
            "replace",
            (BidState.SUBMITTED,),
            BidState.SUBMITTED,
            allowed=is_bidder_member,
            label=_l("Replace the bid"),
            guard=_submittable,
        ),
        Transition(
            "recall",
            (BidState.SUBMITTED,),
            BidState.DRAFT,
            allowed=is_bidder_member,
            label=_l("Withdraw the bid (撤回)"),
            guard=_before_deadline,
        ),
        Transition(
            "open",
            (BidState.SUBMITTED,),
            BidState.OPENED,
            allowed=_bid_staff,
            label=_l("Open"),
            guard=_opening_time_reached,
        ),
        Transition(
            "find_compliant", (BidState.OPENED,), BidState.COMPLIANT, _bid_staff, _l("Compliant")
        ),
        Transition(
            "find_non_compliant",
            (BidState.OPENED, BidState.COMPLIANT),
            BidState.NON_COMPLIANT,
            allowed=_bid_staff,
            label=_l("Non-compliant"),
            needs_reason=True,
        ),
        Transition("score", (BidState.COMPLIANT,), BidState.SCORED, _bid_staff, _l("Scored")),
        Transition("win", (BidState.SCORED,), BidState.WON, _bid_staff, _l("Won")),
        Transition("lose", (BidState.SCORED,), BidState.LOST, _bid_staff, _l("Lost")),
    ),
)
