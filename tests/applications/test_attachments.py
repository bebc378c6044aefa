"""Attachments: checked by content, limited in size, downloaded only by those allowed."""

import io

from sqlalchemy import select

from tests.pdf_bytes import HTML_AS_PDF, MINIMAL_PDF, PNG_1PX
from venture.applications.models import ApplicationAttachment
from venture.auth.enums import Role
from venture.auth.models import User
from venture.core.audit import AuditEntry
from venture.extensions import db


def draft_and_member(make):
    application = make.application(complete=False)
    return application, db.session.get(User, application.created_by_id)


def upload(data, content, name):
    return {**data, "file-0": (io.BytesIO(content), name)}


def test_upload_for_a_required_attachment_is_kept_and_listed(client, login, make, form):
    application, member = draft_and_member(make)
    login(member)
    data = upload(form(application), MINIMAL_PDF, "登记证书.pdf")
    response = client.post(f"/applications/{application.id}/edit", data=data)
    assert response.status_code == 302
    (attachment,) = db.session.scalars(select(ApplicationAttachment)).all()
    assert (attachment.label, attachment.file.original_name) == ("登记证书副本", "登记证书.pdf")
    assert attachment.file.content_type == "application/pdf"
    assert attachment.file.stored_name.endswith(".pdf")
    assert attachment.file.stored_name != "登记证书.pdf"
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert "登记证书.pdf" in page
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "application.attach")
    ).one()
    assert entry.after_data["label"] == "登记证书副本"


def test_a_new_file_replaces_the_earlier_one_for_the_same_label(client, login, make, form):
    application, member = draft_and_member(make)
    login(member)
    client.post(
        f"/applications/{application.id}/edit", data=upload(form(application), MINIMAL_PDF, "a.pdf")
    )
    db.session.refresh(application)
    client.post(
        f"/applications/{application.id}/edit", data=upload(form(application), PNG_1PX, "b.png")
    )
    db.session.refresh(application)
    assert [(a.label, a.file.original_name) for a in application.attachments] == [
        ("登记证书副本", "b.png")
    ]


def test_html_named_pdf_is_refused_and_the_draft_is_still_saved(client, login, make, form):
    application, member = draft_and_member(make)
    login(member)
    data = upload(form(application, title="带附件的草稿"), HTML_AS_PDF, "证书.pdf")
    response = client.post(f"/applications/{application.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        "无法接收这个文件：文件内容不属于允许的类型（docx, jpg, pdf, png, xlsx）。"
        "请另存为其中一种（例如 PDF）后重新上传。" in page
    )
    db.session.refresh(application)
    assert application.title == "带附件的草稿"
    assert application.attachments == []


def test_oversized_file_gets_a_message_next_to_the_field(client, login, make, form, app):
    application, member = draft_and_member(make)
    login(member)
    big = MINIMAL_PDF + b"0" * app.config["UPLOAD_MAX_BYTES"]
    response = client.post(
        f"/applications/{application.id}/edit", data=upload(form(application), big, "big.pdf")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        '<div class="invalid-feedback d-block" id="file-0-size">'
        "文件超过 10 MB。请压缩或拆分成较小的文件后重新上传。</div>" in page
    )
    assert application.attachments == []


def test_a_body_over_the_request_limit_gets_a_message_not_an_error_page(
    client, login, make, form, app, monkeypatch
):
    application, member = draft_and_member(make)
    login(member)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    big = MINIMAL_PDF + b"0" * (2 * 1024 * 1024)
    response = client.post(
        f"/applications/{application.id}/edit", data=upload(form(application), big, "big.pdf")
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/applications/{application.id}/edit"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "发送的内容共超过 1 MB，没有保存。请发送较小的文件，每次一个。" in page


def test_remove_an_attachment(client, login, make, form):
    application = make.application()
    member = db.session.get(User, application.created_by_id)
    login(member)
    first = application.attachments[0]
    data = form(application, remove_attachment=str(first.id))
    client.post(f"/applications/{application.id}/edit", data=data)
    db.session.refresh(application)
    assert [a.label for a in application.attachments] == ["项目预算明细表"]


def test_an_extra_attachment_is_kept_under_its_own_label(client, login, make, form):
    application, member = draft_and_member(make)
    login(member)
    data = {
        **form(application, extra_label="往年项目照片"),
        "extra_file": (io.BytesIO(PNG_1PX), "photo.png"),
    }
    client.post(f"/applications/{application.id}/edit", data=data)
    db.session.refresh(application)
    assert [a.label for a in application.extra_attachments] == ["往年项目照片"]


def test_members_and_staff_download_others_do_not(client, login, make):
    application = make.application(state="submitted")
    attachment = application.attachments[0]
    url = f"/applications/{application.id}/attachments/{attachment.id}"
    login(db.session.get(User, application.created_by_id))
    response = client.get(url)
    assert (response.status_code, response.data) == (200, MINIMAL_PDF)
    client.post("/logout")
    login(make.user(Role.STAFF))
    assert client.get(url).status_code == 200
    for role in (Role.REVIEWER, Role.FINANCE, Role.COMMUNITY, Role.EVALUATOR, Role.ADMIN):
        client.post("/logout")
        login(make.user(role))
        assert client.get(url).status_code == 404, role
    client.post("/logout")
    login(make.member())
    assert client.get(url).status_code == 404
