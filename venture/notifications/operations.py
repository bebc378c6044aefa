"""notify(): an inbox row per person, and an e-mail sent once the change is committed.

Subjects and bodies may be lazy strings: each is rendered in the recipient's language. Mail waits
in the session until commit, so a refused or rolled-back action never sends one.
"""

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import force_locale
from sqlalchemy.orm import Session

from venture.auth.enums import Role
from venture.auth.models import User
from venture.auth.operations import active_holders, register_signed_in_figure
from venture.core.mail import send_mail
from venture.core.timeutil import now
from venture.extensions import db
from venture.notifications.models import Notification

PENDING_MAIL = "venture_pending_mail"
NOTIFICATIONS_WRITTEN = "venture_notifications_written"


def notify(users, subject, body, link=None):
    """Tell each active user (once) in the inbox and by e-mail; returns the inbox rows."""
    rows = []
    seen = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        with force_locale(user.locale or "zh_CN"):
            text_subject, text_body = str(subject)[:200], str(body)
        row = Notification(user_id=user.id, subject=text_subject, body=text_body, link=link)
        db.session.add(row)
        _written()
        rows.append(row)
        mail_body = text_body + (f"\n\n{_absolute(link)}" if link else "")
        db.session.info.setdefault(PENDING_MAIL, []).append((user.email, text_subject, mail_body))
    return rows


def _absolute(link):
    if has_request_context() and link.startswith("/"):
        return request.host_url.rstrip("/") + link
    return link


def staff_users():
    """Every active account holding the staff role."""
    return active_holders(Role.STAFF, User.id)


def _unread_of_account():
    """The account's unread notifications, correlated to User: read with the signed-in account
    (auth.operations.signed_in_user), so the navigation's badge costs no statement of its own."""
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )


register_signed_in_figure("unread_notifications", _unread_of_account)


def _written():
    """This session changed notifications: a figure read at the start of the request is stale."""
    db.session.info[NOTIFICATIONS_WRITTEN] = True


def unread_count(user):
    """The unread notifications of user: the figure read with the signed-in account while this
    session wrote none, else a COUNT."""
    known = getattr(user, "signed_in_figures", {}).get("unread_notifications")
    if known is not None and not db.session.info.get(NOTIFICATIONS_WRITTEN):
        return known
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(notification):
    if notification.read_at is None:
        notification.read_at = now()
        _written()


def mark_all_read(user):
    _written()
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now())
    )


@sa.event.listens_for(Session, "after_commit")
def _send_pending_mail(session):
    for to, subject, body in session.info.pop(PENDING_MAIL, []):
        send_mail(to, subject, body)


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop_pending_mail(session, previous_transaction):
    if not previous_transaction.nested:
        session.info.pop(PENDING_MAIL, None)
