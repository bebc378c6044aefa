"""Small helpers that build valid records; each call makes new, unique rows."""

import itertools

from stdnum.cn import uscc

from venture.auth.enums import Role
from venture.auth.models import User
from venture.core.timeutil import now
from venture.extensions import db
from venture.orgs.credit_code import org_type_for
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.reference.models import Community, ServiceCategory, Street

PASSWORD = "Secret12345"
_counter = itertools.count(1)


def credit_code(prefix="52"):
    body = f"{prefix}230110{next(_counter):09d}"
    return body + uscc.calc_check_digit(body)


def user(*roles, organization=None, community=None, email=None, name=None, password=PASSWORD):
    n = next(_counter)
    person = User(
        email=email or f"user{n}@example.com",
        name=name or f"用户{n}",
        organization=organization,
        community=community,
    )
    person.set_password(password)
    person.set_roles(roles or [Role.APPLICANT])
    db.session.add(person)
    db.session.commit()
    return person


def org(status=OrgStatus.VERIFIED, name=None, **fields):
    code = fields.pop("credit_code", None) or credit_code()
    n = next(_counter)
    organization = Organization(
        name=name or f"测试社会组织{n}",
        credit_code=code,
        org_type=org_type_for(code),
        legal_representative="王伟",
        address="哈尔滨市香坊区测试路1号",
        contact_name="李娜",
        contact_phone="13800000000",
        contact_email=f"org{n}@example.com",
        bank_name="中国工商银行",
        bank_account_name=name or f"测试社会组织{n}",
        bank_account="6222000000000000",
        status=status,
        verified_at=now() if status == OrgStatus.VERIFIED else None,
        bank_verified_at=now() if status == OrgStatus.VERIFIED else None,
        **fields,
    )
    db.session.add(organization)
    db.session.commit()
    return organization


def member(organization=None, **kwargs):
    """An applicant account in organization (a new verified one when not given)."""
    return user(Role.APPLICANT, organization=organization or org(), **kwargs)


def street(name=None, kind="street"):
    s = Street(name=name or f"测试街道{next(_counter)}", kind=kind)
    db.session.add(s)
    db.session.commit()
    return s


def community(street_=None, name=None):
    c = Community(name=name or f"测试社区{next(_counter)}", street=street_ or street())
    db.session.add(c)
    db.session.commit()
    return c


def category(code=None, name_zh="养老", name_en="Elderly care"):
    c = ServiceCategory(code=code or f"cat{next(_counter)}", name_zh=name_zh, name_en=name_en)
    db.session.add(c)
    db.session.commit()
    return c


def announcement(
    kind="call_notice", title=None, body="公示内容。", period_days=5, actor=None, **kw
):
    """A published announcement (公示) starting today; a new staff member publishes it."""
    from venture.announcements.operations import publish_announcement

    published = publish_announcement(
        kind=kind,
        title=title or f"测试公示{next(_counter)}",
        body=body,
        actor=actor or user(Role.STAFF),
        period_days=period_days,
        **kw,
    )
    db.session.commit()
    return published


def award(
    amount="107000.53",
    *,
    route="venture_grant",
    organization=None,
    with_application=True,
    installment_plan=None,
    call_title=None,
    staff=None,
):
    """A final award (what every procurement route ends in) with its call, a verified
    organization and, unless with_application=False (tender), an application with budget
    lines, milestones and communities."""
    from datetime import date, timedelta
    from decimal import Decimal

    from venture.applications.enums import ApplicationState, BudgetCategory
    from venture.applications.models import Application, BudgetLine, Milestone
    from venture.calls.enums import DEFAULT_INSTALLMENT_PLAN, Route
    from venture.calls.models import Call
    from venture.procurement.enums import AwardState
    from venture.procurement.models import Award

    staff = staff or user(Role.STAFF)
    organization = organization or org()
    amount = Decimal(amount)
    n = next(_counter)
    today = date.today()
    call_ = Call(
        title=call_title or f"2026年香坊区公益创投项目{n}",
        year=2026,
        route=Route(route),
        description="<p>面向香坊区社区的养老、助残和为小服务。</p>",
        total_budget=max(amount * 10, Decimal("1000000.00")),
        cap_per_project=max(amount, Decimal("1.00")),
        project_start=today - timedelta(days=30),
        project_end=today + timedelta(days=335),
        opens_at=now() - timedelta(days=90),
        closes_at=now() - timedelta(days=60),
        installment_plan=installment_plan or list(DEFAULT_INSTALLMENT_PLAN),
        published_at=now() - timedelta(days=91),
        created_by_id=staff.id,
    )
    db.session.add(call_)
    application = None
    if with_application:
        place = community(name=f"红旗社区{n}")
        application = Application(
            call=call_,
            organization=organization,
            state=ApplicationState.AWARDED,
            title=f"银龄守护——社区独居老人关爱服务{n}",
            category=category(),
            target_group="辖区60周岁以上独居、空巢老人",
            beneficiaries=120,
            objectives="为独居老人建立档案，提供每周探访和健康监测。",
            activity_plan="每周入户探访；每月开展一次健康讲座；组建志愿者队伍。",
            project_start=call_.project_start,
            project_end=call_.project_end,
            requested_amount=amount,
            created_by_id=staff.id,
        )
        application.communities = [place]
        application.budget_lines = [
            BudgetLine(
                position=1,
                category=BudgetCategory.PERSONNEL,
                item="社工补贴",
                unit_price=amount,
                quantity=Decimal("1"),
                amount=amount,
                requested=amount,
                own_funds=Decimal("0.00"),
            )
        ]
        application.milestones = [
            Milestone(
                position=1,
                title="完成建档",
                due_date=today + timedelta(days=60),
                deliverable="120 份老人档案",
            )
        ]
        db.session.add(application)
    result = Award(
        call=call_,
        organization=organization,
        application=application,
        route=Route(route),
        amount=amount,
        state=AwardState.FINAL,
        final_at=now(),
        created_by_id=staff.id,
    )
    db.session.add(result)
    db.session.commit()
    return result


