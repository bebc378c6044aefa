"""Needs and calls: a call made from needs lists them publicly; applications name the call's
needs they answer, which staff and reviewers see; awards answer the needs."""

from datetime import timedelta

from sqlalchemy import select

from tests.applications.conftest import filled_form
from tests.community.helpers import signed_in
from tests.review import helpers as review
from venture.applications.enums import ApplicationState
from venture.applications.lifecycle import APPLICATION_WORKFLOW
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.community.enums import NeedStatus
from venture.core.audit import AuditEntry
from venture.core.lifecycle import transition
from venture.core.timeutil import local_today
from venture.extensions import db


def call_form(street, category, communities, need_ids, **changes):
    today = local_today()
    data = {
        "title": "2027年香坊区为老服务公益创投",
        "year": str(today.year + 1),
        "route": "venture_grant",
        "category_ids": [str(category.id)],
        "community_ids": [str(c.id) for c in communities],
        "need_ids": [str(i) for i in need_ids],
        "total_budget": "1000000",
        "cap_per_project": "200000",
        "max_applications_per_org": "1",
        "project_start": (today + timedelta(days=90)).isoformat(),
        "project_end": (today + timedelta(days=450)).isoformat(),
        "opens_at": f"{today.isoformat()}T09:00",
        "closes_at": f"{(today + timedelta(days=30)).isoformat()}T17:00",
        "eligibility": "在香坊区民政局登记的社会组织",
        "required_attachments": "登记证书副本",
        "installments-0-percent": "100",
        "installments-0-condition": "on_signing",
        "description": "面向社区需求征集为老服务项目。",
    }
    data.update(changes)
    return data


def three_needs(make):
    street = make.street(name="香坊大街街道")
    category = make.category()
    communities = [make.community(street, name=n) for n in ("安康社区", "和谐社区", "幸福社区")]
    titles = ("独居老人助餐", "楼院适老化改造", "老年人智能手机课堂")
    needs = [
        make.need(c, title=t, category_=category) for c, t in zip(communities, titles, strict=True)
    ]
    return street, category, communities, needs


def test_a_call_created_from_three_needs_lists_them_on_its_public_page(app, make):
    street, category, communities, needs = three_needs(make)
    unrelated = make.need(communities[0], title="不在本次征集的需求")
    staff = signed_in(app, make.user(Role.STAFF))
    response = staff.post(
        "/staff/calls/new", data=call_form(street, category, communities, [n.id for n in needs])
    )
    call = db.session.scalars(select(Call)).one()
    assert response.status_code == 302
    assert [n.id for n in call.needs] == [n.id for n in needs]
    db.session.expire_all()
    assert [n.status for n in needs] == [NeedStatus.ADDRESSED] * 3
    assert unrelated.status == NeedStatus.OPEN
    assert staff.post(f"/staff/calls/{call.id}/publish").status_code == 302
    db.session.expire_all()
    assert call.published_at is not None

    page = app.test_client().get(f"/calls/{call.id}").get_data(as_text=True)
    for need in needs:
        assert f'<tr id="call-need-{need.id}">' in page
        assert need.title in page
    assert "不在本次征集的需求" not in page
    assert "香坊大街街道 安康社区" in page


def test_needs_chosen_on_the_board_start_the_new_call(app, make):
    street, category, communities, needs = three_needs(make)
    staff = signed_in(app, make.user(Role.STAFF))
    page = staff.get(f"/staff/calls/new?need={needs[0].id}&need={needs[2].id}").get_data(
        as_text=True
    )
    assert f'value="{needs[0].id}" id="need-{needs[0].id}" checked>' in page
    assert f'value="{needs[1].id}" id="need-{needs[1].id}">' in page
    assert f'value="{needs[2].id}" id="need-{needs[2].id}" checked>' in page
    assert (
        '<input checked class="form-check-input" id="category_ids-0" name="category_ids" '
        f'type="checkbox" value="{category.id}">'
    ) in page
    assert f'<option selected value="{communities[0].id}">安康社区</option>' in page
    assert f'<option value="{communities[1].id}">和谐社区</option>' in page


