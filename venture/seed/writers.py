"""One writer per kind of record, up to the awards: the row as the app would have written it
and the audit rows its operation leaves, handed to a bulk `Writer` (`w`).

The caller says what (names, amounts, the moments things happened); a writer says how (which
columns, which defaults, which audit rows). Each returns the new row's id. Contracts and
delivery are in `venture.seed.writers_delivery`.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from venture.announcements.enums import AnnouncementState
from venture.announcements.models import Announcement
from venture.applications.models import (
    Application,
    BudgetLine,
    Milestone,
    application_community,
)
from venture.auth.models import User, UserRole
from venture.calls.models import Call, call_category, call_community
from venture.core.timeutil import LOCAL_TZ
from venture.delivery.models import ReportingPlan
from venture.evaluation.models import EvaluationCriterion
from venture.orgs.credit_code import org_type_for
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.procurement.enums import AwardState, DesignationState
from venture.procurement.models import Award, Bid, Designation, Tender
from venture.reference.models import Community, ServiceCategory, Street
from venture.review.enums import AssignmentState, PanelMethod, SheetState
from venture.review.models import (
    Panel,
    PanelMember,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerProfile,
    ReviewScore,
    ReviewSheet,
    reviewer_expertise,
)
from venture.seed.bulk import nulls, stamps
from venture.seed.vocabulary import score_text

# ── reference data and people ─────────────────────────────────────────────────────────────


def write_street(w, name, kind="street"):
    return w.add(Street, name=name, kind=kind, active=True)


def write_community(w, street, name):
    return w.add(Community, street_id=street, name=name, active=True)


def write_category(w, code, name_zh, name_en):
    return w.add(ServiceCategory, code=code, name_zh=name_zh, name_en=name_en, active=True)


def write_organization(w, *, name, credit_code, verified, at, **fields):
    """An organization; `fields` are its address, contacts and bank details. A verified one
    was verified (and its bank account checked) at `at`."""
    return w.add(
        Organization,
        name=name,
        credit_code=credit_code,
        org_type=org_type_for(credit_code),
        legal_representative=fields["legal_representative"],
        address=fields["address"],
        street_id=fields["street_id"],
        contact_name=fields["contact_name"],
        contact_phone=fields["contact_phone"],
        contact_email=fields["contact_email"],
        bank_name=fields["bank_name"],
        bank_account_name=name,
        bank_account=fields["bank_account"],
        **nulls("certificate_id", "status_reason"),
        status=OrgStatus.VERIFIED if verified else OrgStatus.PENDING,
        verified_at=at if verified else None,
        bank_verified_at=at if verified else None,
        **stamps(at),
    )


def write_user(w, email, name, roles, *, password_hash, organization=None, at):
    """An account with its roles, audited as `user.create`."""
    uid = w.add(
        User,
        **nulls("phone", "locale", "last_login_at", "community_id"),
        email=email,
        name=name,
        session_version=1,
        password_hash=password_hash,
        active=True,
        organization_id=organization,
        **stamps(at),
    )
    for role in roles:
        w.add(UserRole, user_id=uid, role=role)
    w.audit("user.create", "User", uid, actor=None, at=at, after={"email": email})
    return uid


def write_reviewer_profile(w, user, *, categories, at, **fields):
    """An expert of the pool with the categories they review; `fields` are the title,
    employer and phone."""
    profile = w.add(ReviewerProfile, user_id=user, **fields, notes="", active=True, **stamps(at))
    for category in categories:
        w.add(reviewer_expertise, reviewer_id=profile, category_id=category)
    return profile


# ── calls ─────────────────────────────────────────────────────────────────────────────────


def write_call(w, *, staff, created, published, categories, communities, **fields):
    """A published call with its categories and communities; `fields` are Call's columns."""
    call = w.add(
        Call,
        **fields,
        published_at=published,
        **nulls("cancelled_at", "cancel_reason", "notice_id"),
        created_by_id=staff,
        **stamps(created, published),
    )
    w.audit("call.create", "Call", call, actor=staff, at=created, after={})
    w.transition("call", "publish", "Call", call, "draft", "published", actor=staff, at=published)
    for category in categories:
        w.add(call_category, call_id=call, category_id=category)
    for community in communities:
        w.add(call_community, call_id=call, community_id=community)
    return call


def write_criteria(w, call, rubric, *, kind=None):
    """The call's review criteria (or, with kind, its evaluation criteria): [(id, max)]."""
    written = []
    for position, (name, top) in enumerate(rubric, 1):
        if kind is None:
            cid = w.add(
                ReviewCriterion,
                call_id=call,
                position=position,
                name=name,
                description=f"{name}：按评分细则打分。",
                max_score=Decimal(top),
            )
        else:
            cid = w.add(
                EvaluationCriterion,
                call_id=call,
                kind=kind,
                position=position,
                name=name,
                description="",
                max_score=Decimal(top),
            )
        written.append((cid, top))
    return written


def write_reporting_plan(w, call, frequency, *, staff, at):
    return w.add(
        ReportingPlan,
        call_id=call,
        frequency=frequency,
        grace_days=15,
        updated_by_id=staff,
        **stamps(at),
    )


