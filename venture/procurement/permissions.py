"""Who may see and do what in targeted purchases and tenders.

The seal rule lives here, once: before its tender is opened a bid is read only by its own
organization's members. Every page, download, export and API answer that shows a bid's price or
content asks can_read_bid.
"""

from sqlalchemy import select

from venture.auth.enums import Role
from venture.auth.permissions import is_member_of, is_staff, row_exists
from venture.calls.permissions import is_applicant_of_open_call
from venture.procurement.enums import BidState

UNOPENED = (BidState.DRAFT, BidState.SUBMITTED)


def can_manage_procurement(user):
    return is_staff(user)


def can_oversee_procurement(user):
    """Staff, and admin read-only: tender pages, opening records, bid lists once opened."""
    return user.is_authenticated and user.has_any_role(Role.STAFF, Role.ADMIN)


def is_bidder_member(user, bid):
    """A member of the organization that made the bid."""
    return is_member_of(user, bid.organization_id)


def is_tender_panelist(user, tender):
    """A regular member of the panel (评标委员会) formed for the tender's call."""
    from venture.review.models import Panel, PanelMember, ReviewerProfile
    from venture.review.permissions import reviewer_finds

    return reviewer_finds(
        user,
        select(PanelMember.id)
        .join(Panel, Panel.id == PanelMember.panel_id)
        .join(ReviewerProfile, ReviewerProfile.id == PanelMember.reviewer_id)
        .where(
            Panel.call_id == tender.call_id,
            PanelMember.reserve.is_(False),
        ),
    )


def is_sealed(bid):
    """Sealed: not yet opened (a draft never is; it was not submitted in time)."""
    return bid.state in UNOPENED or not bid.tender.is_opened


def can_read_bid(user, bid):
    """Read a bid's price and content: its own members always; after the opening, staff,
    admin and the tender's panel."""
    if not user.is_authenticated:
        return False
    if is_bidder_member(user, bid):
        return True
    if is_sealed(bid):
        return False
    return can_oversee_procurement(user) or is_tender_panelist(user, bid.tender)


def can_edit_bid(user, bid):
    return is_bidder_member(user, bid) and bid.state in UNOPENED


def can_bid(user, call):
    """Members of an organization may prepare a bid while the tender is open for bids."""
    return is_applicant_of_open_call(user, call)


def took_part(user, tender):
    """The organization of user submitted a bid that was opened."""
    from venture.procurement.models import Bid

    if not user.is_authenticated or user.organization_id is None:
        return False
    return row_exists(
        select(Bid.id).where(
            Bid.tender_id == tender.id,
            Bid.organization_id == user.organization_id,
            Bid.state.not_in(UNOPENED),
        )
    )


def can_view_opening_record(user, tender):
    """开标记录: after the opening, to staff, admin, the panel and the bidders."""
    return tender.is_opened and (
        can_oversee_procurement(user) or is_tender_panelist(user, tender) or took_part(user, tender)
    )
