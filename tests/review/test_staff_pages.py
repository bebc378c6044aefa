"""Staff pages: forming the panel, the matrix and its spread flag, reminders, query bounds."""

from contextlib import contextmanager
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import select

from tests.review import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.notifications.models import Notification
from venture.review import operations
from venture.review.enums import PanelMethod


@contextmanager
def counted_queries():
    seen = []

    def count(*_args):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_staff_draw_a_panel_through_the_form(client, login, make):
    staff = make.user(Role.STAFF)
    category = make.category()
    call = helpers.call(staff=staff)
    experts = [helpers.expert(category) for _ in range(7)]
    login(staff)
    response = client.post(
        f"/staff/review/calls/{call.id}/panel/draw",
        data={
            "draw-category_ids": [str(category.id)],
            "draw-size": "5",
            "draw-reserves": "2",
            "draw-seed": "",
            "draw-reviewers_per_application": "5",
            "draw-spread_threshold": "20",
            "draw-deadline": "2026-04-30",
        },
    )
    assert response.status_code == 302
    panel = operations.panel_of(call.id)
    assert (panel.method, panel.size, len(panel.members), len(panel.seed)) == (
        PanelMethod.DRAW,
        5,
        7,
        16,
    )
    assert sorted(panel.candidates) == sorted(e.id for e in experts)
    page = client.get(f"/staff/review/calls/{call.id}").get_data(as_text=True)
    assert panel.seed in page
    assert "可由种子复现" in page


def test_a_draw_of_an_even_size_is_refused_next_to_the_field(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    for _ in range(5):
        helpers.expert()
    login(staff)
    response = client.post(
        f"/staff/review/calls/{call.id}/panel/draw",
        data={
            "draw-size": "4",
            "draw-reserves": "0",
            "draw-reviewers_per_application": "3",
            "draw-spread_threshold": "20",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "评审专家组成员须为单数；当前为 4 人。" in page
    assert operations.panel_of(call.id) is None


def _scored_call(n_apps, staff):
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    for _ in range(n_apps):
        helpers.application(call)
    experts = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, experts, staff=staff)
    made, _ = helpers.assign(panel, staff)
    for i, a in enumerate(made):
        if i % 4 != 3:
            helpers.submit(a, [20 + (i % 3) * 8, 20, 20], criteria)
    return call, panel


def test_matrix_flags_a_large_spread(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    app = helpers.application(call, title="分歧项目")
    experts = [helpers.expert(name=f"专家{i}") for i in range(3)]
    panel = helpers.panel(call, experts, staff=staff)
    made, _ = helpers.assign(panel, staff)
    for a, scores in zip(made, ([38, 28, 28], [20, 15, 10], [30, 20, 20]), strict=True):
        helpers.submit(a, scores, criteria)
    login(staff)
    page = client.get(f"/staff/review/calls/{call.id}").get_data(as_text=True)
    assert "已提交 3 / 3 份评分表" in page
    assert f'<tr class=table-warning data-application="{app.id}">' in page
    # spread 94 − 45
    assert '49 <span class="badge text-bg-danger">偏大</span>' in page


def test_panel_and_ranking_pages_use_a_bounded_number_of_queries(client, login, make):
    staff = make.user(Role.STAFF)
    small, _ = _scored_call(2, staff)
    large, _ = _scored_call(8, staff)
    login(staff)
    counts = {}
    for name, call_id in (("small", small.id), ("large", large.id)):
        for page in ("", "/ranking"):
            db.session.expunge_all()  # each request starts with an empty identity map
            with counted_queries() as seen:
                assert client.get(f"/staff/review/calls/{call_id}{page}").status_code == 200
            counts[(name, page)] = len(seen)
    assert counts[("small", "")] == counts[("large", "")]
    assert counts[("small", "/ranking")] == counts[("large", "/ranking")]


def test_reminders_go_to_reviewers_with_open_sheets(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    helpers.application(call)
    experts = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, experts, staff=staff)
    panel.deadline = __import__("datetime").date(2026, 4, 30)
    db.session.commit()
    made, _ = helpers.assign(panel, staff)
    helpers.submit(made[0], [30, 20, 20], criteria)
    login(staff)
    response = client.post(f"/staff/review/calls/{call.id}/reminders")
    assert response.status_code == 302
    reminded = db.session.scalars(
        select(Notification.user_id).where(Notification.subject.like("提醒：%"))
    ).all()
    assert sorted(reminded) == sorted([made[1].reviewer.user_id, made[2].reviewer.user_id])
    body = db.session.scalars(
        select(Notification.body).where(Notification.subject.like("提醒：%"))
    ).first()
    assert body == f"{call.title}有 1 份申报书请您在 2026年4月30日 前完成评分。"


def test_staff_choose_the_aggregation(client, login, make):
    staff = make.user(Role.STAFF)
    call, panel = _scored_call(2, staff)
    login(staff)
    client.post(
        f"/staff/review/calls/{call.id}/ranking/aggregation", data={"aggregation": "standardised"}
    )
    db.session.refresh(panel)
    assert panel.aggregation.value == "standardised"
    page = client.get(f"/staff/review/calls/{call.id}/ranking").get_data(as_text=True)
    assert "拟定资助采用的汇总方式：标准分（按专家计算 z 分数）。" in page


def test_spread_threshold_setting_is_saved(client, login, make):
    staff = make.user(Role.STAFF)
    call, panel = _scored_call(1, staff)
    login(staff)
    client.post(
        f"/staff/review/calls/{call.id}/panel/settings",
        data={"deadline": "2026-05-08", "spread_threshold": "12.5"},
    )
    db.session.refresh(panel)
    assert panel.spread_threshold == Decimal("12.5")


def test_staff_assign_the_panel_from_its_page(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    helpers.rubric(call, staff=staff)
    helpers.application(call)
    helpers.panel(call, [helpers.expert() for _ in range(3)], staff=staff)
    db.session.commit()
    login(staff)
    response = client.post(f"/staff/review/calls/{call.id}/assign")
    assert response.status_code == 302
    assert response.location == f"/staff/review/calls/{call.id}"
    with client.session_transaction() as session:
        assert session["_flashes"] == [("success", "已分配 3 项评审任务。")]
