"""Account operations: create, change roles, deactivate, passwords."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from venture.auth.models import LoginAttempt, User
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
