"""The overdue reports of the staff home: counted from the schedules' columns, kept under a
stamp every write to a schedule moves (models.keep_schedule_stamp) and the day, checked by
the integrity rule delivery.overdue_reports."""

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import travel_to
from tests.delivery.helpers import delivering, periods, write_report
from venture.core.cache import CachedFigure
from venture.core.timeutil import local_today
from venture.delivery import operations
from venture.delivery.enums import ReportFrequency
from venture.delivery.models import SCHEDULE_STAMP
from venture.extensions import db
from venture.integrity.checks import run_checks


def shown(client):
    page = client.get("/").get_data(as_text=True)
    return int(re.search(r'id="figure-overdue">(\d+)<', page).group(1))


def stamp():
    table = CachedFigure.__table__
    return db.session.scalar(sa.select(table.c.value).where(table.c.key == SCHEDULE_STAMP))


def findings():
    return [f for f in run_checks() if f.rule == "delivery.overdue_reports"]


def test_the_count_is_the_outstanding_periods_on_each_day(make):
    project, member, _staff = delivering(make)
    write_report(project, member, {}, period=1)
    write_report(project, member, {}, period=2, submit=False)  # a draft is still overdue
    today = local_today()
    for day in (today - timedelta(days=150), today, today + timedelta(days=40)):
        assert operations.overdue_report_count(day) == len(operations.outstanding_reports(day))
    overdue = [p for p in periods(project) if p.due_on < today]
    assert operations.overdue_report_count() == len(overdue) - 1 > 0


def test_the_staff_home_follows_each_write_to_a_schedule(make, client, login):
    project, member, staff = delivering(make)
    overdue = len([p for p in periods(project) if p.due_on < local_today()])
    login(staff)
    assert shown(client) == overdue
    kept = stamp()
    draft = write_report(project, member, {}, period=0, submit=False)
    assert stamp() != kept  # a report added: moved, though the count stays
    assert shown(client) == overdue
    kept = stamp()
    operations.submit_report(draft, actor=member)
    db.session.commit()
    assert stamp() != kept
    assert shown(client) == overdue - 1
    operations.set_reporting_plan(
        project.call, frequency=ReportFrequency.QUARTERLY, grace_days=10, actor=staff
    )
    db.session.commit()
    quarterly = shown(client)
    assert quarterly == len(operations.outstanding_reports()) != overdue - 1
    project.start_date -= timedelta(days=200)  # any operation: the hook sees the flush
    db.session.commit()
    assert shown(client) == len(operations.outstanding_reports()) > quarterly
    assert findings() == []


def test_a_write_that_changes_no_schedule_keeps_the_stamp(make):
    project, member, _staff = delivering(make)
    write_report(project, member, {}, period=0, submit=False)
    kept = stamp()
    project.title = "新名称"
    db.session.commit()
    assert stamp() == kept


def test_the_day_changing_counts_again(make, client, login):
    project, _member, staff = delivering(make)
    login(staff)
    today = local_today()
    assert shown(client) == len(operations.outstanding_reports(today))
    later = today + timedelta(days=70)
    with travel_to(later):
        login(staff)
        assert shown(client) == len(operations.outstanding_reports(later)) > 0


def test_integrity_finds_a_stored_figure_the_schedules_do_not_give(make, client, login):
    _project, _member, staff = delivering(make)
    login(staff)
    counted = shown(client)
    assert findings() == []
    row = db.session.get(CachedFigure, "delivery.overdue_reports")
    row.value = {**row.value, "value": counted + 3}
    db.session.commit()
    assert [f.detail for f in findings()] == [
        f"stored {counted + 3} overdue reports on {local_today()}, the schedules give {counted}"
    ]
