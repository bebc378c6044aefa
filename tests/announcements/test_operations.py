"""Publishing, the objection window, answers, finalising (the finaliser registry), withdrawal."""

from datetime import date

import pytest
from sqlalchemy import select

from venture.announcements import operations
from venture.announcements.enums import AnnouncementKind, AnnouncementState, ObjectionState
from venture.announcements.lifecycle import ANNOUNCEMENT_WORKFLOW, OBJECTION_WORKFLOW
from venture.announcements.models import Announcement, Objection
from venture.announcements.operations import (
    AnnouncementRefused,
    announcements_about,
    answer_objection,
    can_finalise,
    finalise_announcement,
    lodge_objection,
    publish_announcement,
    register_finaliser,
    withdraw_announcement,
)
from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db
from venture.notifications.models import Notification


@pytest.fixture
def finalisers(monkeypatch):
    """An empty finaliser registry for the test (the real one is restored after)."""
    registry = {}
    monkeypatch.setattr(operations, "FINALISERS", registry)
    return registry


def test_publish_counts_the_period_across_national_day(clock, make):
    clock.set("2025-09-26 16:30")
    staff = make.user(Role.STAFF)
    announcement = publish_announcement(
        kind=AnnouncementKind.REVIEW_RESULT,
        title="2025年度公益创投评审结果公示",
        body="拟立项项目如下。",
        actor=staff,
        period_days=5,
    )
    db.session.commit()
    assert (announcement.starts_on, announcement.ends_on) == (date(2025, 9, 26), date(2025, 10, 10))
    assert (announcement.state, announcement.published_by_id) == (
        AnnouncementState.PUBLISHED,
        staff.id,
    )
    assert announcement.period_warnings == []
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.after_data["ends_on"]) == ("announcement.publish", "2025-10-10")


def test_publish_period_crossing_make_up_saturday(clock, make):
    clock.set("2025-09-30 09:00")
    announcement = make.announcement(period_days=5)
    # 9, 10, Sat 11 (make-up working day), 13, 14 October
    assert announcement.ends_on == date(2025, 10, 14)


def test_designation_period_across_weekend_and_statutory_holiday(clock, make):
    clock.set("2025-04-02 10:00")
    announcement = make.announcement(kind=AnnouncementKind.DESIGNATION, period_days=5)
    # Thu 3 Apr, (Fri 4 Apr Tomb-Sweeping Day, weekend), 7, 8, 9, 10 Apr
    assert announcement.ends_on == date(2025, 4, 10)


def test_publish_late_evening_uses_the_shanghai_date(clock, make):
    moment = clock.set("2025-09-26 23:30")
    announcement = make.announcement(period_days=1)
    assert (moment.day, announcement.starts_on) == (26, date(2025, 9, 26))
    assert announcement.ends_on == date(2025, 9, 28)  # the make-up Sunday


def test_publish_reaching_2027_keeps_the_warning(clock, make):
    clock.set("2026-12-28 10:00")
    announcement = make.announcement(period_days=5)
    assert announcement.ends_on == date(2027, 1, 5)
    assert announcement.period_warnings == [
        "国务院办公厅尚未公布 2027 年节假日安排。2027 年的日期仅按周末和常规节日推算，"
        "截止日期可能变动。请在安排公布后再次核对，或请系统管理员录入 2027 年的放假和调休日期。"
    ]


def test_publish_sanitises_the_body(make):
    html = make.announcement(body='<p onclick="x()">名单</p><script>alert(1)</script>')
    text = make.announcement(body="第一段\n第二行\n\n第二段 1<2")
    assert html.body == "<p>名单</p>"
    assert text.body == "<p>第一段<br>第二行</p><p>第二段 1&lt;2</p>"


def test_publish_by_non_staff_is_refused(make):
    with pytest.raises(AnnouncementRefused) as refused:
        publish_announcement(
            kind="call_notice", title="公告", body="正文", actor=make.member(), period_days=5
        )
    assert refused.value.message == "只有项目主管可以发布公示。"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"period_days": 0}, "period_days", "公示期须为 1 至 60 个工作日的整数。"),
        ({"title": "  "}, "title", "请填写公示标题。"),
        ({"body": "<script>x</script>"}, "body", "请填写公示正文。"),
    ],
)
def test_publish_bad_input_is_refused(make, fields, field, message):
    values = {"kind": "call_notice", "title": "公告", "body": "正文", "period_days": 5}
    with pytest.raises(AnnouncementRefused) as refused:
        publish_announcement(actor=make.user(Role.STAFF), **{**values, **fields})
    assert (refused.value.field, refused.value.message) == (field, message)


