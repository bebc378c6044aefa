"""Applications through the API: each organization sees only its own; the applicant's main path
(create, fill, attach, submit) and staff screening go through the same operations as the web."""

import io

import sqlalchemy as sa

from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.extensions import db


def draft_fields(call):
    return {
        "title": "四点半课堂——双职工家庭儿童课后托管",
        "category_id": call.categories[0].id,
        "community_ids": [call.communities[0].id],
        "target_group": "辖区6至12岁双职工家庭儿童",
        "beneficiaries": 60,
        "needs_analysis": "双职工家庭放学后无人照看。",
        "objectives": "提供安全的课后托管和作业辅导。",
        "activity_plan": "每周一至周五16:30-18:30开展托管活动。",
        "team": "社工2名，大学生志愿者10名。",
        "project_start": call.project_start.isoformat(),
        "project_end": call.project_end.isoformat(),
        "budget_lines": [
            {
                "category": "personnel",
                "item": "社工补贴",
                "unit_price": "3000",
                "quantity": 12,
                "requested": "30000",
                "own_funds": "6000",
            },
            {
                "category": "materials",
                "item": "学习用品",
                "unit_price": 25.50,
                "quantity": "60",
                "requested": "1530",
                "own_funds": "0",
            },
        ],
        "milestones": [
            {
                "title": "招募儿童并建档",
                "due_date": call.project_start.isoformat(),
                "deliverable": "60 份儿童档案",
            }
        ],
        "declaration": True,
    }


def upload(api, token, application_id, label):
    return api.post(
        f"/api/v1/applications/{application_id}/attachments",
        token,
        data={"label": label, "file": (io.BytesIO(MINIMAL_PDF), f"{label}.pdf")},
        content_type="multipart/form-data",
    )


def test_applicant_token_lists_only_its_organizations_applications(api, make, token_for):
    call = make.call()
    mine = make.application(call, state="submitted")
    other = make.application(call, state="submitted")
    make.application(call)  # a third organization's draft
    member = make.member(mine.organization)
    token = token_for(member)
    listed = api.get("/api/v1/applications", token).get_json()
    assert ([a["id"] for a in listed["items"]], listed["total"]) == ([mine.id], 1)
    assert api.get(f"/api/v1/applications/{mine.id}", token).status_code == 200
    refused = api.get(f"/api/v1/applications/{other.id}", token)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (404, "not_found")
    # and cannot change, submit or attach to another organization's application either
    assert (
        api.patch(f"/api/v1/applications/{other.id}", token, json={"title": "x"}).status_code == 404
    )
    assert api.post(f"/api/v1/applications/{other.id}/submit", token).status_code == 404
    assert upload(api, token, other.id, "登记证书副本").status_code == 404
    assert api.get(f"/api/v1/organizations/{other.organization_id}", token).status_code == 404


def test_without_a_token_only_public_data(api, make):
    call = make.call()
    draft = make.call("draft")
    application = make.application(call, state="submitted")
    assert api.get("/api/v1/calls").get_json()["total"] == 1
    assert api.get(f"/api/v1/calls/{draft.id}").status_code == 404
    for url in (
        "/api/v1/applications",
        f"/api/v1/applications/{application.id}",
        "/api/v1/organizations",
        f"/api/v1/organizations/{application.organization_id}",
        "/api/v1/contracts",
        "/api/v1/payments",
        "/api/v1/me",
    ):
        response = api.get(url)
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            401,
            "token_required",
        ), url
    response = api.get("/api/v1/applications")
    assert response.get_json()["error"]["message"] == (
        "此操作需要 API 令牌：请以“Authorization: Bearer <令牌>”发送。"
    )


def test_staff_token_sees_submitted_applications_but_not_drafts(api, make, token_for):
    call = make.call()
    submitted = make.application(call, state="submitted")
    make.application(call)
    token = token_for(make.user(Role.STAFF))
    listed = api.get(f"/api/v1/applications?call_id={call.id}", token).get_json()
    assert [a["id"] for a in listed["items"]] == [submitted.id]


def test_application_made_through_the_api_alone_appears_in_staff_screening(
    api, client, login, make, token_for
):
    call = make.call()
    member = make.member()
    token = token_for(member)
    created = api.post("/api/v1/applications", token, json={"call_id": call.id})
    assert created.status_code == 201
    application_id = created.get_json()["id"]
    assert created.headers["Location"] == f"http://localhost/api/v1/applications/{application_id}"

    refused = api.post(f"/api/v1/applications/{application_id}/submit", token)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "submission_refused"
    assert "请填写“项目名称”。" in refused.get_json()["error"]["problems"]

    saved = api.patch(f"/api/v1/applications/{application_id}", token, json=draft_fields(call))
    body = saved.get_json()
    assert saved.status_code == 200, body
    assert (body["requested_amount"], body["own_funds"], body["submission_problems"]) == (
        "31530.00",
        "6000.00",
        ["缺少附件：登记证书副本。", "缺少附件：项目预算明细表。"],
    )
    for label in call.attachment_names:
        assert upload(api, token, application_id, label).status_code == 201

    submitted = api.post(f"/api/v1/applications/{application_id}/submit", token)
    assert submitted.status_code == 200, submitted.get_json()
    number = submitted.get_json()["number"]
    assert (submitted.get_json()["state"], number) == ("submitted", f"{call.year}-GYCT-0001")

    # staff see it in the screening list, as an application made on the web
    web = make.application(call, state="submitted")
    login(make.user(Role.STAFF))
    page = client.get(f"/staff/calls/{call.id}/applications").get_data(as_text=True)
    assert (number in page, web.number in page) == (True, True)
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.object_type == "Application", AuditEntry.object_id == application_id)
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == [
        "application.create",
        "application.save",
        "application.attach",
        "application.attach",
        "application.submit",
    ]

    # and staff screen it through the API, with the web's rules and messages
    staff_token = token_for(make.user(Role.STAFF))
    url = f"/api/v1/applications/{application_id}/screen"
    half = api.post(url, staff_token, json={"action": "mark_eligible", "checklist": [True]})
    assert (half.status_code, half.get_json()["error"]["message"]) == (
        422,
        "申报书须符合每一项条件才能通过资格审查：请逐项勾选。",
    )
    done = api.post(url, staff_token, json={"action": "mark_eligible", "checklist": [True, True]})
    assert done.status_code == 200
    history = [(h["action"], h["from_state"], h["to_state"]) for h in done.get_json()["history"]]
    assert history[-2:] == [
        ("application.mark_eligible", "submitted", "eligible"),
        ("application.screening", None, None),
    ]
    listed = api.get(f"/api/v1/applications?state=eligible&call_id={call.id}", staff_token)
    assert [a["number"] for a in listed.get_json()["items"]] == [number]