# ── applications ──────────────────────────────────────────────────────────────────────────


def write_application(w, *, member, lines, milestones, communities, created, **fields):
    """An application with its budget lines, milestones and communities, audited as created
    (and submitted, when it has a submission time). `lines` are (position, category, item,
    unit price, quantity, amount, requested, own funds); `milestones` (title, due, deliverable).
    """
    submitted_at = fields["submitted_at"]
    app = w.add(
        Application,
        **fields,
        **nulls(
            "correction_comment", "correction_deadline", "screening_reason", "screening_checklist"
        ),
        typed_input={},
        created_by_id=member,
        version=2 if submitted_at else 1,
        **stamps(created, submitted_at),
    )
    for position, category, item, unit, quantity, amount, requested, own in lines:
        w.add(
            BudgetLine,
            application_id=app,
            position=position,
            category=category,
            item=item,
            unit_price=unit,
            quantity=quantity,
            amount=amount,
            requested=requested,
            own_funds=own,
        )
    for position, (title, due, deliverable) in enumerate(milestones, 1):
        w.add(
            Milestone,
            application_id=app,
            position=position,
            title=title,
            due_date=due,
            deliverable=deliverable,
        )
    for community in communities:
        w.add(application_community, application_id=app, community_id=community)
    w.audit(
        "application.create",
        "Application",
        app,
        actor=member,
        at=created,
        after={"call_id": fields["call_id"]},
    )
    if submitted_at:
        w.transition(
            "application",
            "submit",
            "Application",
            app,
            "draft",
            "submitted",
            actor=member,
            at=submitted_at,
        )
    return app


def write_application_step(w, app, action, before, after, *, actor, at):
    """A step of an application's lifecycle (screening, review, award) as its audit row."""
    w.transition("application", action, "Application", app, before, after, actor=actor, at=at)


# ── review: panels, assignments, sheets ───────────────────────────────────────────────────


def write_scores(w, model, scores, **sheet):
    """The scores of a sheet (or an evaluation), [(criterion id, score)], as typed."""
    for cid, score in scores:
        w.add(model, **sheet, criterion_id=cid, raw=score_text(score), score=score, comment="")


def write_panel(w, call, members, *, staff, formed, k, aggregation, deadline, proposed):
    """A manually formed panel of `members` (reviewer profile ids), k reviewers a subject."""
    panel = w.add(
        Panel,
        call_id=call,
        method=PanelMethod.MANUAL,
        size=len(members),
        reviewers_per_application=k,
        blind=False,
        deadline=deadline,
        spread_threshold=Decimal("20.0"),
        aggregation=aggregation,
        **nulls("seed", "draw_categories", "candidates", "drawn", "reminded_at"),
        formed_by_id=staff,
        proposed_at=proposed,
        **stamps(formed),
    )
    for position, reviewer in enumerate(members, 1):
        w.add(PanelMember, panel_id=panel, reviewer_id=reviewer, reserve=False, position=position)
    w.audit(
        "panel.form",
        "Panel",
        panel,
        actor=staff,
        at=formed,
        after={"size": len(members), "reviewers_per_application": k},
    )
    return panel


def _assignment(w, panel, reviewer, *, by, created, updated=None, **subject):
    """review's standing assignment of a reviewer to what `subject` names (an application or
    a bid), with the declaration of no conflict it holds."""
    return w.add(
        ReviewAssignment,
        panel_id=panel,
        reviewer_id=reviewer,
        state=AssignmentState.ACTIVE,
        created_by_id=by,
        **subject,
        **stamps(created, updated),
    )


def write_assignment(w, panel, app, reviewer, *, reviewer_user, staff, formed, opened, declared):
    """A reviewer's assignment to an application, last touched at `opened`; declared: the
    reviewer declared no conflict then."""
    assignment = _assignment(
        w,
        panel,
        reviewer,
        by=staff,
        created=formed,
        updated=opened,
        application_id=app,
        no_conflict_at=opened if declared else None,
        **nulls("conflict_at", "conflict_reason"),
    )
    if declared:
        w.audit(
            "review.no_conflict",
            "ReviewAssignment",
            assignment,
            actor=reviewer_user,
            at=opened,
            after={"no_conflict_at": opened},
        )
    return assignment


def write_review_sheet(w, assignment, scores, *, reviewer_user, comment, at, submitted):
    """A score sheet, submitted or a draft; scores are [(criterion id, score)]."""
    total = sum((s for _c, s in scores), Decimal("0.0")) if submitted else None
    sheet = w.add(
        ReviewSheet,
        assignment_id=assignment,
        state=SheetState.SUBMITTED if submitted else SheetState.DRAFT,
        overall_comment=comment,
        total=total,
        submitted_at=at if submitted else None,
        first_submitted_at=at if submitted else None,
        **stamps(at),
    )
    write_scores(w, ReviewScore, scores, sheet_id=sheet)
    if submitted:
        w.transition(
            "review_sheet",
            "submit",
            "ReviewSheet",
            sheet,
            "draft",
            "submitted",
            actor=reviewer_user,
            at=at,
        )
    return total


