"""Open Contracting Data Standard 1.1.5 releases: one release per published call.

Mapping: call / tender → `tender`; the district civil affairs bureau (contracts' party A, from
config) → buyer, procuring entity and payer; organizations → `parties` identified by their
unified social credit code; awards → `awards`; contracts → `contracts`, their payments →
`contracts[].implementation.transactions`, the project milestones → milestones.

Only what the public pages show is published: published calls, awards once final or once their
result is announced (公示), contracts once issued, tenderers of a tender only after its opening
(a sealed bid appears nowhere, procurement.permissions.is_sealed), no bid prices, no bank
details. Releases are built for a batch of calls with a fixed number of queries.
One call's package is stored and served as stored while its stamp holds: venture.api.ocds_store.
"""

from datetime import datetime, time

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from venture.announcements.enums import AnnouncementKind, AnnouncementState
from venture.announcements.models import Announcement
from venture.api.permissions import public_award_condition
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.calls.enums import CallStatus, Route
from venture.contracts.document import party_a, plain_text
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core import timeutil
from venture.extensions import db
from venture.payments.models import Installment
from venture.procurement.enums import AwardState, DesignationState, EvaluationMethod, TenderMethod
from venture.procurement.models import Award, Bid, Designation, Tender
from venture.procurement.permissions import UNOPENED, is_sealed

OCDS_VERSION = "1.1"
# a deployment registers its own prefix with the OCDS helpdesk and sets OCDS_OCID_PREFIX
DEFAULT_OCID_PREFIX = "ocds-xfgyct"
# the org-id.guide style scheme of the unified social credit code (统一社会信用代码)
DEFAULT_PARTY_SCHEME = "CN-USCC"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CURRENCY = "CNY"

# (procurementMethod, procurementMethodDetails) per route and tender method
METHODS = {
    Route.VENTURE_GRANT: ("open", "公益创投（公开征集、专家评审）"),
    Route.TARGETED: ("direct", "定向购买（定向委托）"),
    TenderMethod.OPEN: ("open", "公开招标"),
    TenderMethod.NEGOTIATION: ("selective", "竞争性磋商"),
}
# (awardCriteria, awardCriteriaDetails)
CRITERIA = {
    Route.VENTURE_GRANT: ("ratedCriteria", "专家评审综合评分，按排名在预算内择优立项"),
    Route.TARGETED: (None, "定向委托，经公示无异议后授予"),
    EvaluationMethod.COMPREHENSIVE: ("ratedCriteria", "综合评分法"),
    EvaluationMethod.LOWEST_PRICE: ("priceOnly", "最低评标价法"),
}
AWARD_STATUS = {
    AwardState.PROPOSED: "pending",
    AwardState.FINAL: "active",
    AwardState.CANCELLED: "cancelled",
}
DOCUMENT_TYPES = {
    AnnouncementKind.CALL_NOTICE: "tenderNotice",
    AnnouncementKind.REVIEW_RESULT: "awardNotice",
    AnnouncementKind.DESIGNATION: "awardNotice",
    AnnouncementKind.TENDER_RESULT: "awardNotice",
    AnnouncementKind.TENDER_FAILED: "cancellationDetails",
    AnnouncementKind.EVALUATION_RESULT: "evaluationReports",
}
MILESTONE_STATUS = {"done": "met", "delayed": "notMet"}  # the others are still scheduled


def ocid_prefix():
    return current_app.config.get("OCDS_OCID_PREFIX", DEFAULT_OCID_PREFIX)


def ocid(call):
    return f"{ocid_prefix()}-{call.id}"


def _scheme():
    return current_app.config.get("OCDS_PARTY_SCHEME", DEFAULT_PARTY_SCHEME)


def _value(amount):
    # OCDS amounts are JSON numbers. A Money value has at most 12 integer digits and 2
    # decimals, so the float's shortest repr is exactly the decimal amount.
    return {"amount": float(amount), "currency": CURRENCY}


def _moment(value):
    return value.astimezone(timeutil.LOCAL_TZ).replace(microsecond=0).isoformat() if value else None


def _start_of(day):
    return datetime.combine(day, time(0, 0), timeutil.LOCAL_TZ).isoformat() if day else None