def test_unreadable_values_are_refused_with_the_web_forms_messages(api, make, token_for):
    application = make.application(complete=False)
    token = token_for(make.member(application.organization))
    response = api.patch(
        f"/api/v1/applications/{application.id}",
        token,
        json={
            "title": "新标题",
            "beneficiaries": "六十",
            "budget_lines": [{"item": "场地", "unit_price": "一万", "quantity": "1"}],
        },
    )
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "validation_failed",
        "message": "有些内容无法识别，未作任何保存。",
        "fields": {
            "beneficiaries": "“六十”不是整数。",
            "budget_lines[0].unit_price": "“一万”不是数字。",
        },
    }
    db.session.refresh(application)
    assert application.title == ""


def test_a_stale_version_is_refused(api, make, token_for):
    application = make.application(complete=False)
    token = token_for(make.member(application.organization))
    url = f"/api/v1/applications/{application.id}"
    read = application.version
    first = api.patch(url, token, json={"version": read, "title": "一"})
    stale = api.patch(url, token, json={"version": read, "title": "二"})
    assert (first.status_code, stale.status_code, stale.get_json()["error"]["code"]) == (
        200,
        409,
        "stale",
    )


def test_partial_update_keeps_the_other_fields(api, make, token_for):
    application = make.application()
    token = token_for(make.member(application.organization))
    before = api.get(f"/api/v1/applications/{application.id}", token).get_json()
    after = api.patch(
        f"/api/v1/applications/{application.id}", token, json={"team": "社工3名。"}
    ).get_json()
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"team", "version", "updated_at", "history"}


def test_submitted_application_cannot_be_changed(api, make, token_for):
    application = make.application(state="submitted")
    token = token_for(make.member(application.organization))
    response = api.patch(f"/api/v1/applications/{application.id}", token, json={"title": "改"})
    assert (response.status_code, response.get_json()["error"]) == (
        409,
        {"code": "not_editable", "message": "这份申报书已不能修改。"},
    )


def test_staff_cannot_write_and_applicants_cannot_screen(api, make, token_for):
    application = make.application(state="submitted")
    staff = token_for(make.user(Role.STAFF))
    member = token_for(make.member(application.organization))
    create = api.post("/api/v1/applications", staff, json={"call_id": application.call_id})
    screen = api.post(
        f"/api/v1/applications/{application.id}/screen", member, json={"action": "mark_eligible"}
    )
    assert (create.status_code, screen.status_code) == (403, 403)
    assert create.get_json()["error"]["code"] == "forbidden"


def test_return_for_correction_takes_a_beijing_deadline(api, make, token_for):
    application = make.application(state="submitted")
    staff = token_for(make.user(Role.STAFF))
    url = f"/api/v1/applications/{application.id}/screen"
    no_reason = api.post(url, staff, json={"action": "return_for_correction"})
    assert no_reason.get_json()["error"]["message"] == "请填写补正截止时间。"
    done = api.post(
        url,
        staff,
        json={
            "action": "return_for_correction",
            "reason": "请补充预算说明。",
            "correction_deadline": "2099-03-01T17:00",
        },
    )
    assert (done.status_code, done.get_json()["correction_deadline"]) == (
        200,
        "2099-03-01T09:00:00+00:00",
    )


def test_assigned_reviewer_reads_the_application_but_no_bank_details(api, make, token_for):
    from tests.review import helpers as review

    staff = make.user(Role.STAFF)
    call = review.call(staff=staff)
    application = review.application(call)
    review.rubric(call, staff=staff)
    experts = [review.expert() for _ in range(3)]
    panel = review.panel(call, experts, staff=staff)
    review.assign(panel, staff=staff)
    from venture.review.models import ReviewAssignment
    from venture.review.operations import declare_no_conflict

    assignment = db.session.scalars(
        sa.select(ReviewAssignment).where(ReviewAssignment.reviewer_id == experts[0].id)
    ).first()
    declare_no_conflict(assignment, actor=experts[0].user)
    db.session.commit()
    token = token_for(experts[0].user)
    listed = api.get("/api/v1/applications", token).get_json()
    assert [a["id"] for a in listed["items"]] == [application.id]
    shown = api.get(f"/api/v1/applications/{application.id}", token).get_json()
    assert shown["organization"] == {
        "id": application.organization.id,
        "name": application.organization.name,
        "credit_code": application.organization.credit_code,
    }
    orgs = api.get("/api/v1/organizations", token).get_json()
    one = api.get(f"/api/v1/organizations/{application.organization_id}", token)
    assert (orgs["total"], one.status_code) == (0, 404)
