"""The API: /api/v1 (JSON, personal tokens, CSRF-exempt since no cookie is read there), its
OpenAPI document, OCDS open data, the readable API page and the token page of the profile."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from venture.announcements.enums import AnnouncementKind, AnnouncementState
from venture.announcements.models import Announcement
from venture.api import ocds, operations, schemas
from venture.api import representations as rep
from venture.api.errors import ApiError, api_error_response
from venture.api.forms import RevokeForm, TokenForm
from venture.api.models import ApiToken
from venture.api.openapi import document
from venture.api.permissions import (
    application_scope,
    award_scope,
    call_scope,
    can_read_application,
    can_read_contract,
    can_read_organization,
    contract_scope,
    organization_scope,
    payment_scope,
)
from venture.api.registry import TOKEN, Api, Param, not_found_message, page_count, parse_moment
from venture.applications import operations as applications
from venture.applications.enums import ApplicationState
from venture.applications.forms import ApplicationForm, form_data
from venture.applications.models import Application
from venture.applications.permissions import can_view_application, is_applicant_member
from venture.auth.enums import Role
from venture.calls.enums import CallStatus, Route
from venture.calls.models import Call
from venture.calls.permissions import can_view_call
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core import timeutil
from venture.core.access import public, signed_in
from venture.core.files import send_stored
from venture.core.lifecycle import TransitionRefused
from venture.extensions import csrf, db, login_manager
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.payments.models import Installment, Payment
from venture.procurement.enums import AwardState
from venture.procurement.models import Award

bp = Blueprint("api", __name__)
v1 = Blueprint("v1", __name__)
api = Api(v1, "/api/v1")
# the API authenticates by token only and never reads the session cookie: no CSRF to fear
csrf.exempt(v1)

CONTRACT_READERS = (TOKEN, Role.STAFF, Role.FINANCE, Role.APPLICANT)


# ── authentication, errors, headers ───────────────────────────────────────────────────────────


@v1.before_request
def _authenticate():
    """The account of the bearer token, or anonymous; a session cookie is ignored here."""
    # Flask-Login keeps the request's user in g._login_user: set, the session is never read
    g._login_user = login_manager.anonymous_user()
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _sep, text = header.strip().partition(" ")
    token = operations.authenticate(text) if scheme.lower() == "bearer" else None
    if token is None:
        raise ApiError(
            401, "invalid_token", _("The API token is not valid: it is wrong, expired or revoked.")
        )
    db.session.commit()  # the token's last use
    g.api_token = token
    g._login_user = token.user


@v1.after_request
def _headers(response):
    response.headers.add("Vary", "Authorization")
    if g.get("api_token") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@v1.errorhandler(ApiError)
def _api_error(error):
    db.session.rollback()
    return api_error_response(error)


@v1.errorhandler(StaleDataError)
def _stale(_error):
    db.session.rollback()
    return api_error_response(_stale_error())


def _stale_error():
    return ApiError(
        409,
        "stale",
        _("Someone else changed this application at the same moment. Nothing was saved."),
    )


def _not_found():
    return ApiError(404, "not_found", not_found_message())


def _get(model, record_id):
    record = db.session.get(model, record_id)
    if record is None:
        raise _not_found()
    return record


def _require(condition):
    """404 unless condition holds: whether a private record exists is not told."""
    if not condition:
        raise _not_found()


# ── lists ─────────────────────────────────────────────────────────────────────────────────────


def _listing(query, args, render):
    """One COUNT and one page query; a page past the end is empty."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    page, per_page = args["page"], args["per_page"]
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return {
        "items": [render(item) for item in items],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": page_count(total, per_page),
    }


def _day_start(day):
    return timeutil.from_local(datetime.combine(day, time.min))


def _between(query, column, since, until, *, dates=False):
    """Filter column by local dates: from the start of since to the end of until."""
    if since is not None:
        query = query.where(column >= (since if dates else _day_start(since)))
    if until is not None:
        end = until + timedelta(days=1)
        query = query.where(column < (end if dates else _day_start(end)))
    return query