def test_publish_records_the_subject(make):
    org = make.org()
    announcement = make.announcement(kind=AnnouncementKind.DESIGNATION, subject=org)
    make.announcement(kind=AnnouncementKind.DESIGNATION, subject=make.org())
    assert (announcement.subject_type, announcement.subject_id) == ("Organization", org.id)
    assert announcement.subject == org
    assert announcements_about(org) == [announcement]
    assert announcements_about(org, kind=AnnouncementKind.TENDER_RESULT) == []


def test_lodge_objection_during_period_notifies_the_publisher(clock, make):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    clock.set("2025-10-10 23:59")  # the last day of the period, late
    user = make.member()
    objection = lodge_objection(announcement, user=user, text="第三名的预算明显偏高。")
    db.session.commit()
    assert (objection.state, objection.user_id) == (ObjectionState.PENDING, user.id)
    notice = db.session.scalars(select(Notification)).one()
    assert (notice.user_id, notice.subject) == (
        announcement.published_by_id,
        f"“{announcement.title}”收到新的质疑",
    )
    assert notice.link == f"/staff/announcements/{announcement.id}"


def test_lodge_objection_after_the_end_is_refused(clock, make):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    clock.set("2025-10-11 00:01")
    with pytest.raises(AnnouncementRefused) as refused:
        lodge_objection(announcement, user=make.member(), text="迟到的质疑")
    assert refused.value.message == "质疑期已于 2025年10月10日 结束，不再受理质疑。"
    assert db.session.scalars(select(Objection)).all() == []


def test_lodge_objection_on_withdrawn_announcement_is_refused(make):
    announcement = make.announcement()
    withdraw_announcement(announcement, actor=make.user(Role.STAFF), reason="名单有误")
    with pytest.raises(AnnouncementRefused) as refused:
        lodge_objection(announcement, user=make.member(), text="质疑")
    assert refused.value.message == "该公示当前状态为“已撤回”，不再受理质疑。"


def test_lodge_empty_objection_is_refused(make):
    with pytest.raises(AnnouncementRefused) as refused:
        lodge_objection(make.announcement(), user=make.member(), text="   ")
    assert (refused.value.field, refused.value.message) == ("text", "请填写质疑内容及理由。")


def test_answer_objection_dismissed_tells_the_objector(make):
    announcement = make.announcement(title="定向购买公示")
    objector = make.member()
    objection = lodge_objection(announcement, user=objector, text="该机构不具备资质。")
    staff = make.user(Role.STAFF)
    answer_objection(objection, actor=staff, upheld=False, answer="经核查，该机构资质齐全。")
    db.session.commit()
    assert (objection.state, objection.answer, objection.answered_by_id) == (
        ObjectionState.DISMISSED,
        "经核查，该机构资质齐全。",
        staff.id,
    )
    notice = db.session.scalars(
        select(Notification).where(Notification.user_id == objector.id)
    ).one()
    assert (notice.subject, notice.body) == (
        "您对“定向购买公示”提出的质疑已答复",
        "经审查，您的质疑不成立。答复：经核查，该机构资质齐全。",
    )


def test_answer_objection_without_answer_is_refused(make):
    objection = lodge_objection(make.announcement(), user=make.member(), text="质疑")
    with pytest.raises(AnnouncementRefused) as refused:
        answer_objection(objection, actor=make.user(Role.STAFF), upheld=True, answer=" ")
    assert refused.value.message == "请填写答复；答复将随公示一并公开。"
    assert objection.state == ObjectionState.PENDING


def test_answer_objection_by_non_staff_is_refused(make):
    objection = lodge_objection(make.announcement(), user=make.member(), text="质疑")
    with pytest.raises(TransitionRefused) as refused:
        answer_objection(objection, actor=make.user(Role.REVIEWER), upheld=False, answer="不成立")
    assert refused.value.message == "您无权进行此操作。"


def test_finalise_before_the_end_is_refused(clock, make):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    clock.set("2025-10-10 18:00")
    assert can_finalise(announcement) == "公示期至 2025年10月10日 结束，次日起方可确认生效。"
    with pytest.raises(TransitionRefused) as refused:
        finalise_announcement(announcement, actor=make.user(Role.STAFF))
    assert refused.value.message == "公示期至 2025年10月10日 结束，次日起方可确认生效。"
    assert announcement.state == AnnouncementState.PUBLISHED


def test_finalise_with_a_pending_objection_is_refused(clock, make):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    lodge_objection(announcement, user=make.member(), text="质疑一")
    lodge_objection(announcement, user=make.member(), text="质疑二")
    clock.set("2025-10-11 09:00")
    assert can_finalise(announcement) == "尚有 2 条质疑未答复。"


