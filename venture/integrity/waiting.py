"""What is waiting, for whom, since when: the rules' predicates as SQL conditions, read by the
home pages' next steps and counts (venture/home/next_steps.py)."""

from datetime import timedelta

from sqlalchemy import and_

ANNOUNCEMENT_ENDING_SOON = timedelta(days=7)


def announcement_ending_soon(today):
    """A 公示 whose period ends within the week (today included)."""
    from venture.announcements.enums import AnnouncementState
    from venture.announcements.models import Announcement

    return and_(
        Announcement.state == AnnouncementState.PUBLISHED,
        Announcement.ends_on >= today,
        Announcement.ends_on <= today + ANNOUNCEMENT_ENDING_SOON,
    )


def announcement_awaiting_confirmation(today):
    """期满待确认: a 公示 whose period is over and that staff have not finalised yet."""
    from venture.announcements.enums import AnnouncementState
    from venture.announcements.models import Announcement

    return and_(
        Announcement.state == AnnouncementState.PUBLISHED,
        Announcement.ends_on < today,
    )
