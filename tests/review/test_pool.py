"""The expert pool (专家库): staff add experts, fields of expertise and ties."""

from datetime import date

from sqlalchemy import select

from tests.review import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.review import operations
from venture.review.enums import AffiliationKind
from venture.review.models import ReviewerAffiliation, ReviewerProfile


def test_staff_create_a_new_expert_with_expertise(client, login, make):
    elderly = make.category()
    login(make.user(Role.STAFF))
    response = client.post(
        "/staff/experts/new",
        data={
            "which": "new",
            "new-name": "张教授",
            "new-email": "zhang@hlju.example.edu.cn",
            "new-phone": "13900000000",
            "new-password": "Review2026abc",
            "new-confirm": "Review2026abc",
            "new-title": "教授",
            "new-employer": "黑龙江大学社会学院",
            "new-expertise": [str(elderly.id)],
            "new-notes": "",
            "new-active": "y",
        },
    )
    assert response.status_code == 302
    expert = db.session.scalars(select(ReviewerProfile)).one()
    assert (expert.name, expert.employer, expert.phone) == (
        "张教授",
        "黑龙江大学社会学院",
        "13900000000",
    )
    assert [c.id for c in expert.expertise] == [elderly.id]
    assert expert.user.roles == {Role.REVIEWER}


def test_new_expert_with_a_taken_email_keeps_the_form(client, login, make):
    make.user(Role.APPLICANT, organization=make.org(), email="taken@example.com")
    login(make.user(Role.STAFF))
    response = client.post(
        "/staff/experts/new",
        data={
            "which": "new",
            "new-name": "李老师",
            "new-email": "taken@example.com",
            "new-password": "Review2026abc",
            "new-confirm": "Review2026abc",
            "new-employer": "哈尔滨工业大学",
            "new-active": "y",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "该电子邮箱已注册账号。" in page
    assert 'value="哈尔滨工业大学"' in page


def test_staff_add_an_existing_reviewer_account(client, login, make):
    account = make.user(Role.REVIEWER, name="王专家")
    login(make.user(Role.STAFF))
    response = client.post(
        "/staff/experts/new",
        data={"which": "existing", "existing-user_id": str(account.id), "existing-active": "y"},
    )
    assert response.status_code == 302
    assert operations.profile_for(account).name == "王专家"


def test_pool_filters_by_field_of_expertise(client, login, make):
    elderly = make.category()
    children = make.category(name_zh="为小", name_en="Children")
    helpers.expert(elderly, name="养老专家")
    helpers.expert(children, name="儿童专家")
    login(make.user(Role.STAFF))
    page = client.get(f"/staff/experts?category={elderly.id}").get_data(as_text=True)
    assert "养老专家" in page and "儿童专家" not in page


def test_staff_record_and_remove_a_tie(client, login, make):
    org = make.org(name="香坊区夕阳红服务中心")
    expert = helpers.expert()
    staff = make.user(Role.STAFF)
    login(staff)
    response = client.post(
        f"/staff/experts/{expert.id}/ties",
        data={
            "tie-organization_id": str(org.id),
            "tie-kind": "employment",
            "tie-role": "项目主管",
            "tie-started_on": "2021-03-01",
            "tie-ended_on": "2024-02-29",
        },
    )
    assert response.status_code == 302
    tie = db.session.scalars(select(ReviewerAffiliation)).one()
    assert (tie.organization_id, tie.kind, tie.ended_on) == (
        org.id,
        AffiliationKind.EMPLOYMENT,
        date(2024, 2, 29),
    )
    page = client.get(f"/staff/experts/{expert.id}").get_data(as_text=True)
    assert "香坊区夕阳红服务中心" in page
    client.post(f"/staff/experts/{expert.id}/ties/{tie.id}/remove")
    assert db.session.scalars(select(ReviewerAffiliation)).all() == []


def test_tie_with_end_before_start_is_refused(client, login, make):
    org = make.org()
    expert = helpers.expert()
    login(make.user(Role.STAFF))
    response = client.post(
        f"/staff/experts/{expert.id}/ties",
        data={
            "tie-organization_id": str(org.id),
            "tie-kind": "governance",
            "tie-started_on": "2024-03-01",
            "tie-ended_on": "2023-02-01",
        },
    )
    assert response.status_code == 400
    assert "结束日期早于开始日期。" in response.get_data(as_text=True)


def test_reviewer_declares_their_own_tie_but_cannot_remove_it(client, login, make):
    org = make.org(name="香坊区助残服务社")
    expert = helpers.expert()
    login(expert.user)
    response = client.post(
        "/review/profile",
        data={"tie-organization_id": str(org.id), "tie-kind": "family", "tie-role": "表兄"},
    )
    assert response.status_code == 302
    tie = db.session.scalars(select(ReviewerAffiliation)).one()
    assert tie.created_by_id == expert.user_id
    page = client.get("/review/profile").get_data(as_text=True)
    assert "香坊区助残服务社" in page
    assert f"/ties/{tie.id}/remove" not in page
    assert client.post(f"/staff/experts/{expert.id}/ties/{tie.id}/remove").status_code == 403


def test_applicant_and_reviewer_cannot_open_the_pool(client, login, make):
    login(helpers.expert().user)
    assert client.get("/staff/experts").status_code == 403
