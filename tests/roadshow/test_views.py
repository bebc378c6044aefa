"""Roadshow pages: who may open what, the forms, the phone's drafts, the display link."""

import json
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.roadshow import helpers
from venture.auth.enums import Role
from venture.core.timeutil import from_local, local_today, now
from venture.extensions import db
from venture.roadshow import display, operations
from venture.roadshow.enums import ItemState
from venture.roadshow.models import Roadshow


def _page(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_staff_schedule_a_roadshow_from_the_call(client, login, make):
    s = helpers.scene()
    operations.cancel_roadshow(s.roadshow, reason="改期", actor=s.staff)
    db.session.commit()
    login(s.staff)
    first, second = s.applications
    response = client.post(
        f"/staff/review/calls/{s.call.id}/roadshows",
        data={
            "held_on": "2026-12-03",
            "start_time": "14:00",
            "place": "区政务中心二楼报告厅",
            "minutes_per_item": "6",
            "application_ids": [str(second.id), str(first.id)],
        },
    )
    assert response.status_code == 302
    made = db.session.scalars(select(Roadshow).order_by(Roadshow.id.desc())).first()
    assert response.headers["Location"] == f"/staff/roadshows/{made.id}"
    assert (made.place, made.minutes_per_item) == ("区政务中心二楼报告厅", 6)
    assert made.scheduled_at.isoformat() == "2026-12-03T06:00:00+00:00"
    assert {i.application_id for i in made.items} == {first.id, second.id}


def test_schedule_form_keeps_what_was_typed_on_a_missing_place(client, login):
    s = helpers.scene()
    operations.cancel_roadshow(s.roadshow, reason="改期", actor=s.staff)
    db.session.commit()
    login(s.staff)
    response = client.post(
        f"/staff/review/calls/{s.call.id}/roadshows",
        data={
            "held_on": "2026-12-03",
            "start_time": "14:00",
            "place": "",
            "minutes_per_item": "6",
            "application_ids": [str(s.applications[0].id)],
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写地点。" in body
    assert 'value="2026-12-03"' in body
    assert db.session.scalar(select(Roadshow.id).where(Roadshow.place == "")) is None


def test_staff_run_the_session_through_the_console(client, login):
    s = helpers.scene()
    login(s.staff)
    base = f"/staff/roadshows/{s.roadshow.id}"
    assert client.post(f"{base}/start").status_code == 302
    item = s.roadshow.items[0]
    assert client.post(f"{base}/items/{item.id}/timer/start").status_code == 302
    assert client.post(f"{base}/items/{item.id}/close").status_code == 302
    assert client.post(f"{base}/next").status_code == 302
    db.session.expire_all()
    assert [i.state for i in s.roadshow.items] == [ItemState.CLOSED, ItemState.PRESENTING]
    status, body = _page(client, base)
    assert status == 200
    assert "路演项目2" in body
    refused = client.post(f"{base}/finish", follow_redirects=True)
    assert "请先结束台上项目的评分。" in refused.get_data(as_text=True)


def test_reviewer_off_the_panel_cannot_open_the_session(client, login, make):
    s = helpers.scene(start=True)
    stranger = helpers.review_helpers.expert(name="组外专家")
    login(stranger.user)
    item = s.roadshow.current_item
    assert client.get(f"/roadshows/{s.roadshow.id}").status_code == 404
    assert client.get(f"/roadshows/{s.roadshow.id}/state.json").status_code == 404
    draft = client.post(f"/roadshows/{s.roadshow.id}/items/{item.id}/draft", data={})
    assert draft.status_code == 404
    assert client.get(f"/roadshows/{s.roadshow.id + 1}").status_code == 404


def test_applicant_gets_403_on_the_session_pages(client, login, make):
    s = helpers.scene(start=True)
    login(make.member(s.applications[0].organization))
    for url in (
        f"/roadshows/{s.roadshow.id}/state.json",
        f"/roadshows/{s.roadshow.id}",
        f"/staff/roadshows/{s.roadshow.id}",
        f"/staff/roadshows/{s.roadshow.id}/display",
    ):
        assert client.get(url).status_code == 403, url


def test_reviewer_declares_scores_and_submits_on_the_phone(client, login):
    s = helpers.scene(start=True)
    expert = s.experts[0]
    item = s.roadshow.current_item
    login(expert.user)
    status, body = _page(client, f"/roadshows/{s.roadshow.id}")
    assert status == 200
    assert "您的席位：1号评委" in body
    assert 'id="declare-no-conflict"' in body
    assert client.post(f"/roadshows/{s.roadshow.id}/items/{item.id}/open").status_code == 302
    c1, c2, c3 = s.criteria
    typed = {f"score-{c1.id}": "35.5", f"score-{c2.id}": "45", f"score-{c3.id}": ""}
    saved = client.post(f"/roadshows/{s.roadshow.id}/items/{item.id}/draft", data=typed)
    answer = saved.get_json()
    assert saved.status_code == 200
    assert answer["saved"] is True
    assert answer["errors"] == {str(c2.id): "分数应在 0 到 30 之间。"}
    sheet = s.assignment(expert).sheet
    assert [sheet.score_for(c.id).raw for c in s.criteria] == ["35.5", "45", ""]
    status, body = _page(client, f"/roadshows/{s.roadshow.id}")
    assert 'value="35.5"' in body
    assert "分数应在 0 到 30 之间。" in body
    submitted = client.post(
        f"/roadshows/{s.roadshow.id}/items/{item.id}/sheet",
        data={**typed, f"score-{c2.id}": "25", f"score-{c3.id}": "20", "action": "submit"},
    )
    assert submitted.status_code == 302
    db.session.expire_all()
    assert sheet.total == Decimal("80.5")
    status, body = _page(client, f"/roadshows/{s.roadshow.id}")
    assert "您的评分表已提交，总分：80.5 / 100。" in body


def test_submitting_an_incomplete_sheet_keeps_the_draft(client, login):
    s = helpers.scene(start=True)
    expert = s.experts[1]
    item = s.roadshow.current_item
    helpers.score_on_stage(s, expert, [30, "", ""], submit=False)
    login(expert.user)
    c1, c2, c3 = s.criteria
    response = client.post(
        f"/roadshows/{s.roadshow.id}/items/{item.id}/sheet",
        data={f"score-{c1.id}": "30", f"score-{c2.id}": "22", "action": "submit"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "提交前请为此项评分。" in body
    db.session.expire_all()
    assert s.assignment(expert).sheet.score_for(c2.id).raw == "22"


def test_draft_after_the_item_closes_is_refused(client, login):
    s = helpers.scene(start=True)
    expert = s.experts[0]
    item = s.roadshow.current_item
    helpers.score_on_stage(s, expert, [30, "", ""], submit=False)
    operations.close_item(item, actor=s.staff)
    db.session.commit()
    login(expert.user)
    response = client.post(
        f"/roadshows/{s.roadshow.id}/items/{item.id}/draft",
        data={f"score-{s.criteria[0].id}": "10"},
    )
    assert response.status_code == 409
    assert response.get_json() == {"saved": False, "message": "该项目的评分已结束。"}
    status, body = _page(client, f"/roadshows/{s.roadshow.id}")
    assert "该项目的评分已结束，您的评分表未提交。" in body


def test_reviewer_not_assigned_to_the_project_cannot_score_it(client, login):
    s = helpers.scene(start=True)
    item = s.roadshow.current_item
    expert = s.experts[2]
    operations.step_back(item, s.assignment(expert), reason="曾在该机构任职", actor=expert.user)
    db.session.commit()
    login(expert.user)
    status, body = _page(client, f"/roadshows/{s.roadshow.id}")
    assert "您已回避该项目，不参与评分。" in body
    response = client.post(
        f"/roadshows/{s.roadshow.id}/items/{item.id}/draft",
        data={f"score-{s.criteria[0].id}": "10"},
    )
    assert response.status_code == 409
    assert response.get_json()["message"] == "您已声明与该申报书存在利益冲突，不能再评分。"


HALL_KEYS = {
    "roadshow", "id", "state", "state_label", "title", "place", "minutes", "count", "closed",
    "item", "position", "number", "organization", "remaining", "timer_running",
    "seats", "seat", "label", "status", "status_label",
    "submitted", "expected", "aggregate", "next", "key",
}  # fmt: skip


def _keys(data):
    """Every key of a JSON document, at any depth."""
    if isinstance(data, dict):
        return set(data) | set().union(*(_keys(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_keys(v) for v in data)) if data else set()
    return set()


def _hall_state(client, token):
    response = client.get(f"/roadshow/display/{token}/state.json")
    assert response.status_code == 200
    return response.get_json()


def test_display_link_shows_the_hall_no_names_and_no_scores(client, make, login):
    s = helpers.scene(start=True)
    token = display.display_token(s.roadshow)
    for expert, scores in zip(s.experts, ([36, 25, 24.5], [30, 28, 20], [33, 27, 30]), strict=True):
        helpers.score_on_stage(s, expert, scores)
    login(make.member(s.applications[0].organization))  # an applicant in the hall
    state = _hall_state(client, token)
    assert state["aggregate"] is None
    assert [x["label"] for x in state["seats"]] == ["1号评委", "2号评委", "3号评委"]
    assert _keys(state) == HALL_KEYS
    text = json.dumps(state, ensure_ascii=False)
    for hidden in ("专家1", "85.5", "78.0", "90.0", "84.5"):
        assert hidden not in text
    status, page = _page(client, f"/roadshow/display/{token}")
    assert status == 200
    assert "专家1" not in page
    assert "84.50" not in page


def test_display_shows_the_aggregate_once_closed_and_not_the_last_items_on_the_next(
    client, make, login
):
    s = helpers.scene(start=True)
    token = display.display_token(s.roadshow)
    for expert, scores in zip(s.experts, ([36, 25, 24.5], [30, 28, 20], [33, 27, 30]), strict=True):
        helpers.score_on_stage(s, expert, scores)
    operations.close_item(s.roadshow.current_item, actor=s.staff)
    db.session.commit()
    assert _hall_state(client, token)["aggregate"] == {
        "sheets": 3,
        "mean": "84.50",
        "trimmed": None,
    }
    status, page = _page(client, f"/roadshow/display/{token}")
    assert "84.50" in page
    operations.next_item(s.roadshow, actor=s.staff)
    db.session.commit()
    helpers.score_on_stage(s, s.experts[0], [40, 30, 30])
    state = _hall_state(client, token)
    assert state["item"]["title"] == "路演项目2"
    assert state["aggregate"] is None
    assert "84.50" not in json.dumps(state)


def test_display_link_expires_and_can_be_revoked(client):
    s = helpers.scene(start=True)
    expired = display.display_token(s.roadshow, expires_at=now() - timedelta(seconds=1))
    assert client.get(f"/roadshow/display/{expired}").status_code == 404
    assert client.get(f"/roadshow/display/{expired}/state.json").status_code == 404
    current = display.display_token(s.roadshow)
    assert client.get(f"/roadshow/display/{current}").status_code == 200
    operations.revoke_display_links(s.roadshow, actor=s.staff)
    db.session.commit()
    assert client.get(f"/roadshow/display/{current}").status_code == 404
    assert client.get(f"/roadshow/display/{current[:-2]}xx").status_code == 404


def test_display_link_lasts_a_day():
    s = helpers.scene()
    almost = display.display_token(s.roadshow, expires_at=display.link_expiry())
    assert display.roadshow_for_token(almost) == s.roadshow
    later = now() - timedelta(hours=display.LINK_HOURS, seconds=1)
    assert (
        display.roadshow_for_token(
            display.display_token(s.roadshow, expires_at=display.link_expiry(later))
        )
        is None
    )


def test_staff_state_has_names_and_the_panel_state_has_seats(client, login):
    s = helpers.scene(start=True)
    login(s.staff)
    staff_state = client.get(f"/roadshows/{s.roadshow.id}/state.json").get_json()
    assert [x["name"] for x in staff_state["seats"]] == ["专家1", "专家2", "专家3"]
    client.post("/logout")
    login(s.experts[1].user)
    panel_state = client.get(f"/roadshows/{s.roadshow.id}/state.json").get_json()
    assert "name" not in panel_state["seats"][0]
    assert panel_state["me"] == "undeclared"


def test_home_page_tells_panel_members_of_todays_roadshow(client, login):
    s = helpers.scene()
    s.roadshow.scheduled_at = now()
    db.session.commit()
    login(s.experts[0].user)
    status, body = _page(client, "/")
    assert 'id="home-roadshows"' in body
    assert f'href="/roadshows/{s.roadshow.id}"' in body


def test_home_page_has_no_roadshow_line_on_other_days(client, login):
    s = helpers.scene()
    s.roadshow.scheduled_at = now() + timedelta(days=2)
    db.session.commit()
    login(s.experts[0].user)
    status, body = _page(client, "/")
    assert 'id="home-roadshows"' not in body


def test_review_pages_link_to_the_roadshow(client, login):
    s = helpers.scene()
    login(s.staff)
    status, body = _page(client, f"/staff/review/calls/{s.call.id}")
    assert f'href="/staff/review/calls/{s.call.id}/roadshows"' in body
    status, body = _page(client, f"/staff/review/calls/{s.call.id}/roadshows")
    assert status == 200
    assert f'href="/staff/roadshows/{s.roadshow.id}"' in body


def test_staff_nav_and_reviewer_nav_list_roadshows(client, login):
    s = helpers.scene()
    login(s.staff)
    assert 'href="/staff/roadshows"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(s.experts[0].user)
    assert 'href="/roadshows"' in client.get("/").get_data(as_text=True)


def test_role_other_than_staff_cannot_run_the_console(client, login, make):
    s = helpers.scene()
    login(make.user(Role.REVIEWER))
    assert client.post(f"/staff/roadshows/{s.roadshow.id}/start").status_code == 403


def test_staff_home_shows_todays_roadshow_with_its_time_place_and_call(client, login):
    s = helpers.scene()
    s.roadshow.scheduled_at = from_local(datetime.combine(local_today(), time(14, 30)))
    db.session.commit()
    login(s.staff)
    status, body = _page(client, "/")
    line = body[body.index('id="home-roadshows"') :]
    line = " ".join(line[line.index("<li>") + 4 : line.index("</li>")].split())
    assert line == (
        f"今天 14:30 在香坊区民政局三楼会议室有路演评审：{s.call.title} "
        '<a class="btn btn-sm btn-primary ms-1" '
        f'href="/staff/roadshows/{s.roadshow.id}">打开控制台</a>'
    )
