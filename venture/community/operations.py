"""Community operations: publish and edit needs, close, reopen and merge them, attach them to
calls; confirm or dispute reported activities; record residents' satisfaction answers."""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from venture.applications.enums import ApplicationState
from venture.applications.lifecycle import APPLICATION_WORKFLOW
from venture.calls.enums import CallStage
from venture.calls.hooks import COMMUNITY_NEEDS
from venture.calls.lifecycle import CALL_WORKFLOW
from venture.calls.models import Call
from venture.community.enums import NeedStatus, SurveyQuestion, Verdict
from venture.community.lifecycle import NEED_WORKFLOW
from venture.community.models import (
    MAX_PHOTOS,
    ActivityCheck,
    Need,
    NeedPhoto,
    SurveyAnswer,
    SurveyResponse,
    call_need,
)
from venture.community.permissions import (
    can_check_activity,
    can_edit_need,
    can_merge_needs,
    is_community_user,
    is_staff,
)
from venture.core import audit
from venture.core.actions import Refused
from venture.core.files import IMAGE_TYPES, UploadRefused, store_upload
from venture.core.lifecycle import transition
from venture.core.timeutil import now
from venture.delivery.enums import DELIVERING_STATES
from venture.extensions import db
from venture.payments.lifecycle import SYSTEM
from venture.reference.models import Community, ServiceCategory

NEED_FIELDS = (
    "category_id",
    "title",
    "target_group",
    "residents",
    "place",
    "urgency",
    "description",
)
COMMENT_MAX = 2000
# survey flood limits, overridable in the configuration; kept in the database so that every
# worker process counts the same answers
SURVEY_ANSWERS_PER_IP_HOUR = 30  # per project and address: a community hall shares one address
SURVEY_ANSWERS_PER_MINUTE = 60  # across all projects


class CommunityError(Refused):
    """A refused change; field names the form field to show it on."""


# ── needs ──────────────────────────────────────────────────────────────────────────────────


def _check_category(values):
    category = db.session.get(ServiceCategory, values["category_id"])
    if category is None or not category.active:
        raise CommunityError(_("Choose a service category."), "category_id")


def publish_need(values, *, actor, photos=()):
    """A new open need of the actor's community."""
    if not is_community_user(actor):
        raise CommunityError(_("Only a residents' committee can publish its community's needs."))
    _check_category(values)
    need = Need(community_id=actor.community_id, created_by_id=actor.id, status=NeedStatus.OPEN)
    for name in NEED_FIELDS:
        setattr(need, name, values[name])
    audit.record_added(
        "need.publish",
        need,
        actor=actor,
        after={"community_id": need.community_id, **audit.snapshot(need, NEED_FIELDS)},
    )
    _attach_photos(need, photos, actor)
    return need


def update_need(need, values, *, actor, photos=()):
    """Change an open need of the actor's community."""
    if not can_edit_need(actor, need):
        raise CommunityError(
            _("The need is %(status)s: it can no longer be edited.", status=need.status.label)
        )
    _check_category(values)
    before = audit.snapshot(need, NEED_FIELDS)
    for name in NEED_FIELDS:
        setattr(need, name, values[name])
    audit.record_changes("need.update", need, actor=actor, before=before, fields=NEED_FIELDS)
    _attach_photos(need, photos, actor)


def _attach_photos(need, photos, actor):
    photos = [p for p in photos or () if p and p.filename]
    if not photos:
        return
    if len(need.photos) + len(photos) > MAX_PHOTOS:
        raise CommunityError(_("A need has at most %(n)d photos.", n=MAX_PHOTOS), "photos")
    for storage in photos:
        try:
            stored = store_upload(storage, allowed=IMAGE_TYPES, actor=actor)
        except UploadRefused as refused:
            raise CommunityError(str(refused), "photos") from refused
        need.photos.append(NeedPhoto(file=stored))
        audit.record("need.photo_add", need, actor=actor, after={"file": stored.original_name})


def remove_photo(need, photo, *, actor):
    if not can_edit_need(actor, need):
        raise CommunityError(
            _("The need is %(status)s: it can no longer be edited.", status=need.status.label)
        )
    need.photos.remove(photo)
    audit.record("need.photo_remove", need, actor=actor, before={"file": photo.file.original_name})


def decide_need(need, action, *, actor, reason=None):
    """close / reopen through the need's table."""
    if action not in ("close", "reopen"):
        raise CommunityError(_("This action does not exist."))
    reason = (reason or "").strip()[:COMMENT_MAX] or None
    transition(NEED_WORKFLOW, need, action, actor=actor, reason=reason)
    need.status_reason = reason if action == "close" else None


