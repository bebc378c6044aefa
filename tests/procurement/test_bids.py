"""Bids (投标): the workflow table, submission rules, replacing and withdrawing."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import now
from venture.extensions import db
from venture.orgs.enums import OrgStatus
from venture.procurement import operations
from venture.procurement.enums import BidState
from venture.procurement.lifecycle import BID_WORKFLOW


def test_bid_workflow_table():
    table = {
        t.action: (sorted(s.value for s in t.sources), t.target.value)
        for t in BID_WORKFLOW.transitions
    }
    assert table == {
        "submit": (["draft"], "submitted"),
        "replace": (["submitted"], "submitted"),
        "recall": (["submitted"], "draft"),
        "open": (["submitted"], "opened"),
        "find_compliant": (["opened"], "compliant"),
        "find_non_compliant": (["compliant", "opened"], "non_compliant"),
        "score": (["compliant"], "scored"),
        "win": (["scored"], "won"),
        "lose": (["scored"], "lost"),
    }


def test_every_other_pair_of_states_is_refused():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    bid = helpers.bid(tender, "95000.00", submit=False)
    allowed = {(s, t.action) for t in BID_WORKFLOW.transitions for s in t.sources}
    for state in BidState:
        bid.state = state
        for t in BID_WORKFLOW.transitions:
            if (state, t.action) in allowed:
                continue
            assert BID_WORKFLOW.refusal(bid, t.action, staff) is not None, (state, t.action)
    db.session.rollback()


def test_submission_needs_price_content_and_declaration():
    tender = helpers.published_tender()
    bid = helpers.bid(tender, None, submit=False)
    bid.team, bid.declaration = "", False
    with pytest.raises(TransitionRefused) as refused:
        operations.submit_bid(bid, actor=bid.member)
    assert refused.value.message == "请填写“团队”。"
    from venture.procurement.rules import content_problems

    assert content_problems(bid) == ["请填写“团队”。", "请填写“报价”。", "请确认投标承诺。"]


def test_an_unverified_organization_cannot_submit():
    tender = helpers.published_tender()
    bid = helpers.bid(
        tender, "95000.00", organization=factories.org(OrgStatus.PENDING), submit=False
    )
    with pytest.raises(TransitionRefused) as refused:
        operations.submit_bid(bid, actor=bid.member)
    assert refused.value.message == "贵组织尚未通过认证，认证后方可投标。"


def test_a_bid_is_replaced_until_the_deadline_then_frozen():
    tender = helpers.published_tender()
    bid = helpers.bid(tender, "95000.00")
    first_digest = bid.seal_digest
    values = {
        "price": Decimal("93000.00"),
        "approach": "新的服务方案",
        "team": bid.team,
        "schedule": bid.schedule,
        "quality": bid.quality,
        "declaration": True,
    }
    operations.save_bid(bid, values, actor=bid.member)
    operations.replace_bid(bid, actor=bid.member)
    db.session.commit()
    assert (bid.state, bid.version, bid.price) == (BidState.SUBMITTED, 2, Decimal("93000.00"))
    assert bid.seal_digest != first_digest
    tender.call.closes_at = now() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(operations.ProcurementError) as refused:
        operations.save_bid(bid, values, actor=bid.member)
    assert refused.value.message.startswith("投标已于 ")
    with pytest.raises(TransitionRefused):
        operations.recall_bid(bid, actor=bid.member)


def test_a_recalled_bid_is_not_opened():
    tender = helpers.published_tender()
    kept, recalled = helpers.bid(tender, "95000.00"), helpers.bid(tender, "91000.00")
    operations.recall_bid(recalled, actor=recalled.member)
    db.session.commit()
    helpers.opened(tender)
    assert (kept.state, recalled.state) == (BidState.OPENED, BidState.DRAFT)


def test_web_submission_seals_the_bid(client, login):
    tender = helpers.published_tender()
    bid = helpers.bid(tender, "95000.00", submit=False)
    login(bid.member)
    response = client.post(
        f"/bids/{bid.id}/edit",
        data={
            "price": "94,500",
            "approach": "服务方案",
            "team": "团队",
            "schedule": "进度",
            "quality": "质量",
            "declaration": "y",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (bid.state, bid.price, bid.version) == (BidState.SUBMITTED, Decimal("94500.00"), 1)


def test_an_incomplete_replacement_keeps_the_sealed_bid(client, login):
    tender = helpers.published_tender()
    bid = helpers.bid(tender, "95000.00")
    login(bid.member)
    response = client.post(
        f"/bids/{bid.id}/edit",
        data={"price": "80000", "approach": "", "team": "团队", "schedule": "进度",
              "quality": "质量", "declaration": "y"},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "未保存任何修改：已递交的投标文件保持不变。" in page
    assert 'value="80000"' in page  # what was typed is kept on the form
    db.session.expire_all()
    assert (bid.price, bid.version, bid.approach) == (
        Decimal("95000.00"),
        1,
        "服务方案正文（95000.00）",
    )


def test_a_wrong_price_is_shown_next_to_the_field(client, login):
    tender = helpers.published_tender()
    bid = helpers.bid(tender, "95000.00", submit=False)
    login(bid.member)
    response = client.post(f"/bids/{bid.id}/edit", data={"price": "九万", "approach": "x"})
    assert response.status_code == 400
    assert "请输入以元为单位的金额，如 95000 或 95000.00。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert bid.approach == "服务方案正文（95000.00）"


def test_a_file_that_is_not_a_document_is_refused_and_nothing_saved(client, login):
    import io

    tender = helpers.published_tender()
    bid = helpers.bid(tender, "95000.00", submit=False, documents=False)
    login(bid.member)
    response = client.post(
        f"/bids/{bid.id}/edit",
        data={
            "price": "96000",
            "approach": "x",
            "file-0": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "a.exe"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "部分文件未被接受，本次内容均未保存。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (bid.price, bid.attachments) == (Decimal("95000.00"), [])
