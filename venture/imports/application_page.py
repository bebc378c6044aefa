"""The organization's past funded projects, as a list of the application page that staff see
(applications/page.py): read in the page's one statement."""

from types import SimpleNamespace

from sqlalchemy import select

from venture.applications.models import Application
from venture.applications.page import (
    APPLICATION_ID,
    ShownList,
    category_named,
    community_name,
    money,
    register_shown_list,
)
from venture.core.json_rows import json_rows
from venture.imports.enums import PastOutcome
from venture.imports.models import PastProject
from venture.reference.models import Community, ServiceCategory, Street


def _past_projects(dialect):
    application = Application.__table__.alias("shown_application")
    organization_id = (
        select(application.c.organization_id)
        .where(application.c.id == APPLICATION_ID)
        .scalar_subquery()
    )
    return json_rows(
        dialect,
        [
            PastProject.year,
            PastProject.call_name,
            PastProject.title,
            PastProject.amount,
            PastProject.outcome,
            ServiceCategory.name_zh,
            ServiceCategory.name_en,
            Street.name,
            Community.name,
        ],
        select_from=PastProject.__table__.outerjoin(
            ServiceCategory, ServiceCategory.id == PastProject.category_id
        )
        .outerjoin(Community, Community.id == PastProject.community_id)
        .outerjoin(Street, Street.id == Community.street_id),
        where=[PastProject.organization_id == organization_id],
        order_by=[PastProject.year.desc(), PastProject.id],
    )


def _past_project(values):
    year, call_name, title, amount, outcome, name_zh, name_en, street, community = values
    return SimpleNamespace(
        year=year,
        call_name=call_name,
        title=title,
        amount=money(amount),
        outcome=PastOutcome(outcome),
        category=None if name_zh is None else category_named(name_zh, name_en),
        community=None if community is None else community_name(street, community),
    )


register_shown_list("past_projects", ShownList(_past_projects, _past_project, staff_only=True))
