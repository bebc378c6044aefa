"""Call operations: create, edit (drafts only), publish with its notice PDF, cancel."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from venture.auth.models import User
from venture.calls.enums import CallStage
from venture.calls.hooks import APPLICATIONS, COMMUNITY_NEEDS
from venture.calls.lifecycle import CALL_WORKFLOW
from venture.calls.models import Call
from venture.calls.richtext import sanitise_description
from venture.core import audit
from venture.core.actions import Refused
from venture.core.files import store_bytes
from venture.core.lifecycle import transition
from venture.core.pdf import render_pdf
from venture.extensions import db
from venture.notifications.operations import notify
from venture.reference.models import Community, ServiceCategory

CALL_FIELDS = (
    "title",
    "year",
    "route",
    "description",
    "eligibility",
    "required_attachments",
    "total_budget",
    "cap_per_project",
    "max_applications_per_org",
    "project_start",
    "project_end",
    "opens_at",
    "closes_at",
    "installment_plan",
)


class CallError(Refused):
    """Refused call values: {form field: message}."""

    def __init__(self, errors):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors


def calls_having(column):
    """The calls that rows of column's table belong to (e.g. ``Contract.call_id``), newest
    first: the choices of a list page's call filter."""
    return db.session.scalars(
        select(Call).where(Call.id.in_(select(column))).order_by(Call.id.desc())
    ).all()


def check_call_values(values):
    """Rules across values, one message per field that breaks one."""
    errors = {}
    if values["cap_per_project"] > values["total_budget"]:
        errors["cap_per_project"] = _l("The cap per project cannot be more than the total budget.")
    if values["closes_at"] <= values["opens_at"]:
        errors["closes_at"] = _l("The call must close after it opens.")
    if values["project_end"] <= values["project_start"]:
        errors["project_end"] = _l("The project term must end after it starts.")
    if sum(int(row["percent"]) for row in values["installment_plan"]) != 100:
        errors["installments"] = _l("The installment percentages must add up to 100.")
    if errors:
        raise CallError(errors)


def _apply(call, values):
    for name in CALL_FIELDS:
        if name in values:
            setattr(call, name, values[name])
    call.description = sanitise_description(values["description"])
    ids = set(values.get("category_ids") or ())
    call.categories = list(
        db.session.scalars(
            select(ServiceCategory).where(ServiceCategory.id.in_(ids)).order_by(ServiceCategory.id)
        )
    )
    ids = set(values.get("community_ids") or ())
    call.communities = list(
        db.session.scalars(select(Community).where(Community.id.in_(ids)).order_by(Community.id))
    )


def create_call(values, *, actor):
    check_call_values(values)
    call = Call(created_by_id=actor.id)
    _apply(call, values)
    db.session.add(call)
    audit.record("call.create", call, actor=actor, after=audit.snapshot(call, CALL_FIELDS))
    if "need_ids" in values:  # community needs the call answers (venture/community)
        COMMUNITY_NEEDS.set_call_needs(call, values["need_ids"], actor=actor)
    return call


def update_call(call, values, *, actor):
    """Change a draft call; a published call's terms are fixed."""
    if call.stage != CallStage.DRAFT:
        raise CallError({"title": _("A published call cannot be edited.")})
    check_call_values(values)
    before = audit.snapshot(call, CALL_FIELDS)
    before_refs = _references(call)
    values = {k: v for k, v in values.items() if k != "route"}
    _apply(call, values)
    audit.record_changes("call.update", call, actor=actor, before=before, fields=CALL_FIELDS)
    if "need_ids" in values:  # community needs the call answers (venture/community)
        COMMUNITY_NEEDS.set_call_needs(call, values["need_ids"], actor=actor)
    if before_refs != _references(call):
        audit.record(
            "call.update_coverage", call, actor=actor, before=before_refs, after=_references(call)
        )


def _references(call):
    return {
        "categories": ",".join(sorted(str(c.id) for c in call.categories)),
        "communities": ",".join(sorted(str(c.id) for c in call.communities)),
    }


def render_notice(call):
    """The notice PDF (征集公告) of a call; official documents are in Chinese."""
    with force_locale("zh_CN"):
        return render_pdf("pdf/call_notice.html", call=call)


def publish_call(call, *, actor):
    """Publish through the table and keep the notice PDF as published."""
    transition(CALL_WORKFLOW, call, "publish", actor=actor)
    call.notice = store_bytes(
        render_notice(call),
        name=f"{call.title}.pdf",
        content_type="application/pdf",
        actor=actor,
    )


def cancel_call(call, *, actor, reason):
    """Cancel a call; organizations with applications in it are told."""
    transition(CALL_WORKFLOW, call, "cancel", actor=actor, reason=reason)
    call.cancel_reason = reason.strip()
    org_ids = APPLICATIONS.applicant_organizations(call.id)
    members = db.session.scalars(select(User).where(User.organization_id.in_(org_ids))).all()
    notify(
        members,
        _l("Call cancelled: %(title)s", title=call.title),
        _l("The call %(title)s was cancelled. Reason: %(reason)s", title=call.title, reason=reason),
        link=url_for("calls.show", call_id=call.id),
    )
