"""Running a roadshow: the running order, the timer, on-the-spot scoring and its lock."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.review import helpers as review_helpers
from tests.roadshow import helpers
from venture.core.audit import AuditEntry
from venture.core.timeutil import now
from venture.extensions import db
from venture.review import operations as review
from venture.review import results
from venture.roadshow import live, operations
from venture.roadshow.enums import ItemState, RoadshowState


def test_create_roadshow_keeps_the_chosen_order():
    s = helpers.scene(applications=3)
    assert [i.application_id for i in s.roadshow.items] == [a.id for a in s.applications]
    assert [i.position for i in s.roadshow.items] == [1, 2, 3]
    assert s.roadshow.state == RoadshowState.SCHEDULED


def test_create_roadshow_refuses_an_application_another_session_presents():
    s = helpers.scene()
    with pytest.raises(operations.RoadshowError) as refused:
        operations.create_roadshow(
            s.call,
            scheduled_at=now(),
            place="会议室",
            minutes=5,
            application_ids=[s.applications[0].id],
            actor=s.staff,
        )
    assert refused.value.message == "只能选择评审中、且未安排在其他场次的申报书。"
    assert refused.value.field == "application_ids"


def test_cancelled_roadshow_frees_its_applications():
    s = helpers.scene()
    operations.cancel_roadshow(s.roadshow, reason="会场调整", actor=s.staff)
    db.session.commit()
    assert [a.id for a in operations.candidates(s.call.id)] == [a.id for a in s.applications]


def test_start_puts_the_first_project_on_stage():
    s = helpers.scene(start=True)
    first = s.roadshow.items[0]
    assert s.roadshow.state == RoadshowState.RUNNING
    assert first.state == ItemState.PRESENTING
    assert s.roadshow.current_item == first
    assert s.roadshow.items[1].state == ItemState.WAITING


def test_start_is_refused_for_a_project_without_reviewers():
    s = helpers.scene()
    late = review_helpers.application(s.call, title="迟到的申报书")
    s.roadshow.items.append(operations.RoadshowItem(application_id=late.id, position=3))
    db.session.commit()
    with pytest.raises(operations.TransitionRefused) as refused:
        operations.start_roadshow(s.roadshow, actor=s.staff)
    assert refused.value.message == "“迟到的申报书”尚未分配评审专家：请先在评审页面分配。"


def test_next_item_is_refused_while_a_project_is_on_stage():
    s = helpers.scene(start=True)
    with pytest.raises(operations.TransitionRefused) as refused:
        operations.next_item(s.roadshow, actor=s.staff)
    assert refused.value.message == "请先结束台上项目的评分。"


def test_next_item_after_close_moves_on_in_order():
    s = helpers.scene(start=True)
    operations.close_item(s.roadshow.items[0], actor=s.staff)
    item = operations.next_item(s.roadshow, actor=s.staff)
    assert item == s.roadshow.items[1]
    assert s.roadshow.current_position == 2
    operations.close_item(item, actor=s.staff)
    with pytest.raises(operations.RoadshowError) as refused:
        operations.next_item(s.roadshow, actor=s.staff)
    assert refused.value.message == "所有项目都已路演完毕，请结束路演。"


def test_move_item_swaps_waiting_projects():
    s = helpers.scene(applications=3)
    third = s.roadshow.items[2]
    operations.move_item(third, "up", actor=s.staff)
    db.session.commit()
    titles = [i.application.title for i in s.roadshow.items]
    assert titles == ["路演项目1", "路演项目3", "路演项目2"]
    with pytest.raises(operations.RoadshowError) as refused:
        operations.move_item(s.roadshow.items[0], "up", actor=s.staff)
    assert refused.value.message == "该项目已在出场顺序的一端。"


def test_move_item_refuses_a_project_that_presented():
    s = helpers.scene(start=True)
    with pytest.raises(operations.RoadshowError) as refused:
        operations.move_item(s.roadshow.items[0], "down", actor=s.staff)
    assert refused.value.message == "只有等待中的项目可以调整出场顺序。"


def test_timer_runs_pauses_and_resets(monkeypatch):
    s = helpers.scene(start=True)
    item = s.roadshow.current_item
    clock = {"at": now()}
    monkeypatch.setattr(operations, "now", lambda: clock["at"])
    operations.run_timer(item, "start", actor=s.staff)
    clock["at"] += timedelta(seconds=90)
    assert item.remaining(clock["at"]) == 8 * 60 - 90
    operations.run_timer(item, "pause", actor=s.staff)
    clock["at"] += timedelta(seconds=60)
    assert item.remaining(clock["at"]) == 390
    assert item.timer_running is False
    operations.run_timer(item, "start", actor=s.staff)
    clock["at"] += timedelta(seconds=400)
    assert item.remaining(clock["at"]) == -10
    operations.run_timer(item, "reset", actor=s.staff)
    assert item.remaining(clock["at"]) == 480
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "RoadshowItem")
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == [
        "roadshow_item.present",
        "roadshow_item.timer_start",
        "roadshow_item.timer_pause",
        "roadshow_item.timer_start",
        "roadshow_item.timer_reset",
    ]


def test_timer_of_a_waiting_project_is_refused():
    s = helpers.scene(start=True)
    with pytest.raises(operations.RoadshowError) as refused:
        operations.run_timer(s.roadshow.items[1], "start", actor=s.staff)
    assert refused.value.message == "只有台上的项目有计时。"


def test_scores_given_on_stage_count_in_the_review_matrix_and_ranking():
    s = helpers.scene(applications=1, start=True)
    for expert, scores in zip(s.experts, ([36, 25, 24.5], [30, 28, 20], [33, 27, 30]), strict=True):
        helpers.score_on_stage(s, expert, scores)
    data = results.overview(s.panel)
    row = data.rows[0]
    assert data.submitted == 3
    assert sorted(row.score.totals) == [Decimal("78.0"), Decimal("85.5"), Decimal("90.0")]
    ranking = results.ranking(s.panel)
    assert ranking.rows[0].display_score == Decimal("84.50")


def test_closing_a_project_locks_its_sheets_everywhere():
    s = helpers.scene(start=True)
    helpers.score_on_stage(s, s.experts[0], [30, 20, 20])
    late = helpers.score_on_stage(s, s.experts[1], [30, 20, ""], submit=False)
    operations.close_item(s.roadshow.current_item, actor=s.staff)
    db.session.commit()
    with pytest.raises(review.ReviewError) as refused:
        review.save_sheet(
            late.sheet,
            entries=helpers.entries(s.criteria, [30, 20, 20]),
            overall_comment="",
            actor=s.experts[1].user,
        )
    assert refused.value.message == (
        "该项目的路演评分已结束；路演进行中，工作人员可在路演控制台重新开放。"
    )
    submitted = s.assignment(s.experts[0]).sheet
    with pytest.raises(review.ReviewError):
        review.reopen_sheet(submitted, reason="误操作", actor=s.staff)


def test_reopen_item_lets_the_panel_finish_the_sheet():
    s = helpers.scene(start=True)
    late = helpers.score_on_stage(s, s.experts[1], [30, 20, ""], submit=False)
    item = s.roadshow.current_item
    operations.close_item(item, actor=s.staff)
    operations.reopen_item(item, reason="专家网络中断", actor=s.staff)
    db.session.commit()
    helpers.score_on_stage(s, s.experts[1], [30, 20, 20])
    assert late.is_submitted is True


def test_scoring_a_project_not_on_stage_is_refused():
    s = helpers.scene(start=True)
    waiting = s.roadshow.items[1]
    assignment = s.assignment(s.experts[0], s.applications[1])
    with pytest.raises(operations.RoadshowError) as refused:
        operations.open_sheet(waiting, assignment, actor=s.experts[0].user)
    assert refused.value.message == "该项目当前不在台上。"


def test_finish_is_refused_while_a_project_is_on_stage():
    s = helpers.scene(start=True)
    with pytest.raises(operations.TransitionRefused) as refused:
        operations.finish_roadshow(s.roadshow, actor=s.staff)
    assert refused.value.message == "请先结束台上项目的评分。"
    operations.close_item(s.roadshow.current_item, actor=s.staff)
    operations.finish_roadshow(s.roadshow, actor=s.staff)
    assert s.roadshow.state == RoadshowState.FINISHED


def test_live_state_shows_the_aggregate_only_once_closed():
    s = helpers.scene(start=True)
    for expert, scores in zip(s.experts, ([36, 25, 24.5], [30, 28, 20], [33, 27, 30]), strict=True):
        helpers.score_on_stage(s, expert, scores)
    before = live.live_state(s.roadshow, audience=live.HALL)
    assert before["aggregate"] is None
    assert [seat["status"] for seat in before["seats"]] == ["submitted"] * 3
    assert "name" not in before["seats"][0]
    operations.close_item(s.roadshow.current_item, actor=s.staff)
    after = live.live_state(s.roadshow, audience=live.HALL)
    assert after["aggregate"] == {"sheets": 3, "mean": "84.50", "trimmed": None}


def test_live_state_gives_the_trimmed_mean_from_five_sheets():
    s = helpers.scene(reviewers=5, applications=1, start=True)
    scores = ([40, 30, 30], [20, 10, 10], [30, 20, 20], [35, 25, 20], [30, 25, 25])
    for expert, sheet in zip(s.experts, scores, strict=True):
        helpers.score_on_stage(s, expert, sheet)
    operations.close_item(s.roadshow.current_item, actor=s.staff)
    # totals 100, 40, 70, 80, 80: mean 74, trimmed (70, 80, 80) 76.67
    state = live.live_state(s.roadshow, audience=live.HALL)
    assert state["aggregate"] == {"sheets": 5, "mean": "74.00", "trimmed": "76.67"}


def test_live_state_marks_unsubmitted_and_conflicted_seats_when_closed():
    s = helpers.scene(start=True)
    item = s.roadshow.current_item
    helpers.score_on_stage(s, s.experts[0], [30, 20, 20])
    operations.step_back(
        item, s.assignment(s.experts[2]), reason="曾在该机构任职", actor=s.experts[2].user
    )
    operations.close_item(item, actor=s.staff)
    db.session.commit()
    state = live.live_state(s.roadshow, audience=live.STAFF)
    assert [(x["name"], x["status_label"]) for x in state["seats"]] == [
        ("专家1", "已提交"),
        ("专家2", "未提交"),
        ("专家3", "回避"),
    ]
    assert (state["submitted"], state["expected"]) == (1, 2)


def test_blind_review_hides_the_applicant_from_the_hall():
    s = helpers.scene(blind=True, start=True)
    state = live.live_state(s.roadshow, audience=live.HALL)
    assert state["item"]["organization"] is None
    assert state["item"]["title"] == "路演项目1"