def merge_candidates(need):
    """Needs a duplicate may be merged into: live or answered needs of the same street."""
    return db.session.scalars(
        select(Need)
        .join(Community, Need.community_id == Community.id)
        .where(
            Community.street_id == need.community.street_id,
            Need.id != need.id,
            Need.status.in_((NeedStatus.OPEN, NeedStatus.ADDRESSED, NeedStatus.ANSWERED)),
        )
        .order_by(Need.community_id, Need.id)
    ).all()


def merge_need(need, into, *, actor, reason):
    """Mark need a duplicate of into: it is closed as merged and points to the surviving need."""
    if not can_merge_needs(actor):
        raise CommunityError(_("You are not allowed to do this."))
    if into is None or into.id == need.id:
        raise CommunityError(_("Choose the need this one duplicates."), "into")
    if into.status in (NeedStatus.MERGED, NeedStatus.CLOSED):
        raise CommunityError(
            _("A need that is %(status)s cannot take in another.", status=into.status.label),
            "into",
        )
    need.merged_into = into
    transition(NEED_WORKFLOW, need, "merge", actor=actor, reason=reason)
    need.status_reason = reason.strip()[:COMMENT_MAX]
    audit.record("need.merge", need, actor=actor, after={"merged_into": into.id}, reason=reason)


# ── needs and calls ────────────────────────────────────────────────────────────────────────


def need_choices_for_call(call=None):
    """The needs a call may answer: every open need, and those the call already has."""
    condition = Need.status == NeedStatus.OPEN
    if call is not None and call.id is not None:
        condition = condition | Need.id.in_(
            select(call_need.c.need_id).where(call_need.c.call_id == call.id)
        )
    return db.session.scalars(
        select(Need)
        .join(Community, Need.community_id == Community.id)
        .where(condition)
        .order_by(Community.street_id, Community.name, Need.id)
    ).all()


def call_defaults_from_needs(need_ids):
    """A new call's needs, categories and communities from needs chosen on the board."""
    wanted = {i for i in need_ids if isinstance(i, int)}
    needs = [n for n in need_choices_for_call() if n.id in wanted]
    return {
        "need_ids": [n.id for n in needs],
        "category_ids": sorted({n.category_id for n in needs}),
        "community_ids": sorted({n.community_id for n in needs}),
    }


def _in_another_live_call(need, call):
    other = db.session.scalar(
        select(func.count())
        .select_from(call_need)
        .join(Call, Call.id == call_need.c.call_id)
        .where(
            call_need.c.need_id == need.id,
            Call.id != call.id,
            Call.cancelled_at.is_(None),
        )
    )
    return other > 0


def set_call_needs(call, need_ids, *, actor):
    """The needs call answers: added open needs become addressed, dropped ones open again.

    The caller decides whether the call may change (calls/operations.py edits drafts only);
    ids that are not open needs or already the call's are ignored (the form offers no others).
    """
    choices = {n.id: n for n in need_choices_for_call(call)}
    wanted = [choices[i] for i in sorted(set(need_ids or ())) if i in choices]
    before = sorted(n.id for n in call.needs)
    added = [n for n in wanted if n not in call.needs]
    dropped = [n for n in call.needs if n not in wanted]
    call.needs = wanted
    for need in added:
        if need.status == NeedStatus.OPEN:
            transition(NEED_WORKFLOW, need, "address", actor=_acting(actor))
    for need in dropped:
        if need.status == NeedStatus.ADDRESSED and not _in_another_live_call(need, call):
            transition(NEED_WORKFLOW, need, "release", actor=_acting(actor))
    after = sorted(n.id for n in wanted)
    if before != after:
        audit.record(
            "call.needs",
            call,
            actor=actor,
            before={"needs": ",".join(map(str, before))},
            after={"needs": ",".join(map(str, after))},
        )


# calls asks these through its hook (calls/hooks.py)
COMMUNITY_NEEDS.register(need_choices_for_call, call_defaults_from_needs, set_call_needs)


def _acting(actor):
    """Staff act as themselves; any other actor of a call or an award as the platform."""
    return actor if actor is not None and is_staff(actor) else SYSTEM


