"""The steps of the demo's story, shared by the demo's past cycle (`demo_past`) and the records
waiting at each step (`demo_steps`): everything goes through the real operations, so audit rows
and notifications are the ones a person would cause.

The operations stamp their changes with the current time and take no date (except the signing
date, the payment date and the evaluation's due date). So that the story reads as months of
work, the loader sets the timestamps an operation just stamped to the day the story has it
happen (`backdate`), right after calling it; nothing else is written by hand. The audit rows keep
the real moment the demo was loaded, and the chain stays intact.
"""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from venture.auth.models import User
from venture.calls.enums import DEFAULT_INSTALLMENT_PLAN
from venture.core.timeutil import from_local, local_today, now
from venture.extensions import db
from venture.seed.vocabulary import PLACEHOLDER_PDF

DEMO_PASSWORD = "Venture2026demo"
SEED = 20261125  # the demo's random draws start here

# ── the clock of the story ────────────────────────────────────────────────────────────────


def moment(day, hour=10, minute=0):
    """The moment hour:minute Beijing time on day, as stored (aware UTC), never later than
    now (a step the story puts "today" has happened by the time the demo is loaded)."""
    return min(from_local(datetime.combine(day, time(hour, minute))), now())


def backdate(record, **moments):
    """Move the timestamps an operation just stamped with "now" to the story's day (see the
    module docstring)."""
    for name, value in moments.items():
        setattr(record, name, value)


