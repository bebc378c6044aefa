"""Account operations: create, change roles, deactivate, passwords."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from venture.auth.enums import Role
from venture.auth.models import AccessDenied, LoginAttempt, User, UserRole, UserSession
from venture.core import audit
from venture.core.actions import Refused
from venture.core.timeutil import now
from venture.extensions import db


class AccountError(Refused):
    """A refused account change; str() is a message for a person."""


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def active_holders(role, *order_by):
    """Every active account holding role, in order_by."""
    return db.session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role(role).value, User.active)
        .order_by(*order_by)
    ).all()


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
    audit.record_added(
        "user.create",
        user,
        actor=actor or user,
        after={"email": email, "name": user.name, "roles": ",".join(sorted(roles))},
    )
    return user


def create_account(account, *, roles, actor, organization=None):
    """create_user from an account form's email, name, phone (blank: none) and password."""
    return create_user(
        email=account["email"],
        name=account["name"],
        phone=account.get("phone") or None,
        password=account["password"],
        roles=roles,
        actor=actor,
        organization=organization,
    )


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
    if not active:
        end_sessions(user, because="deactivated")
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
    end_sessions(user, because="password")
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


MAX_ADDRESS_FAILURES = 20  # from one address, across every account, within LOCKOUT


def _locked_until(condition, limit):
    """When the LOCKOUT window of the last `limit` failures matching condition ends, if there
    were that many within it, else None."""
    failures = db.session.scalars(
        select(LoginAttempt.at)
        .where(condition, LoginAttempt.at >= now() - LOCKOUT, LoginAttempt.success.is_(False))
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    ).all()
    if len(failures) < limit:
        return None
    return failures[0] + LOCKOUT


def login_locked_until(email):
    """When an e-mail with MAX_FAILURES recent failed sign-ins may try again, else None."""
    return _locked_until(LoginAttempt.email == email.strip().lower(), MAX_FAILURES)


def address_locked_until(ip):
    """When an address with MAX_ADDRESS_FAILURES recent failed sign-ins (whatever the
    accounts) may try again, else None."""
    if not ip:
        return None
    return _locked_until(LoginAttempt.ip == ip, MAX_ADDRESS_FAILURES)


@cache
def _stand_in_hash(method):
    """A hash of a random password, made with the configured method: checked when the account
    does not exist, so an unknown e-mail costs the same time as a real one."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(email, password):
    """The active account whose password this is, or None; always exactly one hash check,
    whether or not the account exists or is active."""
    user = find_user_by_email(email)
    if user is None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        check_password_hash(_stand_in_hash(method), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


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
    end_sessions(user, because="reset")
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


# ── server-side sessions ────────────────────────────────────────────────────────────────────


def _key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user, *, ip, user_agent):
    """A new server-side session for user; returns the key for the session cookie."""
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=_key_hash(key),
            started_at=now(),
            ip=ip,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    return key


# figures read with the account in signed_in_user's one statement, so a page asks nothing more
# to show them: name → a function giving a scalar subquery over User (a higher module
# registers one, as notifications does for the inbox badge's unread count)
SIGNED_IN_FIGURES = {}


def register_signed_in_figure(name, column):
    """Read column() (a scalar subquery correlated to User) with every signed-in account, as
    user.signed_in_figures[name]."""
    SIGNED_IN_FIGURES[name] = column
    _signed_in_user_statement.cache_clear()


@cache
def _signed_in_user_statement():
    """The account with its roles, whether the session key is live and the registered figures:
    built once, run with user_id and key_hash. The organization and community the model joins
    to every account are left to load when a page reads them (few do, and most accounts have
    neither): their ~35 columns cost each signed-in request ~0.25 ms."""
    live = (
        select(UserSession.id)
        .where(
            UserSession.key_hash == bindparam("key_hash"),
            UserSession.user_id == bindparam("user_id"),
            UserSession.ended_at.is_(None),
        )
        .exists()
    )
    figures = [column().label(name) for name, column in SIGNED_IN_FIGURES.items()]
    return (
        select(User, live, *figures)
        .options(joinedload(User.role_rows), lazyload(User.organization), lazyload(User.community))
        .where(User.id == bindparam("user_id"))
    )


def signed_in_user(user_id, version, key):
    """The active account user_id whose session_version is version and whose server-side
    session key is live, with its roles, organization and community: one statement, what
    every signed-in request pays to know who asks. None when any of it fails."""
    if not isinstance(key, str) or not key:
        return None
    row = (
        db.session.execute(
            _signed_in_user_statement(), {"user_id": user_id, "key_hash": _key_hash(key)}
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    user, live, *figures = row
    if not live or not user.active or user.session_version != version:
        return None
    user.signed_in_figures = dict(zip(SIGNED_IN_FIGURES, figures, strict=True))
    return user


def end_session(key, *, because):
    """End the session named by key (logout, timeout); nothing when it is unknown."""
    if not isinstance(key, str) or not key:
        return
    db.session.execute(
        UserSession.__table__.update()
        .where(UserSession.key_hash == _key_hash(key), UserSession.ended_at.is_(None))
        .values(ended_at=now(), ended_because=because)
    )


def end_sessions(user, *, because):
    """End every session of user (password change, deactivation, sign out everywhere)."""
    db.session.execute(
        UserSession.__table__.update()
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now(), ended_because=because)
    )


def sign_out_everywhere(user, *, actor):
    """End every session of the account, this one included, and say so in the audit log."""
    end_sessions(user, because="everywhere")
    audit.record("user.sign_out_everywhere", user, actor=actor)
