"""The reviewer's queue order: panels still scoring first, standing assignments before
declared conflicts, unopened, then open, then submitted sheets, then by the panel's deadline.
The order is kept on each assignment by every change of an assignment, a sheet or a panel."""

import re
from datetime import date
from decimal import Decimal

from tests.review import helpers
from venture.auth.enums import Role
from venture.core.timeutil import now
from venture.extensions import db
from venture.review import operations


def _queue(client):
    page = client.get("/review").get_data(as_text=True)
    return re.findall(r"队列项目\w+", page)


def _call_with_panel(staff, reviewer, titles, deadline):
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    apps = [helpers.application(call, title=f"队列项目{t}") for t in titles]
    panel = helpers.panel(
        call, [reviewer, helpers.expert(), helpers.expert()], staff=staff, deadline=deadline
    )
    made, _missing = helpers.assign(panel, staff)
    mine = {a.application_id: a for a in made if a.reviewer_id == reviewer.id}
    return panel, criteria, [mine[app.id] for app in apps]


def test_queue_orders_by_panel_state_sheet_and_deadline(client, login, make):
    staff = make.user(Role.STAFF)
    reviewer = helpers.expert()
    panel_a, criteria_a, (a1, a2, a3) = _call_with_panel(
        staff, reviewer, ("A1", "A2", "A3"), date(2026, 6, 10)
    )
    _panel_b, criteria_b, (b1, b2) = _call_with_panel(
        staff, reviewer, ("B1", "B2"), date(2026, 6, 5)
    )
    panel_c, _criteria_c, (c1,) = _call_with_panel(staff, reviewer, ("C1",), date(2026, 6, 1))
    helpers.submit(a1, [30, 20, 20], criteria_a)
    helpers.open_sheet(a2)
    operations.declare_conflict(a3, reason="曾在该机构任职", actor=reviewer.user)
    db.session.commit()
    helpers.submit(b2, [30, 20, 20], criteria_b)
    panel_c.proposed_at = now()  # its awards proposed: the panel's work is done
    db.session.commit()
    login(reviewer.user)
    assert _queue(client) == [
        "队列项目B1",
        "队列项目A2",
        "队列项目B2",
        "队列项目A1",
        "队列项目A3",
        "队列项目C1",
    ]

    # an earlier deadline for A's panel moves its rows ahead of B's within a group
    operations.update_panel_settings(
        panel_a, deadline=date(2026, 6, 1), spread_threshold=Decimal(20), actor=staff
    )
    db.session.commit()
    assert _queue(client) == [
        "队列项目B1",
        "队列项目A2",
        "队列项目A1",
        "队列项目B2",
        "队列项目A3",
        "队列项目C1",
    ]

    # a sheet submitted, and one reopened by the staff, change groups
    helpers.submit(a2, [35, 25, 25], criteria_a)
    operations.reopen_sheet(b2.sheet, reason="请复核第二项评分", actor=staff)
    db.session.commit()
    assert _queue(client) == [
        "队列项目B1",
        "队列项目B2",
        "队列项目A1",
        "队列项目A2",
        "队列项目A3",
        "队列项目C1",
    ]
    assert (b1.queue_group, c1.queue_group, a3.queue_due) == (0, 8, date(2026, 6, 1))


def test_queue_counts_kept_on_the_profile_follow_every_change(make):
    from venture.integrity.checks import run_checks
    from venture.review.models import queue_counts

    staff = make.user(Role.STAFF)
    reviewer, reserve = helpers.expert(), helpers.expert()
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    apps = [helpers.application(call, title=f"队列项目{t}") for t in ("A1", "A2", "A3")]
    panel = helpers.panel(
        call, [reviewer, helpers.expert(), helpers.expert()], reserves=[reserve], staff=staff
    )
    made, _missing = helpers.assign(panel, staff)
    mine = {a.application_id: a for a in made if a.reviewer_id == reviewer.id}
    a1, a2, a3 = (mine[app.id] for app in apps)
    # (assignments listed, standing, standing with the sheet submitted)
    assert (queue_counts(reviewer.id), queue_counts(reserve.id)) == ((3, 3, 0), (0, 0, 0))
    helpers.submit(a1, [30, 20, 20], criteria)
    helpers.open_sheet(a2)
    assert queue_counts(reviewer.id) == (3, 3, 1)
    operations.declare_conflict(a3, reason="曾在该机构任职", actor=reviewer.user)
    db.session.commit()
    assert queue_counts(reviewer.id) == (3, 2, 1)
    operations.replace_reviewer(a3, reserve, actor=staff)
    db.session.commit()
    assert (queue_counts(reviewer.id), queue_counts(reserve.id)) == ((3, 2, 1), (1, 1, 0))
    operations.reopen_sheet(a1.sheet, reason="请复核第二项评分", actor=staff)
    db.session.commit()
    assert queue_counts(reviewer.id) == (3, 2, 0)
    helpers.submit(a2, [35, 25, 25], criteria)
    panel.proposed_at = now()  # every assignment of the panel moves to the proposed groups
    db.session.commit()
    assert (queue_counts(reviewer.id), queue_counts(reserve.id)) == ((3, 2, 1), (1, 1, 0))
    assert run_checks(["review.queue_counts"]) == []


def test_bulk_queue_refresh_counts_every_queue_again(make):
    import sqlalchemy as sa

    from venture.review.models import ReviewerProfile, queue_counts, refresh_queue_order

    staff = make.user(Role.STAFF)
    reviewer = helpers.expert()
    _panel, _criteria, _mine = _call_with_panel(staff, reviewer, ("A1", "A2"), None)
    db.session.execute(sa.update(ReviewerProfile).values(queue_listed=9, queue_standing=9))
    refresh_queue_order(db.session.connection())
    db.session.commit()
    assert queue_counts(reviewer.id) == (2, 2, 0)


def test_every_page_of_the_queue_holds_its_rows_in_order_read_from_either_end(
    client, login, make, app, monkeypatch
):
    """Pages in the second half are read from the end of the queue's index (paginate's
    order=): every page holds exactly the queue's rows in its order, a panel without a
    deadline (NULL, which SQLite and PostgreSQL sort at opposite ends) included."""
    staff = make.user(Role.STAFF)
    reviewer = helpers.expert()
    _panel_a, criteria_a, (a1, _a2, _a3) = _call_with_panel(
        staff, reviewer, ("A1", "A2", "A3"), date(2026, 6, 10)
    )
    _call_with_panel(staff, reviewer, ("B1", "B2"), None)
    _call_with_panel(staff, reviewer, ("C1", "C2"), date(2026, 6, 1))
    helpers.submit(a1, [30, 20, 20], criteria_a)
    db.session.commit()
    login(reviewer.user)
    whole = _queue(client)
    assert len(whole) == 7
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    pages = []
    for number in (1, 2, 3, 4):
        text = client.get(f"/review?page={number}").get_data(as_text=True)
        pages.append(re.findall(r"队列项目\w+", text))
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert sum(pages, []) == whole
    assert whole[-1] == "队列项目A1"  # the submitted sheet last
