"""The landing page and each role's home page."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from venture.auth.enums import Role
from venture.core.access import public
from venture.extensions import db
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization

bp = Blueprint("home", __name__)

# Each module adds a function (user) -> dict of figures for the home page of a role,
# and templates to show on the public landing page.
HOME_PANELS = {}
LANDING_BLOCKS = []


def home_panel(role):
    def register(function):
        HOME_PANELS.setdefault(role, []).append(function)
        return function

    return register


@home_panel(Role.STAFF)
def _organizations_waiting(_user):
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Organization)
        .where(Organization.status == OrgStatus.PENDING)
    )
    return {"orgs_pending": waiting}


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return render_template("home/landing.html", landing_blocks=LANDING_BLOCKS)
    panels = {}
    for role in sorted(current_user.roles):
        figures = {}
        for function in HOME_PANELS.get(role, []):
            figures.update(function(current_user))
        panels[role] = figures
    return render_template("home/dashboard.html", panels=panels)
