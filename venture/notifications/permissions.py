"""Who may open a notification."""


def can_open_notification(user, notification):
    return user.is_authenticated and notification.user_id == user.id
