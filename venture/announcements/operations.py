"""Announcement operations: publish, lodge and answer objections, finalise, withdraw.

Other modules publish their results through `publish_announcement` and register, per kind, the
function that does their domain work once the announcement becomes final
(`register_finaliser`). Every function here checks, changes and audits; the caller commits.
"""

import re
from collections.abc import Callable

import nh3
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import select

from venture.announcements.enums import AnnouncementKind, AnnouncementState
from venture.announcements.lifecycle import (
    ANNOUNCEMENT_WORKFLOW,
    OBJECTION_WORKFLOW,
    finalise_refusal,
)
from venture.announcements.models import Announcement, Objection
from venture.announcements.permissions import can_manage_announcements, can_object
from venture.core import audit, timeutil
from venture.core.files import StoredFile, UploadRefused, store_upload
from venture.core.formatting import local_date
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.workdays import PeriodEnd, period_end
from venture.extensions import db
from venture.notifications.operations import notify, staff_users

TITLE_MAX = 200
TEXT_MAX = 5000
PERIOD_MAX = 60  # working days; longer periods are almost certainly a typing slip

# kind -> fn(announcement, actor): the domain work once an announcement is final
FINALISERS: dict[AnnouncementKind, Callable] = {}


class AnnouncementRefused(TransitionRefused):
    """A refused announcement operation; field names the form field to show it on."""


def register_finaliser(kind, fn):
    """Register fn(announcement, actor), run in the same transaction when an announcement of
    kind becomes final (e.g. make awards final); one per kind. If it raises, nothing is saved."""
    kind = AnnouncementKind(kind)
    if FINALISERS.get(kind) not in (None, fn):
        raise ValueError(f"a finaliser for {kind.value} is already registered")
    FINALISERS[kind] = fn
    return fn


def sanitise_body(text):
    """Safe HTML for the body: typed HTML is cleaned; plain text becomes paragraphs."""
    text = (text or "").strip()
    if not re.search(r"<[a-zA-Z/]", text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(escape(line) for line in p.splitlines()) + "</p>"
            for p in paragraphs
        )
    return nh3.clean(text)


def preview_period(period_days, start=None) -> PeriodEnd:
    """The end date and warnings of a period that would start today (for the publish form)."""
    return period_end(start or timeutil.local_today(), period_days)


def _subject_fields(subject):
    if subject is None:
        return None, None
    if subject.id is None:
        db.session.flush()
    return type(subject).__name__, subject.id


def _attach(announcement, attachments, actor):
    for item in attachments:
        if isinstance(item, StoredFile):
            announcement.attachments.append(item)
            continue
        try:
            announcement.attachments.append(store_upload(item, actor=actor))
        except UploadRefused as error:
            raise AnnouncementRefused(str(error), "attachments") from error


def publish_announcement(
    *, kind, title, body, actor, period_days, call=None, subject=None, attachments=()
) -> Announcement:
    """Publish now for period_days working days; ends_on comes from the Chinese calendar.

    `announcement.period_warnings` lists what is uncertain about the end date (a year whose
    holiday arrangement is not published): show it to the staff member who publishes.
    """
    if not can_manage_announcements(actor):
        raise AnnouncementRefused(_("Only programme staff can publish announcements."))
    title = (title or "").strip()
    if not title:
        raise AnnouncementRefused(_("Please give the announcement a title."), "title")
    if len(title) > TITLE_MAX:
        raise AnnouncementRefused(
            _("The title is longer than %(max)d characters.", max=TITLE_MAX), "title"
        )
    if not isinstance(period_days, int) or not 1 <= period_days <= PERIOD_MAX:
        raise AnnouncementRefused(
            _("The period is a whole number of working days from 1 to %(max)d.", max=PERIOD_MAX),
            "period_days",
        )
    clean_body = sanitise_body(body)
    if not clean_body:
        raise AnnouncementRefused(_("Please write the text of the announcement."), "body")
    published_at = timeutil.now()
    starts_on = timeutil.to_local(published_at).date()
    period = period_end(starts_on, period_days)
    subject_type, subject_id = _subject_fields(subject)
    announcement = Announcement(
        kind=AnnouncementKind(kind),
        title=title,
        body=clean_body,
        call_id=call.id if call is not None else None,
        subject_type=subject_type,
        subject_id=subject_id,
        published_at=published_at,
        period_days=period_days,
        starts_on=starts_on,
        ends_on=period.end,
        state=AnnouncementState.PUBLISHED,
        published_by_id=actor.id,
    )
    db.session.add(announcement)
    _attach(announcement, attachments, actor)
    audit.record(
        "announcement.publish",
        announcement,
        actor=actor,
        after={
            **audit.snapshot(
                announcement,
                ("kind", "title", "period_days", "starts_on", "ends_on", "call_id"),
            ),
            "subject": f"{subject_type}:{subject_id}" if subject_type else None,
        },
        reason="; ".join(period.warnings) or None,
    )
    return announcement


