"""The landing page and each role's home page."""

from dataclasses import replace
from functools import partial

from flask import (
    Blueprint,
    current_app,
    jsonify,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from venture.auth.enums import Role
from venture.core.access import public
from venture.core.panels import (  # noqa: F401  (home_panel, landing_block: see below)
    HOME_FIGURES,
    HOME_PANELS,
    LANDING_BLOCKS,
    home_figures,
    home_lists,
    home_panel,
    landing_block,
)
from venture.extensions import db
from venture.home import next_steps

bp = Blueprint("home", __name__)

# The registries live in venture/core/panels.py, so that a module registers its panels without
# importing home (home reads every module's data: the import back would be a circle); they are
# named here too for the modules that still import them from here.


def _next_steps(role, steps):
    """The role's 下一步 list, registered before every other panel so it comes first; its
    figures are counted once a request, for the panels that show some of them too, and its
    statement reads the lists the role's panels registered (home_list) in the same round
    trip."""
    steps = replace(steps, lists=partial(home_lists, role))
    HOME_FIGURES[role] = steps.counted
    home_panel(role, "home/next_steps.html")(
        lambda user: {"steps": steps.steps(home_figures(role, user))}
    )


_next_steps(Role.APPLICANT, next_steps.applicant_steps)
_next_steps(Role.STAFF, next_steps.staff_steps)
_next_steps(Role.FINANCE, next_steps.finance_steps)
_next_steps(Role.EVALUATOR, next_steps.evaluator_steps)
_next_steps(Role.COMMUNITY, next_steps.community_steps)
_next_steps(Role.ADMIN, next_steps.admin_steps)


@home_panel(Role.APPLICANT, "home/panel_applicant.html")
@home_panel(Role.FINANCE, "home/panel_finance.html")
@home_panel(Role.COMMUNITY, "home/panel_community.html")
@home_panel(Role.ADMIN, "home/panel_admin.html")
def _no_figures(_user):
    return {}


@home_panel(Role.STAFF, "home/panel_staff.html")
def _organizations_waiting(user):
    return {"orgs_pending": home_figures(Role.STAFF, user)["orgs"]}  # the 下一步 counts them


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


@bp.route("/health")
@public
def health():
    """For load balancers and the benchmarks' baseline: the app answers and reaches the database."""
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/favicon.ico")
@public
def favicon():
    """The icon browsers ask for at the site's root."""
    response = send_from_directory(
        current_app.static_folder, "icons/favicon.ico", mimetype="image/vnd.microsoft.icon"
    )
    response.cache_control.max_age = 7 * 86400
    return response


@bp.route("/manifest.webmanifest")
@public
def web_manifest():
    """The web app manifest: the app's name, colours and icons, in the user's language."""
    manifest = {
        "name": _("Venture · public-interest venture fund"),
        "short_name": _("Venture"),
        "lang": "zh-CN" if get_locale().language == "zh" else "en",
        "start_url": url_for("home.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#9b1c1c",
        "icons": [
            {
                "src": url_for("static", filename="icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/favicon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            },
        ],
    }
    response = jsonify(manifest)
    response.mimetype = "application/manifest+json"
    return response
