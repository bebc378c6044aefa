"""What the procurement operations share: their refusals and how they tell people."""

from flask import url_for

from venture.core.lifecycle import TransitionRefused
from venture.notifications.operations import notify

TEXT_MAX = 5000


class ProcurementError(TransitionRefused):
    """A refused procurement operation; field names the form field to show it on."""


class FormErrors(ProcurementError):
    """Refused values: {form field: message}."""

    def __init__(self, errors):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors


def active_members(organization):
    return [u for u in organization.members if u.active]


def notify_link(users, subject, body, endpoint, **values):
    notify(users, subject, body, url_for(endpoint, **values))
