"""Builders for procurement tests: tenders in each stage, bids, experts, designations."""

import io
from datetime import timedelta
from decimal import Decimal

from werkzeug.datastructures import FileStorage

from tests import factories
from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.core.timeutil import now
from venture.extensions import db
from venture.procurement import operations
from venture.procurement.conflicts import declare_no_tie
from venture.procurement.enums import EvaluationMethod, TenderMethod
from venture.review import operations as review

DOCUMENTS = "营业执照或登记证书\n报价明细表"


def pdf(name="file.pdf"):
    return FileStorage(stream=io.BytesIO(MINIMAL_PDF), filename=name)


def tender_call(
    *,
    method=TenderMethod.OPEN,
    evaluation=EvaluationMethod.COMPREHENSIVE,
    ceiling="110000.00",
    weight="30",
    deadline_days=25,
    documents=DOCUMENTS,
    staff=None,
    criteria=(40, 30),
):
    """A draft tender call with its details and technical criteria (not yet published)."""
    staff = staff or factories.user(Role.STAFF)
    call = factories.call(
        "draft",
        route="tender",
        staff=staff,
        total_budget="200000.00",
        cap_per_project="200000.00",
        required_attachments="",
    )
    call.opens_at = now() - timedelta(hours=1)
    db.session.commit()
    deadline = now() + timedelta(days=deadline_days)
    tender = operations.save_tender(
        call,
        {
            "method": method,
            "evaluation": evaluation,
            "requirements": "为辖区独居老人提供每周上门探访服务。",
            "budget_ceiling": Decimal(ceiling),
            "price_weight": Decimal(weight),
            "required_documents": documents,
            "bid_deadline": deadline,
            "opening_at": deadline,
            "opening_place": "香坊区民政局三楼会议室",
        },
        actor=staff,
    )
    if evaluation == EvaluationMethod.COMPREHENSIVE and criteria:
        review.save_rubric(
            call,
            [
                {"id": None, "name": f"技术标准{i}", "description": "", "max_score": Decimal(m)}
                for i, m in enumerate(criteria, start=1)
            ],
            actor=staff,
        )
    db.session.commit()
    return tender


def published_tender(staff=None, **kwargs):
    from venture.calls.operations import publish_call

    staff = staff or factories.user(Role.STAFF)
    tender = tender_call(staff=staff, **kwargs)
    publish_call(tender.call, actor=staff)
    db.session.commit()
    return tender


def bid(tender, price, *, organization=None, documents=True, submit=True):
    """A bid of a new verified organization (its member returned as bid.member)."""
    member = factories.member(organization)
    made = operations.start_bid(tender, actor=member)
    operations.save_bid(
        made,
        {
            "price": Decimal(price) if price is not None else None,
            "approach": f"服务方案正文（{price}）",
            "team": "社工三名，志愿者二十名。",
            "schedule": "每月一次集中活动，每周上门探访。",
            "quality": "建立服务台账，季度满意度回访。",
            "declaration": True,
        },
        actor=member,
    )
    if documents:
        for label in tender.document_names:
            operations.attach_bid_file(made, label, pdf(f"{label}.pdf"), actor=member)
    if submit:
        operations.submit_bid(made, actor=member)
    db.session.commit()
    made.member = member
    return made


def pass_deadline(tender):
    """Move the deadline and the opening into the past (as time would)."""
    tender.call.closes_at = now() - timedelta(minutes=2)
    tender.opening_at = now() - timedelta(minutes=1)
    db.session.commit()


def opened(tender, staff=None):
    staff = staff or factories.user(Role.STAFF)
    pass_deadline(tender)
    operations.open_tender(tender, actor=staff)
    db.session.commit()
    return staff


def expert(name=None, ties=()):
    from tests.review.helpers import expert as make_expert

    return make_expert(name=name, ties=ties)


def evaluated(tender, bids_scores, staff=None):
    """Open, check compliance, form a 5-member panel and submit every sheet.

    bids_scores: {bid: [scores per criterion]} given by every member alike.
    """
    staff = staff or factories.user(Role.STAFF)
    if not tender.is_opened:
        opened(tender, staff)
    operations.check_compliance(tender, actor=staff)
    experts = [expert() for _ in range(5)]
    operations.form_tender_panel(
        tender, member_ids=[e.id for e in experts], reserve_ids=[], actor=staff
    )
    db.session.commit()
    if tender.evaluation == EvaluationMethod.COMPREHENSIVE:
        criteria = review.criteria_of(tender.call_id)
        for made, scores in bids_scores.items():
            if made.state.value != "compliant":
                continue
            for e in experts:
                declare_no_tie(made, reviewer=e, actor=e.user)
                sheet = operations.sheet_for(made, e)
                entries = {c.id: (str(s), "") for c, s in zip(criteria, scores, strict=True)}
                operations.submit_bid_sheet(
                    sheet, entries=entries, overall_comment="", actor=e.user
                )
    db.session.commit()
    operations.compute_scores(tender, actor=staff)
    db.session.commit()
    return staff, experts