def publish_about(action, subject, *, actor, after=None, noted=(), **announcement):
    """Publish the 公示 about subject (a tender, a review panel) in subject's call (the other
    keywords are publish_announcement's), and record ``action`` on subject: the announcement's
    id, the announcement's fields named in ``noted``, and ``after``. Returns the announcement."""
    published = publish_announcement(
        **announcement, actor=actor, call=subject.call, subject=subject
    )
    recorded = {"announcement_id": published.id, **audit.snapshot(published, noted)}
    audit.record(action, subject, actor=actor, after={**recorded, **(after or {})})
    return published


def lodge_objection(announcement, *, user, text) -> Objection:
    """质疑: any signed-in person, while the period is open (through ends_on)."""
    if not can_object(user):
        raise AnnouncementRefused(_("Please sign in to lodge an objection."))
    if announcement.state != AnnouncementState.PUBLISHED:
        raise AnnouncementRefused(
            _(
                "This announcement is %(state)s; objections can no longer be lodged.",
                state=announcement.state.label,
            )
        )
    if not announcement.objections_open:
        raise AnnouncementRefused(
            _(
                "The objection period ended on %(end)s; objections can no longer be lodged.",
                end=local_date(announcement.ends_on),
            )
        )
    text = (text or "").strip()
    if not text:
        raise AnnouncementRefused(_("Please write your objection and the reasons for it."), "text")
    if len(text) > TEXT_MAX:
        raise AnnouncementRefused(
            _("Please keep the objection under %(max)d characters.", max=TEXT_MAX), "text"
        )
    objection = Objection(
        announcement=announcement, user_id=user.id, text=text, submitted_at=timeutil.now()
    )
    db.session.add(objection)
    audit.record(
        "objection.lodge",
        objection,
        actor=user,
        after={"announcement_id": announcement.id, "text": text},
    )
    publisher = announcement.published_by
    _notify(
        [publisher] if publisher.active else staff_users(),
        _l("New objection to “%(title)s”", title=announcement.title),
        _l(
            "An objection was lodged against the announcement “%(title)s”. Please answer it; "
            "the announcement cannot become final before every objection is answered.",
            title=announcement.title,
        ),
        "announcements.manage",
        announcement_id=announcement.id,
    )
    return objection


def answer_objection(objection, *, actor, upheld: bool, answer) -> Objection:
    """Staff answer an objection: upheld (the result cannot stand) or dismissed."""
    answer = (answer or "").strip()
    if not answer:
        raise AnnouncementRefused(
            _("Please write the answer; it is published with the announcement."), "answer"
        )
    if len(answer) > TEXT_MAX:
        raise AnnouncementRefused(
            _("Please keep the answer under %(max)d characters.", max=TEXT_MAX), "answer"
        )
    # the state and the answer reach the database together (a CHECK ties them)
    with db.session.no_autoflush:
        transition(
            OBJECTION_WORKFLOW,
            objection,
            "uphold" if upheld else "dismiss",
            actor=actor,
            reason=answer,
        )
        objection.answer = answer
        objection.answered_by_id = actor.id
        objection.answered_at = timeutil.now()
    announcement = objection.announcement
    _notify(
        [objection.user],
        _l("Your objection to “%(title)s” was answered", title=announcement.title),
        _l("Your objection was upheld. Answer: %(answer)s", answer=answer)
        if upheld
        else _l("Your objection was not upheld. Answer: %(answer)s", answer=answer),
        "announcements.show",
        announcement_id=announcement.id,
    )
    return objection


def can_finalise(announcement) -> str | None:
    """Why the announcement cannot become final now (period, pending or upheld objections)."""
    message = finalise_refusal(announcement)
    return str(message) if message else None


def finalise_announcement(announcement, *, actor) -> Announcement:
    """Make the announced result final, then run the finaliser registered for its kind."""
    transition(ANNOUNCEMENT_WORKFLOW, announcement, "finalise", actor=actor)
    announcement.finalised_at = timeutil.now()
    announcement.finalised_by_id = actor.id
    finaliser = FINALISERS.get(announcement.kind)
    if finaliser is not None:
        finaliser(announcement, actor)
    return announcement


def withdraw_announcement(announcement, *, actor, reason) -> Announcement:
    """Take the announcement back (e.g. after an upheld objection); the reason is public."""
    reason = (reason or "").strip()
    transition(ANNOUNCEMENT_WORKFLOW, announcement, "withdraw", actor=actor, reason=reason)
    announcement.withdrawn_at = timeutil.now()
    announcement.withdrawn_by_id = actor.id
    announcement.withdrawal_reason = reason
    return announcement


def announcements_about(subject, kind=None) -> list[Announcement]:
    """The announcements of a record (newest first), e.g. to show a result's 公示 status."""
    query = (
        select(Announcement)
        .where(
            Announcement.subject_type == type(subject).__name__,
            Announcement.subject_id == subject.id,
        )
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
    )
    if kind is not None:
        query = query.where(Announcement.kind == AnnouncementKind(kind))
    return list(db.session.scalars(query))


def _notify(users, subject, body, endpoint, **values):
    """Inbox and e-mail through venture.notifications (lazy texts: the recipient's language)."""
    notify(users, subject, body, url_for(endpoint, **values))