def _dates(prefix):
    """The since / until pair of a date filter (local days, both included)."""
    return (
        Param(f"{prefix}_since", "date", _l("On or after this day (Beijing time).")),
        Param(f"{prefix}_until", "date", _l("On or before this day (Beijing time).")),
    )


CALL_ID = Param("call_id", "integer", _l("Only those of this call."))


# ── me ────────────────────────────────────────────────────────────────────────────────────────


@api.operation(
    "/me", summary=_l("The account of the token"), tag="account", access=(TOKEN,), response="Me"
)
def me():
    user, token = current_user, g.api_token
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "roles": sorted(r.value for r in user.roles),
        "organization": rep.organization_summary(user.organization) if user.organization else None,
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": rep.moment(token.expires_at),
        },
    }


# ── calls ─────────────────────────────────────────────────────────────────────────────────────


def _call_status_condition(status):
    moment = timeutil.now()
    published = sa.and_(Call.published_at.is_not(None), Call.cancelled_at.is_(None))
    return {
        CallStatus.DRAFT: sa.and_(Call.published_at.is_(None), Call.cancelled_at.is_(None)),
        CallStatus.CANCELLED: Call.cancelled_at.is_not(None),
        CallStatus.UPCOMING: sa.and_(published, Call.opens_at > moment),
        CallStatus.OPEN: sa.and_(published, Call.opens_at <= moment, Call.closes_at > moment),
        CallStatus.CLOSED: sa.and_(published, Call.closes_at <= moment),
    }[CallStatus(status)]


@api.operation(
    "/calls",
    summary=_l("Calls for proposals"),
    description=_l("Published calls, newest first; staff also see drafts."),
    tag="calls",
    query=(
        Param(
            "route", "string", _l("Only calls of this route."), enum=tuple(r.value for r in Route)
        ),
        Param(
            "status",
            "string",
            _l("Only calls in this status."),
            enum=tuple(s.value for s in CallStatus),
        ),
        Param("year", "integer", _l("Only calls of this year."), minimum=2000, maximum=2100),
        *_dates("published"),
    ),
    paged=True,
    response="Call",
)
def calls(args):
    query = (
        sa.select(Call)
        .where(call_scope(current_user))
        .order_by(Call.opens_at.desc(), Call.id.desc())
    )
    if args["route"]:
        query = query.where(Call.route == Route(args["route"]))
    if args["status"]:
        query = query.where(_call_status_condition(args["status"]))
    if args["year"]:
        query = query.where(Call.year == args["year"])
    query = _between(query, Call.published_at, args["published_since"], args["published_until"])
    return _listing(query, args, rep.call)


def _visible_call(call_id):
    call = _get(Call, call_id)
    _require(can_view_call(current_user, call))
    return call


@api.operation("/calls/<int:call_id>", summary=_l("One call"), tag="calls", response="Call")
def call(call_id):
    from venture.procurement.operations import tender_of

    record = _visible_call(call_id)
    return rep.call(record, tender_of(record.id) if record.route == Route.TENDER else None)


@api.operation(
    "/calls/<int:call_id>/review-results",
    summary=_l("The published review result of a call"),
    description=_l(
        "The projects proposed for funding after the expert review, as announced (公示); "
        "404 until the result is published."
    ),
    tag="review",
    response="ReviewResults",
)
def review_results(call_id):
    from venture.review.operations import panel_of, result_announcement
    from venture.review.results import ranking

    record = _visible_call(call_id)
    panel = panel_of(record.id)
    announcement = result_announcement(panel) if panel is not None else None
    if announcement is None or announcement.state == AnnouncementState.WITHDRAWN:
        raise ApiError(404, "not_published", _("The review result of this call is not published."))
    rows = [row for row in ranking(panel).rows if row.award is not None]
    return {
        "call": rep.reference(record),
        "announcement": {
            "id": announcement.id,
            "state": announcement.state.value,
            "state_label": str(announcement.state.label),
            "ends_on": rep.day(announcement.ends_on),
            "url": url_for("announcements.show", announcement_id=announcement.id, _external=True),
        },
        "items": [
            {
                "rank": row.rank,
                "organization": rep.organization_summary(row.application.organization),
                "application": {
                    "id": row.application.id,
                    "number": row.application.number,
                    "title": row.application.title,
                },
                "score": str(row.display_score) if row.display_score is not None else None,
                "amount": rep.money(row.award.amount),
                "award_state": row.award.state.value,
            }
            for row in rows
        ],
    }


