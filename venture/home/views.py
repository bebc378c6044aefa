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

# role -> [(template, figures function)]: each module adds the panels it shows on the home
# page of a role; the function (user) -> dict gives the template its figures.
HOME_PANELS = {}
# templates included on the public landing page (open calls, announcements…)
LANDING_BLOCKS = []


def home_panel(role, template):
    def register(function):
        HOME_PANELS.setdefault(role, []).append((template, function))
        return function

    return register


def landing_block(template):
    LANDING_BLOCKS.append(template)


@home_panel(Role.APPLICANT, "home/panel_applicant.html")
@home_panel(Role.FINANCE, "home/panel_finance.html")
@home_panel(Role.COMMUNITY, "home/panel_community.html")
@home_panel(Role.ADMIN, "home/panel_admin.html")
def _no_figures(_user):
    return {}


@home_panel(Role.STAFF, "home/panel_staff.html")
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
    panels = {
        role: [(template, function(current_user)) for template, function in HOME_PANELS[role]]
        for role in sorted(current_user.roles)
        if role in HOME_PANELS
    }
    return render_template("home/dashboard.html", panels=panels)
