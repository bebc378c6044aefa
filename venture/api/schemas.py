"""JSON Schemas of what the API returns and accepts (OpenAPI 3.1 components, JSON Schema
2020-12). The request schemas are also what read_body() checks request bodies against."""

from venture.api.registry import MAX_ID
from venture.applications.enums import BudgetCategory
from venture.applications.operations import SCREENING_ACTIONS

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
ID = {"type": "integer", "minimum": 1}
MONEY = {
    "type": "string",
    "pattern": r"^-?\d+\.\d{2}$",
    "description": "An amount in yuan (CNY) with two decimals, as a string so it stays exact.",
}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri-reference"}


def nullable(schema):
    """schema or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties, required=None):
    """An object whose listed properties are all present (unless required says otherwise)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def array(items):
    return {"type": "array", "items": items}


ERROR = obj(
    {
        "error": obj(
            {
                "code": {**STRING, "description": "Stable machine-readable code."},
                "message": {**STRING, "description": "What went wrong, for a person."},
                "fields": {
                    "type": "object",
                    "additionalProperties": STRING,
                    "description": "Field key → message, when fields could not be read.",
                },
                "problems": {**array(STRING), "description": "What stops a submission."},
                "parameter": STRING,
                "field": STRING,
            },
            required=["code", "message"],
        )
    }
)

REFERENCE = obj({"id": ID, "title": STRING})
ORGANIZATION_SUMMARY = obj({"id": ID, "name": STRING, "credit_code": STRING})
NAMED = obj({"id": ID, "name": STRING})

ORGANIZATION = obj(
    {
        "id": ID,
        "name": STRING,
        "credit_code": STRING,
        "org_type": STRING,
        "org_type_label": STRING,
        "status": STRING,
        "status_label": STRING,
        "legal_representative": STRING,
        "address": STRING,
        "street": nullable(NAMED),
        "contact_name": STRING,
        "contact_phone": STRING,
        "contact_email": STRING,
        "bank_name": STRING,
        "bank_account_name": STRING,
        "bank_account": STRING,
        "verified_at": nullable(DATETIME),
        "created_at": DATETIME,
    }
)

TENDER = obj(
    {
        "method": STRING,
        "method_label": STRING,
        "evaluation": STRING,
        "evaluation_label": STRING,
        "budget_ceiling": MONEY,
        "price_weight": STRING,
        "bid_deadline": DATETIME,
        "opening_at": DATETIME,
        "opening_place": STRING,
        "opened_at": nullable(DATETIME),
    }
)

CALL = obj(
    {
        "id": ID,
        "title": STRING,
        "year": INTEGER,
        "route": STRING,
        "route_label": STRING,
        "status": STRING,
        "status_label": STRING,
        "description_html": STRING,
        "eligibility": array(STRING),
        "required_attachments": array(STRING),
        "total_budget": MONEY,
        "cap_per_project": MONEY,
        "max_applications_per_org": INTEGER,
        "project_start": DATE,
        "project_end": DATE,
        "opens_at": DATETIME,
        "closes_at": DATETIME,
        "published_at": nullable(DATETIME),
        "cancelled_at": nullable(DATETIME),
        "cancel_reason": nullable(STRING),
        "categories": array(obj({"id": ID, "code": STRING, "name": STRING})),
        "communities": array(obj({"id": ID, "name": STRING, "street": STRING})),
        "installment_plan": array(obj({"percent": INTEGER, "condition": STRING, "label": STRING})),
        "tender": nullable(TENDER),
        "links": obj({"html": URL, "notice_pdf": nullable(URL), "ocds": nullable(URL)}),
    }
)

BUDGET_LINE = obj(
    {
        "category": nullable(STRING),
        "item": STRING,
        "unit_price": nullable(MONEY),
        "quantity": nullable(STRING),
        "amount": nullable(MONEY),
        "requested": nullable(MONEY),
        "own_funds": nullable(MONEY),
    }
)
MILESTONE = obj({"title": STRING, "due_date": nullable(DATE), "deliverable": STRING})
HISTORY_ENTRY = obj(
    {
        "at": DATETIME,
        "action": STRING,
        "from_state": nullable(STRING),
        "to_state": nullable(STRING),
        "reason": nullable(STRING),
    }
)

APPLICATION_SUMMARY = obj(
    {
        "id": ID,
        "number": nullable(STRING),
        "call": REFERENCE,
        "organization": ORGANIZATION_SUMMARY,
        "state": STRING,
        "state_label": STRING,
        "title": STRING,
        "requested_amount": MONEY,
        "submitted_at": nullable(DATETIME),
        "updated_at": DATETIME,
    }
)

