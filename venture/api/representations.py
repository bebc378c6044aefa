"""What each resource looks like in the API: plain dicts matching venture/api/schemas.py.

Amounts are strings with two decimals (exact); times are ISO 8601 in UTC; each state comes
with its label in the reader's language.
"""

from flask import url_for

from venture.applications.rules import submission_problems
from venture.applications.values import field_label, problem_message
from venture.core.audit import AuditEntry, sealed_view


def money(value):
    return None if value is None else f"{value:.2f}"


def moment(value):
    return None if value is None else value.isoformat()


def day(value):
    return None if value is None else value.isoformat()


def _url(endpoint, **values):
    return url_for(endpoint, _external=True, **values)


def reference(call):
    return {"id": call.id, "title": call.title}


def organization_summary(org):
    return {"id": org.id, "name": org.name, "credit_code": org.credit_code}


def organization(org):
    return {
        **organization_summary(org),
        "org_type": org.org_type.value,
        "org_type_label": str(org.org_type.label),
        "status": org.status.value,
        "status_label": str(org.status.label),
        "legal_representative": org.legal_representative,
        "address": org.address,
        "street": {"id": org.street.id, "name": org.street.name} if org.street else None,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "contact_email": org.contact_email,
        "bank_name": org.bank_name,
        "bank_account_name": org.bank_account_name,
        "bank_account": org.bank_account,
        "verified_at": moment(org.verified_at),
        "created_at": moment(org.created_at),
    }


def tender(record):
    if record is None:
        return None
    return {
        "method": record.method.value,
        "method_label": str(record.method.label),
        "evaluation": record.evaluation.value,
        "evaluation_label": str(record.evaluation.label),
        "budget_ceiling": money(record.budget_ceiling),
        "price_weight": str(record.price_weight),
        "bid_deadline": moment(record.bid_deadline),
        "opening_at": moment(record.opening_at),
        "opening_place": record.opening_place,
        "opened_at": moment(record.opened_at),
    }


def call(record, tender_record=None):
    public = record.is_public
    return {
        "id": record.id,
        "title": record.title,
        "year": record.year,
        "route": record.route.value,
        "route_label": str(record.route.label),
        "status": record.status.value,
        "status_label": str(record.status.label),
        "description_html": record.description_html,
        "eligibility": record.eligibility_items,
        "required_attachments": record.attachment_names,
        "total_budget": money(record.total_budget),
        "cap_per_project": money(record.cap_per_project),
        "max_applications_per_org": record.max_applications_per_org,
        "project_start": day(record.project_start),
        "project_end": day(record.project_end),
        "opens_at": moment(record.opens_at),
        "closes_at": moment(record.closes_at),
        "published_at": moment(record.published_at),
        "cancelled_at": moment(record.cancelled_at),
        "cancel_reason": record.cancel_reason,
        "categories": [{"id": c.id, "code": c.code, "name": c.name} for c in record.categories],
        "communities": [
            {"id": c.id, "name": c.name, "street": c.street.name} for c in record.communities
        ],
        "installment_plan": [
            {"percent": percent, "condition": condition.value, "label": str(condition.label)}
            for percent, condition in record.installments
        ],
        "tender": tender(tender_record),
        "links": {
            "html": _url("calls.show", call_id=record.id),
            "notice_pdf": _url("calls.notice", call_id=record.id) if public else None,
            "ocds": _url("api.v1.ocds_call", call_id=record.id) if public else None,
        },
    }


def application_summary(record):
    return {
        "id": record.id,
        "number": record.number,
        "call": reference(record.call),
        "organization": organization_summary(record.organization),
        "state": record.state.value,
        "state_label": str(record.state.label),
        "title": record.title,
        "requested_amount": money(record.requested_amount),
        "submitted_at": moment(record.submitted_at),
        "updated_at": moment(record.updated_at),
    }


def history(record_type, record_id):
    """The audit rows of a record, oldest first: what happened, when, from which state to which."""
    import sqlalchemy as sa

    from venture.extensions import db

    rows = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == record_type, AuditEntry.object_id == record_id)
        .order_by(AuditEntry.seq)
    ).all()
    rows = sealed_view(rows)
    entries = []
    for row in rows:
        before, after = row.before_data or {}, row.after_data or {}
        entries.append(
            {
                "at": moment(row.at),
                "action": row.action,
                "from_state": before.get("state") if isinstance(before.get("state"), str) else None,
                "to_state": after.get("state") if isinstance(after.get("state"), str) else None,
                "reason": row.reason,
            }
        )
    return entries