def contract(amount="107000.53", *, state="draft", staff=None, **award_kwargs):
    """A contract drafted from a new award and taken along its workflow to state."""
    from venture.contracts import operations
    from venture.contracts.enums import ContractState
    from venture.core.files import store_bytes

    staff = staff or user(Role.STAFF)
    made = operations.draft_contract(award(amount, staff=staff, **award_kwargs), actor=staff)
    db.session.commit()
    steps = ["issued", "signed", "in_force"]
    for step in steps[: steps.index(state) + 1] if state in steps else []:
        if step == "issued":
            operations.issue_contract(made, actor=staff)
        elif step == "signed":
            made.signed_scan = store_bytes(
                b"%PDF-1.4 signed", name="signed.pdf", content_type="application/pdf"
            )
            operations.confirm_signature(made, actor=staff)
        else:
            operations.decide_contract(made, "put_in_force", actor=staff)
        db.session.commit()
    assert made.state == ContractState(state)
    return made


def call(
    status="open",
    *,
    route="venture_grant",
    title=None,
    staff=None,
    categories=None,
    communities=None,
    total_budget="1000000.00",
    cap_per_project="200000.00",
    max_applications_per_org=1,
    eligibility="在香坊区民政局登记的社会组织\n近两年年检合格",
    required_attachments="登记证书副本\n项目预算明细表",
    **fields,
):
    """A published call, open by default (status: open, upcoming, closed, draft, cancelled),
    with a new category and community unless given; fields override any column."""
    from datetime import timedelta
    from decimal import Decimal

    from venture.calls.enums import Route
    from venture.calls.models import Call
    from venture.core.timeutil import local_today

    moment = now()
    opens, closes = {
        "open": (moment - timedelta(days=1), moment + timedelta(days=30)),
        "draft": (moment - timedelta(days=1), moment + timedelta(days=30)),
        "cancelled": (moment - timedelta(days=1), moment + timedelta(days=30)),
        "upcoming": (moment + timedelta(days=1), moment + timedelta(days=31)),
        "closed": (moment - timedelta(days=60), moment - timedelta(days=1)),
    }[status]
    today = local_today()
    made = Call(
        title=title or f"{today.year}年香坊区公益创投测试项目{next(_counter)}",
        year=today.year,
        route=Route(route),
        description="<p>面向香坊区社区的养老、助残和为小服务。</p>",
        eligibility=eligibility,
        required_attachments=required_attachments,
        total_budget=Decimal(total_budget),
        cap_per_project=Decimal(cap_per_project),
        max_applications_per_org=max_applications_per_org,
        project_start=today + timedelta(days=60),
        project_end=today + timedelta(days=425),
        opens_at=opens,
        closes_at=closes,
        published_at=None if status == "draft" else opens - timedelta(days=1),
        cancelled_at=moment if status == "cancelled" else None,
        created_by_id=(staff or user(Role.STAFF)).id,
    )
    made.categories = categories if categories is not None else [category()]
    made.communities = communities if communities is not None else [community()]
    for name, value in fields.items():
        setattr(made, name, value)
    db.session.add(made)
    db.session.commit()
    return made


