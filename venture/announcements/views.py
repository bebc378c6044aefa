"""Announcement pages: the public list and detail with the objection channel, staff pages to
publish, answer objections, finalise and withdraw, and admin's working-day corrections."""

from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from venture.announcements import operations
from venture.announcements.enums import AnnouncementKind, AnnouncementState, ObjectionState
from venture.announcements.forms import (
    AnswerForm,
    ConfirmForm,
    ObjectionForm,
    PeriodCheckForm,
    PublishForm,
    WithdrawForm,
    WorkdayOverrideForm,
)
from venture.announcements.models import Announcement, Objection
from venture.announcements.permissions import is_objector
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core import timeutil, workdays
from venture.core.access import public, roles_required, signed_in
from venture.core.actions import button, form_action, form_page, post_action, run_action
from venture.core.files import send_stored
from venture.core.formatting import local_date
from venture.core.integers import optional_id
from venture.core.pagination import paginate
from venture.core.panels import landing_block
from venture.extensions import db

bp = Blueprint("announcements", __name__)

landing_block("announcements/_landing.html")
LANDING_LIMIT = 5


@bp.app_template_global()
def current_announcements(limit=LANDING_LIMIT):
    """Announcements whose period is running, newest first (for the landing page)."""
    query = (
        select(Announcement)
        .where(
            Announcement.state == AnnouncementState.PUBLISHED,
            Announcement.ends_on >= timeutil.local_today(),
        )
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _get_announcement(announcement_id):
    announcement = db.session.scalar(
        select(Announcement)
        .where(Announcement.id == announcement_id)
        .options(
            selectinload(Announcement.objections).options(
                joinedload(Objection.user), joinedload(Objection.answered_by)
            ),
            selectinload(Announcement.attachments),
        )
    )
    if announcement is None:
        abort(404)
    return announcement


def _kind_filter(query):
    kind = request.args.get("kind", "")
    if kind in {k.value for k in AnnouncementKind}:
        query = query.where(Announcement.kind == AnnouncementKind(kind))
    return query, kind


# ---------------------------------------------------------------- public pages


@bp.route("/announcements")
@public
def index():
    """公示公告: every announcement, newest first, filtered by kind or by open period."""
    query = select(Announcement).order_by(Announcement.published_at.desc(), Announcement.id.desc())
    query, kind = _kind_filter(query)
    only_open = request.args.get("open") == "1"
    if only_open:
        query = query.where(
            Announcement.state == AnnouncementState.PUBLISHED,
            Announcement.ends_on >= timeutil.local_today(),
        )
    return render_template(
        "announcements/index.html",
        page=paginate(query),
        kind=kind,
        only_open=only_open,
        kinds=list(AnnouncementKind),
        today=timeutil.local_today(),
    )


def _render_show(announcement, form, status=200):
    today = timeutil.local_today()
    open_ = announcement.objections_open
    return (
        render_template(
            "announcements/show.html",
            announcement=announcement,
            form=form,
            objections_open=open_,
            days_left=workdays.working_days_left(today, announcement.ends_on) if open_ else 0,
            warnings=(
                announcement.period_warnings
                if announcement.state == AnnouncementState.PUBLISHED
                else []
            ),
            answered=[o for o in announcement.objections if o.is_answered],
            mine=[o for o in announcement.objections if is_objector(current_user, o)],
        ),
        status,
    )


@bp.route("/announcements/<int:announcement_id>")
@public
def show(announcement_id):
    return _render_show(_get_announcement(announcement_id), ObjectionForm())


@bp.route("/announcements/<int:announcement_id>/objections", methods=["POST"])
@signed_in
def lodge(announcement_id):
    """质疑: a signed-in person objects while the period is open."""
    announcement = _get_announcement(announcement_id)
    form = ObjectionForm()
    done = form_action(
        form,
        lambda: operations.lodge_objection(announcement, user=current_user, text=form.text.data),
        success=_(
            "Your objection was received. Staff will answer it; you will be told when they have."
        ),
        target=url_for("announcements.show", announcement_id=announcement.id),
    )
    return done or _render_show(_get_announcement(announcement_id), form, 400)


@bp.route("/announcements/<int:announcement_id>/files/<int:file_id>")
@public
def attachment(announcement_id, file_id):
    announcement = _get_announcement(announcement_id)
    stored = next((f for f in announcement.attachments if f.id == file_id), None)
    if stored is None:
        abort(404)
    return send_stored(stored)


# ---------------------------------------------------------------- staff pages


@bp.route("/staff/announcements")
@roles_required(Role.STAFF)
def staff_index():
    """Every announcement with its state and the objections still waiting for an answer."""
    pending = (
        select(Objection.announcement_id, func.count().label("pending"))
        .where(Objection.state == ObjectionState.PENDING)
        .group_by(Objection.announcement_id)
        .subquery()
    )
    query = (
        select(Announcement, func.coalesce(pending.c.pending, 0))
        .outerjoin(pending, pending.c.announcement_id == Announcement.id)
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
    )
    query, kind = _kind_filter(query)
    state = request.args.get("state", "")
    if state in {s.value for s in AnnouncementState}:
        query = query.where(Announcement.state == AnnouncementState(state))
    return render_template(
        "announcements/staff_index.html",
        page=paginate(query, scalars=False),
        kind=kind,
        state=state,
        kinds=list(AnnouncementKind),
        states=list(AnnouncementState),
        today=timeutil.local_today(),
    )


def _publishable_kinds():
    """Kinds staff publish by hand: results that become final through their own module
    (a finaliser is registered) are published from that module's pages."""
    return [k for k in AnnouncementKind if k not in operations.FINALISERS]


def _call_choices():
    rows = db.session.execute(select(Call.id, Call.title).order_by(Call.id.desc()).limit(200))
    return [(0, "—")] + [(row.id, row.title) for row in rows]


@bp.route("/staff/announcements/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def new():
    form = PublishForm()
    form.kind.choices = [(k.value, k.label) for k in _publishable_kinds()]
    form.call_id.choices = _call_choices()
    preview = None
    if form.validate_on_submit():
        preview = operations.preview_period(form.period_days.data)
        if preview.warnings and not form.accept_warnings.data:
            form.accept_warnings.errors = [
                _("Please read the warning about the end date and confirm it.")
            ]
        else:
            done = run_action(
                lambda: operations.publish_announcement(
                    kind=form.kind.data,
                    title=form.title.data,
                    body=form.body.data,
                    actor=current_user,
                    period_days=form.period_days.data,
                    call=db.session.get(Call, form.call_id.data or 0),
                    attachments=[f for f in form.attachments.data or [] if f and f.filename],
                ),
                success=lambda announcement: _(
                    "The announcement is published. Objections are taken until %(end)s.",
                    end=local_date(announcement.ends_on),
                ),
                target=lambda announcement: url_for(
                    "announcements.manage", announcement_id=announcement.id
                ),
                form=form,
            )
            if done:
                return done
    elif form.period_days.data and not form.period_days.errors:
        preview = operations.preview_period(form.period_days.data)
    return form_page("announcements/new.html", form=form, preview=preview)


def _render_manage(announcement, answer_forms=None, withdraw_form=None, status=200):
    forms = {
        o.id: AnswerForm(prefix=f"objection-{o.id}", formdata=None)
        for o in announcement.objections
        if o.state == ObjectionState.PENDING
    }
    forms.update(answer_forms or {})
    check = workdays.period_end(announcement.starts_on, announcement.period_days)
    return (
        render_template(
            "announcements/manage.html",
            announcement=announcement,
            answer_forms=forms,
            withdraw_form=withdraw_form or WithdrawForm(formdata=None),
            finalise_form=ConfirmForm(),
            finalise_refusal=operations.can_finalise(announcement),
            can_withdraw=announcement.state == AnnouncementState.PUBLISHED,
            recomputed_end=check.end,
            warnings=check.warnings if announcement.state == AnnouncementState.PUBLISHED else [],
        ),
        status,
    )


@bp.route("/staff/announcements/<int:announcement_id>")
@roles_required(Role.STAFF)
def manage(announcement_id):
    return _render_manage(_get_announcement(announcement_id))


@bp.route("/staff/objections/<int:objection_id>/answer", methods=["POST"])
@roles_required(Role.STAFF)
def answer(objection_id):
    objection = db.session.get(Objection, objection_id) or abort(404)
    announcement_id = objection.announcement_id
    form = AnswerForm(prefix=f"objection-{objection.id}")
    done = form_action(
        form,
        lambda: operations.answer_objection(
            objection,
            actor=current_user,
            upheld=form.decision.data == "uphold",
            answer=form.answer.data,
        ),
        success=_("The answer is saved and published with the announcement."),
        target=url_for("announcements.manage", announcement_id=announcement_id),
    )
    return done or _render_manage(
        _get_announcement(announcement_id), answer_forms={objection.id: form}, status=400
    )


@bp.route("/staff/announcements/<int:announcement_id>/finalise", methods=["POST"])
@roles_required(Role.STAFF)
@button(
    load=_get_announcement,
    target=lambda announcement: url_for("announcements.manage", announcement_id=announcement.id),
    success=_l("The announcement is final and its result has taken effect."),
    form=ConfirmForm,
)
def finalise(announcement, _form):
    return operations.finalise_announcement(announcement, actor=current_user)


@bp.route("/staff/announcements/<int:announcement_id>/withdraw", methods=["POST"])
@roles_required(Role.STAFF)
def withdraw(announcement_id):
    announcement = _get_announcement(announcement_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_manage(announcement, withdraw_form=form, status=400)
    return post_action(
        lambda: operations.withdraw_announcement(
            announcement, actor=current_user, reason=form.reason.data
        ),
        success=_("The announcement was withdrawn."),
        target=url_for("announcements.manage", announcement_id=announcement_id),
        form=form,
    )


# ---------------------------------------------------------------- admin: working days


def _year_rows(years, override_years):
    return [
        {
            "year": year,
            "library": workdays.published_by_library(year),
            "admin": year in override_years,
        }
        for year in years
    ]


def _special_days(year, overrides):
    """The days of year that differ from a plain Monday–Friday week, and where that comes from."""
    days = {}
    language = "en_US" if get_locale().language == "en" else "zh_CN"
    for day, name in workdays.library_holidays(year, language).items():
        if day.weekday() < 5:
            days[day] = {"day": day, "working": False, "name": name, "source": "library"}
    for day in workdays.library_make_up_days(year):
        days[day] = {"day": day, "working": True, "name": "", "source": "library"}
    for override in overrides:
        days[override.day] = {
            "day": override.day,
            "working": override.is_working_day,
            "name": override.note,
            "source": "admin",
        }
    return [days[d] for d in sorted(days)]


@bp.route("/admin/workdays", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def workdays_page():
    """Working days: what the calendar knows per year, admin's corrections, a period check."""
    form = WorkdayOverrideForm()
    done = form_action(
        form,
        lambda: workdays.set_workday_override(
            form.day.data,
            is_working_day=form.is_working_day.data == "1",
            note=form.note.data or "",
            actor=current_user,
        ),
        success=lambda _override: _("Saved: %(day)s.", day=local_date(form.day.data)),
        target=lambda _override: url_for("announcements.workdays_page", year=form.day.data.year),
    )
    if done:
        return done
    today = timeutil.local_today()
    year = optional_id(request.args.get("year")) or today.year
    year = min(max(year, 2001), today.year + 5)
    overrides = paginate(
        select(workdays.WorkdayOverride).order_by(workdays.WorkdayOverride.day.desc())
    )
    year_overrides = db.session.scalars(
        select(workdays.WorkdayOverride).where(
            workdays.WorkdayOverride.day.between(date(year, 1, 1), date(year, 12, 31))
        )
    ).all()
    override_years = workdays.override_years()
    check = PeriodCheckForm(request.args)
    result = None
    if request.args.get("start") and check.validate():
        result = workdays.period_end(check.start.data, check.days.data or 5)
    return (
        render_template(
            "admin/workdays.html",
            form=form,
            overrides=overrides,
            years=_year_rows(range(today.year - 1, today.year + 3), override_years),
            year=year,
            special_days=_special_days(year, year_overrides),
            check=check,
            result=result,
            weekday_names=[
                _("Monday"),
                _("Tuesday"),
                _("Wednesday"),
                _("Thursday"),
                _("Friday"),
                _("Saturday"),
                _("Sunday"),
            ],
        ),
        400 if request.method == "POST" else 200,
    )


@bp.route("/admin/workdays/<int:override_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_workday(override_id):
    override = db.session.get(workdays.WorkdayOverride, override_id) or abort(404)
    day: date = override.day
    return post_action(
        lambda: workdays.remove_workday_override(override, actor=current_user),
        success=_("Removed: %(day)s follows the calendar again.", day=local_date(day)),
        target=url_for("announcements.workdays_page", year=day.year),
        form=ConfirmForm(),
    )
