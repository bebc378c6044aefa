"""What the review operations share: settings, refusals and how they tell people."""

from flask import url_for
from flask_babel import gettext as _

from venture.applications.enums import ApplicationState
from venture.core.lifecycle import TransitionRefused
from venture.notifications.operations import notify
from venture.review.ties import TIE_YEARS  # noqa: F401 (named by the operations package)

MIN_PER_APPLICATION = 3
IN_REVIEW = (ApplicationState.ELIGIBLE, ApplicationState.UNDER_REVIEW)
PROFILE_FIELDS = ("title", "employer", "phone", "notes", "active")


class ReviewError(TransitionRefused):
    """A refused review operation; field names the form field to show it on."""


class SheetIncomplete(ReviewError):
    """A submit refused for the sheet's content; errors: {criterion_id: message}."""

    def __init__(self, errors):
        super().__init__(_("The sheet was saved as a draft but not submitted: see the marks."))
        self.errors = errors


class ProposalRefused(ReviewError):
    """A refused award proposal; errors: {application_id: message} for rows of the ranking."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = errors or {}


def notify_link(users, subject, body, endpoint, **values):
    """Inbox and e-mail through venture.notifications (lazy texts: the recipient's language)."""
    notify(users, subject, body, url_for(endpoint, **values))
