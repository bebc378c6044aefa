"""Score sheets: drafts keep what was typed, submission checks bounds and completeness,
a submitted sheet is final unless staff reopen it; reviewers see only their own work."""

import pytest
from sqlalchemy import select

from tests.review import helpers
from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.extensions import db
from venture.review import operations
from venture.review.enums import AssignmentState, SheetState
from venture.review.models import ReviewAssignment


@pytest.fixture
def review(make):
    """A call with a 3-criterion rubric (40/30/30), one application, three reviewers."""
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    app = helpers.application(call, title="银龄守护关爱服务")
    experts = [helpers.expert(name=f"专家{i}") for i in range(1, 4)]
    panel = helpers.panel(call, experts, staff=staff)
    made, _ = helpers.assign(panel, staff)
    by_reviewer = {a.reviewer_id: a for a in made}
    return {
        "staff": staff,
        "call": call,
        "criteria": criteria,
        "app": app,
        "experts": experts,
        "panel": panel,
        "assignments": [by_reviewer[e.id] for e in experts],
    }


def form(criteria, scores, action="save", comments=None, overall=""):
    data = {"action": action, "overall_comment": overall}
    for i, (c, s) in enumerate(zip(criteria, scores, strict=True)):
        data[f"score-{c.id}"] = s
        data[f"comment-{c.id}"] = (comments or {}).get(i, "")
    return data


def test_opening_requires_the_conflict_declaration_first(client, login, review):
    a = review["assignments"][0]
    login(a.reviewer.user)
    page = client.get(f"/review/assignments/{a.id}").get_data(as_text=True)
    assert "回避声明" in page
    assert "需求分析正文" not in page
    response = client.post(f"/review/assignments/{a.id}/open")
    assert response.status_code == 302
    page = client.get(f"/review/assignments/{a.id}").get_data(as_text=True)
    assert "需求分析正文" in page
    assert a.sheet is not None


