"""What every delivery operation shares: its refusal, links and who hears of a project."""

import sqlalchemy as sa
from flask import url_for

from venture.auth.models import User
from venture.core.actions import Refused
from venture.extensions import db
from venture.notifications.operations import staff_users

MESSAGE_MAX = 4000
TEXT_MAX = 10000


class DeliveryError(Refused):
    """A refused delivery operation; field names the form field to show it on."""


def _link(endpoint, **values):
    return url_for(endpoint, **values)


def org_members(organization_id):
    """The active applicant accounts of an organization."""
    return db.session.scalars(
        sa.select(User)
        .where(User.organization_id == organization_id, User.active)
        .order_by(User.id)
    ).all()


def _officer_or_staff(project):
    """Who on the bureau's side hears about a project: its officer, else every staff member."""
    if project.officer is not None and project.officer.active:
        return [project.officer]
    return staff_users()
