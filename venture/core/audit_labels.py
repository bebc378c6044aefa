"""How audit entries read to people: a label for every action code, for every record type and
for the fields of before/after, and values formatted as the rest of the site shows them
(states by their label, money in yuan, times in Asia/Shanghai, one date format).

A lifecycle action (`project.pass_midterm`) reads as its record and its transition's label
("项目：登记中期评估通过"), from the workflows themselves; the other actions are listed here.
`tests/core/test_audit_labels.py` walks every code the source can write and fails on one
without a label in either language.
"""

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.core.formatting import local_date, local_datetime, yuan
from venture.core.lifecycle import WORKFLOWS

# record types (model class names) as people call them
RECORD_LABELS = {
    "Activity": _l("Activity"),
    "ActivityCheck": _l("Activity check"),
    "Announcement": _l("Announcement (公示)"),
    "ApiToken": _l("API token"),
    "Application": _l("Application"),
    "ApplicationAttachment": _l("Application attachment"),
    "Award": _l("Award"),
    "Bid": _l("Bid"),
    "BidSheet": _l("Bid score sheet"),
    "BudgetLine": _l("Budget line"),
    "Call": _l("Call"),
    "ChangeRequest": _l("Change request"),
    "Clarification": _l("Tender clarification"),
    "Community": _l("Community"),
    "Contract": _l("Contract"),
    "Designation": _l("Targeted purchase"),
    "Evaluation": _l("Evaluation"),
    "EvaluationCriterion": _l("Evaluation criterion"),
    "ExportJob": _l("Export"),
    "Installment": _l("Installment"),
    "Invitation": _l("Invitation"),
    "Need": _l("Community need"),
    "Objection": _l("Objection"),
    "Organization": _l("Organization"),
    "Panel": _l("Review panel"),
    "Payment": _l("Payment"),
    "ProgressReport": _l("Progress report"),
    "Project": _l("Project"),
    "ProjectDocument": _l("Project document"),
    "ReportingPlan": _l("Reporting plan"),
    "ReviewAssignment": _l("Review assignment"),
    "ReviewCriterion": _l("Review criterion"),
    "ReviewSheet": _l("Score sheet"),
    "ReviewerProfile": _l("Expert"),
    "Roadshow": _l("Roadshow"),
    "RoadshowItem": _l("Roadshow presentation"),
    "ServiceCategory": _l("Service category"),
    "Street": _l("Street"),
    "Tender": _l("Tender"),
    "TenderQuestion": _l("Tender question"),
    "User": _l("User"),
    "WorkdayOverride": _l("Working-day correction"),
}

# the records of each workflow (by workflow name), for lifecycle actions
WORKFLOW_RECORDS = {
    "announcement": _l("Announcement (公示)"),
    "application": _l("Application"),
    "award": _l("Award"),
    "bank_change": _l("Bank-details change"),
    "bid": _l("Bid"),
    "call": _l("Call"),
    "change_request": _l("Change request"),
    "contract": _l("Contract"),
    "designation": _l("Targeted purchase"),
    "evaluation": _l("Evaluation"),
    "installment": _l("Installment"),
    "need": _l("Community need"),
    "objection": _l("Objection"),
    "organization": _l("Organization"),
    "progress_report": _l("Progress report"),
    "project": _l("Project"),
    "review_assignment": _l("Review assignment"),
    "review_sheet": _l("Score sheet"),
    "roadshow": _l("Roadshow"),
    "roadshow_item": _l("Roadshow presentation"),
}

