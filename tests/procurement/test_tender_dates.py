"""Non-working days: a deadline or opening on a holiday warns, naming the holiday."""

from datetime import UTC, date, datetime

import time_machine

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.core.timeutil import from_local
from venture.extensions import db
from venture.procurement.dates import non_working_day_warning, tender_date_warnings

# the tests run on 1 December 2026, Beijing time, whatever today is
DECEMBER = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_opening_on_new_years_day_2027_warns_that_it_is_a_public_holiday():
    with time_machine.travel(DECEMBER, tick=False):
        tender = helpers.tender_call(deadline_days=30)
        tender.call.closes_at = from_local(datetime(2026, 12, 31, 9, 30))
        tender.opening_at = from_local(datetime(2027, 1, 1, 9, 30))
        db.session.commit()
        assert tender_date_warnings(tender) == [
            "开标时间在2027年1月1日，即元旦：法定节假日，不是工作日。"
        ]


def test_deadline_on_a_plain_weekend_warns_without_a_holiday_name():
    assert non_working_day_warning("投标截止时间", date(2026, 12, 12)) == (
        "投标截止时间在2026年12月12日，是周末休息日，不是工作日。"
    )


def test_make_up_working_day_and_ordinary_weekday_do_not_warn():
    # Saturday 10 October 2026 is a make-up working day (调休上班)
    assert non_working_day_warning("开标时间", date(2026, 10, 10)) is None
    assert non_working_day_warning("开标时间", date(2026, 12, 14)) is None


def test_saving_a_tender_with_a_holiday_opening_shows_the_warning(client, login):
    with time_machine.travel(DECEMBER, tick=False):
        staff = login(factories.user(Role.STAFF))
        call = factories.call("draft", route="tender", staff=staff, required_attachments="")
        response = client.post(
            f"/staff/calls/{call.id}/tender/edit",
            data={
                "method": "open",
                "evaluation": "lowest_price",
                "requirements": "为辖区独居老人提供每周上门探访服务。",
                "budget_ceiling": "100000.00",
                "price_weight": "",
                "required_documents": "",
                "bid_deadline": "2026-12-31T09:30",
                "opening_at": "2027-01-01T09:30",
                "opening_place": "香坊区民政局三楼会议室",
                "bond_amount": "",
            },
            follow_redirects=True,
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "开标时间在2027年1月1日，即元旦：法定节假日，不是工作日。" in page
        assert "投标截止时间在" not in page


def test_the_tender_page_keeps_the_holiday_warning_for_staff(client, login):
    with time_machine.travel(DECEMBER, tick=False):
        staff = factories.user(Role.STAFF)
        tender = helpers.tender_call(staff=staff, deadline_days=30)
        tender.opening_at = from_local(datetime(2027, 1, 1, 9, 30))
        db.session.commit()
        login(staff)
        page = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
        assert "开标时间在2027年1月1日，即元旦：法定节假日，不是工作日。" in page