def test_a_need_dropped_from_a_draft_call_is_open_again(app, make):
    street, category, communities, needs = three_needs(make)
    staff = signed_in(app, make.user(Role.STAFF))
    staff.post(
        "/staff/calls/new", data=call_form(street, category, communities, [n.id for n in needs])
    )
    call = db.session.scalars(select(Call)).one()
    page = staff.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert f'value="{needs[1].id}" id="need-{needs[1].id}" checked>' in page
    response = staff.post(
        f"/staff/calls/{call.id}/edit",
        data=call_form(street, category, communities, [needs[0].id, needs[2].id]),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [n.status for n in needs] == [
        NeedStatus.ADDRESSED,
        NeedStatus.OPEN,
        NeedStatus.ADDRESSED,
    ]
    change = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "call.needs").order_by(AuditEntry.seq)
    ).all()
    assert [(c.before_data, c.after_data) for c in change] == [
        ({"needs": ""}, {"needs": ",".join(str(n.id) for n in needs)}),
        (
            {"needs": ",".join(str(n.id) for n in needs)},
            {"needs": f"{needs[0].id},{needs[2].id}"},
        ),
    ]


def test_cancelling_a_call_opens_its_needs_again(app, make):
    street, category, communities, needs = three_needs(make)
    staff = signed_in(app, make.user(Role.STAFF))
    staff.post("/staff/calls/new", data=call_form(street, category, communities, [needs[0].id]))
    call = db.session.scalars(select(Call)).one()
    staff.post(f"/staff/calls/{call.id}/cancel", data={"reason": "预算调整。"})
    db.session.expire_all()
    assert call.cancelled_at is not None
    assert needs[0].status == NeedStatus.OPEN


def _call_with_needs(make, needs):
    call = make.call(communities=[n.community for n in needs], categories=[needs[0].category])
    call.needs = needs
    for need in needs:
        need.status = NeedStatus.ADDRESSED
    db.session.commit()
    return call


def test_an_application_names_only_needs_of_its_own_call(app, make):
    _street, _category, _communities, needs = three_needs(make)
    call = _call_with_needs(make, needs[:2])
    elsewhere = make.need(make.community())
    application = make.application(call)
    client = signed_in(app, make.member(application.organization))
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert f'id="need-{needs[0].id}"' in page
    assert f'id="need-{needs[2].id}"' not in page
    data = filled_form(
        application,
        community_ids=[str(needs[0].community_id)],
        need_ids=[str(needs[1].id), str(elsewhere.id)],
    )
    assert client.post(f"/applications/{application.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [n.id for n in application.needs] == [needs[1].id]
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert f'value="{needs[1].id}" id="need-{needs[1].id}" checked>' in page


def test_staff_and_reviewers_see_the_need_an_application_answers(app, make):
    _street, _category, _communities, needs = three_needs(make)
    staff_user = make.user(Role.STAFF)
    call = review.call(staff=staff_user)
    call.needs = needs
    db.session.commit()
    application = review.application(call, title="银龄餐桌")
    application.needs = [needs[0]]
    db.session.commit()

    staff_page = (
        signed_in(app, staff_user).get(f"/applications/{application.id}").get_data(as_text=True)
    )
    assert '<section class="mt-3" id="application-needs">' in staff_page
    assert "香坊大街街道 安康社区 · <strong>独居老人助餐</strong>" in staff_page
    assert "楼院适老化改造" not in staff_page

    experts = [review.expert(staff=staff_user) for _ in range(3)]
    review.rubric(call, staff=staff_user)
    panel = review.panel(call, experts, staff=staff_user)
    assignments, _missing = review.assign(panel, staff=staff_user)
    assignment = assignments[0]
    review.open_sheet(assignment)
    reviewer_page = (
        signed_in(app, assignment.reviewer.user)
        .get(f"/review/assignments/{assignment.id}")
        .get_data(as_text=True)
    )
    assert "香坊大街街道 安康社区 · <strong>独居老人助餐</strong>" in reviewer_page


def test_awarding_an_application_answers_its_needs(make):
    _street, _category, _communities, needs = three_needs(make)
    call = _call_with_needs(make, needs)
    application = make.application(call, state="proposed")
    application.needs = [needs[0], needs[2]]
    db.session.commit()
    staff = make.user(Role.STAFF)
    transition(APPLICATION_WORKFLOW, application, "confirm_award", actor=staff)
    db.session.commit()
    db.session.expire_all()
    assert application.state == ApplicationState.AWARDED
    assert [n.status for n in needs] == [
        NeedStatus.ANSWERED,
        NeedStatus.ADDRESSED,
        NeedStatus.ANSWERED,
    ]
    answered = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "need.answer").order_by(AuditEntry.id)
    ).all()
    assert [(e.object_id, e.actor_id) for e in answered] == [
        (needs[0].id, staff.id),
        (needs[2].id, staff.id),
    ]