# ── organizations ─────────────────────────────────────────────────────────────────────────────


@api.operation(
    "/organizations",
    summary=_l("Organizations"),
    description=_l(
        "Your own organization; all of them for staff, finance and administrators. Reviewers "
        "see none (and never bank details)."
    ),
    tag="organizations",
    access=(TOKEN,),
    query=(
        Param(
            "status",
            "string",
            _l("Only organizations in this verification status."),
            enum=tuple(s.value for s in OrgStatus),
        ),
    ),
    paged=True,
    response="Organization",
)
def organizations(args):
    query = (
        sa.select(Organization)
        .where(organization_scope(current_user))
        .order_by(Organization.id.desc())
    )
    if args["status"]:
        query = query.where(Organization.status == OrgStatus(args["status"]))
    return _listing(query, args, rep.organization)


@api.operation(
    "/organizations/<int:organization_id>",
    summary=_l("One organization"),
    tag="organizations",
    access=(TOKEN,),
    response="Organization",
)
def organization(organization_id):
    org = _get(Organization, organization_id)
    _require(can_read_organization(current_user, org))
    return rep.organization(org)


# ── applications ──────────────────────────────────────────────────────────────────────────────


@api.operation(
    "/applications",
    summary=_l("Applications"),
    description=_l(
        "Your organization's applications; those assigned to you as a reviewer; every "
        "submitted one for staff."
    ),
    tag="applications",
    access=(TOKEN,),
    query=(
        CALL_ID,
        Param(
            "state",
            "string",
            _l("Only applications in this state."),
            enum=tuple(s.value for s in ApplicationState),
        ),
        *_dates("submitted"),
    ),
    paged=True,
    response="ApplicationSummary",
)
def applications_list(args):
    query = (
        sa.select(Application)
        .where(application_scope(current_user))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )
    if args["call_id"]:
        query = query.where(Application.call_id == args["call_id"])
    if args["state"]:
        query = query.where(Application.state == ApplicationState(args["state"]))
    query = _between(
        query, Application.submitted_at, args["submitted_since"], args["submitted_until"]
    )
    return _listing(query, args, rep.application_summary)


def _visible_application(application_id):
    record = db.session.get(
        Application,
        application_id,
        options=[
            selectinload(Application.budget_lines),
            selectinload(Application.milestones),
            selectinload(Application.attachments),
        ],
    )
    _require(record is not None and can_read_application(current_user, record))
    return record


def _application_json(record):
    return rep.application(record, member=is_applicant_member(current_user, record))


@api.operation(
    "/applications/<int:application_id>",
    summary=_l("One application, with its state history"),
    tag="applications",
    access=(TOKEN,),
    response="Application",
)
def application(application_id):
    return _application_json(_visible_application(application_id))


LIST_FIELDS = ("budget_lines", "milestones", "community_ids")


def _text(value):
    return "" if value is None else str(value)


def _form_data(application, body):
    """The web form's data: the saved draft (with values kept as typed), then the body's."""
    data = form_data(application)
    data.pop("version")
    typed = dict(application.typed_input or {})
    for name, value in body.items():
        if name not in data:
            continue
        data[name] = value
        # a given field replaces what was kept as typed for it
        typed = {k: v for k, v in typed.items() if k != name and not k.startswith(f"{name}-")}
    flat = MultiDict()
    for name, value in data.items():
        if name == "declaration":
            if value:
                flat.add(name, "y")
        elif name == "community_ids":
            for item in value:
                flat.add(name, _text(item))
        elif name in ("budget_lines", "milestones"):
            for index, row in enumerate(value):
                for key, item in row.items():
                    flat.add(f"{name}-{index}-{key}", _text(item))
        else:
            flat.add(name, _text(value))
    for key, entry in typed.items():
        flat[key] = entry["value"]
    return flat