def application(
    call_=None,
    *,
    state="draft",
    organization=None,
    requested="100000.00",
    own="20000.00",
    title=None,
    complete=True,
    created_by=None,
    **fields,
):
    """An application of organization (a new verified one) to call_ (a new open call) in state;
    complete=True fills every field so it could be submitted: one budget line of requested +
    own, a milestone inside the term, a file for each required attachment, the declaration.
    States after draft get a number; fields override any column."""
    from datetime import timedelta
    from decimal import Decimal

    from tests.pdf_bytes import MINIMAL_PDF
    from venture.applications.enums import ApplicationState, BudgetCategory
    from venture.applications.models import (
        Application,
        ApplicationAttachment,
        BudgetLine,
        Milestone,
    )
    from venture.applications.operations import next_application_number
    from venture.core.files import store_bytes

    call_ = call_ or call()
    organization = organization or org()
    creator = created_by or member(organization)
    state = ApplicationState(state)
    made = Application(
        call=call_,
        organization=organization,
        state=state,
        created_by_id=creator.id,
        typed_input={},
    )
    if complete:
        requested, own = Decimal(requested), Decimal(own)
        made.title = title or f"银龄守护——社区独居老人关爱服务{next(_counter)}"
        made.category = call_.categories[0]
        made.communities = call_.communities[:1]
        made.target_group = "辖区60周岁以上独居、空巢老人"
        made.beneficiaries = 120
        made.needs_analysis = "辖区独居老人较多，缺少日常照料和精神慰藉。"
        made.objectives = "为独居老人建立档案，提供每周探访和健康监测。"
        made.activity_plan = "每周入户探访；每月开展一次健康讲座；组建志愿者队伍。"
        made.team = "社工2名，志愿者20名。"
        made.project_start = call_.project_start
        made.project_end = call_.project_end
        made.requested_amount, made.own_funds = requested, own
        made.budget_lines = [
            BudgetLine(
                position=0,
                category=BudgetCategory.ACTIVITIES,
                item="社区活动组织",
                unit_price=requested + own,
                quantity=Decimal("1"),
                amount=requested + own,
                requested=requested,
                own_funds=own,
            )
        ]
        made.milestones = [
            Milestone(
                position=0,
                title="完成建档",
                due_date=call_.project_start + timedelta(days=30),
                deliverable="120 份老人档案",
            )
        ]
        made.attachments = [
            ApplicationAttachment(
                label=label,
                file=store_bytes(MINIMAL_PDF, name=f"{label}.pdf", content_type="application/pdf"),
            )
            for label in call_.attachment_names
        ]
        made.declaration = True
    elif title:
        made.title = title
    if state != ApplicationState.DRAFT:
        made.number = next_application_number(call_)
        made.submitted_at = now()
    if state == ApplicationState.RETURNED:
        made.correction_comment = "请补充预算说明。"
        made.correction_deadline = now() + timedelta(days=7)
    if state == ApplicationState.INELIGIBLE:
        made.screening_reason = "未提供年检合格证明。"
    for name, value in fields.items():
        setattr(made, name, value)
    db.session.add(made)
    db.session.commit()
    return made


def project(amount="100000.00", *, staff=None, lines=None, **contract_kwargs):
    """A funded project being delivered: a contract put in force (the contract hook creates
    and starts its project). lines [(item, amount)] replace the plan's budget lines; they must
    add up to amount."""
    from decimal import Decimal

    from venture.applications.enums import BudgetCategory
    from venture.delivery.enums import ProjectState
    from venture.delivery.models import PlanLine
    from venture.delivery.operations import find_project

    made = contract(amount, state="in_force", staff=staff, **contract_kwargs)
    found = find_project(made.id)
    assert found is not None and found.state == ProjectState.IN_FORCE
    if lines is not None:
        assert sum(Decimal(a) for _item, a in lines) == Decimal(amount)
        found.plan_lines = []
        db.session.flush()  # free the positions before the new lines take them
        found.plan_lines = [
            PlanLine(
                position=n,
                category=BudgetCategory.ACTIVITIES,
                item=item,
                amount=Decimal(a),
                original_amount=Decimal(a),
            )
            for n, (item, a) in enumerate(lines, 1)
        ]
        db.session.commit()
    return found


def need(community_=None, *, status="open", urgency="normal", title=None, category_=None, **fields):
    """A community need (需求) published by a new residents' committee member of community_
    (a new community unless given), in status; fields override any column."""
    from venture.community.enums import NeedStatus, Urgency
    from venture.community.models import Need

    community_ = community_ or community()
    made = Need(
        community=community_,
        category=category_ or category(),
        title=title or f"独居老人助餐服务{next(_counter)}",
        target_group="辖区80岁以上独居老人",
        residents=60,
        place="社区服务站",
        urgency=Urgency(urgency),
        description="老人行动不便，买菜做饭困难，希望有助餐和送餐服务。",
        status=NeedStatus(status),
        created_by_id=user(Role.COMMUNITY, community=community_).id,
    )
    for name, value in fields.items():
        setattr(made, name, value)
    db.session.add(made)
    db.session.commit()
    return made
