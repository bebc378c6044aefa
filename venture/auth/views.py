"""Sign in and out, language, own profile."""

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user, user_logged_in
from sqlalchemy import select

from venture.auth import operations
from venture.auth.enums import Role
from venture.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
)
from venture.auth.models import AccessDenied
from venture.core.access import public, roles_required, signed_in
from venture.core.formatting import local_datetime
from venture.core.pagination import paginate
from venture.core.redirects import safe_redirect
from venture.extensions import db

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        address_locked = operations.address_locked_until(request.remote_addr)
        if address_locked is not None:
            flash(
                _(
                    "Too many failed sign-ins from this network address. Please try again "
                    "after %(time)s.",
                    time=local_datetime(address_locked),
                ),
                "danger",
            )
            return render_template("auth/login.html", form=form), 429
        locked_until = operations.login_locked_until(email)
        if locked_until is not None:
            flash(
                _(
                    "Too many failed sign-ins for this account. Please try again after %(time)s.",
                    time=local_datetime(locked_until),
                ),
                "danger",
            )
            return render_template("auth/login.html", form=form), 429
        user = operations.authenticate(email, form.password.data)
        if user is None:
            operations.record_login_attempt(email, ip=request.remote_addr, success=False)
            db.session.commit()
            flash(
                _(
                    "The e-mail or password is wrong, or the account is deactivated. Check "
                    "them and try again; if you forgot the password, use “Forgot password?” "
                    "below; if the account was deactivated, ask the administrator."
                ),
                "danger",
            )
        else:
            session.clear()  # a fresh session at sign-in
            login_user(user)
            operations.note_login(user)
            operations.record_login_attempt(email, ip=request.remote_addr, success=True)
            db.session.commit()
            return safe_redirect(request.args.get("next"), url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    operations.end_session(session.get("sid"), because="logout")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the language for this browser, and for the account when signed in."""
    locale = request.form.get("locale")
    if locale in ("zh_CN", "en"):
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return safe_redirect(request.form.get("next"), url_for("home.index"))


@bp.route("/profile", methods=["GET", "POST"])
@signed_in
def profile():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        operations.update_profile(
            current_user,
            name=form.name.data,
            phone=form.phone.data,
            locale=form.locale.data,
            actor=current_user,
        )
        db.session.commit()
        session["locale"] = form.locale.data
        flash(_("Your profile was saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=password_form)


@bp.route("/profile/password", methods=["POST"])
@signed_in
def change_password():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            operations.change_password(
                current_user,
                password_form.current.data,
                password_form.password.data,
                actor=current_user,
            )
        except operations.AccountError as error:
            password_form.current.errors.append(str(error))
        else:
            db.session.commit()
            # this browser gets a new session; every other one ended with the change
            login_user(current_user._get_current_object())
            flash(_("Your password was changed."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=password_form), 400


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere():
    """End every session of this account, on every device, this one included."""
    operations.sign_out_everywhere(current_user, actor=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You were signed out on every device."), "info")
    return redirect(url_for("home.index"))


@user_logged_in.connect
def _start_session(_app, user, **_extra):
    """Every sign-in (here, after registration, after a password change) starts a server-side
    session and its clock; the sign-in is its own transaction, so the session row exists
    before the cookie that names it is sent."""
    session["sid"] = operations.start_session(
        user, ip=request.remote_addr, user_agent=request.headers.get("User-Agent")
    )
    db.session.commit()
    session["signed_in_at"] = session["seen_at"] = int(time.time())


@bp.before_app_request
def end_stale_session():
    """Sign out after SESSION_IDLE_TIMEOUT without a request or SESSION_ABSOLUTE_TIMEOUT
    after sign-in; both times live in the signed session cookie."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    config = current_app.config
    moment = int(time.time())
    signed_in_at = session.get("signed_in_at", 0)
    seen_at = session.get("seen_at", 0)
    idle = moment - seen_at > config["SESSION_IDLE_TIMEOUT"].total_seconds()
    too_old = moment - signed_in_at > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    if idle or too_old:
        operations.end_session(session.get("sid"), because="timeout")
        db.session.commit()
        logout_user()
        session.clear()
        flash(
            _("You were signed out after a long pause. Please sign in again.")
            if idle
            else _("Your session has ended; please sign in again."),
            "warning",
        )
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.login"))
    if moment - seen_at >= 60:  # refresh at most once a minute: fewer Set-Cookie headers
        session["seen_at"] = moment
    return None


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        operations.send_password_reset(
            form.email.data,
            reset_url_for=lambda token: url_for("auth.reset_password", token=token, _external=True),
        )
        db.session.commit()
        # the same answer whether or not the account exists
        flash(
            _(
                "If an account uses this e-mail, a link to choose a new password is on its "
                "way. The link works for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    user = operations.user_for_reset_token(token)
    if user is None:
        flash(
            _("This link has expired or was used already. Please ask for a new one."),
            "warning",
        )
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        operations.reset_password(user, form.password.data)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash(_("Your password was changed. Please sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/admin/access-denied")
@roles_required(Role.ADMIN, Role.STAFF)
def access_denied_log():
    """Requests answered 403, newest first."""
    query = select(AccessDenied).order_by(AccessDenied.id.desc())
    return render_template("auth/access_denied.html", page=paginate(query))
