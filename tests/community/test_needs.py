"""Community needs (需求清单): published and edited only by their own residents' committee,
closed and reopened through the table, merged by staff, filtered and counted on the board."""

import io
from itertools import product

import pytest
from sqlalchemy import func, select

from tests.community.helpers import committee, signed_in
from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.community import operations
from venture.community.enums import NeedStatus, Urgency
from venture.community.lifecycle import NEED_WORKFLOW
from venture.community.models import Need
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused, transition
from venture.extensions import db
from venture.payments.lifecycle import SYSTEM

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def form(category, **changes):
    data = {
        "title": "独居老人助餐服务",
        "category_id": str(category.id),
        "target_group": "辖区80岁以上独居老人",
        "residents": "60",
        "place": "幸福社区服务站",
        "urgency": "urgent",
        "description": "老人行动不便，买菜做饭困难。",
    }
    data.update(changes)
    return data


def test_community_user_publishes_a_need_of_their_own_community(app, make):
    user = committee()
    category = make.category()
    client = signed_in(app, user)
    page = client.get("/community/needs/new").get_data(as_text=True)
    assert f'<option value="{category.id}">养老</option>' in page
    photo = (io.BytesIO(PNG), "服务站.png")
    response = client.post(
        "/community/needs/new",
        data={**form(category), "photos": [photo]},
        content_type="multipart/form-data",
    )
    need = db.session.scalars(select(Need)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/needs/{need.id}"
    assert (need.community_id, need.category_id, need.residents, need.urgency, need.status) == (
        user.community_id,
        category.id,
        60,
        Urgency.URGENT,
        NeedStatus.OPEN,
    )
    assert [p.file.original_name for p in need.photos] == ["服务站.png"]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "Need").order_by(AuditEntry.id)
    ).all()
    assert actions == ["need.publish", "need.photo_add"]
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "独居老人助餐服务" in page
    assert client.get(f"/needs/{need.id}/photos/{need.photos[0].id}").status_code == 200


