"""Ties (关联关系) between experts and organizations: which bar a reviewer, and for how long.
A leaf: it reads, and is read by review's operations and by evaluation's conflict rule."""

from collections import defaultdict

from sqlalchemy import select

from venture.core.timeutil import local_today
from venture.extensions import db
from venture.review.models import ReviewerAffiliation, ReviewerProfile

TIE_YEARS = 3  # a tie that ended less than this long ago still bars a reviewer


def profile_for(user):
    """The account's profile in the expert pool, or None."""
    return db.session.scalar(select(ReviewerProfile).where(ReviewerProfile.user_id == user.id))


def tie_cutoff(today=None):
    """The first day that still counts: ties ended on or after it bar a reviewer."""
    today = today or local_today()
    try:
        return today.replace(year=today.year - TIE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - TIE_YEARS, day=28)


def affiliation_counts(affiliation, today=None):
    """Whether the tie holds now or ended within the last three years."""
    return affiliation.ended_on is None or affiliation.ended_on >= tie_cutoff(today)


def tied_organizations(reviewer_ids, today=None):
    """{reviewer_id: organization ids they may not review}: affiliations within three years and
    the organization their account belongs to. Two queries whatever the number of reviewers."""
    ties = defaultdict(set)
    rows = db.session.execute(
        select(ReviewerAffiliation.reviewer_id, ReviewerAffiliation.organization_id).where(
            ReviewerAffiliation.reviewer_id.in_(reviewer_ids),
            (ReviewerAffiliation.ended_on.is_(None))
            | (ReviewerAffiliation.ended_on >= tie_cutoff(today)),
        )
    )
    for reviewer_id, organization_id in rows:
        ties[reviewer_id].add(organization_id)
    from venture.auth.models import User

    members = db.session.execute(
        select(ReviewerProfile.id, User.organization_id)
        .join(User, User.id == ReviewerProfile.user_id)
        .where(ReviewerProfile.id.in_(reviewer_ids), User.organization_id.is_not(None))
    )
    for reviewer_id, organization_id in members:
        ties[reviewer_id].add(organization_id)
    return ties