def test_draft_keeps_what_was_typed_even_invalid(client, login, review):
    a = review["assignments"][0]
    c = review["criteria"]
    helpers.open_sheet(a)
    login(a.reviewer.user)
    response = client.post(
        f"/review/assignments/{a.id}",
        data=form(c, ["45", "二十", ""], comments={0: "需求清楚"}, overall="总体不错"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "分数应在 0 到 40 之间。" in page
    assert "请输入数字，例如 8 或 8.5。" in page
    assert 'value="45"' in page and 'value="二十"' in page
    db.session.expire_all()
    assert [s.raw for s in sorted(a.sheet.scores, key=lambda s: s.criterion_id)] == [
        "45",
        "二十",
        "",
    ]
    assert a.sheet.scores[0].score is None
    assert (a.sheet.state, a.sheet.overall_comment) == (SheetState.DRAFT, "总体不错")
    # coming back later shows the kept values and their messages again
    page = client.get(f"/review/assignments/{a.id}").get_data(as_text=True)
    assert 'value="45"' in page and "分数应在 0 到 40 之间。" in page


def test_a_score_above_the_maximum_is_refused_on_submit(client, login, review):
    a = review["assignments"][0]
    c = review["criteria"]
    helpers.open_sheet(a)
    login(a.reviewer.user)
    response = client.post(
        f"/review/assignments/{a.id}", data=form(c, ["41", "20", "20"], "submit")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "分数应在 0 到 40 之间。" in page
    assert "评分表已保存为草稿，但未提交：请查看标记处。" in page
    db.session.expire_all()
    assert a.sheet.state == SheetState.DRAFT
    assert a.sheet.total is None


def test_submit_with_a_missing_criterion_is_refused(client, login, review):
    a = review["assignments"][0]
    c = review["criteria"]
    helpers.open_sheet(a)
    login(a.reviewer.user)
    response = client.post(
        f"/review/assignments/{a.id}", data=form(c, ["35", "", "20.5"], "submit")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "提交前请为此项评分。" in page
    assert 'value="20.5"' in page
    db.session.expire_all()
    assert a.sheet.state == SheetState.DRAFT


def test_submit_saves_total_and_is_final(client, login, review):
    a = review["assignments"][0]
    c = review["criteria"]
    helpers.open_sheet(a)
    login(a.reviewer.user)
    response = client.post(
        f"/review/assignments/{a.id}", data=form(c, ["35.5", "25", "20"], "submit")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (a.sheet.state, a.sheet.total) == (SheetState.SUBMITTED, 80.5)
    response = client.post(f"/review/assignments/{a.id}", data=form(c, ["40", "30", "30"], "save"))
    assert response.status_code == 302
    db.session.expire_all()
    assert a.sheet.total == 80.5
    assert [s.raw for s in sorted(a.sheet.scores, key=lambda s: s.criterion_id)] == [
        "35.5",
        "25",
        "20",
    ]


def test_staff_reopen_needs_a_reason_and_is_audited(client, login, review):
    a = review["assignments"][0]
    helpers.submit(a, [30, 20, 20], review["criteria"])
    login(review["staff"])
    response = client.post(f"/staff/review/sheets/{a.sheet.id}/reopen", data={"reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert a.sheet.state == SheetState.SUBMITTED
    client.post(f"/staff/review/sheets/{a.sheet.id}/reopen", data={"reason": "第二项分数笔误"})
    db.session.expire_all()
    assert (a.sheet.state, a.sheet.total) == (SheetState.DRAFT, None)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "review_sheet.reopen")
    ).one()
    assert (entry.reason, entry.actor_id) == ("第二项分数笔误", review["staff"].id)


def test_reviewer_cannot_open_an_unassigned_application(client, login, review, make):
    outsider = helpers.expert()
    login(outsider.user)
    a = review["assignments"][0]
    assert client.get(f"/review/assignments/{a.id}").status_code == 404
    assert client.post(f"/review/assignments/{a.id}/open").status_code == 404
    assert client.post(f"/review/assignments/{a.id}", data={"action": "save"}).status_code == 404
    assert (
        client.post(f"/review/assignments/{a.id}/conflict", data={"reason": "x"}).status_code == 404
    )


def test_reviewer_never_sees_other_reviewers_scores(client, login, review):
    first, second = review["assignments"][:2]
    helpers.submit(first, ["39.5", "28.5", "27.5"], review["criteria"], comment="第一位专家的意见")
    helpers.open_sheet(second)
    login(second.reviewer.user)
    page = client.get(f"/review/assignments/{second.id}").get_data(as_text=True)
    assert "39.5" not in page and "95.5" not in page and "第一位专家的意见" not in page
    assert client.get(f"/staff/review/sheets/{first.sheet.id}").status_code == 403
    assert client.get(f"/staff/review/calls/{review['call'].id}").status_code == 403
    # the queue lists only the reviewer's own assignment
    queue = client.get("/review").get_data(as_text=True)
    assert queue.count("银龄守护关爱服务") == 1


def test_reviewer_cannot_score_after_declaring_a_conflict(client, login, review):
    a = review["assignments"][0]
    helpers.open_sheet(a)
    login(a.reviewer.user)
    response = client.post(
        f"/review/assignments/{a.id}/conflict", data={"reason": "三年内曾在该机构任职"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert a.state == AssignmentState.CONFLICT
    assert a.sheet is None
    assert client.get(f"/review/assignments/{a.id}").status_code == 403
    response = client.post(
        f"/review/assignments/{a.id}", data=form(review["criteria"], ["30", "20", "20"], "submit")
    )
    assert response.status_code == 403
    with pytest.raises(operations.ReviewError) as refused:
        operations.declare_no_conflict(a, actor=a.reviewer.user)
    assert refused.value.message == "您已声明与该申报书存在利益冲突。"


def test_a_submitted_sheet_cannot_be_withdrawn_by_a_late_conflict(client, login, review):
    a = review["assignments"][0]
    helpers.submit(a, [30, 20, 20], review["criteria"])
    login(a.reviewer.user)
    client.post(f"/review/assignments/{a.id}/conflict", data={"reason": "迟到的声明"})
    db.session.expire_all()
    assert a.state == AssignmentState.ACTIVE


def test_blind_review_hides_the_applicant(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    helpers.rubric(call, staff=staff)
    org = make.org(name="香坊区阳光助老服务中心")
    helpers.application(call, organization=org)
    experts = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, experts, blind=True, staff=staff)
    made, _ = helpers.assign(panel, staff)
    a = made[0]
    login(a.reviewer.user)
    assert "香坊区阳光助老服务中心" not in client.get("/review").get_data(as_text=True)
    assert "香坊区阳光助老服务中心" not in client.get(f"/review/assignments/{a.id}").get_data(
        as_text=True
    )
    client.post(f"/review/assignments/{a.id}/open")
    page = client.get(f"/review/assignments/{a.id}").get_data(as_text=True)
    assert "香坊区阳光助老服务中心" not in page
    assert "隐藏（匿名评审）" in page


def test_assigned_reviewer_reads_the_application_pages_after_declaring(review):
    from venture.applications.permissions import can_view_application

    a = review["assignments"][0]
    user = a.reviewer.user
    assert can_view_application(user, review["app"]) is False
    helpers.open_sheet(a)
    assert can_view_application(user, review["app"]) is True
    outsider = helpers.expert().user
    assert can_view_application(outsider, review["app"]) is False


def test_queue_shows_progress(client, login, review, make):
    a = review["assignments"][0]
    other_call = helpers.call()
    helpers.application(other_call)
    other_panel = helpers.panel(other_call, [a.reviewer, helpers.expert(), helpers.expert()])
    helpers.assign(other_panel)
    helpers.submit(a, [30, 20, 20], review["criteria"])
    login(a.reviewer.user)
    page = client.get("/review").get_data(as_text=True)
    assert "已提交 1 / 2" in page
    mine = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.reviewer_id == a.reviewer_id)
    ).all()
    assert len(mine) == 2


def test_attachments_open_for_the_declared_reviewer_only_when_not_blind(client, login, make):
    staff = make.user(Role.STAFF)
    call = make.call("closed", staff=staff)
    helpers.rubric(call, staff=staff)
    app = make.application(call, state="eligible")
    attachment = app.attachments[0]
    experts = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, experts, staff=staff)
    made, _ = helpers.assign(panel, staff)
    a = made[0]
    url = f"/review/assignments/{a.id}/files/{attachment.id}"
    login(a.reviewer.user)
    assert client.get(url).status_code == 403  # not declared yet
    client.post(f"/review/assignments/{a.id}/open")
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    other = make.application(make.call("closed", staff=staff), state="eligible")
    stray = f"/review/assignments/{a.id}/files/{other.attachments[0].id}"
    assert client.get(stray).status_code == 404
    panel.blind = True
    db.session.commit()
    assert client.get(url).status_code == 404


def test_a_save_racing_another_writes_over_the_score_it_added(review):
    """A phone's autosave and its submit at the same moment: both found the criterion unscored;
    the first one's row is there when the second inserts, and the second writes over it."""
    from venture.review.models import ReviewScore

    a = review["assignments"][0]
    criteria = review["criteria"]
    sheet = helpers.open_sheet(a)
    assert sheet.scores == []  # this request has read the sheet's (no) scores
    db.session.execute(
        ReviewScore.__table__.insert().values(
            sheet_id=sheet.id, criterion_id=criteria[0].id, raw="10", score=10, comment=""
        )
    )
    entries = {c.id: (str(s), "") for c, s in zip(criteria, (35, 25, 20), strict=True)}
    operations.submit_sheet(sheet, entries=entries, overall_comment="", actor=a.reviewer.user)
    db.session.commit()
    rows = db.session.execute(
        select(ReviewScore.criterion_id, ReviewScore.raw).where(ReviewScore.sheet_id == sheet.id)
    ).all()
    assert sorted(rows) == sorted(zip((c.id for c in criteria), ("35", "25", "20"), strict=True))
    assert (sheet.state, sheet.total) == (SheetState.SUBMITTED, 80)
