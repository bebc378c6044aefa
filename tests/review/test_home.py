"""Home panels: the reviewer's work to do, the staff's panels at work; the staff's call list."""

from datetime import date

from tests.review import helpers
from venture.auth.enums import Role
from venture.extensions import db


def test_reviewer_home_says_how_many_applications_to_score_by_when(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff)
    criteria = helpers.rubric(call, staff=staff)
    for _ in range(4):
        helpers.application(call)
    reviewer = helpers.expert()
    panel = helpers.panel(
        call, [reviewer, helpers.expert(), helpers.expert()], deadline=date(2026, 4, 30)
    )
    made, _ = helpers.assign(panel, staff)
    mine = [a for a in made if a.reviewer_id == reviewer.id]
    helpers.submit(mine[0], [30, 20, 20], criteria)
    login(reviewer.user)
    page = client.get("/").get_data(as_text=True)
    assert '<div class="card-figure">3</div>' in page
    assert "份申报书待评分，截止 2026年4月30日" in page


def test_reviewer_home_without_work(client, login, make):
    login(helpers.expert().user)
    assert "目前没有待评分的申报书。" in client.get("/").get_data(as_text=True)


def test_staff_home_shows_panel_progress(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff, title="2026年第二批公益创投")
    criteria = helpers.rubric(call, staff=staff)
    helpers.application(call)
    panel = helpers.panel(call, [helpers.expert() for _ in range(3)], staff=staff)
    made, _ = helpers.assign(panel, staff)
    helpers.submit(made[0], [30, 20, 20], criteria)
    login(staff)
    page = client.get("/").get_data(as_text=True)
    assert "2026年第二批公益创投</a>:\n    已提交 1 / 3 份评分表" in page


def test_staff_list_calls_in_review_and_form_a_panel(client, login, make):
    staff = make.user(Role.STAFF)
    call = helpers.call(staff=staff, title="2026年第三批公益创投")
    helpers.application(call)
    for _ in range(3):
        helpers.expert()
    login(staff)
    page = client.get("/staff/review").get_data(as_text=True)
    assert "2026年第三批公益创投" in page and "未组建" in page
    page = client.get(f"/staff/review/calls/{call.id}").get_data(as_text=True)
    assert "1 份资格审查通过的申报书等待评审。" in page
    assert "本次征集尚未设置评分标准。" in page
    db.session.expire_all()
