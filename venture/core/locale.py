"""The language of a request: the one answer Babel, the templates and queued jobs share."""

from flask import session
from flask_login import current_user

LANGUAGES = ("zh_CN", "en")


def select_locale():
    """The user's chosen language, else the session's, else Chinese."""
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return "zh_CN"
