"""Announcement pages: public reading, the objection channel, staff answers and decisions."""

import io
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.pdf_bytes import MINIMAL_PDF
from venture.announcements.enums import AnnouncementKind, AnnouncementState, ObjectionState
from venture.announcements.models import Announcement, Objection
from venture.announcements.operations import answer_objection, lodge_objection
from venture.auth.enums import Role
from venture.extensions import db

FEEDBACK = '<div class="invalid-feedback d-block" id="{}-feedback">{}</div>'


def test_public_reads_the_list_and_detail_without_signing_in(clock, client, make):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement(
        kind=AnnouncementKind.REVIEW_RESULT, title="2025年度公益创投评审结果公示"
    )
    listing = client.get("/announcements").get_data(as_text=True)
    assert f'<a href="/announcements/{announcement.id}">2025年度公益创投评审结果公示</a>' in listing
    response = client.get(f"/announcements/{announcement.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        '<dd class="col-sm-9" id="period">2025年9月26日 至 2025年10月10日'
        "（5 个工作日，自发布次日起计算）</dd>"
    ) in page
    assert (
        '<div class="alert alert-info" id="days-left">质疑受理至 2025年10月10日 结束，'
        "今天之后还有 5 个工作日。</div>"
    ) in page
    link = f'<a href="/login?next=/announcements/{announcement.id}">登录后提出质疑</a>'
    assert link in page


def test_list_filters_by_kind_and_open_period(clock, client, make):
    clock.set("2025-09-01 10:00")
    old = make.announcement(kind=AnnouncementKind.DESIGNATION, title="旧的定向购买公示")
    clock.set("2025-10-20 10:00")
    current = make.announcement(kind=AnnouncementKind.DESIGNATION, title="新的定向购买公示")
    other = make.announcement(kind=AnnouncementKind.TENDER_RESULT, title="中标结果公示一")
    designations = client.get("/announcements?kind=designation").get_data(as_text=True)
    assert (old.title in designations, current.title in designations) == (True, True)
    assert other.title not in designations
    open_only = client.get("/announcements?kind=designation&open=1").get_data(as_text=True)
    assert (old.title in open_only, current.title in open_only) == (False, True)


