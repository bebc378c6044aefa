"""The inbox and e-mail: notify() writes a row per person and sends mail once committed."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tests.querycount import counted_get
from venture.auth.enums import Role
from venture.extensions import db
from venture.notifications.models import Notification
from venture.notifications.operations import mark_all_read, notify, unread_count


def test_notify_writes_inbox_rows_and_mails_after_commit(make, mailbox):
    one, two = make.user(email="one@example.com"), make.user(email="two@example.com")
    notify([one, two, one], "申报书已提交", "请及时审查。", link="/applications/1")
    assert mailbox.messages == []  # nothing leaves before the change is committed
    db.session.commit()
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(r.user_id, r.subject, r.body, r.read_at) for r in rows] == [
        (one.id, "申报书已提交", "请及时审查。", None),
        (two.id, "申报书已提交", "请及时审查。", None),
    ]
    mail = mailbox.to("one@example.com")
    assert [m["Subject"] for m in mail] == ["申报书已提交"]
    assert mail[0].get_content() == "请及时审查。\n\nhttp://localhost/applications/1\n"


def test_rolled_back_change_sends_no_mail(make, mailbox):
    notify([make.user()], "不会发送", "回滚")
    db.session.rollback()
    db.session.commit()
    assert mailbox.messages == []
    assert db.session.scalars(select(Notification)).all() == []


def test_inactive_people_are_not_notified(make, mailbox):
    gone = make.user()
    gone.active = False
    notify([gone], "主题", "正文")
    db.session.commit()
    assert (mailbox.messages, db.session.scalars(select(Notification)).all()) == ([], [])


def test_each_person_gets_the_text_in_their_language(make):
    english = make.user()
    english.locale = "en"
    chinese = make.user()
    notify([english, chinese], _l("Inbox"), _l("No notifications yet."))
    db.session.commit()
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(r.subject, r.body) for r in rows] == [
        ("Inbox", "No notifications yet."),
        ("消息", "还没有消息。"),
    ]


def test_inbox_lists_and_the_nav_counts_unread(client, login, make):
    person = login(make.user(Role.STAFF))
    notify([person], "第一条", "正文一", link="/calls")
    notify([person], "第二条", "正文二\n第二行")
    db.session.commit()
    page = client.get("/inbox").get_data(as_text=True)
    assert page.index("第二条") < page.index("第一条")
    assert "正文二<br>第二行" in page
    assert '<span class="badge rounded-pill text-bg-warning" id="unread-count">2' in page


def test_the_badge_is_read_with_the_account_and_costs_no_statement(client, login, make):
    person = login(make.user(Role.STAFF))
    notify([person], "第一条", "正文一")
    notify([person], "第二条", "正文二")
    statements, response = counted_get(client, "/profile")
    page = response.get_data(as_text=True)
    assert '<span class="badge rounded-pill text-bg-warning" id="unread-count">2' in page
    counts = [s for s in statements if s.startswith("SELECT count(*)") and "notification" in s]
    assert counts == []


def test_a_notification_written_in_the_request_is_counted_again(make):
    person = make.user()
    db.session.commit()
    person.signed_in_figures = {"unread_notifications": 0}  # as read at the request's start
    assert unread_count(person) == 0
    notify([person], "主题", "正文")
    assert unread_count(person) == 1
    mark_all_read(person)
    assert unread_count(person) == 0


def test_opening_marks_read_and_follows_the_link(client, login, make):
    person = login(make.user())
    (note,) = notify([person], "请补正", "正文", link="/calls")
    db.session.commit()
    response = client.post(f"/inbox/{note.id}/open")
    assert (response.status_code, response.headers["Location"]) == (302, "/calls")
    db.session.refresh(note)
    assert note.read_at is not None
    assert 'id="unread-count"' not in client.get("/inbox").get_data(as_text=True)


def test_a_link_to_another_site_is_not_followed(client, login, make):
    person = login(make.user())
    (note,) = notify([person], "主题", "正文", link="//evil.example.com/")
    db.session.commit()
    assert client.post(f"/inbox/{note.id}/open").headers["Location"] == "/inbox"


def test_nobody_opens_another_persons_notification(client, login, make):
    (note,) = notify([make.user()], "主题", "正文")
    db.session.commit()
    login(make.user())
    assert client.post(f"/inbox/{note.id}/open").status_code == 404
    db.session.refresh(note)
    assert note.read_at is None
    assert "主题" not in client.get("/inbox").get_data(as_text=True)


def test_mark_all_read_touches_only_ones_own(client, login, make):
    person = login(make.user())
    other = make.user()
    notify([person, other], "主题", "正文")
    notify([person], "主题二", "正文")
    db.session.commit()
    client.post("/inbox/read-all")
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(r.user_id, r.read_at is not None) for r in rows] == [
        (person.id, True),
        (other.id, False),
        (person.id, True),
    ]


def test_every_member_of_the_organization_is_told_of_screening(client, login, make, mailbox):
    application = make.application(state="submitted")
    colleague = make.member(application.organization, email="colleague@example.com")
    login(make.user(Role.STAFF))
    client.post(
        f"/staff/applications/{application.id}/screen",
        data={"action": "mark_ineligible", "reason": "不符合条件"},
    )
    told = db.session.scalars(select(Notification.user_id).order_by(Notification.user_id)).all()
    assert told == sorted([application.created_by_id, colleague.id])
    (mail,) = mailbox.to("colleague@example.com")
    assert mail.get_content().startswith(f"《{application.title}》未通过资格审查。原因：不符合条件")