def _api_key(key):
    """budget_lines-0-unit_price → budget_lines[0].unit_price"""
    parts = key.split("-")
    return f"{parts[0]}[{parts[1]}].{parts[2]}" if len(parts) == 3 else key


def _save_fields(application, body):
    """Save the draft through the web form's reading and applications' save_draft; a value
    that cannot be read refuses the whole change (422) with the web form's messages."""
    if "version" in body and body["version"] != application.version:
        raise _stale_error()
    if not is_applicant_member(current_user, application) or not application.is_editable:
        raise ApiError(409, "not_editable", _("This application can no longer be changed."))
    form = ApplicationForm(formdata=_form_data(application, body), meta={"csrf": False})
    form.set_choices(application.call)
    values, errors = form.read()
    if errors:
        raise ApiError(
            422,
            "validation_failed",
            _("Some values could not be read; nothing was saved."),
            fields={_api_key(k): str(v) for k, v in errors.items()},
        )
    try:
        applications.save_draft(application, values, actor=current_user)
    except applications.ApplicationError as error:
        raise ApiError(409, "not_editable", str(error)) from None


@api.operation(
    "/applications",
    "POST",
    summary=_l("Start an application"),
    description=_l(
        "Starts your organization's draft for an open call (or returns its empty draft), and "
        "saves the fields given, as the web form does."
    ),
    tag="applications",
    access=(TOKEN, Role.APPLICANT),
    body=schemas.APPLICATION_CREATE,
    body_name="ApplicationCreate",
    response="Application",
    status=201,
)
def application_create(body):
    record = _get(Call, body["call_id"])
    _require(record.is_public)
    try:
        made = applications.start_application(record, actor=current_user)
    except applications.ApplicationError as error:
        raise ApiError(422, "refused", str(error)) from None
    fields = {k: v for k, v in body.items() if k != "call_id"}
    if fields:
        _save_fields(made, fields)
    db.session.commit()
    response = _application_json(made)
    location = url_for("api.v1.application", application_id=made.id, _external=True)
    return response, 201, {"Location": location}


@api.operation(
    "/applications/<int:application_id>",
    "PATCH",
    summary=_l("Change a draft application"),
    description=_l(
        "Saves the fields given; the others keep their value. Only drafts and applications "
        "returned for correction can be changed, by the organization's members."
    ),
    tag="applications",
    access=(TOKEN, Role.APPLICANT),
    body=schemas.APPLICATION_UPDATE,
    body_name="ApplicationUpdate",
    response="Application",
)
def application_update(application_id, body):
    record = _visible_application(application_id)
    _require(is_applicant_member(current_user, record))
    _save_fields(record, body)
    db.session.commit()
    return _application_json(record)


@api.operation(
    "/applications/<int:application_id>/attachments",
    "POST",
    summary=_l("Attach a file to a draft application"),
    description=_l(
        "A file for one of the call's required attachments replaces the earlier one; any other "
        "label adds a file."
    ),
    tag="applications",
    access=(TOKEN, Role.APPLICANT),
    body=schemas.ATTACHMENT_UPLOAD,
    body_name="AttachmentUpload",
    body_media="multipart/form-data",
    response="Application",
    status=201,
)
def attachment_create(application_id):
    record = _visible_application(application_id)
    _require(is_applicant_member(current_user, record))
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise ApiError(422, "invalid_body", _("Choose a file to upload."), field="/file")
    try:
        applications.attach_file(record, request.form.get("label"), storage, actor=current_user)
    except applications.ApplicationError as error:
        raise ApiError(422, "refused", str(error)) from None
    db.session.commit()
    return _application_json(record), 201


@api.operation(
    "/applications/<int:application_id>/attachments/<int:attachment_id>",
    summary=_l("Download an attachment of an application"),
    tag="applications",
    access=(TOKEN,),
    media="application/octet-stream",
)
def attachment_file(application_id, attachment_id):
    record = _visible_application(application_id)
    item = next((a for a in record.attachments if a.id == attachment_id), None)
    _require(item is not None)
    return send_stored(item.file)


