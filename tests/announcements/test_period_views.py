"""The shared page that publishes a result as a 公示 with a working-day period."""

from datetime import UTC, date, datetime

from tests.procurement.test_designation import values
from venture.auth.enums import Role
from venture.core import timeutil
from venture.extensions import db
from venture.procurement import operations
from venture.procurement.enums import DesignationState

FEEDBACK = '<div class="invalid-feedback d-block" id="{}-feedback">{}</div>'


def _designation(make):
    staff = make.user(Role.STAFF)
    call = make.call(route="targeted", staff=staff, cap_per_project="200000.00")
    made = operations.create_designation(call, values(make.org()), actor=staff)
    db.session.commit()
    return staff, made


def _on(monkeypatch, day):
    moment = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
    monkeypatch.setattr(timeutil, "now", lambda: moment)
    monkeypatch.setattr(timeutil, "local_today", lambda: day)


def test_the_first_visit_fills_the_title_and_the_kinds_minimum_and_previews_the_end(
    client, login, make, monkeypatch
):
    staff, designation = _designation(make)
    login(staff)
    _on(monkeypatch, date(2025, 9, 30))  # five working days after the National Day holidays
    page = client.get(f"/staff/designations/{designation.id}/announce").get_data(as_text=True)
    title = (
        'id="title" maxlength="200" name="title" required type="text" '
        'value="定向委托公示：红旗社区居家养老服务"'
    )
    period = 'id="period_days" max="60" min="1" name="period_days" required type="number" value="5"'
    assert (title in page, period in page) == (True, True)
    assert "如今天发布，公示期将于2025年10月14日结束。" in page


def test_a_missing_title_or_period_is_shown_on_its_field_and_nothing_is_published(
    client, login, make
):
    staff, designation = _designation(make)
    login(staff)
    url = f"/staff/designations/{designation.id}/announce"
    response = client.post(url, data={"title": " ", "period_days": "5"})
    assert response.status_code == 400
    assert FEEDBACK.format("title", "该字段是必填字段。") in response.get_data(as_text=True)
    response = client.post(url, data={"title": "定向委托公示", "period_days": "0"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert FEEDBACK.format("period_days", "请填写整数个工作日。") in page
    db.session.expire_all()
    assert (designation.state, designation.announcement_id) == (DesignationState.DRAFTED, None)
