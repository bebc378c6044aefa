"""Builders for review tests: a call in review, eligible applications, experts, a panel."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from tests import factories
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.core.timeutil import now
from venture.extensions import db
from venture.review import operations
from venture.review.enums import AffiliationKind

_n = itertools.count(1)


def call(*, budget="300000.00", cap="100000.00", route=Route.VENTURE_GRANT, staff=None, title=None):
    """A published venture-grant call whose application window has closed."""
    staff = staff or factories.user(Role.STAFF)
    n = next(_n)
    made = Call(
        title=title or f"2026年香坊区公益创投{n}",
        year=2026,
        route=route,
        total_budget=Decimal(budget),
        cap_per_project=Decimal(cap),
        project_start=date(2026, 3, 1),
        project_end=date(2026, 12, 31),
        opens_at=now() - timedelta(days=60),
        closes_at=now() - timedelta(days=30),
        published_at=now() - timedelta(days=61),
        created_by_id=staff.id,
    )
    db.session.add(made)
    db.session.commit()
    return made


def application(call_, *, organization=None, requested="80000.00", title=None, minutes_ago=None):
    """An eligible application of call_, submitted before its deadline; earlier numbers were
    submitted earlier (minutes_ago: before the deadline, or now if it is still open)."""
    n = next(_n)
    organization = organization or factories.org()
    made = Application(
        call=call_,
        organization=organization,
        state=ApplicationState.ELIGIBLE,
        number=f"2026-GYCT-{n:04d}",
        title=title or f"社区服务项目{n}",
        target_group="辖区独居老人",
        needs_analysis="需求分析正文",
        objectives="项目目标正文",
        activity_plan="活动计划正文",
        team="团队介绍正文",
        requested_amount=Decimal(requested),
        # before the call's deadline (venture.integrity.phases), earlier numbers earlier
        submitted_at=min(now(), call_.closes_at)
        - timedelta(minutes=minutes_ago if minutes_ago is not None else 10000 - n),
        created_by_id=call_.created_by_id,
    )
    db.session.add(made)
    db.session.commit()
    return made


def expert(*categories, name=None, ties=(), staff=None):
    """A reviewer account in the pool; ties: organizations it works for now."""
    staff = staff or factories.user(Role.STAFF)
    user = factories.user(Role.REVIEWER, name=name)
    profile = operations.add_expert(
        user,
        profile={
            "title": "副教授",
            "employer": "黑龙江大学",
            "phone": "",
            "notes": "",
            "active": True,
        },
        categories=list(categories),
        actor=staff,
    )
    for organization in ties:
        operations.add_affiliation(
            profile,
            organization=organization,
            kind=AffiliationKind.EMPLOYMENT,
            role="理事",
            started_on=date(2020, 1, 1),
            ended_on=None,
            actor=staff,
        )
    db.session.commit()
    return profile


def rubric(call_, maxima=(40, 30, 30), *, staff=None):
    staff = staff or factories.user(Role.STAFF)
    rows = [
        {"id": None, "name": f"标准{i}", "description": "", "max_score": Decimal(m)}
        for i, m in enumerate(maxima, start=1)
    ]
    criteria = operations.save_rubric(call_, rows, actor=staff)
    db.session.commit()
    return criteria


SETTINGS = {"reviewers_per_application": 3, "blind": False, "deadline": None}


def panel(call_, experts, *, k=None, reserves=(), blind=False, staff=None, deadline=None):
    """A hand-formed panel of experts (odd number) with k reviewers per application."""
    staff = staff or factories.user(Role.STAFF)
    made = operations.form_panel(
        call_,
        member_ids=[e.id for e in experts],
        reserve_ids=[e.id for e in reserves],
        settings={
            "reviewers_per_application": k or len(experts),
            "blind": blind,
            "deadline": deadline,
            "spread_threshold": Decimal(20),
        },
        actor=staff,
    )
    db.session.commit()
    return made


def assign(panel_, staff=None):
    staff = staff or factories.user(Role.STAFF)
    made, missing = operations.assign_reviewers(panel_, actor=staff)
    db.session.commit()
    return made, missing


def open_sheet(assignment):
    sheet = operations.declare_no_conflict(assignment, actor=assignment.reviewer.user)
    db.session.commit()
    return sheet


def submit(assignment, scores, criteria, comment=""):
    """Open (if needed) and submit the assignment's sheet with scores, one per criterion."""
    sheet = assignment.sheet or open_sheet(assignment)
    entries = {c.id: (str(s), "") for c, s in zip(criteria, scores, strict=True)}
    operations.submit_sheet(
        sheet, entries=entries, overall_comment=comment, actor=assignment.reviewer.user
    )
    db.session.commit()
    return sheet
