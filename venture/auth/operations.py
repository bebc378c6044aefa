"""Account operations: create, change roles, deactivate, passwords."""

import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from venture.auth.models import AccessDenied, LoginAttempt, User
from venture.core import audit
from venture.core.timeutil import now
from venture.extensions import db


class AccountError(ValueError):
    """A refused account change; str() is a message for a person."""


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    *, email, name, password, roles, actor, phone=None, organization=None, community=None
):
    """A new active account; refuses an e-mail already in use."""
    email = email.strip().lower()
    if find_user_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail already exists."))
    user = User(
        email=email, name=name.strip(), phone=phone, organization=organization, community=community
    )
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    audit.record(
        "user.create",
        user,
        actor=actor or user,
        after={"email": email, "name": user.name, "roles": ",".join(sorted(roles))},
    )
    return user


def set_user_roles(user, roles, *, actor):
    before = ",".join(sorted(r.value for r in user.roles))
    user.set_roles(roles)
    after = ",".join(sorted(r.value for r in user.roles))
    if before != after:
        audit.record(
            "user.roles", user, actor=actor, before={"roles": before}, after={"roles": after}
        )


def set_user_active(user, active, *, actor):
    """Deactivating also ends every session of the account at once."""
    if user.id == actor.id and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    audit.record(
        "user.activate" if active else "user.deactivate",
        user,
        actor=actor,
        before={"active": not active},
        after={"active": active},
    )


def change_password(user, current, new, *, actor):
    if not user.check_password(current):
        raise AccountError(_("The current password is wrong."))
    user.set_password(new)
    user.session_version += 1
    audit.record("user.password", user, actor=actor)


def update_profile(user, *, name, phone, locale, actor):
    before = audit.snapshot(user, ("name", "phone", "locale"))
    user.name, user.phone, user.locale = name.strip(), phone, locale
    audit.record_changes(
        "user.update", user, actor=actor, before=before, fields=("name", "phone", "locale")
    )


def note_login(user):
    user.last_login_at = now()


MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def login_locked_until(email):
    """When an e-mail with MAX_FAILURES recent failed sign-ins may try again, else None."""
    since = now() - LOCKOUT
    failures = db.session.scalars(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.email == email.strip().lower(),
            LoginAttempt.at >= since,
            LoginAttempt.success.is_(False),
        )
        .order_by(LoginAttempt.at.desc())
        .limit(MAX_FAILURES)
    ).all()
    if len(failures) < MAX_FAILURES:
        return None
    return failures[0] + LOCKOUT


def record_login_attempt(email, *, ip, success):
    db.session.add(
        LoginAttempt(email=email.strip().lower()[:254], ip=ip, success=success, at=now())
    )


RESET_MAX_AGE = 3600  # seconds a password reset link stays valid


def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_stamp(user):
    """Changes whenever the password does, so a reset link works only once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def password_reset_token(user):
    return _reset_serializer().dumps({"user": user.id, "stamp": _password_stamp(user)})


def user_for_reset_token(token):
    """The active account a reset link is for, or None when expired, used or forged."""
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active or data.get("stamp") != _password_stamp(user):
        return None
    return user


def send_password_reset(email, *, reset_url_for):
    """Mail a reset link when the e-mail belongs to an active account; silent otherwise."""
    from venture.core.mail import send_mail

    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    link = reset_url_for(password_reset_token(user))
    send_mail(
        user.email,
        _("Reset your Venture password"),
        _(
            "Someone (hopefully you) asked to reset the password of your Venture account. "
            "Open this link within one hour to choose a new password:\n\n%(link)s\n\n"
            "If you did not ask for this, ignore this message; your password stays as it is.",
            link=link,
        ),
    )
    audit.record("user.password_reset_requested", user, actor=user)


def reset_password(user, new):
    """Set a new password from a reset link; every other session of the account ends."""
    user.set_password(new)
    user.session_version += 1
    audit.record("user.password_reset", user, actor=user)


def record_access_denied(user, *, method, path, ip):
    db.session.add(
        AccessDenied(
            user_id=user.id if user is not None else None,
            method=method[:10],
            path=path[:500],
            ip=ip,
            at=now(),
        )
    )
