"""Redirects whose target comes from the request: the one place that decides what may pass.

Only a path on this site passes: it starts with a single "/", and holds no backslash, no
whitespace and no control character (a browser drops a tab or a newline inside a URL, so
"/\\t/evil.example" would become "//evil.example", another site).
"""

from urllib.parse import urlsplit

from flask import redirect


def is_same_origin_path(target):
    """True for a path on this site such as "/calls/3?tab=1"; False for anything else."""
    if not isinstance(target, str) or not target.startswith("/"):
        return False
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return False
    if target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_redirect(target, fallback):
    """Redirect to target when it is a path on this site, else to fallback (a URL we built)."""
    return redirect(target if is_same_origin_path(target) else fallback)


def referrer_path():
    """The path of the Referer when it is a page of this site, else None."""
    from flask import request

    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