def working_day(day):
    """day, or the next working day (announcements are published on working days)."""
    from venture.core.workdays import is_working_day

    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def two_quarters_ago(today):
    """The first day of the quarter two before today's: a term begun then has two reporting
    quarters over, the third running and its mid-term evaluation due."""
    quarter = (today.year * 12 + (today.month - 1) // 3 * 3) - 6
    return date(quarter // 12, quarter % 12 + 1, 1)


def announcement_back_to(announcement, day):
    """Publish the announcement on day instead of today; its period follows from that day."""
    from venture.core.workdays import period_end

    backdate(
        announcement,
        published_at=moment(day, 9),
        starts_on=day,
        ends_on=period_end(day, announcement.period_days).end,
    )
    return announcement.ends_on


def finalise_announcement(announcement, *, actor, day):
    from venture.announcements import operations as announcements

    announcements.finalise_announcement(announcement, actor=actor)
    backdate(announcement, finalised_at=moment(day, 9, 30))


# ── people and files ──────────────────────────────────────────────────────────────────────


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def first_member(org):
    return db.session.scalar(select(User).where(User.organization_id == org.id).order_by(User.id))


def people():
    """The demo's staff, finance and evaluator accounts."""
    return {
        "staff": user("staff@venture.example.com"),
        "finance": user("finance@venture.example.com"),
        "evaluator": user("evaluator@venture.example.com"),
    }


def demo_file(label):
    """An upload: the placeholder PDF under the attachment's label."""
    return FileStorage(stream=io.BytesIO(PLACEHOLDER_PDF), filename=f"{label}.pdf")


# ── calls and applications ────────────────────────────────────────────────────────────────


def demo_call(staff, title, route, categories, streets, *, description, budget, opens, closes):
    """A procurement call for next year (targeted purchase or tender), not yet published."""
    from venture.calls import operations as calls

    today = local_today()
    return calls.create_call(
        {
            "title": title,
            "year": today.year,
            "route": route,
            "description": description,
            "eligibility": "在香坊区民政局依法登记的社会组织\n近两年年度检查合格",
            "required_attachments": "",
            "category_ids": [c.id for c in categories],
            "community_ids": [c.id for s in streets for c in s.communities],
            "total_budget": budget,
            "cap_per_project": budget,
            "max_applications_per_org": 1,
            "project_start": date(today.year + 1, 1, 1),
            "project_end": date(today.year + 1, 12, 31),
            "opens_at": opens,
            "closes_at": closes,
            "installment_plan": list(DEFAULT_INSTALLMENT_PLAN),
        },
        actor=staff,
    )


def past_call(fields, *, staff, opens_on, closes_on, published_on, submit):
    """A venture-grant call open from opens_on to closes_on, published on published_on, with
    the applications `submit(call)` makes; its notice is rendered with the real dates.
    Publishing and submitting need the call open now: its closing time moves to tomorrow while
    the applications go in, then back."""
    from venture.calls import operations as calls
    from venture.core.files import store_bytes

    start = fields["project_start"]
    call = calls.create_call(
        {
            **fields,
            "project_end": date(start.year + 1, start.month, 1) - timedelta(days=1),
            "opens_at": moment(opens_on, 9),
            "closes_at": moment(closes_on, 17),
            "installment_plan": list(DEFAULT_INSTALLMENT_PLAN),
        },
        actor=staff,
    )
    db.session.flush()
    closes_at = call.closes_at
    call.closes_at = now() + timedelta(days=1)
    calls.publish_call(call, actor=staff)
    submitted = submit(call)
    call.closes_at = closes_at
    backdate(call, published_at=moment(published_on, 10))
    call.notice = store_bytes(
        calls.render_notice(call),
        name=f"{call.title}.pdf",
        content_type="application/pdf",
        actor=staff,
    )
    return call, submitted


def application_values(call, title, category, lines, *, complete=True):
    """What an organization typed into its application."""
    from venture.applications.enums import BudgetCategory

    start = call.project_start
    return {
        "title": title,
        "category_id": category.id,
        "community_ids": [c.id for c in call.communities[:2]],
        "target_group": "辖区居民，重点是有需要的家庭和个人",
        "beneficiaries": 120,
        "needs_analysis": "社区走访和居委会需求清单显示，相关服务长期不足，居民意愿强烈。",
        "objectives": "一年内稳定服务 120 名居民，满意度达到 90% 以上。",
        "activity_plan": "第一季度需求调研与招募；第二、三季度常规服务；第四季度总结评估。",
        "team": "项目主管 1 名、专职社工 2 名、志愿者 20 名。" if complete else "",
        "project_start": start,
        "project_end": call.project_end,
        "declaration": complete,
        "budget_lines": [
            {
                "category": BudgetCategory(kind),
                "item": item,
                "unit_price": Decimal(price),
                "quantity": Decimal(quantity),
                "requested": Decimal(requested),
                "own_funds": Decimal(own),
            }
            for kind, item, price, quantity, requested, own in lines
        ],
        "milestones": [
            {
                "title": "完成需求调研",
                "due_date": start + timedelta(days=45),
                "deliverable": "调研报告",
            },
            {
                "title": "中期总结",
                "due_date": start + timedelta(days=180),
                "deliverable": "中期报告",
            },
        ],
        "typed_input": {},
    }


def submit_application(call, member, values):
    """The member's organization applies: draft, every attachment, submitted."""
    from venture.applications import operations as applications

    application = applications.start_application(call, actor=member)
    applications.save_draft(application, values, actor=member)
    for label in call.attachment_names:
        applications.attach_file(application, label, demo_file(label), actor=member)
    applications.submit_application(application, actor=member)
    return application


# ── review ────────────────────────────────────────────────────────────────────────────────


def expert_panel(call, members, reserves, *, deadline, staff):
    """The default rubric and a panel on which every member scores every application; returns
    (criteria, panel, the assignments made)."""
    from venture.review import operations as review

    criteria = review.save_rubric(
        call, [{"id": None, **row} for row in review.default_rubric()], actor=staff
    )
    panel = review.form_panel(
        call,
        member_ids=[e.id for e in members],
        reserve_ids=[e.id for e in reserves],
        settings={
            "reviewers_per_application": len(members),
            "blind": False,
            "deadline": deadline,
            "spread_threshold": Decimal("20.0"),
        },
        actor=staff,
    )
    db.session.flush()
    made, _missing = review.assign_reviewers(panel, actor=staff)
    return criteria, panel, made


def score_sheets(made, criteria, *, points, comment, when):
    """Every assignment: no conflict declared, each criterion given `points(assignment,
    criterion)` (as typed), submitted with `comment()`, and moved back to `when()`."""
    from venture.review import operations as review

    for assignment in made:
        reviewer = assignment.reviewer.user
        sheet = review.declare_no_conflict(assignment, actor=reviewer)
        db.session.flush()  # the sheet's state (draft) is its column default
        entries = {criterion.id: (points(assignment, criterion), "") for criterion in criteria}
        review.submit_sheet(sheet, entries=entries, overall_comment=comment(), actor=reviewer)
        at = when()
        backdate(assignment, no_conflict_at=at)
        backdate(sheet, submitted_at=at, first_submitted_at=at)


def propose_and_publish(call, panel, decide, *, proposed_at, introduction, staff):
    """The ranking, awards proposed as `decide(rows)` says ({application id: (amount,
    note)}), and the result published as a 公示; returns (announcement, final ranking)."""
    from venture.review import operations as review
    from venture.review import results

    ranked = results.ranking(panel)
    review.propose_awards(panel, ranked.rows, decide(ranked.rows), actor=staff)
    backdate(panel, proposed_at=proposed_at)
    ranked = results.ranking(panel)  # now with the proposed awards
    announcement = review.publish_result(
        panel,
        ranked,
        title=call.title.replace("征集公告", "评审结果公示"),
        introduction=introduction,
        period_days=5,
        actor=staff,
    )
    return announcement, ranked


def final_awards(call, announcement, ends_on, *, staff):
    """The 公示 made final the working day after its period; returns (the call's final awards
    in rank order, that day)."""
    from venture.procurement.enums import AwardState
    from venture.procurement.models import Award

    final_day = working_day(ends_on + timedelta(days=1))
    finalise_announcement(announcement, actor=staff, day=final_day)
    awards = db.session.scalars(
        select(Award)
        .where(Award.call_id == call.id, Award.state == AwardState.FINAL)
        .order_by(Award.rank)
    ).all()
    for award in awards:
        backdate(award, final_at=moment(final_day, 9, 30))
    return awards, final_day


# ── procurement ───────────────────────────────────────────────────────────────────────────


def publish_tender(call, fields, rubric, *, staff):
    """The tender's details and its criteria ([(name, description, max)]), then the notice."""
    from venture.calls import operations as calls
    from venture.procurement import operations as procurement
    from venture.review import operations as review

    tender = procurement.save_tender(call, fields, actor=staff)
    review.save_rubric(
        call,
        [
            {"id": None, "name": name, "description": text, "max_score": Decimal(top)}
            for name, text, top in rubric
        ],
        actor=staff,
    )
    calls.publish_call(call, actor=staff)
    return tender


def place_bid(tender, bidder, values, *, submit=True):
    """The bidder's bid: its offer, every required document, sealed (submitted) or a draft."""
    from venture.procurement import operations as procurement

    bid = procurement.start_bid(tender, actor=bidder)
    procurement.save_bid(bid, {**values, "declaration": True}, actor=bidder)
    for label in tender.document_names:
        procurement.attach_bid_file(bid, label, demo_file(label), actor=bidder)
    if submit:
        procurement.submit_bid(bid, actor=bidder)
    return bid
