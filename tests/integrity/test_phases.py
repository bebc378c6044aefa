"""Phases gate the work: nothing of a call's panel work happens before its deadline."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.review import helpers as reviews
from tests.roadshow import helpers as roadshows
from venture.core.timeutil import now
from venture.extensions import db
from venture.integrity.phases import call_phase
from venture.review import operations as review
from venture.review import results
from venture.review.enums import Aggregation
from venture.roadshow import operations as roadshow_ops

DEADLINE = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)  # 17:00 in Asia/Shanghai
MESSAGE = (
    "“{title}”的申报截止时间为 2026年12月20日 17:00；评审工作（评分、排名、拟资助方案、"
    "结果公示、路演）须在申报截止后开始。"
)


@pytest.fixture
def before_deadline():
    with time_machine.travel(datetime(2026, 12, 7, 2, 0, tzinfo=UTC), tick=False):
        yield


def reopen(call):
    call.closes_at = DEADLINE
    db.session.commit()


def test_ranking_proposal_and_result_are_refused_while_the_call_is_open(make, before_deadline):
    scene = roadshows.scene(reviewers=3, applications=2)
    call, panel, staff = scene.call, scene.panel, scene.staff
    reopen(call)
    expected = MESSAGE.format(title=call.title)

    with pytest.raises(review.ReviewError) as refused:
        review.choose_aggregation(panel, Aggregation.TRIMMED, actor=staff)
    assert str(refused.value) == expected
    with pytest.raises(review.ReviewError) as refused:
        review.propose_awards(panel, results.ranking(panel).rows, {}, actor=staff)
    assert str(refused.value) == expected
    with pytest.raises(review.ReviewError) as refused:
        review.publish_result(
            panel,
            results.ranking(panel),
            title="评审结果公示",
            introduction="",
            period_days=5,
            actor=staff,
        )
    assert str(refused.value) == expected
    with pytest.raises(roadshow_ops.RoadshowError) as refused:
        roadshow_ops.start_roadshow(scene.roadshow, actor=staff)
    assert str(refused.value) == expected
    db.session.rollback()
    assert scene.roadshow.started_at is None


def test_panel_scoring_is_refused_while_the_call_is_open(make, before_deadline):
    scene = roadshows.scene(reviewers=3, applications=1)
    reopen(scene.call)
    assignment = scene.assignment(scene.experts[0])
    sheet = reviews.open_sheet(assignment)
    with pytest.raises(review.ReviewError) as refused:
        review.submit_sheet(
            sheet,
            entries={c.id: ("30", "") for c in scene.criteria},
            overall_comment="",
            actor=assignment.reviewer.user,
        )
    assert str(refused.value) == MESSAGE.format(title=scene.call.title)


def test_the_roadshow_starts_once_the_deadline_has_passed(make, before_deadline):
    scene = roadshows.scene(reviewers=3, applications=1)
    reopen(scene.call)
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        roadshow_ops.start_roadshow(scene.roadshow, actor=scene.staff)
        db.session.commit()
        assert scene.roadshow.started_at == now()


def test_the_public_call_page_shows_the_phase(make, client, before_deadline):
    scene = roadshows.scene(reviewers=3, applications=1)
    reopen(scene.call)
    assert call_phase(scene.call).key == "applications"
    page = client.get(f"/calls/{scene.call.id}").get_data(as_text=True)
    assert (
        '<span class="badge text-bg-light border" id="call-phase" '
        'data-phase="applications">征集中</span>' in page
    )
    with time_machine.travel(DEADLINE + timedelta(days=1), tick=False):
        assert call_phase(scene.call).key == "review"
        page = client.get(f"/calls/{scene.call.id}").get_data(as_text=True)
        assert 'data-phase="review">评审中（已截止申报）</span>' in page
