"""Home pages ask the rules: a 公示 past its period waits for confirmation, not "ending soon"."""

from datetime import UTC, datetime, timedelta

import time_machine

from tests.home.test_next_steps import next_steps
from venture.auth.enums import Role
from venture.extensions import db

# Monday 2026-12-28, 10:00 in Asia/Shanghai
PUBLISHED = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)


def test_staff_home_shows_an_announcement_past_its_period_as_waiting_for_confirmation(
    client, login, make
):
    with time_machine.travel(PUBLISHED, tick=False):
        staff = make.user(Role.STAFF)
        notice = make.announcement(period_days=3)
        db.session.commit()
        login(staff)
        page = client.get("/").get_data(as_text=True)
        assert notice.ends_on.isoformat() == "2026-12-31"
        assert next_steps(page, "staff") == [
            ("1 项公示一周内期满，最早 12月31日（周四） 期满", f"/staff/announcements/{notice.id}")
        ]
    # 2027-04-06: long after the period; the 公示 is not finalised yet
    with time_machine.travel(PUBLISHED + timedelta(days=99), tick=False):
        login(staff)
        page = client.get("/").get_data(as_text=True)
        assert next_steps(page, "staff") == [
            (
                "1 项公示期满待确认，最早一项 12月31日（周四） 期满",
                f"/staff/announcements/{notice.id}",
            )
        ]