def _release_needs_of_cancelled_call(call, t, actor, _reason):
    """Hook: a cancelled call's needs are open again, unless another call answers them."""
    if t.target != CallStage.CANCELLED:
        return
    for need in call.needs:
        if need.status == NeedStatus.ADDRESSED and not _in_another_live_call(need, call):
            transition(NEED_WORKFLOW, need, "release", actor=_acting(actor))


def _answer_needs_of_awarded_application(application, t, actor, _reason):
    """Hook: the needs an awarded application answers are answered by its project."""
    if t.target != ApplicationState.AWARDED:
        return
    for need in application.needs:
        if need.status in (NeedStatus.OPEN, NeedStatus.ADDRESSED):
            transition(NEED_WORKFLOW, need, "answer", actor=_acting(actor))


def _register_hooks():
    for workflow, hook in (
        (CALL_WORKFLOW, _release_needs_of_cancelled_call),
        (APPLICATION_WORKFLOW, _answer_needs_of_awarded_application),
    ):
        if hook not in workflow.after_hooks:
            workflow.after_hooks.append(hook)


_register_hooks()


# ── supervision ────────────────────────────────────────────────────────────────────────────


def check_activity(activity, verdict, *, actor, comment=""):
    """The residents' committee confirms or disputes an activity; a dispute says why."""
    if not can_check_activity(actor, activity):
        raise CommunityError(_("You cannot confirm or dispute this activity now."))
    verdict = Verdict(verdict)
    comment = (comment or "").strip()[:COMMENT_MAX]
    if verdict == Verdict.DISPUTED and not comment:
        raise CommunityError(_("Say what is wrong with the reported activity."), "comment")
    check, before = audit.found_or_added(
        db.session.scalar(select(ActivityCheck).where(ActivityCheck.activity_id == activity.id)),
        lambda: ActivityCheck(activity=activity),
        ("verdict", "comment", "user_id"),
    )
    check.verdict, check.comment, check.user_id, check.at = verdict, comment, actor.id, now()
    audit.record(
        "activity.check",
        check,
        actor=actor,
        before=before,
        after={"activity_id": activity.id, "verdict": verdict, "comment": comment},
    )
    return check


# ── residents' satisfaction ─────────────────────────────────────────────────────────────────


class SurveyRefused(Exception):
    """An answer that is not taken; kind is "closed", "answered" or "flood"."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def survey_is_open(project):
    """Residents answer while the service is being delivered."""
    return project.state in DELIVERING_STATES


def _keyed_hash(purpose, value):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def device_hash(token):
    return _keyed_hash("survey-device", token)


def ip_hash(address):
    return _keyed_hash("survey-ip", address or "")


def has_answered(project, token):
    if not token:
        return False
    found = db.session.scalar(
        select(SurveyResponse.id).where(
            SurveyResponse.project_id == project.id,
            SurveyResponse.device_hash == device_hash(token),
        )
    )
    return found is not None


def _limit(name, default):
    return int(current_app.config.get(name, default))


def flood_refusal(project, address, at=None):
    """True when the address or the whole platform sent too many answers just now."""
    at = at or now()
    per_ip = db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(
            SurveyResponse.project_id == project.id,
            SurveyResponse.ip_hash == ip_hash(address),
            SurveyResponse.created_at > at - timedelta(hours=1),
        )
    )
    if per_ip >= _limit("SURVEY_ANSWERS_PER_IP_HOUR", SURVEY_ANSWERS_PER_IP_HOUR):
        return True
    everyone = db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.created_at > at - timedelta(minutes=1))
    )
    return everyone >= _limit("SURVEY_ANSWERS_PER_MINUTE", SURVEY_ANSWERS_PER_MINUTE)


def record_survey_answer(project, scores, *, device_token, address, comment=""):
    """Keep one anonymous answer: {SurveyQuestion: 1..5}, an optional comment.

    Refused (SurveyRefused) when the survey is closed, this device already answered for the
    project, or too many answers came from the address or from everyone just now. The unique
    (project, device) constraint is the backstop for two answers sent at the same moment.
    """
    if not survey_is_open(project):
        raise SurveyRefused("closed")
    if has_answered(project, device_token):
        raise SurveyRefused("answered")
    if flood_refusal(project, address):
        raise SurveyRefused("flood")
    response = SurveyResponse(
        project_id=project.id,
        device_hash=device_hash(device_token),
        ip_hash=ip_hash(address),
        comment=(comment or "").strip()[:COMMENT_MAX],
        created_at=now(),
    )
    response.answers = [
        SurveyAnswer(question=SurveyQuestion(q), score=int(score)) for q, score in scores.items()
    ]
    db.session.add(response)
    return response
