"""Import pages: upload, preview, confirm, result, undo; template; export; claiming."""

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from tests.imports.helpers import csv_bytes
from venture.auth.enums import Role
from venture.auth.models import User
from venture.extensions import db
from venture.imports import operations
from venture.imports.enums import BatchState
from venture.imports.models import ClaimCode, ImportBatch, PastProject
from venture.orgs.models import Invitation, Organization


def registry(make):
    make.street("香坊街道")
    code = make.credit_code()
    rows = [
        ["统一社会信用代码", "组织名称", "所属街道", "电子邮箱"],
        [code, "甲组织", "香坊街道", "jia@example.org"],
        ["123", "乙组织", "", ""],
    ]
    return code, csv_bytes(rows)


def test_upload_preview_confirm_and_result(client, login, make):
    staff = make.user(Role.STAFF)
    staff.locale = "en"
    db.session.commit()
    login(staff)
    code, data = registry(make)
    response = client.post(
        "/imports",
        data={"kind": "organizations", "file": (io.BytesIO(data), "名录.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert response.headers["Location"] == f"/imports/{batch.id}"
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert re.findall(r'data-row="(\d+)" data-action="(\w+)"', page) == [
        ("2", "add"),
        ("3", "refused"),
    ]
    assert "The code must have 18 characters; this one has 3." in page
    refused_only = client.get(f"/imports/{batch.id}?only=refused").get_data(as_text=True)
    assert re.findall(r'data-row="(\d+)" data-action="(\w+)"', refused_only) == [("3", "refused")]
    assert client.post(f"/imports/{batch.id}/confirm").status_code == 302
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert (batch.state, batch.added, batch.refused, batch.created_by_id) == (
        BatchState.CONFIRMED,
        1,
        1,
        staff.id,
    )
    result = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "甲组织" in result and "Not claimed" in result
    org = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    invite = client.post(f"/imports/orgs/{org.id}/invite", data={"back": f"/imports/{batch.id}"})
    assert invite.headers["Location"] == f"/imports/{batch.id}"
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.organization_id, invitation.email) == (org.id, "jia@example.org")
    assert client.post(f"/imports/{batch.id}/undo").status_code == 302
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).state == BatchState.CONFIRMED  # invited: in use


def test_a_bad_upload_answers_400_with_the_reason(client, login, make):
    staff = make.user(Role.STAFF)
    staff.locale = "en"
    db.session.commit()
    login(staff)
    response = client.post(
        "/imports",
        data={"kind": "experts", "file": (io.BytesIO(b"\xd0\xcf\x11\xe0xx"), "a.xls")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "old Excel file (.xls)" in response.get_data(as_text=True)


def test_template_has_header_example_and_drop_down_lists(client, login, make):
    login(make.user(Role.STAFF))
    make.category("elderly", "养老", "Elderly care")
    response = client.get("/imports/templates/projects.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["导入"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "年度",
        "创投活动名称",
        "统一社会信用代码",
        "承接组织",
        "项目名称",
        "资助金额(元)",
        "评估结果",
        "服务类别",
        "服务社区",
    ]
    assert sheet["G2"].value == "良好"
    rules = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert rules == {"G2:G10000": "'选项'!$A$1:$A$6", "H2:H10000": "'选项'!$B$1:$B$1"}
    assert [c.value for c in book["选项"]["A"]] == [
        "优秀",
        "良好",
        "合格",
        "不合格",
        "终止",
        "未评估",
    ]
    assert book["选项"]["B1"].value == "养老"


def test_export_of_the_organization_list(client, login, make):
    login(make.user(Role.FINANCE))
    org = make.org(name="=1+1")
    response = client.get("/staff/orgs/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[2]][:2] == [org.credit_code, "=1+1"]
    assert sheet["B2"].data_type == "s"


def test_claim_with_a_code_sent_to_the_registered_contact(client, make, app):
    staff = make.user(Role.STAFF)
    code, data = registry(make)
    batch, _p = operations.start_import("organizations", _upload(data), actor=staff)
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    response = client.post("/claim", data={"credit_code": code})
    assert response.status_code == 302
    claim = db.session.scalar(select(ClaimCode))
    assert claim.sent_to == "jia@example.org"
    one_time = re.search(r"\b(\d{6})\b", last_mail(app, "jia@example.org")).group(1)
    account = {
        "credit_code": code,
        "name": "李娜",
        "email": "lina@example.org",
        "phone": "",
        "password": "Secret12345",
        "confirm": "Secret12345",
    }
    wrong = client.post(
        "/claim/account", data={**account, "code": "000000" if one_time != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert db.session.get(ClaimCode, claim.id).attempts == 1
    right = client.post("/claim/account", data={**account, "code": one_time})
    assert right.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "lina@example.org"))
    org = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    assert (user.organization_id, user.roles) == (org.id, {Role.APPLICANT})
    again = client.post("/claim", data={"credit_code": code})
    assert again.status_code == 400


def test_past_projects_show_on_the_organization_page(client, login, make):
    login(make.user(Role.STAFF))
    org = make.org(name="阳光社工")
    db.session.add(
        PastProject(
            organization_id=org.id,
            year=2024,
            call_name="2024年创投",
            title="银龄互助",
            amount="50000.00",
        )
    )
    db.session.commit()
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    section = page.split('id="past-projects"')[1].split("</section>")[0]
    assert "银龄互助" in section and "¥50,000.00" in section


def last_mail(app, to):
    """The body of the newest message written to the mail folder for to."""
    from email import message_from_bytes, policy
    from pathlib import Path

    messages = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(
            Path(app.config["MAIL_FOLDER"]).glob("*.eml"), key=lambda p: p.stat().st_mtime
        )
    ]
    return [m for m in messages if m["To"] == to][-1].get_content()


def _upload(data):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(data), filename="名录.csv")


def test_staff_see_the_organizations_past_projects_on_an_application(client, login, make):
    application = make.application(state="submitted")
    db.session.add(
        PastProject(
            organization_id=application.organization_id,
            year=2023,
            call_name="2023年创投",
            title="四点半课堂",
            amount="30000.00",
        )
    )
    db.session.commit()
    login(make.user(Role.STAFF))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    section = page.split('id="past-projects"')[1].split("</section>")[0]
    assert "四点半课堂" in section and "¥30,000.00" in section
    client.post("/logout")
    login(make.member(application.organization))
    own = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'id="past-projects"' not in own


def test_preview_shows_what_an_update_changes(client, login, make):
    staff = make.user(Role.STAFF)
    staff.locale = "en"
    db.session.commit()
    login(staff)
    org = make.org(name="旧名称")
    data = csv_bytes([["统一社会信用代码", "组织名称"], [org.credit_code, "新名称"]])
    batch, _p = operations.start_import("organizations", _upload(data), actor=staff)
    db.session.commit()
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    row = page.split('data-row="2" data-action="update"')[1].split("</tr>")[0]
    assert re.findall(r'<div class="text-primary small">([^<]*)</div>', row) == ["was: 旧名称"]