# actions written outside the lifecycle tables
ACTION_LABELS = {
    "activity.check": _l("Activity checked by the community"),
    "bank_change.replaced": _l("A waiting bank-details change replaced by a newer one"),
    "bank_change.request": _l("Bank-details change requested"),
    "bid.no_conflict": _l("No tie with the bidder declared"),
    "bid_bond.confirm": _l("Bid bond receipt confirmed"),
    "bid_bond.record": _l("Bid bond recorded"),
    "bid_bond.refund": _l("Bid bond refunded"),
    "bid_bond.reject": _l("Bid bond refused"),
    "contract.budget_confirm": _l("Re-allocated budget confirmed"),
    "contract.budget_propose": _l("Budget re-allocated to the awarded amount"),
    "contract.signed_online": _l("Contract signed online"),
    "document.supersede": _l("Issued document superseded"),
    "document.terminate": _l("Issued document marked terminated"),
    "document.version": _l("Document issued and signed"),
    "import.confirm": _l("Import confirmed"),
    "import.undo": _l("Import undone"),
    "installment.override_confirm": _l("Payment-condition exception confirmed by a second person"),
    "installment.override_request": _l("Payment-condition exception requested"),
    "opening.answer": _l("Objection to the opening record answered"),
    "opening.confirm": _l("Opening record confirmed by the bidder"),
    "opening.object": _l("Objection to the opening record"),
    "organization.bank_verified": _l("Bank details verified"),
    "organization.claim": _l("Organization account claimed"),
    "project.settle_surplus": _l("Surplus settled"),
    "tender.after_failure": _l("Next step after the failed tender"),
    "tender.fail": _l("Tender declared failed"),
    "user.sign_out_everywhere": _l("Signed out on every device"),
    "announcement.publish": _l("Announcement published"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
    "application.attach": _l("Attachment added to the application"),
    "application.create": _l("Application started"),
    "application.detach": _l("Attachment removed from the application"),
    "application.save": _l("Application saved"),
    "application.screening": _l("Screening checklist recorded"),
    "award.propose": _l("Award proposed"),
    "bid.attach": _l("Attachment added to the bid"),
    "bid.create": _l("Bid started"),
    "bid.detach": _l("Attachment removed from the bid"),
    "bid.open": _l("Bid opened"),
    "bid.save": _l("Bid saved"),
    "bid.score": _l("Bid scored"),
    "bid.seal": _l("Bid sealed"),
    "bid_sheet.save": _l("Bid score sheet saved"),
    "bid_sheet.submit": _l("Bid score sheet submitted"),
    "call.create": _l("Call created"),
    "call.needs": _l("Community needs of the call changed"),
    "call.update": _l("Call changed"),
    "call.update_coverage": _l("Streets and communities of the call changed"),
    "category.create": _l("Service category added"),
    "change_request.submit": _l("Change request submitted"),
    "community.active": _l("Community switched on or off"),
    "community.create": _l("Community added"),
    "contract.document": _l("Contract PDF made"),
    "contract.draft": _l("Contract drafted"),
    "contract.installments": _l("Installments of the contract set"),
    "contract.signed_scan": _l("Signed contract uploaded"),
    "contract.update": _l("Contract changed"),
    "designation.create": _l("Targeted purchase drafted"),
    "designation.update": _l("Targeted purchase changed"),
    "evaluation.assign": _l("Evaluation assigned"),
    "evaluation.conflict": _l("Evaluator declared a conflict"),
    "evaluation.reassign": _l("Evaluation reassigned"),
    "evaluation.result": _l("Evaluation result recorded"),
    "evaluation.scores_save": _l("Evaluation scores saved"),
    "evaluation.self_assessment_save": _l("Self-assessment saved"),
    "evaluation_rubric.save": _l("Evaluation rubric saved"),
    "export.contracts_zip": _l("Contracts exported as ZIP"),
    "export.ledger": _l("Ledger exported"),
    "need.merge": _l("Need merged"),
    "need.photo_add": _l("Photo added to the need"),
    "need.photo_remove": _l("Photo removed from the need"),
    "need.publish": _l("Need published"),
    "need.update": _l("Need changed"),
    "objection.lodge": _l("Objection lodged"),
    "organization.invite": _l("Colleague invited"),
    "organization.join": _l("Joined the organization"),
    "organization.register": _l("Organization registered"),
    "organization.update": _l("Organization details changed"),
    "panel.add_reserve": _l("Reserve called onto the panel"),
    "panel.aggregation": _l("Aggregation of the panel chosen"),
    "panel.conflict": _l("Conflict recorded on the panel"),
    "panel.dissolve": _l("Panel dissolved"),
    "panel.draw": _l("Panel drawn from the expert pool"),
    "panel.form": _l("Panel formed"),
    "panel.propose": _l("Awards proposed from the ranking"),
    "panel.publish": _l("Review result published"),
    "panel.remind": _l("Reviewers reminded"),
    "panel.settings": _l("Panel settings changed"),
    "payment.record": _l("Payment recorded"),
    "progress_report.delete": _l("Draft report deleted"),
    "progress_report.file_removed": _l("File removed from the report"),
    "progress_report.files": _l("Files added to the report"),
    "progress_report.save": _l("Progress report saved"),
    "progress_report.start": _l("Progress report started"),
    "project.archive": _l("Project archived"),
    "project.create": _l("Project created from the award"),
    "project.document": _l("Project document made"),
    "project.message": _l("Message sent"),
    "project.officer": _l("Project officer changed"),
    "project.plan_change": _l("Project plan changed"),
    "reporting_plan.set": _l("Reporting plan set"),
    "review.assign": _l("Applications assigned to reviewers"),
    "review.no_conflict": _l("Reviewer declared no conflict"),
    "review.replace": _l("Reviewer replaced"),
    "review.rubric": _l("Review rubric saved"),
    "review_sheet.save": _l("Score sheet saved"),
    "review_sheet.total": _l("Score sheet total recorded"),
    "reviewer.add": _l("Expert added to the pool"),
    "reviewer.affiliation_add": _l("Expert's tie recorded"),
    "reviewer.affiliation_remove": _l("Expert's tie removed"),
    "reviewer.update": _l("Expert details changed"),
    "roadshow.create": _l("Roadshow scheduled"),
    "roadshow.reorder": _l("Running order changed"),
    "roadshow.revoke_display": _l("Display links revoked"),
    "roadshow.update": _l("Roadshow changed"),
    "roadshow_item.sheets": _l("Roadshow score sheets opened"),
    "roadshow_item.timer_pause": _l("Timer paused"),
    "roadshow_item.timer_reset": _l("Timer reset"),
    "roadshow_item.timer_start": _l("Timer started"),
    "servicecategory.active": _l("Service category switched on or off"),
    "street.active": _l("Street switched on or off"),
    "street.create": _l("Street added"),
    "tender.clarify": _l("Tender clarification published"),
    "tender.create": _l("Tender created"),
    "tender.open": _l("Bids opened"),
    "tender.publish_result": _l("Tender result published"),
    "tender.question": _l("Question asked about the tender"),
    "tender.update": _l("Tender changed"),
    "user.activate": _l("Account activated"),
    "user.create": _l("Account created"),
    "user.deactivate": _l("Account deactivated"),
    "user.password": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "user.password_reset_requested": _l("Password reset requested"),
    "user.roles": _l("Roles changed"),
    "user.update": _l("Account changed"),
    "workday_override.add": _l("Working-day correction added"),
    "workday_override.remove": _l("Working-day correction removed"),
    "workday_override.update": _l("Working-day correction changed"),
}

# fields of before/after as people call them
FIELD_LABELS = {
    "action": _l("Action"),
    "active": _l("Active"),
    "activities": _l("Activities"),
    "activity_plan": _l("Activity plan"),
    "aggregation": _l("Aggregation"),
    "amount": _l("Amount"),
    "awards": _l("Awards"),
    "bank_reference": _l("Bank reference"),
    "beneficiaries": _l("Beneficiaries"),
    "bid_deadline": _l("Bid deadline"),
    "blind": _l("Blind review"),
    "budget": _l("Budget"),
    "budget_ceiling": _l("Budget ceiling"),
    "budget_lines": _l("Budget lines"),
    "cap_per_project": _l("Cap per project"),
    "checklist": _l("Checklist"),
    "closes_at": _l("Closes at"),
    "code": _l("Code"),
    "comment": _l("Comment"),
    "communities": _l("Communities"),
    "correction_deadline": _l("Correction deadline"),
    "credit_code": _l("Unified social credit code"),
    "criteria": _l("Criteria"),
    "deadline": _l("Deadline"),
    "declaration": _l("Declaration"),
    "description": _l("Description"),
    "digest": _l("Digest"),
    "document": _l("Document"),
    "elapsed": _l("Time used"),
    "eligibility": _l("Eligibility"),
    "email": _l("E-mail"),
    "employer": _l("Employer"),
    "ends_on": _l("Ends on"),
    "evaluation": _l("Evaluation"),
    "expertise": _l("Expertise"),
    "expires_at": _l("Expires at"),
    "file": _l("File"),
    "grade": _l("Grade"),
    "installment_plan": _l("Installment plan"),
    "justification": _l("Justification"),
    "kind": _l("Kind"),
    "label": _l("Label"),
    "length": _l("Length"),
    "max_applications_per_org": _l("Applications per organization"),
    "members": _l("Members"),
    "merged_into": _l("Merged into"),
    "method": _l("Method"),
    "milestones": _l("Milestones"),
    "name": _l("Name"),
    "name_zh": _l("Chinese name"),
    "needs": _l("Community needs"),
    "needs_analysis": _l("Needs analysis"),
    "no_conflict_at": _l("No conflict declared at"),
    "notes": _l("Notes"),
    "number": _l("Number"),
    "objectives": _l("Objectives"),
    "opened_at": _l("Opened at"),
    "opening_at": _l("Opening time"),
    "opening_place": _l("Opening place"),
    "opens_at": _l("Opens at"),
    "own_funds": _l("Own or matched funds"),
    "paid": _l("Paid"),
    "paid_on": _l("Paid on"),
    "period_days": _l("Period (working days)"),
    "phone": _l("Phone"),
    "place": _l("Place"),
    "position": _l("Position"),
    "price_weight": _l("Price weight"),
    "project_end": _l("Project end"),
    "project_start": _l("Project start"),
    "rank": _l("Rank"),
    "reason": _l("Reason"),
    "remaining": _l("Remaining"),
    "requested": _l("Requested"),
    "requested_amount": _l("Requested amount"),
    "required_attachments": _l("Required attachments"),
    "required_documents": _l("Required documents"),
    "requirements": _l("Requirements"),
    "reserves": _l("Reserves"),
    "residents": _l("Residents"),
    "reviewers": _l("Reviewers"),
    "reviewers_per_application": _l("Reviewers per application"),
    "roles": _l("Roles"),
    "round": _l("Round"),
    "route": _l("Procurement route"),
    "rubric": _l("Rubric"),
    "running": _l("Running"),
    "score": _l("Score"),
    "scored": _l("Scored"),
    "scores": _l("Scores"),
    "self_assessment_due": _l("Self-assessment due"),
    "service": _l("Service"),
    "sha256": _l("SHA-256"),
    "size": _l("Size"),
    "spent": _l("Spent"),
    "spread_threshold": _l("Spread threshold"),
    "starts_on": _l("Starts on"),
    "state": _l("Status"),
    "street": _l("Street"),
    "subject": _l("Subject"),
    "submitted": _l("Submitted"),
    "target_group": _l("Target group"),
    "team": _l("Project team"),
    "template_version": _l("Template version"),
    "term_end": _l("Term end"),
    "term_start": _l("Term start"),
    "text": _l("Text"),
    "title": _l("Title"),
    "total": _l("Total"),
    "total_budget": _l("Total budget"),
    "urgency": _l("Urgency"),
    "user": _l("User"),
    "verdict": _l("Verdict"),
    "version": _l("Version"),
    "voucher_no": _l("Voucher number"),
    "year": _l("Year"),
}
# a field ending in _id names another record: "Award" for award_id
ID_FIELD_RECORDS = {
    "activity_id": "Activity",
    "announcement_id": "Announcement",
    "application_id": "Application",
    "award_id": "Award",
    "bid_id": "Bid",
    "call_id": "Call",
    "category_id": "ServiceCategory",
    "community_id": "Community",
    "contract_id": "Contract",
    "evaluator_id": "User",
    "file_id": "ProjectDocument",
    "final_report_id": "ProgressReport",
    "officer_id": "User",
    "organization_id": "Organization",
    "project_id": "Project",
    "reviewer_id": "User",
    "signed_scan_id": "ProjectDocument",
    "tender_id": "Tender",
    "user_id": "User",
}
MONEY_FIELDS = {
    "amount", "budget", "budget_ceiling", "cap_per_project", "own_funds", "paid", "remaining",
    "requested", "requested_amount", "spent", "total_budget",
}  # fmt: skip

_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _transition_label(code):
    name, _sep, action = code.partition(".")
    workflow = WORKFLOWS.get(name)
    if workflow is None or name not in WORKFLOW_RECORDS:
        return None
    for t in workflow.transitions:
        if t.action == action and t.label:
            return _("%(record)s: %(action)s", record=WORKFLOW_RECORDS[name], action=t.label)
    return None


def action_label(code):
    """The words for an action code, or None when it has none (a test keeps that from
    happening)."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    return _transition_label(code)


def known_actions():
    """Every action code with a label: the listed ones and every lifecycle transition."""
    codes = set(ACTION_LABELS)
    for name, workflow in WORKFLOWS.items():
        codes.update(f"{name}.{t.action}" for t in workflow.transitions)
    return sorted(codes)


def action_text(code):
    """The words for an action code; an unknown code reads as a generic change, never raw."""
    return action_label(code) or _("Change recorded")


def record_label(object_type):
    label = RECORD_LABELS.get(object_type)
    return str(label) if label is not None else _("Record")


def field_label(key):
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    if key in ID_FIELD_RECORDS:
        return record_label(ID_FIELD_RECORDS[key])
    return key.replace("_", " ")


def _enum_columns():
    """{model class name: {column key: enum class}} from the mapped models."""
    from venture.extensions import db

    found = {}
    for mapper in db.Model.registry.mappers:
        for column in mapper.columns:
            enum_class = getattr(column.type, "enum_class", None)
            if isinstance(column.type, sa.Enum) and enum_class is not None:
                found.setdefault(mapper.class_.__name__, {})[column.key] = enum_class
    return found


_ENUMS = {}


def _enum_for(object_type, key):
    if not _ENUMS:
        _ENUMS.update(_enum_columns() or {"": {}})
    return _ENUMS.get(object_type, {}).get(key)


def _yes_no(value):
    return _("Yes") if value else _("No")


def format_value(object_type, key, value):
    """A stored before/after value as the pages show it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _yes_no(value)
    enum_class = _enum_for(object_type, key)
    if enum_class is not None and isinstance(value, str):
        try:
            member = enum_class(value)
        except ValueError:
            return value
        return str(getattr(member, "label", member.value))
    if key in ID_FIELD_RECORDS and isinstance(value, int):
        return f"#{value}"
    if key in MONEY_FIELDS and isinstance(value, str | int | float):
        try:
            return yuan(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            return local_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        if _ISO_DATE.match(value):
            return local_date(date.fromisoformat(value))
        return value
    if isinstance(value, list):
        if all(isinstance(v, str | int | float) for v in value):
            return "、".join(str(v) for v in value) if value else "—"
        return _("%(n)d items", n=len(value))
    if isinstance(value, dict):
        return "；".join(
            f"{field_label(k)}: {format_value(object_type, k, v)}" for k, v in value.items()
        )
    return str(value)


def _load(text):
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {"": text}
    return data if isinstance(data, dict) else {"": data}


def describe_changes(entry):
    """The fields an entry changed: [{field, before, after}], labelled and formatted."""
    before, after = _load(entry.before), _load(entry.after)
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        rows.append(
            {
                "field": field_label(key) if key else "",
                "before": format_value(entry.object_type, key, before.get(key))
                if key in before
                else None,
                "after": format_value(entry.object_type, key, after.get(key))
                if key in after
                else None,
            }
        )
    return rows


def register(app):
    """Filters for templates: action_text, record_label, describe_changes; and known_actions,
    for the audit log's list of action codes (admin/_audit_actions.html, kept per language)."""
    app.jinja_env.filters.update(
        audit_action=action_text, audit_record=record_label, audit_changes=describe_changes
    )
    app.jinja_env.globals["known_audit_actions"] = known_actions
