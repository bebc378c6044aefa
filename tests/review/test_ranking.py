"""Ranking, the funding line, award proposals, the announcement and the final result."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.review import helpers
from venture.announcements.enums import AnnouncementState
from venture.announcements.operations import (
    answer_objection,
    finalise_announcement,
    lodge_objection,
)
from venture.applications.enums import ApplicationState
from venture.auth.enums import Role
from venture.core import timeutil
from venture.extensions import db
from venture.notifications.models import Notification
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.review import operations, result_pages, results
from venture.review.enums import Aggregation
from venture.review.models import Panel, ReviewAssignment, ReviewSheet


@pytest.fixture
def scored(make):
    """Budget 200,000; four applications scored by three reviewers (rubric 40/30/30):
    A 85 (requests 90,000), B 80 (80,000), C 80 (60,000, tie with B, lower first criterion),
    D 60 (50,000)."""
    staff = make.user(Role.STAFF)
    call = helpers.call(budget="200000.00", cap="100000.00", staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    apps = {
        "A": helpers.application(call, requested="90000.00", title="项目A"),
        "B": helpers.application(call, requested="80000.00", title="项目B"),
        "C": helpers.application(call, requested="60000.00", title="项目C"),
        "D": helpers.application(call, requested="50000.00", title="项目D"),
    }
    experts = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, experts, staff=staff)
    made, _ = helpers.assign(panel, staff)
    sheets = {
        "A": [(35, 25, 25), (34, 26, 25), (36, 24, 25)],
        "B": [(32, 24, 24), (32, 24, 24), (32, 24, 24)],
        "C": [(30, 25, 25), (30, 25, 25), (30, 25, 25)],
        "D": [(20, 20, 20), (20, 20, 20), (20, 20, 20)],
    }
    position = {}
    for a in made:
        name = next(k for k, v in apps.items() if v.id == a.application_id)
        index = position.setdefault(name, 0)
        helpers.submit(a, sheets[name][index], criteria)
        position[name] += 1
    return {"staff": staff, "call": call, "apps": apps, "panel": panel}


def _ranked(panel):
    return results.ranking(panel, Aggregation.MEAN)


def test_ranking_orders_by_score_with_the_tie_rule_and_running_sum(scored):
    ranked = _ranked(scored["panel"])
    rows = [(r.rank, r.application.title, r.display_score, r.running_sum) for r in ranked.rows]
    assert rows == [
        (1, "项目A", Decimal("85.00"), Decimal("90000.00")),
        (2, "项目B", Decimal("80.00"), Decimal("170000.00")),
        (3, "项目C", Decimal("80.00"), Decimal("230000.00")),
        (4, "项目D", Decimal("60.00"), Decimal("280000.00")),
    ]
    assert [r.within_budget for r in ranked.rows] == [True, True, False, False]
    assert ranked.rows[2].tied_with_previous is True


def test_ranking_page_shows_the_tie_rule_and_funding_line(client, login, scored):
    login(scored["staff"])
    page = client.get(f"/staff/review/calls/{scored['call'].id}/ranking").get_data(as_text=True)
    assert (
        "总分相同（保留两位小数）时，按评分标准第一项的平均分高者在前；仍相同的，按申报书提交时间早者在前。"
        in page
    )
    assert "资助线：以下申报的累计申请金额超出预算 ¥200,000.00" in page


def _propose(client, scored, funded):
    data = {}
    for name, amount in funded.items():
        app = scored["apps"][name]
        data[f"fund-{app.id}"] = "1"
        data[f"amount-{app.id}"] = amount[0] if isinstance(amount, tuple) else amount
        if isinstance(amount, tuple):
            data[f"justification-{app.id}"] = amount[1]
    return client.post(f"/staff/review/calls/{scored['call'].id}/awards", data=data)


def test_proposing_beyond_the_budget_is_refused_with_the_figures(client, login, scored):
    login(scored["staff"])
    response = _propose(client, scored, {"A": "90000", "B": "80000", "C": "60000"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "拟资助金额合计 ¥230,000.00，超出本次征集预算 ¥200,000.00 共 ¥30,000.00。" in page
    assert db.session.scalars(select(Award)).all() == []
    assert scored["apps"]["A"].state == ApplicationState.UNDER_REVIEW


def test_an_amount_above_the_request_is_refused(client, login, scored):
    login(scored["staff"])
    response = _propose(client, scored, {"A": "95000"})
    assert "金额超过申请的 ¥90,000.00。" in response.get_data(as_text=True)


def test_skipping_a_higher_ranked_application_needs_a_justification(client, login, scored):
    login(scored["staff"])
    response = _propose(client, scored, {"A": "90000", "C": "60000"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "该申报书排在未获资助的更高排名申报书之后：请写明理由。" in page
    response = _propose(
        client, scored, {"A": "90000", "C": ("60000", "项目B所在社区已有同类服务，避免重复资助")}
    )
    assert response.status_code == 302
    award = db.session.scalars(
        select(Award).where(Award.application_id == scored["apps"]["C"].id)
    ).one()
    assert (award.rank, award.justification) == (3, "项目B所在社区已有同类服务，避免重复资助")


def test_proposing_creates_awards_and_moves_applications(client, login, scored):
    login(scored["staff"])
    response = _propose(client, scored, {"A": "90000", "B": "75000.50"})
    assert response.status_code == 302
    awards = db.session.scalars(select(Award).order_by(Award.rank)).all()
    assert [(a.rank, a.amount, a.state) for a in awards] == [
        (1, Decimal("90000.00"), AwardState.PROPOSED),
        (2, Decimal("75000.50"), AwardState.PROPOSED),
    ]
    states = {name: app.state for name, app in scored["apps"].items()}
    assert states == {
        "A": ApplicationState.PROPOSED,
        "B": ApplicationState.PROPOSED,
        "C": ApplicationState.NOT_SELECTED,
        "D": ApplicationState.NOT_SELECTED,
    }
    assert scored["panel"].proposed_at is not None
    # a second proposal is refused: the review is closed
    response = _propose(client, scored, {"C": "60000"})
    assert "已为本次征集拟定资助，评审已结束。" in response.get_data(as_text=True)


def test_proposal_waits_for_every_sheet(make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    helpers.rubric(call, staff=staff)
    helpers.application(call)
    panel = helpers.panel(call, [helpers.expert() for _ in range(3)], staff=staff)
    helpers.assign(panel, staff)
    with pytest.raises(operations.ProposalRefused) as refused:
        operations.propose_awards(panel, results.ranking(panel).rows, {}, actor=staff)
    assert refused.value.message == "还有 3 份评分表未提交，排名尚未确定。"


def _at(monkeypatch, moment):
    monkeypatch.setattr(timeutil, "now", lambda: moment)
    monkeypatch.setattr(timeutil, "local_today", lambda: timeutil.to_local(moment).date())


def test_announcement_end_crosses_national_day_and_its_makeup_saturday(
    client, login, scored, monkeypatch
):
    login(scored["staff"])
    _propose(client, scored, {"A": "90000", "B": "80000"})
    # published Tuesday 30 September 2025: 1–8 October are holidays and Saturday 11 October
    # is a make-up working day, so five working days are 9, 10, 11, 13 and 14 October
    _at(monkeypatch, datetime(2025, 9, 30, 2, 0, tzinfo=UTC))
    page = client.get(f"/staff/review/calls/{scored['call'].id}/publish").get_data(as_text=True)
    assert "如今天发布，公示期将于2025年10月14日结束。" in page
    response = client.post(
        f"/staff/review/calls/{scored['call'].id}/publish",
        data={"title": "2026年公益创投评审结果公示", "introduction": "", "period_days": "5"},
    )
    assert response.status_code == 302
    announcement = operations.result_announcement(scored["panel"])
    assert (announcement.starts_on, announcement.ends_on) == (date(2025, 9, 30), date(2025, 10, 14))
    assert "项目A" in announcement.body and "¥90,000.00" in announcement.body
    assert "项目C" not in announcement.body


def test_announcement_from_friday_before_national_day_counts_the_makeup_sunday(scored, monkeypatch):
    staff = scored["staff"]
    ranked = _ranked(scored["panel"])
    operations.propose_awards(
        scored["panel"], ranked.rows, {scored["apps"]["A"].id: (Decimal(90000), "")}, actor=staff
    )
    # Friday 26 September 2025; Sunday 28 September is a make-up working day
    _at(monkeypatch, datetime(2025, 9, 26, 2, 0, tzinfo=UTC))
    announcement = operations.publish_result(
        scored["panel"],
        _ranked(scored["panel"]),
        title="评审结果公示",
        introduction="",
        period_days=5,
        actor=staff,
    )
    assert announcement.ends_on == date(2025, 10, 10)


def test_finalising_after_the_period_makes_awards_final_and_tells_applicants(
    scored, make, monkeypatch
):
    staff = scored["staff"]
    apps = scored["apps"]
    ranked = _ranked(scored["panel"])
    operations.propose_awards(
        scored["panel"],
        ranked.rows,
        {apps["A"].id: (Decimal(90000), ""), apps["B"].id: (Decimal(80000), "")},
        actor=staff,
    )
    applicant = make.member(apps["C"].organization)
    _at(monkeypatch, datetime(2025, 9, 30, 2, 0, tzinfo=UTC))
    announcement = operations.publish_result(
        scored["panel"],
        _ranked(scored["panel"]),
        title="评审结果公示",
        introduction="",
        period_days=5,
        actor=staff,
    )
    objection = lodge_objection(announcement, user=applicant, text="我方评分偏低，请复核。")
    db.session.commit()
    monkeypatch.undo()
    answer_objection(objection, actor=staff, upheld=False, answer="经复核，评分无误。")
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    assert announcement.state == AnnouncementState.FINALISED
    assert {a.state for a in db.session.scalars(select(Award))} == {AwardState.FINAL}
    assert {n: a.state for n, a in apps.items()} == {
        "A": ApplicationState.AWARDED,
        "B": ApplicationState.AWARDED,
        "C": ApplicationState.NOT_AWARDED,
        "D": ApplicationState.NOT_AWARDED,
    }
    told = db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == applicant.id)
        .order_by(Notification.id)
    ).all()
    assert told[-1] == f"申报书 {apps['C'].number} 未立项"


def _stored_ranking(app, panel):
    with app.test_request_context("/"):
        ranked, _ = result_pages.ranking_page(panel, Aggregation.MEAN)
    return [
        (r.rank, r.application.title, r.display_score, r.tied_with_previous) for r in ranked.rows
    ]


def test_stored_figures_follow_a_reopened_and_resubmitted_sheet(app, scored):
    panel = scored["panel"]
    assert _stored_ranking(app, panel) == [
        (1, "项目A", Decimal("85.00"), False),
        (2, "项目B", Decimal("80.00"), False),
        (3, "项目C", Decimal("80.00"), True),
        (4, "项目D", Decimal("60.00"), False),
    ]
    version, edited = db.session.execute(
        select(Panel.figures_version, Panel.updated_at).where(Panel.id == panel.id)
    ).one()
    sheet = db.session.scalars(
        select(ReviewSheet)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewSheet.assignment_id)
        .where(ReviewAssignment.application_id == scored["apps"]["D"].id)
        .order_by(ReviewSheet.id)
    ).first()
    operations.reopen_sheet(sheet, reason="请复核", actor=scored["staff"])
    db.session.commit()
    helpers.submit(sheet.assignment, (40, 30, 30), operations.criteria_of(scored["call"].id))
    # each flush of the reopening and the resubmission moved the stored figures' version on
    moved, still = db.session.execute(
        select(Panel.figures_version, Panel.updated_at).where(Panel.id == panel.id)
    ).one()
    assert moved > version
    assert still == edited  # bookkeeping, not an edit of the panel
    assert _stored_ranking(app, panel) == [
        (1, "项目A", Decimal("85.00"), False),
        (2, "项目B", Decimal("80.00"), False),
        (3, "项目C", Decimal("80.00"), True),
        (4, "项目D", Decimal("73.33"), False),
    ]