APPLICATION = {
    **obj(
        {
            **APPLICATION_SUMMARY["properties"],
            "version": INTEGER,
            "next_step": STRING,
            "category": nullable(NAMED),
            "communities": array(NAMED),
            "target_group": STRING,
            "beneficiaries": nullable(INTEGER),
            "needs_analysis": STRING,
            "objectives": STRING,
            "activity_plan": STRING,
            "team": STRING,
            "project_start": nullable(DATE),
            "project_end": nullable(DATE),
            "own_funds": MONEY,
            "total_budget": MONEY,
            "declaration": BOOLEAN,
            "correction_comment": nullable(STRING),
            "correction_deadline": nullable(DATETIME),
            "screening_reason": nullable(STRING),
            "screening_checklist": nullable(array(obj({"item": STRING, "met": BOOLEAN}))),
            "budget_lines": array(BUDGET_LINE),
            "milestones": array(MILESTONE),
            "attachments": array(obj({"id": ID, "label": STRING, "file_name": STRING})),
            "unreadable_fields": {
                "type": "object",
                "additionalProperties": STRING,
                "description": "Values kept as typed (on the web) that could not be read.",
            },
            "submission_problems": {
                **array(STRING),
                "description": "What still stops a submission (for the organization's members).",
            },
            "history": array(HISTORY_ENTRY),
            "links": obj({"html": URL, "pdf": URL}),
        }
    )
}

AWARD = obj(
    {
        "id": ID,
        "call": REFERENCE,
        "organization": ORGANIZATION_SUMMARY,
        "route": STRING,
        "route_label": STRING,
        "state": STRING,
        "state_label": STRING,
        "amount": MONEY,
        "rank": nullable(INTEGER),
        "application_id": nullable(ID),
        "final_at": nullable(DATETIME),
        "created_at": DATETIME,
    }
)

INSTALLMENT = obj(
    {
        "id": ID,
        "position": INTEGER,
        "percent": STRING,
        "condition": STRING,
        "condition_label": STRING,
        "amount": MONEY,
        "paid_amount": MONEY,
        "state": STRING,
        "state_label": STRING,
    }
)

CONTRACT = obj(
    {
        "id": ID,
        "number": STRING,
        "call": REFERENCE,
        "organization": ORGANIZATION_SUMMARY,
        "award_id": ID,
        "route": STRING,
        "state": STRING,
        "state_label": STRING,
        "amount": MONEY,
        "title": STRING,
        "start_date": DATE,
        "end_date": DATE,
        "template_version": nullable(STRING),
        "issued_at": nullable(DATETIME),
        "signed_on": nullable(DATE),
        "in_force_at": nullable(DATETIME),
        "completed_at": nullable(DATETIME),
        "terminated_at": nullable(DATETIME),
        "termination_reason": nullable(STRING),
        "installments": array(INSTALLMENT),
        "links": obj({"html": URL, "pdf": nullable(URL)}),
    }
)

PAYMENT = obj(
    {
        "id": ID,
        "contract": obj({"id": ID, "number": STRING}),
        "organization": ORGANIZATION_SUMMARY,
        "installment": obj({"id": ID, "position": INTEGER, "condition": STRING}),
        "paid_on": DATE,
        "amount": MONEY,
        "voucher_no": STRING,
        "bank_reference": STRING,
        "recorded_at": DATETIME,
    }
)

ANNOUNCEMENT = obj(
    {
        "id": ID,
        "kind": STRING,
        "kind_label": STRING,
        "title": STRING,
        "body_html": STRING,
        "call": nullable(REFERENCE),
        "published_at": DATETIME,
        "period_days": INTEGER,
        "starts_on": DATE,
        "ends_on": DATE,
        "state": STRING,
        "state_label": STRING,
        "objections_open": BOOLEAN,
        "finalised_at": nullable(DATETIME),
        "withdrawn_at": nullable(DATETIME),
        "withdrawal_reason": nullable(STRING),
        "attachments": array(obj({"id": ID, "name": STRING, "url": URL})),
        "links": obj({"html": URL, "ocds": nullable(URL)}),
    }
)

REVIEW_RESULTS = obj(
    {
        "call": REFERENCE,
        "announcement": obj(
            {"id": ID, "state": STRING, "state_label": STRING, "ends_on": DATE, "url": URL}
        ),
        "items": array(
            obj(
                {
                    "rank": INTEGER,
                    "organization": ORGANIZATION_SUMMARY,
                    "application": obj({"id": ID, "number": nullable(STRING), "title": STRING}),
                    "score": nullable(STRING),
                    "amount": MONEY,
                    "award_state": STRING,
                }
            )
        ),
    }
)

