"""Venture: the district's public-interest venture fund and community service purchasing."""

import sqlalchemy as sa
from flask import Flask, g, make_response, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from venture.config import load_config
from venture.core import templating
from venture.core.db import describe_results_when_read, keep_prepared_statements
from venture.core.integers import RecordIdConverter
from venture.core.locale import select_locale
from venture.extensions import babel, csrf, db, login_manager, migrate


def create_app(test_config=None):
    """Build the application; test_config overrides every other setting."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    app.jinja_environment = templating.Environment  # one compiled copy per language
    load_config(app, test_config)
    app.extensions["venture.factory"] = create_app  # worker processes build their app with it
    # <int:…> in every route: ASCII digits within a column's range (venture.core.integers)
    app.url_map.converters["int"] = RecordIdConverter

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai")
    _init_login(app)
    with app.app_context():
        _init_sqlite(app)
        _init_postgresql(app)

    _register_models()
    _register_blueprints(app)
    _register_hooks()
    _register_errors(app)
    _register_template_helpers(app)
    app.after_request(_security_headers)

    from venture import cli
    from venture.integrity import cli as integrity_cli

    cli.register(app)
    integrity_cli.register(app)
    return app


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response):
    """No inline scripts, no framing, no type sniffing, no full referrers to other sites."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _register_models():
    """Import every model module so metadata and migrations see all tables."""
    from venture import models  # noqa: F401


# the domain modules with pages; each has views.py with a blueprint `bp`
BLUEPRINT_MODULES = (
    "home",
    "auth",
    "orgs",
    "admin",
    "calls",
    "applications",
    "notifications",
    "announcements",
    "review",
    "contracts",
    "payments",
    "procurement",
    "delivery",
    "evaluation",
    "reports",
    "community",
    "api",
    "roadshow",
    "guide",
    "imports",
    "documents",
)


def _register_blueprints(app):
    from importlib import import_module

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"venture.{name}.views").bp)
    import venture.nav  # noqa: F401


# the modules that fill the hooks of the modules below them (venture.core.hooks)
HOOK_MODULES = (
    "venture.api.ocds_store",  # the Session hook of call.release_version, its integrity check
    "venture.applications.rules",  # calls.hooks.APPLICATIONS
    "venture.community.application_page",  # the application page's needs (applications.page)
    "venture.community.operations",  # calls.hooks.COMMUNITY_NEEDS
    "venture.evaluation.operations",  # payments RELEASE_RULES, delivery EVALUATIONS
    "venture.imports.application_page",  # the application page's past projects (staff)
    "venture.integrity.checks",  # RELEASE_RULES, PHASE_RULES, BUDGET_RULES, CLOSING_RULES
    "venture.integrity.waiting",  # applications.waiting.WAITING
    "venture.notifications.operations",  # the unread count read with the signed-in account
    "venture.payments.installments",  # contracts.hooks.INSTALLMENTS
    "venture.procurement.awards",  # review.hooks.AWARDS
    "venture.procurement.operations",  # the routes' result candidates and awards
    "venture.procurement.routes",  # calls.hooks.PROCUREMENT_ROUTES
    "venture.reports.documents",  # delivery.documents.REPORT_DOCUMENTS
)


def _register_hooks():
    """Every hook filled once the app is built, whatever was imported first."""
    from importlib import import_module

    for name in HOOK_MODULES:
        import_module(name)


def _init_login(app):
    from flask_babel import lazy_gettext as _l

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_key):
        user_id, _, version = user_key.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        # the cookie's session must still be live on the server (ended by logout, password
        # change, deactivation or "sign out everywhere": a kept cookie is refused)
        from venture.auth.operations import signed_in_user

        return signed_in_user(int(user_id), int(version), session.get("sid"))


