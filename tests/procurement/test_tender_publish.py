"""Publishing a tender notice: the minimum bid period and the scoring rules are checked."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.calls.enums import CallStage
from venture.calls.operations import publish_call
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement.enums import EvaluationMethod, TenderMethod


def _with_deadline(tender, days):
    tender.call.closes_at = now() + timedelta(days=days)
    tender.opening_at = tender.call.closes_at
    db.session.commit()
    return tender


def test_open_tender_deadline_19_days_after_publication_is_refused_with_the_rule():
    staff = factories.user(Role.STAFF)
    tender = _with_deadline(helpers.tender_call(staff=staff), 19)
    with pytest.raises(TransitionRefused) as refused:
        publish_call(tender.call, actor=staff)
    db.session.rollback()
    deadline = tender.call.closes_at
    assert refused.value.message == (
        f"公开招标的投标截止时间须在招标公告发布之日起至少 20 日后；截止时间 "
        f"{_local(deadline)} 距发布之日仅 19 日。"
    )
    assert tender.call.stage == CallStage.DRAFT


def _local(moment):
    from venture.core.formatting import local_datetime

    return local_datetime(moment)


def test_open_tender_deadline_20_days_after_publication_is_published():
    staff = factories.user(Role.STAFF)
    tender = _with_deadline(helpers.tender_call(staff=staff), 20)
    publish_call(tender.call, actor=staff)
    db.session.commit()
    assert tender.call.stage == CallStage.PUBLISHED


@pytest.mark.parametrize(("days", "published"), [(9, False), (10, True)])
def test_negotiation_needs_10_days(days, published):
    staff = factories.user(Role.STAFF)
    tender = _with_deadline(helpers.tender_call(staff=staff, method=TenderMethod.NEGOTIATION), days)
    try:
        publish_call(tender.call, actor=staff)
    except TransitionRefused:
        db.session.rollback()
    assert (tender.call.stage == CallStage.PUBLISHED) == published


def test_price_weight_under_ten_percent_of_the_total_is_refused():
    staff = factories.user(Role.STAFF)
    # technical 40 + 30 + 25 = 95, price 5: 5 of 100 is under 10%
    tender = helpers.tender_call(staff=staff, weight="5", criteria=(40, 30, 25))
    with pytest.raises(TransitionRefused) as refused:
        publish_call(tender.call, actor=staff)
    assert refused.value.message == "价格分值须不低于总分的 10%：5.0 分（总分 100.0 分）不足。"


def test_comprehensive_scoring_without_criteria_is_refused():
    staff = factories.user(Role.STAFF)
    tender = helpers.tender_call(staff=staff, criteria=())
    with pytest.raises(TransitionRefused) as refused:
        publish_call(tender.call, actor=staff)
    assert refused.value.message == "综合评分法须设置技术评分标准，请先添加。"


def test_a_tender_call_without_details_cannot_be_published():
    staff = factories.user(Role.STAFF)
    call = factories.call("draft", route="tender", staff=staff)
    with pytest.raises(TransitionRefused) as refused:
        publish_call(call, actor=staff)
    assert refused.value.message == "发布招标公告前，请先填写招标信息。"


def test_lowest_price_tender_needs_no_criteria_and_keeps_no_weight():
    staff = factories.user(Role.STAFF)
    tender = helpers.tender_call(
        staff=staff, evaluation=EvaluationMethod.LOWEST_PRICE, criteria=(), weight="30"
    )
    assert tender.price_weight == Decimal("0")
    publish_call(tender.call, actor=staff)
    assert tender.call.stage == CallStage.PUBLISHED


@pytest.mark.usefixtures("on_demo_day")  # the deadline must lie ahead
def test_the_staff_form_saves_the_details_and_moves_the_call_deadline(client, login, make):
    staff = login(make.user(Role.STAFF))
    call = make.call("draft", route="tender", staff=staff, total_budget="300000.00")
    response = client.post(
        f"/staff/calls/{call.id}/tender/edit",
        data={
            "method": "negotiation",
            "evaluation": "comprehensive",
            "requirements": "服务需求",
            "budget_ceiling": "250000",
            "price_weight": "20",
            "required_documents": "报价单",
            "bid_deadline": "2027-03-09T09:30",
            "opening_at": "2027-03-09T10:00",
            "opening_place": "三楼会议室",
        },
    )
    assert response.status_code == 302
    tender = helpers.operations.tender_of(call.id)
    assert (tender.method, tender.budget_ceiling, tender.price_weight) == (
        TenderMethod.NEGOTIATION,
        Decimal("250000.00"),
        Decimal("20.0"),
    )
    assert _local(call.closes_at) == "2027年3月9日 09:30"


def test_a_ceiling_above_the_budget_is_shown_next_to_the_field(client, login, make):
    staff = login(make.user(Role.STAFF))
    call = make.call("draft", route="tender", staff=staff, total_budget="300000.00")
    response = client.post(
        f"/staff/calls/{call.id}/tender/edit",
        data={
            "method": "open",
            "evaluation": "comprehensive",
            "requirements": "服务需求",
            "budget_ceiling": "350000",
            "price_weight": "30",
            "bid_deadline": "2030-05-06T09:30",
            "opening_at": "2030-05-06T10:00",
        },
    )
    assert response.status_code == 400
    assert "最高限价高于项目预算 ¥300,000.00。" in response.get_data(as_text=True)
    assert helpers.operations.tender_of(call.id) is None
