"""Every page of calls, applications and the inbox renders in both languages."""

import pytest

from venture.auth.enums import Role
from venture.auth.models import User
from venture.extensions import db


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_pages_render_for_applicant_and_staff(client, login, make, locale):
    call = make.call()
    returned = make.application(call, state="returned")
    member = db.session.get(User, returned.created_by_id)
    member.locale = locale
    staff = make.user(Role.STAFF)
    staff.locale = locale
    db.session.commit()
    login(member)
    for url in (
        "/",
        "/applications",
        f"/applications/{returned.id}",
        f"/applications/{returned.id}/edit",
        "/calls",
        "/calls?show=closed",
        f"/calls/{call.id}",
        "/inbox",
    ):
        assert client.get(url).status_code == 200, (locale, url)
    client.post("/logout")
    login(staff)
    for url in (
        "/",
        "/staff/calls",
        "/staff/calls/new",
        f"/calls/{call.id}",
        f"/staff/calls/{call.id}/applications",
        f"/applications/{returned.id}",
        f"/staff/calls/{make.call('draft').id}/edit",
    ):
        assert client.get(url).status_code == 200, (locale, url)


def test_applicant_home_shows_applications_with_next_steps(client, login, make):
    application = make.application(state="returned", title="阳光同行——残疾人康复陪伴计划")
    login(db.session.get(User, application.created_by_id))
    page = client.get("/").get_data(as_text=True)
    assert "阳光同行——残疾人康复陪伴计划" in page
    assert "已退回补正：请按要求修改，并在补正截止时间前重新提交。" in page
    assert f'href="/applications/{application.id}/edit"' in page


def test_returned_application_shows_what_to_correct_on_the_edit_page(client, login, make):
    application = make.application(state="returned")
    login(db.session.get(User, application.created_by_id))
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert "已退回补正。" in page
    assert "请补充预算说明。" in page
    assert "提交补正后的申报书" in page


def test_a_title_too_long_is_kept_whole_until_shortened(client, login, make, form):
    application = make.application(complete=False)
    login(db.session.get(User, application.created_by_id))
    title = "长" * 210
    response = client.post(
        f"/applications/{application.id}/edit", data=form(application, title=title)
    )
    assert response.status_code == 400
    db.session.refresh(application)
    assert application.title == "长" * 200
    assert application.typed_input == {"title": {"value": title, "kind": "too_long"}}
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert f'value="{title}"' in page
    assert "内容过长（最多 200 个字）。" in page