# ── results, awards and procurement ───────────────────────────────────────────────────────


def write_announcement(w, *, call, kind, title, published, subject, staff, final):
    """A 公示 published at `published`; final ones were finalised ten days later."""
    starts = published.astimezone(LOCAL_TZ).date()
    announcement = w.add(
        Announcement,
        kind=kind,
        title=title,
        body="<p>经评审，现将结果予以公示。公示期内如有异议，请实名提出。</p>",
        call_id=call,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        published_at=published,
        period_days=5,
        starts_on=starts,
        ends_on=starts + timedelta(days=7),
        state=AnnouncementState.FINALISED if final else AnnouncementState.PUBLISHED,
        published_by_id=staff,
        finalised_at=published + timedelta(days=10) if final else None,
        finalised_by_id=staff if final else None,
        **nulls("withdrawn_at", "withdrawn_by_id", "withdrawal_reason"),
        **stamps(published),
    )
    w.audit(
        "announcement.publish",
        "Announcement",
        announcement,
        after={"kind": kind, "title": title},
        actor=staff,
        at=published,
    )
    if final:
        w.transition(
            "announcement",
            "finalise",
            "Announcement",
            announcement,
            "published",
            "finalised",
            actor=staff,
            at=published + timedelta(days=10),
        )
    return announcement


def write_award(w, *, call, route, org, amount, rank, staff, proposed, final, **subject):
    """A final award, proposed and confirmed; `subject` is its application_id or bid_id and
    an optional justification."""
    award = w.add(
        Award,
        call_id=call,
        organization_id=org,
        application_id=subject.get("application_id"),
        bid_id=subject.get("bid_id"),
        route=route,
        amount=amount,
        state=AwardState.FINAL,
        rank=rank,
        justification=subject.get("justification"),
        final_at=final,
        created_by_id=staff,
        **stamps(proposed, final),
    )
    w.audit(
        "award.propose",
        "Award",
        award,
        actor=staff,
        at=proposed,
        after={"amount": amount, "organization_id": org},
    )
    w.transition("award", "confirm", "Award", award, "proposed", "final", actor=staff, at=final)
    return award


def write_designation(w, designation, *, staff, drafted, announced, final, **fields):
    """A targeted purchase's designation, announced and awarded; `fields` are its columns."""
    w.add(
        Designation,
        id=designation,
        **fields,
        state=DesignationState.AWARDED,
        cancel_reason=None,
        created_by_id=staff,
        **stamps(drafted, final),
    )
    for action, before, after, at in (
        ("announce", "drafted", "announced", announced),
        ("award", "announced", "awarded", final),
    ):
        w.transition(
            "designation", action, "Designation", designation, before, after, actor=staff, at=at
        )


def write_tender(w, tender, *, staff, opening, created, **fields):
    """A tender opened at `opening`, checked, scored and proposed within six days."""
    w.add(
        Tender,
        id=tender,
        **fields,
        opening_at=opening,
        opened_at=opening,
        opened_by_id=staff,
        **nulls("opening_record_id", "award_notice_id"),
        compliance_checked_at=opening + timedelta(days=1),
        scored_at=opening + timedelta(days=5),
        proposed_at=opening + timedelta(days=6),
        created_by_id=staff,
        **stamps(created, opening + timedelta(days=6)),
    )


def write_bid(w, bid, *, member, staff, submitted, opening, decided, **fields):
    """A bid created, submitted before the opening and opened; `fields` are its columns."""
    w.add(
        Bid,
        id=bid,
        **fields,
        declaration=True,
        submitted_at=submitted,
        version=1,
        seal_digest=hashlib.sha256(str(bid).encode()).hexdigest(),
        created_by_id=member,
        **stamps(submitted - timedelta(days=2), decided),
    )
    w.audit(
        "bid.create",
        "Bid",
        bid,
        actor=member,
        at=submitted - timedelta(days=2),
        after={"tender_id": fields["tender_id"]},
    )
    w.transition("bid", "submit", "Bid", bid, "draft", "submitted", actor=member, at=submitted)
    w.transition("bid", "open", "Bid", bid, "submitted", "opened", actor=staff, at=opening)


def write_bid_sheet(w, bid, reviewer, *, panel, reviewer_user, at, scores, total, comment):
    """A panel member's submitted sheet on a bid, the one place tender sheets are written:
    review's shared assignment (on the bid), sheet and scores."""
    assignment = _assignment(
        w, panel, reviewer, by=reviewer_user, created=at, bid_id=bid, no_conflict_at=at
    )
    sheet = w.add(
        ReviewSheet,
        assignment_id=assignment,
        state=SheetState.SUBMITTED,
        overall_comment=comment,
        total=total,
        submitted_at=at,
        **stamps(at),
    )
    write_scores(w, ReviewScore, scores, sheet_id=sheet)
    w.audit(
        "bid_sheet.submit", "ReviewSheet", sheet, actor=reviewer_user, at=at, after={"total": total}
    )
    return sheet