@api.operation(
    "/applications/<int:application_id>/attachments/<int:attachment_id>",
    "DELETE",
    summary=_l("Remove an attachment from a draft application"),
    tag="applications",
    access=(TOKEN, Role.APPLICANT),
    response="Application",
)
def attachment_delete(application_id, attachment_id):
    record = _visible_application(application_id)
    _require(is_applicant_member(current_user, record))
    item = next((a for a in record.attachments if a.id == attachment_id), None)
    _require(item is not None)
    try:
        applications.remove_attachment(record, item, actor=current_user)
    except applications.ApplicationError as error:
        raise ApiError(409, "not_editable", str(error)) from None
    db.session.commit()
    return _application_json(record)


@api.operation(
    "/applications/<int:application_id>/submit",
    "POST",
    summary=_l("Submit an application"),
    description=_l(
        "Submits the draft (or the corrected application); the first submission gives it its "
        "number. When something stops it, the answer lists every problem (422)."
    ),
    tag="applications",
    access=(TOKEN, Role.APPLICANT),
    response="Application",
)
def application_submit(application_id):
    record = _visible_application(application_id)
    _require(is_applicant_member(current_user, record))
    try:
        applications.submit_application(record, actor=current_user)
    except applications.SubmissionRefused as refused:
        db.session.rollback()
        raise ApiError(
            422,
            "submission_refused",
            _("The application was not submitted. Your draft is saved."),
            problems=refused.problems,
        ) from None
    db.session.commit()
    return _application_json(record)


@api.operation(
    "/applications/<int:application_id>/screen",
    "POST",
    summary=_l("Screen a submitted application (资格审查)"),
    description=_l(
        "Marks it eligible (every requirement of the call met), ineligible (with a reason) or "
        "returns it for correction (with a reason and a deadline), as on the screening page."
    ),
    tag="applications",
    access=(TOKEN, Role.STAFF),
    body=schemas.SCREENING_INPUT,
    body_name="Screening",
    response="Application",
)
def application_screen(application_id, body):
    record = _visible_application(application_id)
    _require(can_view_application(current_user, record))
    items = record.call.eligibility_items
    given = body.get("checklist", [])
    if len(given) > len(items):
        raise ApiError(
            422,
            "invalid_body",
            _(
                "The checklist has %(given)d answers, but the call has %(count)d requirements.",
                given=len(given),
                count=len(items),
            ),
            field="/checklist",
        )
    checklist = [(item, i < len(given) and given[i]) for i, item in enumerate(items)]
    deadline = None
    if body.get("correction_deadline"):
        deadline = parse_moment(body["correction_deadline"])
        if deadline is None:
            raise ApiError(
                422,
                "invalid_body",
                _("Give the deadline as an ISO 8601 date and time, e.g. 2026-03-01T17:00."),
                field="/correction_deadline",
            )
    try:
        applications.screen_application(
            record,
            body["action"],
            actor=current_user,
            reason=body.get("reason"),
            checklist=checklist,
            deadline=deadline,
        )
    except applications.ApplicationError as error:
        raise ApiError(422, "refused", str(error)) from None
    except TransitionRefused as refused:
        raise ApiError(409, "refused", refused.message) from None
    db.session.commit()
    return _application_json(record)


# ── awards ────────────────────────────────────────────────────────────────────────────────────


@api.operation(
    "/awards",
    summary=_l("Awards of every route"),
    description=_l(
        "Final awards, and proposed ones once their result is announced (公示); your "
        "organization's own; all of them for staff, finance and administrators."
    ),
    tag="awards",
    query=(
        CALL_ID,
        Param(
            "state",
            "string",
            _l("Only awards in this state."),
            enum=tuple(s.value for s in AwardState),
        ),
        Param(
            "route", "string", _l("Only awards of this route."), enum=tuple(r.value for r in Route)
        ),
        *_dates("final"),
    ),
    paged=True,
    response="Award",
)
def awards(args):
    query = sa.select(Award).where(award_scope(current_user)).order_by(Award.id.desc())
    if args["call_id"]:
        query = query.where(Award.call_id == args["call_id"])
    if args["state"]:
        query = query.where(Award.state == AwardState(args["state"]))
    if args["route"]:
        query = query.where(Award.route == Route(args["route"]))
    query = _between(query, Award.final_at, args["final_since"], args["final_until"])
    return _listing(query, args, rep.award)