def _init_sqlite(app):
    """Foreign keys on and WAL journaling for the embedded SQLite database."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    @sa.event.listens_for(db.engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _init_postgresql(app):
    """Prepared statements kept from one request to the next (core.db.keep_prepared_statements);
    results described only when asked (core.db.describe_results_when_read)."""
    if db.engine.dialect.name == "postgresql":
        keep_prepared_statements(db.engine)
        describe_results_when_read(db.engine)


def _register_errors(app):
    from flask_babel import gettext as _

    def page(status, title, message):
        if request.path.startswith("/api/"):
            from venture.api.errors import error_body

            return error_body(status, message)
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(400)
    def bad_request(_error):
        return page(
            400,
            _("The request could not be handled"),
            _(
                "Something in the address or the form was not as expected. Go back, reload "
                "the page and try again; if it happens again, tell the programme staff."
            ),
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return page(
            400,
            _("The form has expired"),
            _(
                "The form was open too long or was sent from elsewhere. Please go back, reload "
                "the page and try again."
            ),
        )

    @app.errorhandler(403)
    def forbidden(_error):
        _record_access_denied(app)
        return page(
            403,
            _("You cannot open this page"),
            _(
                "This page belongs to another role or another organization. If you should "
                "see it, sign in with the right account, or ask the administrator to give "
                "your account the role."
            ),
        )

    @app.errorhandler(404)
    def not_found(_error):
        return page(
            404,
            _("Page not found"),
            _(
                "The address may be mistyped, or the record was removed or belongs to another "
                "organization. Check the address, or start again from the home page."
            ),
        )

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return page(
            405,
            _("This page cannot be opened this way"),
            _("Use the buttons and links on the pages instead of typing this address."),
        )

    @app.errorhandler(413)
    def too_large(_error):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return page(
            413,
            _("Upload too large"),
            _(
                "What you sent is larger than %(mb)s MB in total. Please go back and send "
                "smaller files.",
                mb=limit,
            ),
        )

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return page(
            500,
            _("Something went wrong on our side"),
            _(
                "It was not caused by anything you did, and it has been recorded for the "
                "technical team. What you were saving may not have been saved: go back, "
                "check, and try again in a few minutes."
            ),
        )

    # the database went away (restart, network, a file that cannot be opened): say so and
    # ask to retry, instead of a stack trace; the request's transaction is gone anyway
    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.DisconnectionError)
    def database_unavailable(error):
        app.logger.exception("database unavailable: %s", error)
        # the page itself must not ask the database again (who is signed in, unread count)
        g._login_user = login_manager.anonymous_user()
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.remove()  # the connection is broken: drop it, the pool makes a new one
        response = make_response(
            page(
                503,
                _("Please try again"),
                _(
                    "The database is briefly unavailable. Nothing "
                    "was saved; please try again in a moment."
                ),
            )
        )
        response.headers["Retry-After"] = "30"
        return response


def _record_access_denied(app):
    """Keep a row per 403; the request's own work is discarded anyway (a 403 never commits)."""
    from venture.auth.operations import record_access_denied

    try:
        db.session.rollback()
        user = current_user if current_user.is_authenticated else None
        record_access_denied(
            user, method=request.method, path=request.full_path.rstrip("?"), ip=request.remote_addr
        )
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        app.logger.exception("could not record a refused request")


def _register_template_helpers(app):
    from venture.core import formatting

    templating.install(app, babel)

    app.jinja_env.filters.update(
        local_dt=formatting.local_datetime,
        local_date=formatting.local_date,
        weekday_date=formatting.weekday_date,
        near_date=formatting.near_date,
        yuan=formatting.yuan,
    )
    from venture.core.fragments import fragment
    from venture.core.nav import nav_bar, nav_items, nav_menu, nav_sections

    app.jinja_env.globals.update(
        url_with=formatting.url_with,
        select_options=formatting.select_options,
        filtered=formatting.filtered,
        fragment=fragment,
        nav_bar=nav_bar,
        nav_items=nav_items,
        nav_menu=nav_menu,
        nav_sections=nav_sections,
    )
    from venture.announcements.contact import objection_contact
    from venture.core import audit_labels

    audit_labels.register(app)
    app.jinja_env.globals["objection_contact"] = objection_contact
    from venture.orgs.credit_code import enterprise_codes_allowed

    app.jinja_env.globals["enterprise_codes_allowed"] = enterprise_codes_allowed

    @app.context_processor
    def inject():
        from venture.auth.enums import Role

        return {"Role": Role, "locale": select_locale()}
