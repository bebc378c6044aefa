"""The inbox: each person's notifications, newest first."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from venture.core.access import deny_unless, is_safe_next, signed_in
from venture.core.pagination import paginate
from venture.extensions import db
from venture.notifications import operations
from venture.notifications.models import Notification
from venture.notifications.permissions import can_open_notification

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread_badge():
    """unread_notifications() for the navigation bar: the figure read with the signed-in
    account (no statement of its own), only when a page asks."""

    def unread_notifications():
        if not current_user.is_authenticated:
            return 0
        return operations.unread_count(current_user)

    return {"unread_notifications": unread_notifications}


@bp.route("/inbox")
@signed_in
def inbox():
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return render_template("notifications/inbox.html", page=paginate(query))


@bp.route("/inbox/<int:notification_id>/open", methods=["POST"])
@signed_in
def open_notification(notification_id):
    """Mark one notification read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        abort(404)
    deny_unless(can_open_notification(current_user, notification), 404)
    operations.mark_read(notification)
    db.session.commit()
    if is_safe_next(notification.link):
        return redirect(notification.link)
    return redirect(url_for("notifications.inbox"))


@bp.route("/inbox/read-all", methods=["POST"])
@signed_in
def read_all():
    operations.mark_all_read(current_user)
    db.session.commit()
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.inbox"))
