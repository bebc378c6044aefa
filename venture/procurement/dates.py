"""Tender dates on non-working days: the bid deadline, the opening and the end of the
result announcement, checked against the Chinese working-day calendar (core/workdays.py).

No rule of the 政府采购法 family forbids a deadline or an opening on a holiday, so these are
warnings, shown to the staff member who sets the date; bidders and the panel would otherwise
travel on 元旦. Periods counted in working days (announcements, bond refunds) end on a working
day by construction.
"""

from flask_babel import get_locale
from flask_babel import gettext as _

from venture.core.formatting import local_date
from venture.core.timeutil import to_local
from venture.core.workdays import _library_year, is_working_day


def day_name(day):
    """The holiday's name in the page's language (元旦, 国庆节…), or None for a plain weekend."""
    locale = get_locale()
    language = "zh_CN" if locale is None or locale.language == "zh" else "en_US"
    return _library_year(day.year, language).get(day)


def non_working_day_warning(what, moment):
    """A message when moment (a UTC datetime or a Beijing date) falls on a non-working day."""
    day = to_local(moment).date() if hasattr(moment, "hour") else moment
    if is_working_day(day):
        return None
    name = day_name(day)
    if name:
        return _(
            "%(what)s is on %(date)s, %(holiday)s: a public holiday, not a working day.",
            what=what,
            date=local_date(day),
            holiday=name,
        )
    return _(
        "%(what)s is on %(date)s, a weekend day that is not a working day.",
        what=what,
        date=local_date(day),
    )


def tender_date_warnings(tender):
    """Warnings for the tender's bid deadline and opening (one per date on a day off)."""
    checks = [
        (_("The bid deadline"), tender.call.closes_at),
        (_("The opening"), tender.opening_at),
    ]
    announcement = tender.announcement
    if announcement is not None:
        checks.append((_("The end of the result announcement"), announcement.ends_on))
    return [w for w in (non_working_day_warning(what, when) for what, when in checks) if w]
