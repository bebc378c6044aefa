"""Service pricing (有偿 / 低偿 / 无偿): stated on the application form, checked at submission,
printed in the contract's service content."""

from decimal import Decimal

from tests.applications.conftest import filled_form
from tests.community.helpers import signed_in
from tests.pdf_checks import pdf_text
from venture.applications.enums import Pricing
from venture.applications.models import ServicePrice
from venture.applications.rules import submission_problems
from venture.contracts import document
from venture.extensions import db


def prices(*rows):
    data = {}
    for index, (service, pricing, price, unit) in enumerate(rows):
        data |= {
            f"service_prices-{index}-service": service,
            f"service_prices-{index}-pricing": pricing,
            f"service_prices-{index}-price": price,
            f"service_prices-{index}-unit": unit,
        }
    return data


def test_service_prices_are_saved_from_the_application_form(app, make):
    application = make.application()
    client = signed_in(app, make.member(application.organization))
    data = filled_form(
        application,
        **prices(
            ("入户探访", "free", "", ""),
            ("助餐服务", "low_cost", "¥5", "餐"),
            ("", "", "", ""),  # an empty row is dropped
            ("上门理发", "paid", "20.00", "次"),
        ),
    )
    assert client.post(f"/applications/{application.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [
        (r.position, r.service, r.pricing, r.price, r.unit) for r in application.service_prices
    ] == [
        (0, "入户探访", Pricing.FREE, None, ""),
        (1, "助餐服务", Pricing.LOW_COST, Decimal("5.00"), "餐"),
        (2, "上门理发", Pricing.PAID, Decimal("20.00"), "次"),
    ]
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert '<td>助餐服务</td><td>低偿</td><td class="text-end">¥5.00 / 餐</td>' in page


def test_a_price_that_cannot_be_read_is_kept_as_typed_and_blocks_submission(app, make):
    application = make.application()
    client = signed_in(app, make.member(application.organization))
    data = filled_form(application, **prices(("助餐服务", "low_cost", "五元", "餐")))
    response = client.post(f"/applications/{application.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'name="service_prices-0-price" type="text" value="五元"' in page
    assert "“五元”不是数字。" in page
    db.session.expire_all()
    assert application.typed_input["service_prices-0-price"] == {"value": "五元", "kind": "number"}
    assert "第 1 项服务，服务价格：“五元”不是数字。" in [
        str(p) for p in submission_problems(application)
    ]


def test_submission_needs_each_stated_service_complete(make):
    application = make.application()
    application.service_prices = [
        ServicePrice(position=0, service="入户探访", pricing=Pricing.FREE, price=Decimal("3")),
        ServicePrice(position=1, service="助餐服务", pricing=Pricing.LOW_COST, price=None),
        ServicePrice(position=2, service="", pricing=Pricing.PAID, price=Decimal("20")),
        ServicePrice(position=3, service="上门理发", pricing=Pricing.PAID, price=Decimal("20")),
    ]
    db.session.commit()
    problems = [str(p) for p in submission_problems(application)]
    assert problems == [
        "第 1 项服务（入户探访）为无偿服务，价格应留空。",
        "第 2 项服务（助餐服务）为低偿服务，请填写居民支付的价格。",
        "第 3 项服务需填写名称和收费方式（无偿、低偿或有偿）。",
    ]


def test_an_application_without_pricing_rows_can_still_be_submitted(make):
    application = make.application()
    assert submission_problems(application) == []


def test_the_contract_lists_what_residents_pay_for_each_service(make, tmp_path):
    contract = make.contract()
    contract.application.service_prices = [
        ServicePrice(position=0, service="入户探访", pricing=Pricing.FREE),
        ServicePrice(
            position=1, service="助餐服务", pricing=Pricing.LOW_COST, price=Decimal("5"), unit="餐"
        ),
    ]
    db.session.commit()
    data = document.document_data(contract)
    assert data["service_prices"] == [
        {"service": "入户探访", "pricing": "free", "pricing_text": "无偿", "price": "", "unit": ""},
        {
            "service": "助餐服务",
            "pricing": "low_cost",
            "pricing_text": "低偿",
            "price": "5.00",
            "unit": "餐",
        },
    ]
    text = pdf_text(document.render_contract(data), tmp_path / "contract.pdf")
    assert (
        "服务收费方式：服务项目收费方式收费标准（元）入户探访无偿免费助餐服务低偿5.00／餐" in text
    )


def test_a_contract_issued_before_pricing_existed_renders_as_before(make, tmp_path):
    contract = make.contract()
    data = document.document_data(contract)
    data.pop("service_prices")
    text = pdf_text(document.render_contract(data), tmp_path / "old.pdf")
    assert "服务收费方式" not in text