def _end_of(day):
    return datetime.combine(day, time(23, 59, 59), timeutil.LOCAL_TZ).isoformat() if day else None


def _period(start, end):
    return {"startDate": _start_of(start), "endDate": _end_of(end)}


def _url(endpoint, **values):
    return url_for(endpoint, _external=True, **values)


class Parties:
    """The release's parties, each once, with every role it plays."""

    def __init__(self):
        self.buyer = party_a()
        self.rows = {}

    def _add(self, key, data, role):
        row = self.rows.setdefault(key, {**data, "roles": []})
        if role not in row["roles"]:
            row["roles"].append(role)
        return {"id": row["id"], "name": row["name"]}

    def buyer_ref(self, role="buyer"):
        code = self.buyer["credit_code"]
        data = {
            "id": f"{_scheme()}-{code}",
            "name": self.buyer["name"],
            "identifier": {"scheme": _scheme(), "id": code, "legalName": self.buyer["name"]},
            "address": {"streetAddress": self.buyer["address"], "countryName": "中国"},
            "contactPoint": {"name": self.buyer["contact"], "telephone": self.buyer["phone"]},
        }
        return self._add("buyer", data, role)

    def organization_ref(self, org, role):
        data = {
            "id": f"{_scheme()}-{org.credit_code}",
            "name": org.name,
            "identifier": {"scheme": _scheme(), "id": org.credit_code, "legalName": org.name},
            "address": {"streetAddress": org.address, "countryName": "中国"},
        }
        return self._add(org.id, data, role)

    def as_list(self):
        return list(self.rows.values())


class Batch:
    """Everything the releases of some calls need, loaded in a fixed number of queries."""

    def __init__(self, calls):
        ids = [c.id for c in calls]
        self.tenders = {
            t.call_id: t
            for t in db.session.scalars(
                sa.select(Tender)
                .where(Tender.call_id.in_(ids))
                .options(selectinload(Tender.clarifications))
            )
        }
        self.designations = {
            d.call_id: d
            for d in db.session.scalars(
                sa.select(Designation).where(
                    Designation.call_id.in_(ids), Designation.state != DesignationState.CANCELLED
                )
            )
        }
        opened = [t.id for t in self.tenders.values() if t.is_opened]
        self.bids = {}
        for bid in db.session.scalars(
            sa.select(Bid)
            .where(Bid.tender_id.in_(opened), Bid.state.not_in(UNOPENED))
            .order_by(Bid.id)
        ):
            if not is_sealed(bid):
                self.bids.setdefault(bid.tender.call_id, []).append(bid)
        self.awards = {}
        for award in db.session.scalars(
            sa.select(Award)
            .where(Award.call_id.in_(ids), public_award_condition())
            # one statement per relation for a call of any size (selectinload batches by 500)
            .options(joinedload(Award.application).subqueryload(Application.milestones))
            .order_by(Award.rank.is_(None), Award.rank, Award.id)
        ):
            self.awards.setdefault(award.call_id, []).append(award)
        award_ids = [a.id for awards in self.awards.values() for a in awards]
        self.contracts = {}
        for contract in db.session.scalars(
            sa.select(Contract)
            .where(Contract.award_id.in_(award_ids), Contract.state != ContractState.DRAFT)
            .options(subqueryload(Contract.installments).subqueryload(Installment.payments))
        ):
            self.contracts[contract.award_id] = contract
        self.milestones = self._project_milestones([c.id for c in self.contracts.values()])
        self.announcements = {}
        for announcement in db.session.scalars(
            sa.select(Announcement)
            .where(Announcement.call_id.in_(ids), Announcement.state != AnnouncementState.WITHDRAWN)
            .order_by(Announcement.published_at, Announcement.id)
        ):
            self.announcements.setdefault(announcement.call_id, []).append(announcement)
        self.applicants = dict(
            db.session.execute(
                sa.select(Application.call_id, sa.func.count())
                .where(
                    Application.call_id.in_(ids),
                    Application.number.is_not(None),
                    Application.state != ApplicationState.WITHDRAWN,
                )
                .group_by(Application.call_id)
            ).all()
        )

    @staticmethod
    def _project_milestones(contract_ids):
        from venture.delivery.models import PlanMilestone, Project

        found = {}
        rows = db.session.execute(
            sa.select(Project.contract_id, PlanMilestone)
            .join(PlanMilestone, PlanMilestone.project_id == Project.id)
            .where(Project.contract_id.in_(contract_ids))
            .order_by(PlanMilestone.position)
        ).all()
        for contract_id, milestone in rows:
            found.setdefault(contract_id, []).append(milestone)
        return found


