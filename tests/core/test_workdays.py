"""Chinese working days: the State Council arrangement, admin's corrections, unknown years."""

from datetime import date

import pytest
from sqlalchemy import select

from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.core.workdays import (
    PeriodEnd,
    WorkdayOverride,
    add_working_days,
    is_working_day,
    is_year_published,
    period_end,
    published_by_library,
    remove_workday_override,
    set_workday_override,
    working_days_left,
)
from venture.extensions import db

WARNING_2027 = (
    "国务院办公厅尚未公布 2027 年节假日安排。2027 年的日期仅按周末和常规节日推算，截止日期可能"
    "变动。请在安排公布后再次核对，或请系统管理员录入 2027 年的放假和调休日期。"
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 26), True),  # Friday
        (date(2025, 9, 27), False),  # Saturday
        (date(2025, 9, 28), True),  # Sunday, make-up working day for National Day
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 6), False),  # Mid-Autumn Festival, a Monday
        (date(2025, 10, 8), False),  # Wednesday, day off swapped with 2025-10-11
        (date(2025, 10, 9), True),  # Thursday
        (date(2025, 10, 11), True),  # Saturday, make-up working day
        (date(2025, 4, 4), False),  # Tomb-Sweeping Day, a Friday
        (date(2026, 2, 14), True),  # Saturday, make-up working day for Spring Festival
        (date(2026, 2, 20), False),  # Friday in the Spring Festival holiday
    ],
)
def test_is_working_day_follows_the_state_council_arrangement(day, working):
    assert is_working_day(day) is working


def test_add_working_days_across_national_day_and_make_up_sunday():
    # Sun 28 Sep works, 1–8 Oct are off: 28, 29, 30 Sep, 9, 10 Oct
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)


def test_add_working_days_across_national_day_and_make_up_saturday():
    # 9, 10, Sat 11 (make-up), 13, 14 Oct; without the make-up Saturday it would be the 15th
    assert add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)


def test_add_working_days_across_weekend_and_tomb_sweeping_day():
    # Thu 3 Apr, (Fri 4 Apr holiday, weekend), 7, 8, 9, 10 Apr
    assert add_working_days(date(2025, 4, 2), 5) == date(2025, 4, 10)


def test_add_working_days_across_labour_day_holiday():
    # Wed 30 Apr, (1–5 May off), 6, 7, 8, 9 May
    assert add_working_days(date(2025, 4, 29), 5) == date(2025, 5, 9)


def test_add_working_days_counts_from_the_day_after_start():
    assert add_working_days(date(2025, 3, 3), 1) == date(2025, 3, 4)
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)
    assert add_working_days(date(2025, 3, 7), 0) == date(2025, 3, 7)


def test_add_working_days_negative_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 3), -1)


def test_override_day_off_moves_the_end(make):
    admin = make.user(Role.ADMIN)
    set_workday_override(date(2025, 10, 9), is_working_day=False, note="停电", actor=admin)
    db.session.commit()
    assert is_working_day(date(2025, 10, 9)) is False
    # 28, 29, 30 Sep, 10 Oct, Sat 11 Oct
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 11)


def test_override_working_day_moves_the_end(make):
    admin = make.user(Role.ADMIN)
    set_workday_override(date(2025, 10, 4), is_working_day=True, note="", actor=admin)
    db.session.commit()
    # 28, 29, 30 Sep, Sat 4 Oct, 9 Oct
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 9)


def test_override_is_corrected_and_removed_with_audit(make):
    admin = make.user(Role.ADMIN)
    override = set_workday_override(
        date(2025, 10, 9), is_working_day=False, note="误录", actor=admin
    )
    set_workday_override(date(2025, 10, 9), is_working_day=True, note="已更正", actor=admin)
    db.session.commit()
    assert db.session.scalars(select(WorkdayOverride)).all() == [override]
    assert (override.is_working_day, override.note) == (True, "已更正")
    remove_workday_override(override, actor=admin)
    db.session.commit()
    assert db.session.scalars(select(WorkdayOverride)).all() == []
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "workday_override.add",
        "workday_override.update",
        "workday_override.remove",
    ]


