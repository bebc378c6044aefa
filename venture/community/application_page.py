"""The community needs an application answers, as a list of the application page
(applications/page.py): read in the page's one statement."""

from types import SimpleNamespace

from venture.applications.page import (
    APPLICATION_ID,
    ShownList,
    category_named,
    community_name,
    register_shown_list,
)
from venture.community.enums import Urgency
from venture.community.models import Need, application_need
from venture.core.json_rows import json_rows
from venture.reference.models import Community, ServiceCategory, Street


def _needs(dialect):
    return json_rows(
        dialect,
        [
            Street.name,
            Community.name,
            Need.title,
            Need.urgency,
            ServiceCategory.name_zh,
            ServiceCategory.name_en,
            Need.target_group,
            Need.residents,
        ],
        select_from=application_need.join(Need, Need.id == application_need.c.need_id)
        .join(Community, Community.id == Need.community_id)
        .join(Street, Street.id == Community.street_id)
        .join(ServiceCategory, ServiceCategory.id == Need.category_id),
        where=[application_need.c.application_id == APPLICATION_ID],
        order_by=[Need.id],
    )


def _need(values):
    street, community, title, urgency, name_zh, name_en, target_group, residents = values
    return SimpleNamespace(
        community=community_name(street, community),
        title=title,
        urgency=Urgency(urgency),
        category=category_named(name_zh, name_en),
        target_group=target_group,
        residents=residents,
    )


register_shown_list("needs", ShownList(_needs, _need))