@api.operation("/awards/<int:award_id>", summary=_l("One award"), tag="awards", response="Award")
def award(award_id):
    found = db.session.scalar(
        sa.select(Award).where(Award.id == award_id, award_scope(current_user))
    )
    _require(found is not None)
    return rep.award(found)


# ── contracts and payments ────────────────────────────────────────────────────────────────────


def _contracts_query():
    return (
        sa.select(Contract)
        .where(contract_scope(current_user))
        .options(selectinload(Contract.installments).selectinload(Installment.payments))
    )


@api.operation(
    "/contracts",
    summary=_l("Service contracts"),
    description=_l("Your organization's issued contracts; all of them for staff and finance."),
    tag="contracts",
    access=CONTRACT_READERS,
    query=(
        CALL_ID,
        Param(
            "state",
            "string",
            _l("Only contracts in this state."),
            enum=tuple(s.value for s in ContractState),
        ),
        *_dates("signed"),
    ),
    paged=True,
    response="Contract",
)
def contracts(args):
    query = _contracts_query().order_by(Contract.id.desc())
    if args["call_id"]:
        query = query.where(Contract.call_id == args["call_id"])
    if args["state"]:
        query = query.where(Contract.state == ContractState(args["state"]))
    query = _between(
        query, Contract.signed_on, args["signed_since"], args["signed_until"], dates=True
    )
    return _listing(query, args, rep.contract)


def _visible_contract(contract_id):
    record = db.session.scalar(_contracts_query().where(Contract.id == contract_id))
    _require(record is not None and can_read_contract(current_user, record))
    return record


@api.operation(
    "/contracts/<int:contract_id>",
    summary=_l("One contract, with its installments"),
    tag="contracts",
    access=CONTRACT_READERS,
    response="Contract",
)
def contract(contract_id):
    return rep.contract(_visible_contract(contract_id))


@api.operation(
    "/contracts/<int:contract_id>/pdf",
    summary=_l("The issued contract document (PDF)"),
    tag="contracts",
    access=CONTRACT_READERS,
    media="application/pdf",
)
def contract_pdf(contract_id):
    record = _visible_contract(contract_id)
    _require(record.document is not None and not record.is_draft)
    return send_stored(record.document)


@api.operation(
    "/payments",
    summary=_l("Recorded payments"),
    description=_l(
        "Payments recorded by finance: the whole ledger for finance and staff, your "
        "organization's own otherwise."
    ),
    tag="payments",
    access=CONTRACT_READERS,
    query=(
        CALL_ID,
        Param("contract_id", "integer", _l("Only the payments of this contract.")),
        *_dates("paid"),
    ),
    paged=True,
    response="Payment",
)
def payments(args):
    query = (
        sa.select(Payment)
        .join(Installment, Installment.id == Payment.installment_id)
        .join(Contract, Contract.id == Installment.contract_id)
        .where(payment_scope(current_user))
        .options(joinedload(Payment.installment).joinedload(Installment.contract))
        .order_by(Payment.paid_on.desc(), Payment.id.desc())
    )
    if args["call_id"]:
        query = query.where(Contract.call_id == args["call_id"])
    if args["contract_id"]:
        query = query.where(Contract.id == args["contract_id"])
    query = _between(query, Payment.paid_on, args["paid_since"], args["paid_until"], dates=True)
    return _listing(query, args, rep.payment)


# ── announcements ─────────────────────────────────────────────────────────────────────────────