def test_period_end_in_published_years_has_no_warning():
    assert period_end(date(2025, 9, 26), 5) == PeriodEnd(end=date(2025, 10, 10), warnings=[])
    assert period_end(date(2026, 12, 21), 5) == PeriodEnd(end=date(2026, 12, 28), warnings=[])


def test_period_end_reaching_2027_warns():
    # 29, 30, 31 Dec 2026; 1 Jan 2027 is New Year's Day (a guess); 4, 5 Jan
    assert period_end(date(2026, 12, 28), 5) == PeriodEnd(
        end=date(2027, 1, 5), warnings=[WARNING_2027]
    )


def test_period_end_inside_2027_warns():
    assert period_end(date(2027, 3, 1), 5).warnings == [WARNING_2027]


def test_year_entered_by_admin_counts_as_published(make):
    admin = make.user(Role.ADMIN)
    assert (published_by_library(2026), published_by_library(2027)) == (True, False)
    set_workday_override(
        date(2027, 2, 20), is_working_day=True, note="2027 年春节调休", actor=admin
    )
    db.session.commit()
    assert is_year_published(2027) is True
    assert period_end(date(2026, 12, 28), 5) == PeriodEnd(end=date(2027, 1, 5), warnings=[])


def test_working_days_left_counts_after_today_through_end():
    # Fri 26 Sep: Sun 28, 29, 30 Sep, 9, 10 Oct
    assert working_days_left(date(2025, 9, 26), date(2025, 10, 10)) == 5
    # from the holiday: 9, 10, Sat 11 Oct
    assert working_days_left(date(2025, 10, 3), date(2025, 10, 11)) == 3
    assert working_days_left(date(2025, 10, 10), date(2025, 10, 10)) == 0
    assert working_days_left(date(2025, 10, 11), date(2025, 10, 10)) == 0


def test_admin_page_adds_corrects_and_removes_a_day(client, make, login):
    admin = login(make.user(Role.ADMIN))
    response = client.post(
        "/admin/workdays",
        data={"day": "2027-02-06", "is_working_day": "1", "note": "春节调休"},
    )
    assert response.status_code == 302
    override = db.session.scalars(select(WorkdayOverride)).one()
    assert (override.day, override.is_working_day, override.created_by_id) == (
        date(2027, 2, 6),
        True,
        admin.id,
    )
    page = client.get("/admin/workdays?year=2027").get_data(as_text=True)
    assert "春节调休" in page
    client.post(
        "/admin/workdays", data={"day": "2027-02-06", "is_working_day": "0", "note": "更正"}
    )
    db.session.expire_all()
    assert db.session.scalars(select(WorkdayOverride.is_working_day)).all() == [False]
    response = client.post(f"/admin/workdays/{override.id}/remove")
    assert response.status_code == 302
    assert db.session.scalars(select(WorkdayOverride)).all() == []


def test_admin_page_bad_date_keeps_input(client, make, login):
    login(make.user(Role.ADMIN))
    response = client.post(
        "/admin/workdays", data={"day": "2027-13-40", "is_working_day": "1", "note": "笔误"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    feedback = (
        '<div class="invalid-feedback d-block" id="day-feedback">请按 YYYY-MM-DD 格式填写日期。'
    )
    assert feedback in page
    assert 'value="笔误"' in page
    assert db.session.scalars(select(WorkdayOverride)).all() == []


def test_admin_page_period_check_shows_end_and_warning(client, make, login):
    login(make.user(Role.ADMIN))
    page = client.get("/admin/workdays?start=2026-12-28&days=5").get_data(as_text=True)
    assert "于 2026年12月28日 发布，5 个工作日的期限截止于 2027年1月5日。" in page
    assert WARNING_2027 in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.APPLICANT, Role.REVIEWER])
def test_workdays_page_is_admin_only(client, make, login, role):
    login(make.user(role, organization=make.org() if role == Role.APPLICANT else None))
    assert client.get("/admin/workdays").status_code == 403
    assert client.post("/admin/workdays", data={"day": "2027-02-06"}).status_code == 403
