"""Clarifications (澄清): published to every bidder; late ones move the deadline."""

from datetime import datetime, timedelta

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.core.timeutil import from_local, now, to_local
from venture.extensions import db
from venture.notifications.models import Notification
from venture.procurement import operations
from venture.procurement.enums import TenderMethod
from venture.procurement.models import TenderQuestion


def test_clarification_14_days_before_an_open_tender_deadline_moves_it_to_15_days_after():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff, deadline_days=25)
    early = helpers.bid(tender, "95000.00", submit=False)
    tender.call.closes_at = now() + timedelta(days=14)
    tender.opening_at = tender.call.closes_at + timedelta(hours=1)
    db.session.commit()
    before = tender.call.closes_at
    clarification = operations.publish_clarification(
        tender, text="服务范围增加幸福社区。", question_ids=[], actor=staff
    )
    db.session.commit()
    published = to_local(clarification.published_at).date()
    expected = from_local(
        datetime.combine(
            published + timedelta(days=15), to_local(before).time().replace(tzinfo=None)
        )
    )
    expected = max(expected, clarification.published_at + timedelta(days=15))
    assert (clarification.deadline_before, clarification.deadline_after) == (before, expected)
    assert tender.call.closes_at == expected
    assert tender.opening_at == expected + timedelta(hours=1)
    told = db.session.query(Notification).filter_by(user_id=early.member.id).all()
    assert [n.subject for n in told][-1] == f"招标项目“{tender.call.title}”发布澄清"
    assert "投标截止时间顺延至" in told[-1].body


def test_clarification_15_days_before_the_deadline_leaves_it():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    tender.call.closes_at = now() + timedelta(days=15)
    db.session.commit()
    before = tender.call.closes_at
    clarification = operations.publish_clarification(
        tender, text="答疑：报价含税。", question_ids=[], actor=staff
    )
    assert clarification.deadline_after is None
    assert tender.call.closes_at == before


def test_negotiation_moves_the_deadline_only_within_5_days():
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff, method=TenderMethod.NEGOTIATION)
    tender.call.closes_at = now() + timedelta(days=6)
    db.session.commit()
    assert (
        operations.publish_clarification(
            tender, text="答疑。", question_ids=[], actor=staff
        ).deadline_after
        is None
    )
    tender.call.closes_at = now() + timedelta(days=4)
    db.session.commit()
    moved = operations.publish_clarification(tender, text="答疑二。", question_ids=[], actor=staff)
    assert moved.deadline_after is not None
    assert (to_local(moved.deadline_after).date() - to_local(moved.published_at).date()).days == 5


def test_a_bidders_question_is_answered_by_a_clarification_to_all(client, login, make):
    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    asker = make.member()
    other = helpers.bid(tender, "99000.00", submit=False)
    login(asker)
    assert (
        client.post(f"/tenders/{tender.id}/questions", data={"text": "报价是否含税？"}).status_code
        == 302
    )
    question = db.session.query(TenderQuestion).one()
    client.post("/logout")
    login(staff)
    response = client.post(
        f"/staff/tenders/{tender.id}/clarifications",
        data={"text": "报价应含税。", "question_ids": [str(question.id)]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert question.clarification.text == "报价应含税。"
    subjects = {
        user_id
        for (user_id,) in db.session.query(Notification.user_id).filter(
            Notification.subject == f"招标项目“{tender.call.title}”发布澄清"
        )
    }
    assert subjects == {asker.id, other.member.id}
    page = client.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "报价应含税。" in page