ME = obj(
    {
        "id": ID,
        "name": STRING,
        "email": STRING,
        "roles": array(STRING),
        "organization": nullable(ORGANIZATION_SUMMARY),
        "token": obj({"name": STRING, "prefix": STRING, "expires_at": nullable(DATETIME)}),
    }
)

# ── request bodies ─────────────────────────────────────────────────────────────────────────────

TEXT = {"type": "string", "maxLength": 20000}
SHORT = {"type": "string", "maxLength": 1000}
AMOUNT_INPUT = {
    "anyOf": [{"type": "string", "maxLength": 40}, {"type": "number"}, {"type": "null"}],
    "description": 'Yuan, e.g. "1200.50" (a string keeps it exact) or 1200.5.',
}
DATE_INPUT = {
    "anyOf": [{"type": "string", "maxLength": 40}, {"type": "null"}],
    "description": "2026-03-01 (also 2026/3/1 or 2026年3月1日, as on the web form).",
}

BUDGET_LINE_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "category": {"anyOf": [{"enum": [c.value for c in BudgetCategory]}, {"type": "null"}]},
        "item": SHORT,
        "unit_price": AMOUNT_INPUT,
        "quantity": AMOUNT_INPUT,
        "requested": AMOUNT_INPUT,
        "own_funds": AMOUNT_INPUT,
    },
}
MILESTONE_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"title": SHORT, "due_date": DATE_INPUT, "deliverable": TEXT},
}
DRAFT_FIELDS = {
    "title": SHORT,
    "category_id": {
        "anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, {"type": "null"}]
    },
    "community_ids": {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "maxItems": 200,
    },
    "target_group": TEXT,
    "beneficiaries": {
        "anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 40}, {"type": "null"}]
    },
    "needs_analysis": TEXT,
    "objectives": TEXT,
    "activity_plan": TEXT,
    "team": TEXT,
    "project_start": DATE_INPUT,
    "project_end": DATE_INPUT,
    "declaration": BOOLEAN,
    "budget_lines": {"type": "array", "items": BUDGET_LINE_INPUT, "maxItems": 100},
    "milestones": {"type": "array", "items": MILESTONE_INPUT, "maxItems": 50},
}

APPLICATION_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "description": "Fields of the draft to change; fields left out keep their saved value. "
    "budget_lines and milestones replace the whole list.",
    "properties": {
        "version": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_ID,
            "description": "The version read; a different saved version refuses the change (409).",
        },
        **DRAFT_FIELDS,
    },
}
APPLICATION_CREATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["call_id"],
    "properties": {"call_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, **DRAFT_FIELDS},
}
SCREENING_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action"],
    "properties": {
        "action": {"enum": list(SCREENING_ACTIONS)},
        "reason": {"type": "string", "maxLength": 4000},
        "checklist": {
            "type": "array",
            "items": BOOLEAN,
            "maxItems": 200,
            "description": "Met or not, for each of the call's eligibility requirements in order.",
        },
        "correction_deadline": {
            "type": "string",
            "maxLength": 40,
            "description": "When returning: ISO 8601 date-time; without an offset, Beijing time.",
        },
    },
}

ATTACHMENT_UPLOAD = {
    "type": "object",
    "required": ["label", "file"],
    "properties": {
        "label": {
            "type": "string",
            "maxLength": 200,
            "description": "One of the call's required attachments, or a name for another file.",
        },
        "file": {"type": "string", "format": "binary", "description": "PDF, Word, JPEG or PNG."},
    },
}

COMPONENTS = {
    "Error": ERROR,
    "OrganizationSummary": ORGANIZATION_SUMMARY,
    "Organization": ORGANIZATION,
    "Call": CALL,
    "ApplicationSummary": APPLICATION_SUMMARY,
    "Application": APPLICATION,
    "Award": AWARD,
    "Contract": CONTRACT,
    "Payment": PAYMENT,
    "Announcement": ANNOUNCEMENT,
    "ReviewResults": REVIEW_RESULTS,
    "Me": ME,
    "ApplicationCreate": APPLICATION_CREATE,
    "ApplicationUpdate": APPLICATION_UPDATE,
    "Screening": SCREENING_INPUT,
    "AttachmentUpload": ATTACHMENT_UPLOAD,
    "OcdsReleasePackage": {
        "type": "object",
        "description": "An OCDS 1.1.5 release package "
        "(https://standard.open-contracting.org/1.1/en/schema/release_package/).",
        "required": ["uri", "publisher", "publishedDate", "releases", "version"],
    },
    "OpenApi": {"type": "object", "required": ["openapi", "paths"]},
}
