import io

from sqlalchemy import func, select

from tests.pdf_bytes import HTML_AS_PDF, MINIMAL_PDF
from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.extensions import db
from venture.orgs.enums import OrgStatus, OrgType
from venture.orgs.models import Organization


def registration(**changes):
    data = {
        "credit_code": "91350100M000100Y43",
        "org_name": "香坊区阳光助老服务中心",
        "legal_representative": "王伟",
        "address": "哈尔滨市香坊区中山路 1 号",
        "street_id": "0",
        "contact_name": "李娜",
        "contact_phone": "13800000001",
        "contact_email": "contact@yangguang.example.com",
        "bank_name": "中国工商银行香坊支行",
        "bank_account_name": "香坊区阳光助老服务中心",
        "bank_account": "6222 0000 1111 2222",
        "name": "李娜",
        "email": "lina@yangguang.example.com",
        "phone": "13800000001",
        "password": "Sunshine2026",
        "confirm": "Sunshine2026",
    }
    data.update(changes)
    return data


def with_certificate(data, content=MINIMAL_PDF, name="证书.pdf"):
    return {**data, "certificate": (io.BytesIO(content), name)}


def org_count():
    return db.session.scalar(select(func.count()).select_from(Organization))


def test_register_with_valid_code_creates_pending_org_and_member(client):
    response = client.post("/orgs/register", data=with_certificate(registration()))
    assert response.status_code == 302
    org = db.session.scalars(select(Organization)).one()
    assert org.credit_code == "91350100M000100Y43"
    assert org.org_type == OrgType.OTHER
    assert org.status == OrgStatus.PENDING
    assert org.bank_account == "6222000011112222"
    assert org.certificate.original_name == "证书.pdf"
    (member,) = org.members
    assert member.email == "lina@yangguang.example.com"
    assert member.roles == {Role.APPLICANT}
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.create", "organization.register"]


def test_register_derives_type_from_code(client):
    client.post("/orgs/register", data=registration(credit_code="52230110MJ0000001P"))
    # a code that fails its check never creates anything
    assert org_count() == 0


def test_wrong_check_character_is_refused_naming_it_and_keeps_fields(client):
    response = client.post("/orgs/register", data=registration(credit_code="91350100M000100Y44"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "校验码（第 18 位）错误：填写的是 4，按前 17 位计算应为 3。" in page
    assert 'value="香坊区阳光助老服务中心"' in page
    assert 'value="lina@yangguang.example.com"' in page
    assert org_count() == 0


def test_same_code_twice_is_refused(client):
    client.post("/orgs/register", data=registration())
    client.post("/logout")
    response = client.post(
        "/orgs/register",
        data=registration(email="other@yangguang.example.com", org_name="另一个组织"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "该统一社会信用代码的组织已注册。" in page
    assert 'value="另一个组织"' in page
    assert org_count() == 1


def test_weak_password_is_refused_with_rule(client):
    response = client.post("/orgs/register", data=registration(password="short", confirm="short"))
    assert "密码至少 10 位，须同时包含字母和数字。" in response.get_data(as_text=True)
    assert org_count() == 0


def test_certificate_that_is_html_named_pdf_is_refused(client):
    data = with_certificate(registration(), content=HTML_AS_PDF, name="证书.pdf")
    response = client.post("/orgs/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        "无法接收这个文件：文件内容不属于允许的类型（jpg, pdf, png）。"
        "请另存为其中一种（例如 PDF）后重新上传。" in page
    )
    assert org_count() == 0


def test_oversized_certificate_gets_a_message(client, app):
    big = MINIMAL_PDF + b"0" * app.config["UPLOAD_MAX_BYTES"]
    response = client.post("/orgs/register", data=with_certificate(registration(), content=big))
    assert response.status_code == 400
    assert "文件超过 10 MB。请压缩或拆分成较小的文件后重新上传。" in response.get_data(as_text=True)
    assert org_count() == 0


def test_member_edits_own_profile_and_change_is_audited(client, login, make):
    member = login(make.member())
    org = member.organization
    data = registration(org_name="新名称", contact_phone="13900000000")
    # the verified bank account stays (a change of it waits for staff: tests/security)
    data.update(bank_name=org.bank_name, bank_account=org.bank_account)
    data.update(bank_account_name=org.bank_account_name)
    response = client.post(f"/orgs/{org.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.name, org.contact_phone) == ("新名称", "13900000000")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "organization.update")
    ).one()
    assert entry.after_data["name"] == "新名称"


def test_member_cannot_open_another_orgs_edit_page(client, login, make):
    login(make.member())
    other = make.org()
    assert client.get(f"/orgs/{other.id}/edit").status_code == 404
    assert client.get(f"/orgs/{other.id}").status_code == 404
    assert client.post(f"/orgs/{other.id}/edit", data=registration()).status_code == 404


def test_staff_verifies_org_with_certificate(client, login, make):
    client.post("/orgs/register", data=with_certificate(registration()))
    client.post("/logout")
    login(make.user(Role.STAFF))
    org = db.session.scalars(select(Organization)).one()
    response = client.post(f"/orgs/{org.id}/verify", data={"reason": ""})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.status == OrgStatus.VERIFIED


def test_reject_without_reason_is_refused(client, login, make):
    org = make.org(status=OrgStatus.PENDING)
    login(make.user(Role.STAFF))
    client.post(f"/orgs/{org.id}/reject", data={"reason": ""})
    db.session.refresh(org)
    assert org.status == OrgStatus.PENDING


def test_applicant_cannot_verify_own_org(client, login, make):
    member = login(make.member(make.org(status=OrgStatus.PENDING)))
    client.post(f"/orgs/{member.organization_id}/verify", data={})
    db.session.refresh(member.organization)
    assert member.organization.status == OrgStatus.PENDING


def test_invitation_creates_member_of_same_org(client, login, make, app):
    member = login(make.member())
    client.post(f"/orgs/{member.organization_id}/invite", data={"email": "new@example.com"})
    from venture.orgs.operations import invite_member

    _invitation, token = invite_member(member.organization, "second@example.com", actor=member)
    db.session.commit()
    client.post("/logout")
    response = client.post(
        f"/invitations/{token}",
        data={
            "name": "新同事",
            "email": "second@example.com",
            "phone": "",
            "password": "Colleague2026",
            "confirm": "Colleague2026",
        },
    )
    assert response.status_code == 302
    db.session.refresh(member.organization)
    assert sorted(u.email for u in member.organization.members) == sorted(
        [member.email, "second@example.com"]
    )
    assert client.get(f"/invitations/{token}").status_code == 404