def _tender_status(call, awards):
    status = call.status
    if status == CallStatus.CANCELLED:
        return "cancelled"
    if status == CallStatus.UPCOMING:
        return "planned"
    if status == CallStatus.OPEN:
        return "active"
    if any(a.state == AwardState.FINAL for a in awards):
        return "complete"
    return "active"


def _documents(call, announcements):
    documents = [
        {
            "id": f"notice-{call.id}",
            "documentType": "tenderNotice",
            "title": call.title,
            "url": _url("calls.notice", call_id=call.id),
            "format": "application/pdf",
            "language": "zh",
            "datePublished": _moment(call.published_at),
        }
    ]
    for a in announcements:
        documents.append(
            {
                "id": f"announcement-{a.id}",
                "documentType": DOCUMENT_TYPES[a.kind],
                "title": a.title,
                "url": _url("announcements.show", announcement_id=a.id),
                "format": "text/html",
                "language": "zh",
                "datePublished": _moment(a.published_at),
            }
        )
    return documents


def _tender(call, batch, parties, awards):
    record = batch.tenders.get(call.id)
    if record is not None:
        method, method_details = METHODS[record.method]
        criteria, criteria_details = CRITERIA[record.evaluation]
        value = record.budget_ceiling
    else:
        method, method_details = METHODS[call.route]
        criteria, criteria_details = CRITERIA[call.route]
        value = call.total_budget
    section = {
        "id": f"{ocid(call)}-tender",
        "title": call.title,
        "description": plain_text(call.description),
        "status": _tender_status(call, awards),
        "procuringEntity": parties.buyer_ref("procuringEntity"),
        "value": _value(value),
        "procurementMethod": method,
        "procurementMethodDetails": method_details,
        "mainProcurementCategory": "services",
        "awardCriteriaDetails": criteria_details,
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": _moment(call.opens_at), "endDate": _moment(call.closes_at)},
        "contractPeriod": _period(call.project_start, call.project_end),
        "eligibilityCriteria": "\n".join(call.eligibility_items),
        "items": [
            {
                "id": str(category.id),
                "description": category.name_zh,
                "classification": {
                    "scheme": "x_venture_service_category",
                    "id": category.code,
                    "description": category.name_zh,
                },
            }
            for category in call.categories
        ],
        "documents": _documents(call, batch.announcements.get(call.id, [])),
    }
    if criteria:
        section["awardCriteria"] = criteria
    designation = batch.designations.get(call.id)
    if designation is not None and designation.state != DesignationState.DRAFTED:
        section["procurementMethodRationale"] = designation.justification
    if record is not None:
        section["enquiryPeriod"] = {
            "startDate": _moment(call.published_at),
            "endDate": _moment(call.closes_at),
        }
        section["hasEnquiries"] = bool(record.clarifications)
        if record.is_opened:
            bids = batch.bids.get(call.id, [])
            section["numberOfTenderers"] = len(bids)
            section["tenderers"] = [
                parties.organization_ref(b.organization, "tenderer") for b in bids
            ]
    elif call.route == Route.VENTURE_GRANT and call.status == CallStatus.CLOSED:
        section["numberOfTenderers"] = batch.applicants.get(call.id, 0)
    return section


def _award(call, award, parties):
    application = award.application
    term = (
        (application.project_start, application.project_end)
        if application is not None and application.project_start and application.project_end
        else (call.project_start, call.project_end)
    )
    section = {
        "id": str(award.id),
        "title": application.title if application is not None else call.title,
        "status": AWARD_STATUS[award.state],
        "date": _moment(award.final_at or award.created_at),
        "value": _value(award.amount),
        "suppliers": [parties.organization_ref(award.organization, "supplier")],
        "contractPeriod": _period(*term),
    }
    return section


def _contract_status(contract):
    if contract.state == ContractState.ISSUED:
        return "pending"
    if contract.is_active:  # signed binds both parties and money may move
        return "active"
    if contract.state == ContractState.TERMINATED and contract.in_force_at is None:
        return "cancelled"
    return "terminated"


