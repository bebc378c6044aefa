"""Sign in and out, language, own profile."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from venture.auth import operations
from venture.auth.forms import ChangePasswordForm, LoginForm, ProfileForm
from venture.core.access import is_safe_next, public, signed_in
from venture.core.formatting import local_datetime
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
        user = operations.find_user_by_email(email)
        if user is None or not user.check_password(form.password.data) or not user.active:
            operations.record_login_attempt(email, ip=request.remote_addr, success=False)
            db.session.commit()
            flash(_("The e-mail or password is wrong, or the account is deactivated."), "danger")
        else:
            session.clear()  # a fresh session at sign-in
            login_user(user)
            operations.note_login(user)
            operations.record_login_attempt(email, ip=request.remote_addr, success=True)
            db.session.commit()
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
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
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("home.index"))


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
            login_user(current_user)  # keep this session; older ones end
            flash(_("Your password was changed."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=password_form), 400