def test_finalise_with_an_upheld_objection_is_refused(clock, make):
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    staff = make.user(Role.STAFF)
    first = lodge_objection(announcement, user=make.member(), text="质疑一")
    second = lodge_objection(announcement, user=make.member(), text="质疑二")
    answer_objection(first, actor=staff, upheld=False, answer="不成立")
    answer_objection(second, actor=staff, upheld=True, answer="成立，评分有误")
    clock.set("2025-10-13 09:00")
    with pytest.raises(TransitionRefused) as refused:
        finalise_announcement(announcement, actor=staff)
    assert refused.value.message == (
        "有质疑经审查成立，该结果不能生效。请撤回本公示，并发布更正后的公示。"
    )


def test_finalise_after_the_period_runs_the_registered_finaliser(clock, make, finalisers):
    calls = []
    register_finaliser(AnnouncementKind.REVIEW_RESULT, lambda a, actor: calls.append((a, actor)))
    clock.set("2025-09-26 10:00")
    announcement = make.announcement(kind=AnnouncementKind.REVIEW_RESULT)
    objection = lodge_objection(announcement, user=make.member(), text="质疑")
    staff = make.user(Role.STAFF)
    answer_objection(objection, actor=staff, upheld=False, answer="不成立")
    clock.set("2025-10-11 09:00")
    assert can_finalise(announcement) is None
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    assert calls == [(announcement, staff)]
    assert (announcement.state, announcement.finalised_by_id) == (
        AnnouncementState.FINALISED,
        staff.id,
    )


def test_finalise_kind_without_finaliser_only_changes_state(clock, make, finalisers):
    calls = []
    register_finaliser(AnnouncementKind.TENDER_RESULT, lambda a, actor: calls.append(a))
    clock.set("2025-09-26 10:00")
    announcement = make.announcement(kind=AnnouncementKind.CALL_NOTICE)
    clock.set("2025-10-11 09:00")
    finalise_announcement(announcement, actor=make.user(Role.STAFF))
    assert (announcement.state, calls) == (AnnouncementState.FINALISED, [])


def test_finaliser_refusal_leaves_the_announcement_published(clock, make, finalisers):
    def refuse(announcement, actor):
        raise TransitionRefused("预算不足，不能确认授予。")

    register_finaliser(AnnouncementKind.REVIEW_RESULT, refuse)
    clock.set("2025-09-26 10:00")
    announcement = make.announcement(kind=AnnouncementKind.REVIEW_RESULT)
    clock.set("2025-10-11 09:00")
    with pytest.raises(TransitionRefused) as refused:
        finalise_announcement(announcement, actor=make.user(Role.STAFF))
    db.session.rollback()
    assert refused.value.message == "预算不足，不能确认授予。"
    assert db.session.get(Announcement, announcement.id).state == AnnouncementState.PUBLISHED


def test_register_finaliser_twice_for_a_kind_is_refused(finalisers):
    def first(announcement, actor):
        return None

    register_finaliser("designation", first)
    register_finaliser("designation", first)  # the same function again: harmless
    with pytest.raises(ValueError):
        register_finaliser("designation", lambda a, actor: None)
    assert finalisers == {AnnouncementKind.DESIGNATION: first}


def test_withdraw_needs_a_reason_and_keeps_it(make):
    announcement = make.announcement()
    staff = make.user(Role.STAFF)
    with pytest.raises(TransitionRefused) as refused:
        withdraw_announcement(announcement, actor=staff, reason=" ")
    assert refused.value.message == "请填写理由。"
    withdraw_announcement(announcement, actor=staff, reason="名单有误，更正后重新公示")
    db.session.commit()
    assert (announcement.state, announcement.withdrawal_reason, announcement.withdrawn_by_id) == (
        AnnouncementState.WITHDRAWN,
        "名单有误，更正后重新公示",
        staff.id,
    )


@pytest.mark.parametrize("start", list(AnnouncementState))
@pytest.mark.parametrize("action", ["finalise", "withdraw"])
def test_announcement_workflow_table(clock, make, start, action):
    """Every allowed transition works from its source state; every other pair is refused."""
    clock.set("2025-09-26 10:00")
    announcement = make.announcement()
    announcement.state = start
    clock.set("2025-10-11 09:00")
    staff = make.user(Role.STAFF)
    message = ANNOUNCEMENT_WORKFLOW.refusal(announcement, action, staff, reason="理由")
    allowed = start in ANNOUNCEMENT_WORKFLOW.get(action).sources
    assert (message is None) == allowed


@pytest.mark.parametrize("start", list(ObjectionState))
@pytest.mark.parametrize("action", ["uphold", "dismiss"])
def test_objection_workflow_table(make, start, action):
    objection = lodge_objection(make.announcement(), user=make.member(), text="质疑")
    staff = make.user(Role.STAFF)
    if start != ObjectionState.PENDING:
        answer_objection(
            objection, actor=staff, upheld=start == ObjectionState.UPHELD, answer="答复"
        )
    message = OBJECTION_WORKFLOW.refusal(objection, action, staff)
    assert (message is None) == (start == ObjectionState.PENDING)