def _planned_milestones(award):
    application = award.application
    if application is None:
        return []
    return [
        {
            "id": f"application-{application.id}-{m.position}",
            "title": m.title,
            "type": "delivery",
            "description": m.deliverable,
            "dueDate": _end_of(m.due_date),
            "status": "scheduled",
        }
        for m in application.milestones
    ]


def _contract(award, contract, batch, parties):
    buyer = None
    transactions = []
    for installment in contract.installments:
        for payment in installment.payments:
            buyer = buyer or parties.buyer_ref("payer")
            transactions.append(
                {
                    "id": str(payment.id),
                    "date": _start_of(payment.paid_on),
                    "value": _value(payment.amount),
                    "payer": buyer,
                    "payee": parties.organization_ref(contract.organization, "payee"),
                }
            )
    milestones = [
        {
            "id": f"project-milestone-{m.id}",
            "title": m.title,
            "type": "delivery",
            "description": m.deliverable,
            "dueDate": _end_of(m.due_date),
            "status": MILESTONE_STATUS.get(m.status.value, "scheduled"),
            **({"dateMet": _start_of(m.completed_on)} if m.completed_on else {}),
        }
        for m in batch.milestones.get(contract.id, [])
    ]
    section = {
        "id": contract.number,
        "awardID": str(award.id),
        "title": contract.title,
        "status": _contract_status(contract),
        "period": _period(contract.start_date, contract.end_date),
        "value": _value(contract.amount),
        "milestones": _planned_milestones(award),
        "implementation": {"transactions": transactions, "milestones": milestones},
    }
    if contract.signed_on is not None:
        section["dateSigned"] = _start_of(contract.signed_on)
    return section


def _latest(call, awards, contracts, announcements):
    moments = [call.updated_at, call.published_at]
    moments += [a.updated_at for a in awards]
    moments += [c.updated_at for c in contracts]
    moments += [a.published_at for a in announcements]
    moments += [p.recorded_at for c in contracts for i in c.installments for p in i.payments]
    return max(m for m in moments if m is not None)


def release(call, batch):
    """The release of one published call, as of its latest change."""
    parties = Parties()
    buyer = parties.buyer_ref("buyer")
    awards = batch.awards.get(call.id, [])
    tender = _tender(call, batch, parties, awards)
    award_sections = [_award(call, a, parties) for a in awards]
    pairs = [(a, batch.contracts[a.id]) for a in awards if a.id in batch.contracts]
    contract_sections = [_contract(a, c, batch, parties) for a, c in pairs]
    latest = _latest(call, awards, [c for _a, c in pairs], batch.announcements.get(call.id, []))
    tags = ["tenderCancellation" if call.status == CallStatus.CANCELLED else "tender"]
    if award_sections:
        tags.append("award")
    if contract_sections:
        tags.append("contract")
    if any(
        c["implementation"]["transactions"] or c["implementation"]["milestones"]
        for c in contract_sections
    ):
        tags.append("implementation")
    data = {
        "ocid": ocid(call),
        "id": f"{ocid(call)}-{latest.astimezone(timeutil.LOCAL_TZ):%Y%m%dT%H%M%S}",
        "date": _moment(latest),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "parties": parties.as_list(),
        "buyer": buyer,
        "planning": {"budget": {"description": call.title, "amount": _value(call.total_budget)}},
        "tender": tender,
    }
    if award_sections:
        data["awards"] = award_sections
    if contract_sections:
        data["contracts"] = contract_sections
    return data


def releases(calls):
    batch = Batch(calls)
    return [release(call, batch) for call in calls]


def package(release_list, uri):
    """A release package around release_list."""
    buyer = party_a()
    dates = [r["date"] for r in release_list]
    published = max(dates, key=datetime.fromisoformat) if dates else _moment(timeutil.now())
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published,
        "publisher": {"name": buyer["name"], "scheme": _scheme(), "uid": buyer["credit_code"]},
        "license": current_app.config.get("OCDS_LICENSE", DEFAULT_LICENSE),
        "publicationPolicy": _url("api.docs") + "#open-data",
        "releases": release_list,
    }