def test_anonymous_cannot_lodge_an_objection(client, make):
    announcement = make.announcement()
    response = client.post(f"/announcements/{announcement.id}/objections", data={"text": "质疑"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalars(select(Objection)).all() == []


def test_signed_in_user_lodges_an_objection(client, make, login):
    announcement = make.announcement()
    user = login(make.member())
    response = client.post(
        f"/announcements/{announcement.id}/objections", data={"text": "第二名的服务人数有误。"}
    )
    assert response.status_code == 302
    objection = db.session.scalars(select(Objection)).one()
    assert (objection.user_id, objection.text) == (user.id, "第二名的服务人数有误。")
    page = client.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert '<ul id="my-objections">' in page


def test_empty_objection_keeps_the_page_and_says_why(client, make, login):
    announcement = make.announcement()
    login(make.member())
    response = client.post(f"/announcements/{announcement.id}/objections", data={"text": ""})
    assert response.status_code == 400
    assert FEEDBACK.format("text", "该字段是必填字段。") in response.get_data(as_text=True)
    assert db.session.scalars(select(Objection)).all() == []


def test_objection_after_the_end_is_refused_on_the_page(clock, client, make, login):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    clock.set("2025-10-13 09:00")
    login(make.member())
    response = client.post(
        f"/announcements/{announcement.id}/objections", data={"text": "迟到的质疑"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "质疑期已于 2025年10月10日 结束，不再受理质疑。" in page
    assert f'action="/announcements/{announcement.id}/objections"' not in page
    assert db.session.scalars(select(Objection)).all() == []


def test_public_sees_answers_without_the_objector(client, make):
    announcement = make.announcement()
    objector = make.member(name="张质疑")
    objection = lodge_objection(announcement, user=objector, text="资质存疑。")
    pending = lodge_objection(announcement, user=make.member(), text="尚未答复的质疑")
    answer_objection(
        objection, actor=make.user(Role.STAFF), upheld=False, answer="经核查，资质齐全。"
    )
    db.session.commit()
    page = client.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert ("资质存疑。" in page, "经核查，资质齐全。" in page) == (True, True)
    assert ("张质疑" in page, objector.email in page, pending.text in page) == (
        False,
        False,
        False,
    )


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.ADMIN, Role.FINANCE])
def test_only_staff_publish_answer_and_finalise(client, make, login, role):
    announcement = make.announcement()
    objection = lodge_objection(announcement, user=make.member(), text="质疑")
    db.session.commit()
    login(make.user(role, organization=make.org() if role == Role.APPLICANT else None))
    requests = [
        ("get", "/staff/announcements"),
        ("get", "/staff/announcements/new"),
        ("post", "/staff/announcements/new"),
        ("get", f"/staff/announcements/{announcement.id}"),
        ("post", f"/staff/objections/{objection.id}/answer"),
        ("post", f"/staff/announcements/{announcement.id}/finalise"),
        ("post", f"/staff/announcements/{announcement.id}/withdraw"),
    ]
    statuses = [getattr(client, method)(url).status_code for method, url in requests]
    assert statuses == [403] * len(requests)
    db.session.expire_all()
    assert (announcement.state, objection.state) == (
        AnnouncementState.PUBLISHED,
        ObjectionState.PENDING,
    )


def test_staff_publish_through_the_page(clock, client, make, login):
    clock.set("2025-09-26 10:00")
    staff = login(make.user(Role.STAFF))
    response = client.post(
        "/staff/announcements/new",
        data={
            "kind": "call_notice",
            "title": "2026年度社区服务项目征集公告",
            "body": "欢迎申报。\n\n申报截止前提交。",
            "call_id": "0",
            "period_days": "5",
        },
    )
    assert response.status_code == 302
    announcement = db.session.scalars(select(Announcement)).one()
    assert (announcement.ends_on, announcement.published_by_id, announcement.body) == (
        date(2025, 10, 10),
        staff.id,
        "<p>欢迎申报。</p><p>申报截止前提交。</p>",
    )
    assert response.headers["Location"] == f"/staff/announcements/{announcement.id}"


def test_publish_page_previews_the_end_date(clock, client, make, login):
    clock.set("2025-09-26 10:00")
    login(make.user(Role.STAFF))
    page = client.get("/staff/announcements/new").get_data(as_text=True)
    preview = (
        '<div class="alert alert-info" id="period-preview">'
        "如今天发布，质疑受理至 2025年10月10日 结束。</div>"
    )
    assert preview in page


def test_publish_page_keeps_input_on_bad_period(client, make, login):
    login(make.user(Role.STAFF))
    response = client.post(
        "/staff/announcements/new",
        data={"kind": "call_notice", "title": "征集公告", "body": "正文", "period_days": "0"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert FEEDBACK.format("period_days", "请填写整数个工作日。") in page
    assert 'value="征集公告"' in page
    assert db.session.scalars(select(Announcement)).all() == []


def test_publish_page_needs_the_2027_warning_confirmed(clock, client, make, login):
    clock.set("2026-12-28 10:00")
    login(make.user(Role.STAFF))
    data = {"kind": "call_notice", "title": "跨年公告", "body": "正文", "period_days": "5"}
    response = client.post("/staff/announcements/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<div class="alert alert-warning period-warning">国务院办公厅尚未公布 2027 年' in page
    assert FEEDBACK.format("accept_warnings", "请阅读关于截止日期的提示并确认。") in page
    assert db.session.scalars(select(Announcement)).all() == []
    response = client.post("/staff/announcements/new", data={**data, "accept_warnings": "y"})
    assert response.status_code == 302
    assert db.session.scalars(select(Announcement.ends_on)).all() == [date(2027, 1, 5)]


def test_staff_answer_and_finalise_through_the_pages(clock, client, make, login):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    objection = lodge_objection(announcement, user=make.member(), text="质疑")
    db.session.commit()
    staff = login(make.user(Role.STAFF))
    manage = client.get(f"/staff/announcements/{announcement.id}").get_data(as_text=True)
    assert '<div class="form-text" id="finalise-refusal">公示期至 2025年10月10日 结束' in manage
    response = client.post(
        f"/staff/objections/{objection.id}/answer",
        data={f"objection-{objection.id}-decision": "dismiss"},
    )
    assert response.status_code == 400
    field_id = f"objection-{objection.id}-answer"
    assert FEEDBACK.format(field_id, "该字段是必填字段。") in response.get_data(as_text=True)
    response = client.post(
        f"/staff/objections/{objection.id}/answer",
        data={
            f"objection-{objection.id}-decision": "dismiss",
            f"objection-{objection.id}-answer": "质疑不成立。",
        },
    )
    assert response.status_code == 302
    clock.set("2025-10-11 09:00")
    response = client.post(f"/staff/announcements/{announcement.id}/finalise")
    assert response.status_code == 302
    db.session.expire_all()
    assert (announcement.state, announcement.finalised_by_id, objection.state) == (
        AnnouncementState.FINALISED,
        staff.id,
        ObjectionState.DISMISSED,
    )


def test_finalise_refused_on_the_page_says_why(clock, client, make, login):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    lodge_objection(announcement, user=make.member(), text="质疑")
    db.session.commit()
    clock.set("2025-10-11 09:00")
    login(make.user(Role.STAFF))
    response = client.post(
        f"/staff/announcements/{announcement.id}/finalise", follow_redirects=True
    )
    assert '<div class="alert alert-danger" role="alert">尚有 1 条质疑未答复。</div>' in (
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert announcement.state == AnnouncementState.PUBLISHED


def test_withdraw_through_the_page_shows_the_reason_publicly(client, make, login):
    announcement = make.announcement()
    login(make.user(Role.STAFF))
    response = client.post(f"/staff/announcements/{announcement.id}/withdraw", data={})
    assert response.status_code == 400
    client.post(f"/staff/announcements/{announcement.id}/withdraw", data={"reason": "名单需更正"})
    db.session.expire_all()
    assert announcement.state == AnnouncementState.WITHDRAWN
    page = client.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert "理由： 名单需更正" in page


def test_staff_list_counts_pending_objections(client, make, login):
    first = make.announcement(title="第一条公示")
    make.announcement(title="第二条公示")
    lodge_objection(first, user=make.member(), text="一")
    lodge_objection(first, user=make.member(), text="二")
    db.session.commit()
    login(make.user(Role.STAFF))
    page = client.get("/staff/announcements").get_data(as_text=True)
    assert '<span class="badge text-bg-danger">2</span>' in page
    assert page.count('<span class="badge text-bg-danger">') == 1


def test_landing_page_lists_current_announcements(clock, client, make):
    clock.set("2025-09-01 10:00")
    make.announcement(title="已过期的公示")
    clock.set("2025-10-20 10:00")
    make.announcement(title="正在公示的结果")
    page = client.get("/").get_data(as_text=True)
    assert ("正在公示的结果" in page, "已过期的公示" in page) == (True, False)


def test_nav_shows_announcements_to_everyone(client):
    page = client.get("/").get_data(as_text=True)
    assert '<a class="nav-link" href="/announcements">公示公告</a>' in page


def test_unknown_announcement_is_404(client):
    assert client.get("/announcements/999").status_code == 404


@contextmanager
def counted_queries():
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_pages_use_the_same_number_of_queries_for_more_rows(client, make, login):
    staff = make.user(Role.STAFF)
    announcement = make.announcement(actor=staff)
    answerer = make.user(Role.STAFF)
    for i in range(2):
        objection = lodge_objection(announcement, user=make.member(), text=f"质疑{i}")
        answer_objection(objection, actor=answerer, upheld=False, answer=f"答复{i}")
    db.session.commit()
    login(staff)
    urls = [f"/staff/announcements/{announcement.id}", f"/announcements/{announcement.id}"]
    urls += ["/announcements", "/staff/announcements"]
    with counted_queries() as few:
        for url in urls:
            client.get(url)
    for i in range(6):
        objection = lodge_objection(announcement, user=make.member(), text=f"更多质疑{i}")
        answer_objection(objection, actor=make.user(Role.STAFF), upheld=False, answer="答复")
        make.announcement(actor=make.user(Role.STAFF))
    db.session.commit()
    with counted_queries() as many:
        for url in urls:
            client.get(url)
    assert few != []
    assert len(many) == len(few)


@pytest.mark.usefixtures("on_demo_day")  # a period in a year whose holidays are published
def test_attachment_is_published_and_downloadable_by_the_public(client, make, login):
    login(make.user(Role.STAFF))
    response = client.post(
        "/staff/announcements/new",
        data={
            "kind": "call_notice",
            "title": "附件公告",
            "body": "详见附件。",
            "call_id": "0",
            "period_days": "5",
            "attachments": [(io.BytesIO(MINIMAL_PDF), "征集指南.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    announcement = db.session.scalars(select(Announcement)).one()
    stored = announcement.attachments[0]
    other = make.announcement()
    client.post("/logout")
    download = client.get(f"/announcements/{announcement.id}/files/{stored.id}")
    assert (download.status_code, download.data) == (200, MINIMAL_PDF)
    assert client.get(f"/announcements/{other.id}/files/{stored.id}").status_code == 404


@pytest.mark.usefixtures("on_demo_day")  # a period in a year whose holidays are published
def test_attachment_of_a_refused_type_keeps_the_form(client, make, login):
    login(make.user(Role.STAFF))
    response = client.post(
        "/staff/announcements/new",
        data={
            "kind": "call_notice",
            "title": "附件公告",
            "body": "详见附件。",
            "call_id": "0",
            "period_days": "5",
            "attachments": [(io.BytesIO(b"#!/bin/sh\necho hi\n"), "run.sh")],
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    message = (
        "无法接收这个文件：文件内容不属于允许的类型（docx, jpg, pdf, png, xlsx）。"
        "请另存为其中一种（例如 PDF）后重新上传。"
    )
    assert FEEDBACK.format("attachments", message) in page
    assert 'value="附件公告"' in page
    assert db.session.scalars(select(Announcement)).all() == []