@api.operation(
    "/announcements",
    summary=_l("Announcements (公示公告)"),
    tag="announcements",
    query=(
        CALL_ID,
        Param(
            "kind",
            "string",
            _l("Only announcements of this kind."),
            enum=tuple(k.value for k in AnnouncementKind),
        ),
        Param(
            "state",
            "string",
            _l("Only announcements in this state."),
            enum=tuple(s.value for s in AnnouncementState),
        ),
        *_dates("published"),
    ),
    paged=True,
    response="Announcement",
)
def announcements(args):
    query = (
        sa.select(Announcement)
        .options(joinedload(Announcement.call), selectinload(Announcement.attachments))
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
    )
    if args["call_id"]:
        query = query.where(Announcement.call_id == args["call_id"])
    if args["kind"]:
        query = query.where(Announcement.kind == AnnouncementKind(args["kind"]))
    if args["state"]:
        query = query.where(Announcement.state == AnnouncementState(args["state"]))
    query = _between(
        query, Announcement.published_at, args["published_since"], args["published_until"]
    )
    return _listing(query, args, rep.announcement)


@api.operation(
    "/announcements/<int:announcement_id>",
    summary=_l("One announcement"),
    tag="announcements",
    response="Announcement",
)
def announcement(announcement_id):
    return rep.announcement(_get(Announcement, announcement_id))


# ── open data (OCDS 1.1.5) ────────────────────────────────────────────────────────────────────


@api.operation(
    "/ocds/calls/<int:call_id>.json",
    summary=_l("The OCDS release package of a call"),
    description=_l(
        "Open Contracting Data Standard 1.1.5: the call's tender, parties, awards, contracts "
        "and payments as one release."
    ),
    tag="open data",
    response="OcdsReleasePackage",
)
def ocds_call(call_id):
    record = _get(Call, call_id)
    _require(record.is_public)
    stored = ocds.call_package(record, request.base_url)
    response = current_app.response_class(stored["json"], mimetype="application/json")
    response.set_etag(stored["etag"])
    return response.make_conditional(request)  # 304 to a matching If-None-Match


@api.operation(
    "/ocds/releases.json",
    summary=_l("OCDS releases of every published call"),
    description=_l("One release per published call, newest first, a page at a time."),
    tag="open data",
    query=(*_dates("published"),),
    paged=True,
    response="OcdsReleasePackage",
)
def ocds_releases(args):
    query = (
        sa.select(Call)
        .where(Call.published_at.is_not(None))
        .order_by(Call.published_at.desc(), Call.id.desc())
    )
    query = _between(query, Call.published_at, args["published_since"], args["published_until"])
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page, per_page = args["page"], args["per_page"]
    found = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    body = ocds.package(ocds.releases(found), request.url)
    headers = {"X-Total-Count": str(total)}
    if page * per_page < total:
        following = url_for(request.endpoint, _external=True, **{**request.args, "page": page + 1})
        headers["Link"] = f'<{following}>; rel="next"'

    return body, 200, headers


@api.operation(
    "/openapi.json",
    summary=_l("This API's OpenAPI 3.1 document"),
    tag="documentation",
    response="OpenApi",
)
def openapi():
    return document(api)


# ── pages: the readable API page and the profile's tokens ─────────────────────────────────────


@bp.route("/api")
@public
def docs():
    """The API documentation, rendered from the OpenAPI document."""
    return render_template("api/docs.html", spec=document(api))


def _render_tokens(form, new_token=None, status=200):
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(100)
    ).all()
    return (
        render_template(
            "api/tokens.html",
            form=form,
            tokens=tokens,
            new_token=new_token,
            revoke_form=RevokeForm(),
            now=timeutil.now(),
        ),
        status,
    )


@bp.route("/profile/api-tokens", methods=["GET", "POST"])
@signed_in
def tokens():
    """Personal API tokens: create (the token is shown once, on this answer only) and list."""
    form = TokenForm()
    if request.method == "GET":
        return _render_tokens(form)
    if not form.validate_on_submit():
        return _render_tokens(form, status=400)
    try:
        _token, text = operations.create_token(
            current_user, name=form.name.data, expires_in_days=form.expires.data, actor=current_user
        )
    except operations.TokenError as error:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(error)]
        return _render_tokens(form, status=400)
    db.session.commit()
    return _render_tokens(TokenForm(formdata=None), new_token=text)


@bp.route("/profile/api-tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.revoke_token(token, actor=current_user)
    except operations.TokenError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        db.session.commit()
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("api.tokens"))


bp.register_blueprint(v1, url_prefix="/api/v1")