def test_need_form_bad_input_keeps_what_was_typed_and_saves_nothing(app, make):
    client = signed_in(app, committee())
    category = make.category()
    response = client.post("/community/needs/new", data=form(category, residents="很多", title=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写居民人数（整数），例如 120。" in page
    assert "请填写此项。" in page
    assert 'value="幸福社区服务站"' in page
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(app, make):
    client = signed_in(app, committee())
    response = client.post(
        "/community/needs/new",
        data={**form(make.category()), "photos": [(io.BytesIO(MINIMAL_PDF), "x.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0


def test_community_user_edits_their_open_need(app, make):
    user = committee()
    need = make.need(user.community)
    client = signed_in(app, user)
    page = client.get(f"/needs/{need.id}/edit").get_data(as_text=True)
    assert 'name="residents" required type="text" value="60"' in page
    assert '<option selected value="normal">一般</option>' in page
    response = client.post(
        f"/needs/{need.id}/edit", data=form(need.category, residents="85", urgency="pressing")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (need.residents, need.urgency) == (85, Urgency.PRESSING)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "need.update")).one()
    assert entry.before_data["residents"] == 60
    assert entry.after_data["residents"] == 85


def test_a_need_taken_up_by_a_call_can_no_longer_be_edited(app, make):
    user = committee()
    need = make.need(user.community, status="addressed")
    client = signed_in(app, user)
    response = client.post(f"/needs/{need.id}/edit", data=form(need.category, residents="85"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/needs/{need.id}"
    db.session.expire_all()
    assert need.residents == 60


def test_community_user_never_reaches_another_communitys_need_by_guessing_ids(app, make):
    other = make.need(make.community())
    other.photos = []
    db.session.commit()
    client = signed_in(app, committee())
    assert client.get(f"/needs/{other.id}").status_code == 404
    assert client.get(f"/needs/{other.id}/edit").status_code == 404
    assert client.post(f"/needs/{other.id}/edit", data=form(other.category)).status_code == 404
    assert client.post(f"/needs/{other.id}/close", data={"reason": "x"}).status_code == 404
    assert client.post(f"/needs/{other.id}/reopen").status_code == 404
    assert client.get(f"/needs/{other.id}/photos/1").status_code == 404
    db.session.expire_all()
    assert (other.status, other.residents) == (NeedStatus.OPEN, 60)


def test_community_list_shows_only_their_own_needs(app, make):
    user = committee()
    mine = make.need(user.community, title="楼道照明改造")
    make.need(make.community(), title="别的社区的需求")
    page = signed_in(app, user).get("/community/needs").get_data(as_text=True)
    assert mine.title in page
    assert "别的社区的需求" not in page


def test_an_account_without_a_community_cannot_publish(app, make):
    client = signed_in(app, make.user(Role.COMMUNITY))
    assert client.get("/community/needs/new").status_code == 404
    assert client.get("/community/needs").status_code == 404


def test_committee_closes_with_a_reason_and_reopens_its_need(app, make):
    user = committee()
    need = make.need(user.community)
    client = signed_in(app, user)
    client.post(f"/needs/{need.id}/close", data={"reason": ""})
    db.session.expire_all()
    assert need.status == NeedStatus.OPEN
    client.post(f"/needs/{need.id}/close", data={"reason": "街道已协调解决。"})
    db.session.expire_all()
    assert (need.status, need.status_reason) == (NeedStatus.CLOSED, "街道已协调解决。")
    client.post(f"/needs/{need.id}/reopen")
    db.session.expire_all()
    assert (need.status, need.status_reason) == (NeedStatus.OPEN, None)


# ── the table ───────────────────────────────────────────────────────────────────────────────


def _actor_for(action, need, staff, user):
    return staff if action in ("address", "release", "answer", "merge") else user


@pytest.mark.parametrize(
    ("action", "status"), list(product([t.action for t in NEED_WORKFLOW.transitions], NeedStatus))
)
def test_need_table_every_pair_is_allowed_or_refused(make, action, status):
    user = committee()
    staff = make.user(Role.STAFF)
    target = make.need(user.community)
    extra = {"merged_into": target} if status == NeedStatus.MERGED else {}
    need = make.need(user.community, status=status.value, **extra)
    if action == "merge":
        need.merged_into = target
    t = NEED_WORKFLOW.get(action)
    allowed = status in t.sources
    try:
        transition(
            NEED_WORKFLOW, need, action, actor=_actor_for(action, need, staff, user), reason="理由"
        )
    except TransitionRefused:
        assert not allowed
    else:
        assert allowed
        assert need.status == t.target


def test_platform_moves_needs_but_a_committee_cannot_address_them(make):
    user = committee()
    need = make.need(user.community)
    assert NEED_WORKFLOW.refusal(need, "address", user) == "您无权进行此操作。"
    transition(NEED_WORKFLOW, need, "address", actor=SYSTEM)
    assert need.status == NeedStatus.ADDRESSED


def test_another_committee_cannot_close_a_need(make):
    need = make.need(make.community())
    stranger = committee()
    assert NEED_WORKFLOW.refusal(need, "close", stranger, reason="x") == "您无权进行此操作。"


# ── merging ─────────────────────────────────────────────────────────────────────────────────


def test_staff_merge_a_duplicate_into_the_surviving_need_with_an_audit_record(app, make):
    street = make.street()
    first, second = make.community(street), make.community(street)
    surviving = make.need(first, title="老人助餐")
    duplicate = make.need(second, title="老年人吃饭难")
    client = signed_in(app, make.user(Role.STAFF))
    page = client.get(f"/needs/{duplicate.id}").get_data(as_text=True)
    assert f'<option value="{surviving.id}">' in page
    response = client.post(
        f"/staff/needs/{duplicate.id}/merge",
        data={"into": str(surviving.id), "reason": "同一楼院的同一需求。"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/needs/{surviving.id}"
    db.session.expire_all()
    assert (duplicate.status, duplicate.merged_into_id) == (NeedStatus.MERGED, surviving.id)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "Need", AuditEntry.object_id == duplicate.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.reason) for e in entries[-2:]] == [
        ("need.merge", "同一楼院的同一需求。"),
        ("need.merge", "同一楼院的同一需求。"),
    ]
    assert entries[-1].after_data == {"merged_into": surviving.id}
    assert entries[-2].after_data == {"state": "merged"}
    page = client.get(f"/needs/{surviving.id}").get_data(as_text=True)
    assert f"#{duplicate.id} 老年人吃饭难" in page


def test_merge_needs_a_reason_and_a_live_target_of_the_street(app, make):
    street = make.street()
    need = make.need(make.community(street))
    closed = make.need(make.community(street), status="closed")
    elsewhere = make.need(make.community())
    client = signed_in(app, make.user(Role.STAFF))
    for target, reason in ((closed, "重复"), (elsewhere, "重复"), (need, "重复")):
        client.post(
            f"/staff/needs/{need.id}/merge", data={"into": str(target.id), "reason": reason}
        )
    db.session.expire_all()
    assert (need.status, need.merged_into_id) == (NeedStatus.OPEN, None)
    with pytest.raises(operations.CommunityError) as refused:
        operations.merge_need(need, closed, actor=make.user(Role.STAFF), reason="重复")
    assert refused.value.message == "状态为“已关闭”的需求不能合并其他需求。"


def test_a_committee_cannot_merge(app, make):
    user = committee()
    need = make.need(user.community)
    other = make.need(user.community)
    client = signed_in(app, user)
    response = client.post(f"/staff/needs/{need.id}/merge", data={"into": other.id, "reason": "x"})
    assert response.status_code == 403


# ── the board ───────────────────────────────────────────────────────────────────────────────


def test_board_filters_by_street_category_and_urgency_and_counts(app, make):
    street, other_street = make.street(name="香坊大街街道"), make.street(name="安埠街道")
    elderly, children = make.category(), make.category(name_zh="为小", name_en="Children")
    here = make.community(street)
    urgent = make.need(here, urgency="urgent", category_=elderly, title="助餐", residents=40)
    make.need(here, urgency="normal", category_=elderly, title="理发", residents=10)
    make.need(here, urgency="urgent", category_=children, title="四点半课堂", residents=30)
    make.need(make.community(other_street), urgency="urgent", category_=elderly, title="别处")
    make.need(here, urgency="urgent", category_=elderly, status="answered", title="已承接")
    client = signed_in(app, make.user(Role.STAFF))

    page = client.get(
        f"/staff/needs?street={street.id}&category={elderly.id}&urgency=urgent"
    ).get_data(as_text=True)
    assert f'id="board-need-{urgent.id}"' in page
    assert page.count('id="board-need-') == 1
    assert '<div class="fs-5 fw-semibold" id="shown-count">1</div>' in page
    assert "涉及居民 40 人" in page
    # counts by status ignore the status filter: the answered need is counted there
    assert '<span data-status="open">1</span>' in page
    assert '<span data-status="answered">1</span>' in page

    everything = client.get("/staff/needs?status=all").get_data(as_text=True)
    assert everything.count('id="board-need-') == 5
    live = client.get("/staff/needs").get_data(as_text=True)
    assert live.count('id="board-need-') == 4
    assert "<li>香坊大街街道: 3</li>" in live
    assert "<li>安埠街道: 1</li>" in live


def test_board_lists_urgent_needs_first(app, make):
    community = make.community()
    normal = make.need(community, urgency="normal")
    urgent = make.need(community, urgency="urgent")
    pressing = make.need(community, urgency="pressing")
    page = signed_in(app, make.user(Role.STAFF)).get("/staff/needs").get_data(as_text=True)
    order = sorted(
        (page.index(f'id="board-need-{n.id}"'), n.id) for n in (normal, urgent, pressing)
    )
    assert [i for _pos, i in order] == [urgent.id, pressing.id, normal.id]
