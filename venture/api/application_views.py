"""The API's applications: the reader's list and one application with its state history, and
what an applicant does through the API as on the web form (start, change the draft, attach
and remove files, submit) and staff's screening (资格审查)."""

from contextlib import contextmanager

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from venture.api import representations as rep
from venture.api import schemas
from venture.api.base import api, get_or_404, require, stale_error
from venture.api.errors import ApiError
from venture.api.listing import days, list_operation, of_call, one_of, scoped
from venture.api.permissions import application_scope, can_read_application
from venture.api.registry import TOKEN, parse_moment
from venture.applications import operations as applications
from venture.applications.enums import ApplicationState
from venture.applications.forms import ApplicationForm, form_data
from venture.applications.models import Application
from venture.applications.permissions import can_view_application, is_applicant_member
from venture.auth.enums import Role
from venture.calls.models import Call
from venture.core.files import send_stored
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db

list_operation(
    "/applications",
    "applications_list",
    query=scoped(
        Application, application_scope, Application.updated_at.desc(), Application.id.desc()
    ),
    filters=(
        of_call(Application.call_id),
        one_of(
            "state", ApplicationState, Application.state, _l("Only applications in this state.")
        ),
        days("submitted", Application.submitted_at),
    ),
    render=rep.application_summary,
    summary=_l("Applications"),
    description=_l(
        "Your organization's applications; those assigned to you as a reviewer; every "
        "submitted one for staff."
    ),
    tag="applications",
    response="ApplicationSummary",
    access=(TOKEN,),
)


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
    require(record is not None and can_read_application(current_user, record))
    return record


def _application_json(record):
    return rep.application(record, member=is_applicant_member(current_user, record))


def _members_application(application_id):
    """The application, when the token's account is a member of its organization (else 404)."""
    record = _visible_application(application_id)
    require(is_applicant_member(current_user, record))
    return record


def _saved(record):
    """Commit the change and answer with the application as it now is."""
    db.session.commit()
    return _application_json(record)


def applicant_operation(rule, method, **declaration):
    """An operation an applicant's token runs on their organization's application."""
    return api.operation(
        rule,
        method,
        tag="applications",
        access=(TOKEN, Role.APPLICANT),
        response="Application",
        **declaration,
    )


@contextmanager
def refused_as(status, code):
    """An operation of applications that refuses (ApplicationError) answers status and code."""
    try:
        yield
    except applications.ApplicationError as error:
        raise ApiError(status, code, str(error)) from None


def _attachment(record, attachment_id):
    item = next((a for a in record.attachments if a.id == attachment_id), None)
    require(item is not None)
    return item


@api.operation(
    "/applications/<int:application_id>",
    summary=_l("One application, with its state history"),
    tag="applications",
    response="Application",
    access=(TOKEN,),
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
        raise stale_error()
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
    with refused_as(409, "not_editable"):
        applications.save_draft(application, values, actor=current_user)


@applicant_operation(
    "/applications",
    "POST",
    summary=_l("Start an application"),
    description=_l(
        "Starts your organization's draft for an open call (or returns its empty draft), and "
        "saves the fields given, as the web form does."
    ),
    body=schemas.APPLICATION_CREATE,
    body_name="ApplicationCreate",
    status=201,
)
def application_create(body):
    record = get_or_404(Call, body["call_id"])
    require(record.is_public)
    with refused_as(422, "refused"):
        made = applications.start_application(record, actor=current_user)
    fields = {k: v for k, v in body.items() if k != "call_id"}
    if fields:
        _save_fields(made, fields)
    db.session.commit()
    response = _application_json(made)
    location = url_for("api.v1.application", application_id=made.id, _external=True)
    return response, 201, {"Location": location}


@applicant_operation(
    "/applications/<int:application_id>",
    "PATCH",
    summary=_l("Change a draft application"),
    description=_l(
        "Saves the fields given; the others keep their value. Only drafts and applications "
        "returned for correction can be changed, by the organization's members."
    ),
    body=schemas.APPLICATION_UPDATE,
    body_name="ApplicationUpdate",
)
def application_update(application_id, body):
    record = _members_application(application_id)
    _save_fields(record, body)
    return _saved(record)


@applicant_operation(
    "/applications/<int:application_id>/attachments",
    "POST",
    summary=_l("Attach a file to a draft application"),
    description=_l(
        "A file for one of the call's required attachments replaces the earlier one; any other "
        "label adds a file."
    ),
    body=schemas.ATTACHMENT_UPLOAD,
    body_name="AttachmentUpload",
    body_media="multipart/form-data",
    status=201,
)
def attachment_create(application_id):
    record = _members_application(application_id)
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise ApiError(422, "invalid_body", _("Choose a file to upload."), field="/file")
    with refused_as(422, "refused"):
        applications.attach_file(record, request.form.get("label"), storage, actor=current_user)
    return _saved(record), 201


@api.operation(
    "/applications/<int:application_id>/attachments/<int:attachment_id>",
    summary=_l("Download an attachment of an application"),
    access=(TOKEN,),
    tag="applications",
    media="application/octet-stream",
)
def attachment_file(application_id, attachment_id):
    return send_stored(_attachment(_visible_application(application_id), attachment_id).file)


@applicant_operation(
    "/applications/<int:application_id>/attachments/<int:attachment_id>",
    "DELETE",
    summary=_l("Remove an attachment from a draft application"),
)
def attachment_delete(application_id, attachment_id):
    record = _members_application(application_id)
    item = _attachment(record, attachment_id)
    with refused_as(409, "not_editable"):
        applications.remove_attachment(record, item, actor=current_user)
    return _saved(record)


@applicant_operation(
    "/applications/<int:application_id>/submit",
    "POST",
    summary=_l("Submit an application"),
    description=_l(
        "Submits the draft (or the corrected application); the first submission gives it its "
        "number. When something stops it, the answer lists every problem (422)."
    ),
)
def application_submit(application_id):
    record = _members_application(application_id)
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
    return _saved(record)


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
    require(can_view_application(current_user, record))
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
        with refused_as(422, "refused"):
            applications.screen_application(
                record,
                body["action"],
                actor=current_user,
                reason=body.get("reason"),
                checklist=checklist,
                deadline=deadline,
            )
    except TransitionRefused as refused:
        raise ApiError(409, "refused", refused.message) from None
    return _saved(record)
