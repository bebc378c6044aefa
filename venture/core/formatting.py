"""How dates, times and money look on pages: China first."""

from flask import request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from venture.core.money import format_yuan
from venture.core.timeutil import local_today, to_local


def _chinese():
    locale = get_locale()
    return locale is None or locale.language == "zh"


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day(value):
    """A date from a date, or from a stored UTC datetime seen in Asia/Shanghai."""
    return to_local(value).date() if hasattr(value, "hour") else value


def local_datetime(value):
    """2026年11月25日 18:05 in Chinese, 25 Nov 2026 18:05 in English (Asia/Shanghai)."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{local_date(local.date())} {local:%H:%M}"


def _day_text(value, chinese, english):
    """ "" for None, else the day of value written by chinese(day) or english(day)."""
    if value is None:
        return ""
    day = _day(value)
    return chinese(day) if _chinese() else english(day)


def local_date(value):
    """2026年11月25日 in Chinese, 25 Nov 2026 in English."""
    return _day_text(
        value,
        chinese=lambda day: f"{day.year}年{day.month}月{day.day}日",
        english=lambda day: f"{day.day} {MONTHS[day.month - 1]} {day.year}",
    )


def weekday_date(value):
    """A near date people plan around: 11月27日（周五）, or Fri 27 Nov in English."""
    return _day_text(
        value,
        chinese=lambda day: f"{day.month}月{day.day}日（{WEEKDAYS_ZH[day.weekday()]}）",
        english=lambda day: f"{WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS[day.month - 1]}",
    )


# a date within this many days is shown with its weekday and without its year
NEAR_DAYS = 120


def near_date(value):
    """A date people plan around: 11月27日（周五） when near today, 2027年3月1日 when far."""
    if value is None:
        return ""
    day = _day(value)
    if abs((day - local_today()).days) <= NEAR_DAYS:
        return weekday_date(day)
    return local_date(day)


def yuan(value):
    """¥1,234,567.89 (and -¥1,200.00 for a negative amount)."""
    return format_yuan(value)


def url_with(**changes):
    """The current URL with some query arguments changed (pagination, filters)."""
    path_args = dict(request.view_args or {})
    # a query argument named like a path argument (?call_id=…) must not replace it
    args = {
        k: v
        for k, v in request.args.to_dict().items()
        if k not in path_args and not k.startswith("_")
    }
    for key, value in changes.items():
        if value is not None:
            (path_args if key in path_args else args)[key] = value
    return url_for(request.endpoint, **path_args, **args)


def filtered():
    """Whether the current list is narrowed by a filter or a search (not by page or order)."""
    return any(
        value.strip()
        for key, value in request.args.items(multi=True)
        if key not in ("page", "sort")
    )


def xlsx_date_format():
    """The Excel number format of a date cell in the export's language (the cell stays a
    date, so it sorts and filters): 2026年11月25日, or 25 Nov 2026."""
    return 'yyyy"年"m"月"d"日"' if _chinese() else "d mmm yyyy"


def xlsx_datetime_format():
    """The Excel number format of a Beijing time: 2026年11月25日 18:05, or 25 Nov 2026 18:05."""
    return f"{xlsx_date_format()} hh:mm"


class OptionList:
    """The <option>s of (id, label) rows, rendered once (a menu kept across requests), marked
    as selected per request: for menus of thousands of entries (the ledger's organizations),
    built at a fraction of a template loop's cost. The labels are escaped in one call (joined
    by NUL, which no label holds; should one, each is escaped alone)."""

    def __init__(self, rows):
        self.rows = [tuple(row) for row in rows]
        self.keys = [key for key, _label in self.rows]
        joined = "\x00".join([str(label) for _key, label in self.rows])
        labels = str(escape(joined)).split("\x00")
        if len(labels) != len(self.rows):
            labels = [str(escape(label)) for _key, label in self.rows]
        self.html = "".join(
            [
                f'<option value="{key}">{label}</option>'
                for key, label in zip(self.keys, labels, strict=True)
            ]
        )

    def marked(self, selected):
        """The options with the one whose id is selected (if any) marked."""
        if selected not in self.keys:
            return Markup(self.html)
        mark = f'<option value="{selected}">'
        return Markup(self.html.replace(mark, f'<option value="{selected}" selected>', 1))


def select_options(rows, selected):
    """<option>s of (id, label) rows (or an OptionList) with the selected id marked."""
    options = rows if isinstance(rows, OptionList) else OptionList(rows)
    return options.marked(selected)
