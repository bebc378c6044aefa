"""The application page reads the application and every list it shows in one statement
(applications/page.py), and each list reads as its records do."""

from decimal import Decimal

import pytest
from flask_babel import force_locale

from tests.querycount import counted_get
from venture.applications.enums import Pricing
from venture.applications.models import BudgetLine, ServicePrice
from venture.applications.page import shown_application
from venture.auth.enums import Role
from venture.extensions import db
from venture.imports.enums import PastOutcome
from venture.imports.models import PastProject


def _rich_application(make):
    """An eligible application with a line of a fractional quantity and one without a
    category, two communities, a need, two service prices and two past projects."""
    communities, need = [make.community(), make.community()], make.need()
    history = [(2023, make.category(), make.community()), (2024, None, None)]
    application = make.application(state="eligible")
    application.budget_lines.append(
        BudgetLine(
            position=2,
            category=None,
            item="志愿者补贴",
            unit_price=Decimal("10.10"),
            quantity=Decimal("2.5"),
            amount=Decimal("25.25"),
            requested=Decimal("25.25"),
            own_funds=Decimal("0"),
        )
    )
    application.communities.extend(communities)
    application.needs.append(need)
    application.service_prices.extend(
        [
            ServicePrice(position=1, service="助餐", pricing=Pricing.PAID, price=Decimal("12.5")),
            ServicePrice(position=2, service="", pricing=None, price=None, unit=""),
        ]
    )
    for year, category, community in history:
        db.session.add(
            PastProject(
                organization_id=application.organization_id,
                year=year,
                call_name=f"{year}年公益创投",
                title=f"项目{year}",
                amount=Decimal("12345.5"),
                outcome=PastOutcome.GOOD,
                category=category,
                community=community,
            )
        )
    db.session.commit()
    return application


def _fields(rows, *names):
    def value(row, name):
        for part in name.split("."):
            row = None if row is None else getattr(row, part)
        return row

    return [tuple(value(row, name) for name in names) for row in rows]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_shown_lists_read_as_the_records(app, make, locale):
    application = _rich_application(make)
    records = [
        (
            application.budget_lines,
            "budget_lines",
            ("category", "item", "unit_price", "quantity_text", "amount", "requested", "own_funds"),
        ),
        (application.milestones, "milestones", ("title", "due_date", "deliverable")),
        (
            application.attachments,
            "attachments",
            ("id", "label", "file.original_name", "file.size"),
        ),
        (application.communities, "communities", ("full_name",)),
        (
            application.needs,
            "needs",
            ("community.full_name", "title", "urgency", "category.name", "target_group")
            + ("residents",),
        ),
        (application.service_prices, "service_prices", ("service", "pricing", "price", "unit")),
    ]
    past = db.session.query(PastProject).order_by(PastProject.year.desc(), PastProject.id).all()
    with app.test_request_context(), force_locale(locale):
        shown = shown_application(application.id, staff=True)
        for rows, name, names in records:
            assert _fields(getattr(shown, name), *names) == _fields(rows, *names), name
            assert len(getattr(shown, name)) >= 1, name
        assert [line.quantity_text for line in shown.budget_lines] == ["1", "2.50"]
        names = ("year", "call_name", "title", "amount", "outcome", "category.name")
        assert _fields(shown.past_projects, *names, "community.full_name") == _fields(
            past, *names, "community.full_name"
        )
        assert shown.title == application.title
        assert shown.record is application
    with app.test_request_context():
        assert "past_projects" not in vars(shown_application(application.id, staff=False))
        assert shown_application(application.id + 1000, staff=True) is None


def test_the_page_is_one_statement_after_the_account(client, login, make):
    application = _rich_application(make)
    login(make.user(Role.STAFF))
    statements, response = counted_get(client, f"/applications/{application.id}")
    assert len(statements) == 2  # the signed-in account (with its badge); the page's records
    page = response.get_data(as_text=True)
    assert "志愿者补贴" in page
    assert "项目2023" in page
