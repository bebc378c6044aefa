"""How dates, times and money look on pages: China first."""

from flask import request, url_for
from flask_babel import get_locale

from venture.core.money import format_yuan
from venture.core.timeutil import to_local


def _chinese():
    locale = get_locale()
    return locale is None or locale.language == "zh"


def local_datetime(value):
    """2026年11月25日 18:05 in Chinese, 2026-11-25 18:05 in English (Asia/Shanghai)."""
    if value is None:
        return ""
    local = to_local(value)
    if _chinese():
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def local_date(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = to_local(value).date()
    if _chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def yuan(value):
    return format_yuan(value)


def url_with(**changes):
    """The current URL with some query arguments changed (pagination, filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)