def application(record, *, member):
    """The whole application; member: the reader belongs to its organization (who is told
    what still stops a submission)."""
    editable = member and record.is_editable
    return {
        **application_summary(record),
        "version": record.version,
        "next_step": str(record.state.next_step),
        "category": {"id": record.category.id, "name": record.category.name}
        if record.category
        else None,
        "communities": [{"id": c.id, "name": c.full_name} for c in record.communities],
        "target_group": record.target_group,
        "beneficiaries": record.beneficiaries,
        "needs_analysis": record.needs_analysis,
        "objectives": record.objectives,
        "activity_plan": record.activity_plan,
        "team": record.team,
        "project_start": day(record.project_start),
        "project_end": day(record.project_end),
        "own_funds": money(record.own_funds),
        "total_budget": money(record.total_budget),
        "declaration": record.declaration,
        "correction_comment": record.correction_comment,
        "correction_deadline": moment(record.correction_deadline),
        "screening_reason": record.screening_reason,
        "screening_checklist": record.screening_checklist,
        "budget_lines": [
            {
                "category": line.category.value if line.category else None,
                "item": line.item,
                "unit_price": money(line.unit_price),
                "quantity": line.quantity_text or None,
                "amount": money(line.amount),
                "requested": money(line.requested),
                "own_funds": money(line.own_funds),
            }
            for line in record.budget_lines
        ],
        "milestones": [
            {
                "title": milestone.title,
                "due_date": day(milestone.due_date),
                "deliverable": milestone.deliverable,
            }
            for milestone in record.milestones
        ],
        "attachments": [
            {"id": a.id, "label": a.label, "file_name": a.file.original_name}
            for a in record.attachments
        ],
        "unreadable_fields": {
            key: f"{field_label(key)}: {problem_message(entry['kind'], entry['value'])}"
            for key, entry in (record.typed_input or {}).items()
        }
        if member
        else {},
        "submission_problems": [str(p) for p in submission_problems(record)] if editable else [],
        "history": history("Application", record.id),
        "links": {
            "html": _url("applications.show", application_id=record.id),
            "pdf": _url("applications.pdf", application_id=record.id),
        },
    }


def award(record):
    return {
        "id": record.id,
        "call": reference(record.call),
        "organization": organization_summary(record.organization),
        "route": record.route.value,
        "route_label": str(record.route.label),
        "state": record.state.value,
        "state_label": str(record.state.label),
        "amount": money(record.amount),
        "rank": record.rank,
        "application_id": record.application_id,
        "final_at": moment(record.final_at),
        "created_at": moment(record.created_at),
    }


def installment(record):
    return {
        "id": record.id,
        "position": record.position,
        "percent": str(record.percent),
        "condition": record.condition.value,
        "condition_label": str(record.condition.label),
        "amount": money(record.amount),
        "paid_amount": money(record.paid_amount),
        "state": record.state.value,
        "state_label": str(record.state.label),
    }


def contract(record):
    has_document = record.document_id is not None and not record.is_draft
    return {
        "id": record.id,
        "number": record.number,
        "call": reference(record.call),
        "organization": organization_summary(record.organization),
        "award_id": record.award_id,
        "route": record.route.value,
        "state": record.state.value,
        "state_label": str(record.state.label),
        "amount": money(record.amount),
        "title": record.title,
        "start_date": day(record.start_date),
        "end_date": day(record.end_date),
        "template_version": record.template_version,
        "issued_at": moment(record.issued_at),
        "signed_on": day(record.signed_on),
        "in_force_at": moment(record.in_force_at),
        "completed_at": moment(record.completed_at),
        "terminated_at": moment(record.terminated_at),
        "termination_reason": record.termination_reason,
        "installments": [installment(i) for i in record.installments],
        "links": {
            "html": _url("contracts.show", contract_id=record.id),
            "pdf": _url("api.v1.contract_pdf", contract_id=record.id) if has_document else None,
        },
    }


def payment(record):
    part = record.installment
    deal = part.contract
    return {
        "id": record.id,
        "contract": {"id": deal.id, "number": deal.number},
        "organization": organization_summary(deal.organization),
        "installment": {
            "id": part.id,
            "position": part.position,
            "condition": part.condition.value,
        },
        "paid_on": day(record.paid_on),
        "amount": money(record.amount),
        "voucher_no": record.voucher_no,
        "bank_reference": record.bank_reference,
        "recorded_at": moment(record.recorded_at),
    }


def announcement(record):
    public_call = record.call if record.call is not None and record.call.is_public else None
    return {
        "id": record.id,
        "kind": record.kind.value,
        "kind_label": str(record.kind.label),
        "title": record.title,
        "body_html": record.body,
        "call": reference(public_call) if public_call else None,
        "published_at": moment(record.published_at),
        "period_days": record.period_days,
        "starts_on": day(record.starts_on),
        "ends_on": day(record.ends_on),
        "state": record.state.value,
        "state_label": str(record.state.label),
        "objections_open": record.objections_open,
        "finalised_at": moment(record.finalised_at),
        "withdrawn_at": moment(record.withdrawn_at),
        "withdrawal_reason": record.withdrawal_reason,
        "attachments": [
            {
                "id": f.id,
                "name": f.original_name,
                "url": _url("announcements.attachment", announcement_id=record.id, file_id=f.id),
            }
            for f in record.attachments
        ],
        "links": {
            "html": _url("announcements.show", announcement_id=record.id),
            "ocds": _url("api.v1.ocds_call", call_id=public_call.id) if public_call else None,
        },
    }
