"""The dashboard's money by call: budget, final awards and payments, summed per call."""

import re
from decimal import Decimal

from venture.auth.enums import Role
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.payments import operations as payments
from venture.procurement.enums import AwardState
from venture.procurement.models import Award
from venture.reports import money


def _paid_first_installment(contract, staff, finance):
    first = contract.installments[0]
    payments.approve_release(first, actor=staff)
    payments.record_payment(
        first,
        amount=Decimal("20000.00"),
        paid_on=local_today(),
        voucher_no="记-0001",
        bank_reference="BR0001",
        actor=finance,
    )
    db.session.commit()


def _money_world(make):
    """Call A: a signed contract of ¥90,000.00 (¥20,000.00 paid) and a proposed award;
    call B (same publication moment, newer id, so listed first): a final award of ¥50,000.00;
    a draft and a cancelled call."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    contract = make.contract("90000.00", state="signed", staff=staff, call_title="甲批次")
    _paid_first_installment(contract, staff, finance)
    db.session.add(
        Award(
            call=contract.call,
            organization=make.org(),
            route=contract.call.route,
            amount=Decimal("12345.67"),
            state=AwardState.PROPOSED,
            created_by_id=staff.id,
        )
    )
    later = make.award("50000.00", staff=staff, call_title="乙批次")
    make.call("draft", title="草稿批次")
    make.call("cancelled", title="取消批次")
    db.session.commit()
    return contract, later


def test_money_by_call_sums_final_awards_and_payments_of_published_calls(make):
    contract, later = _money_world(make)
    rows = money.money_by_call()
    assert rows == [
        money.CallMoney(
            call_id=later.call_id,
            title="乙批次",
            budget=Decimal("1000000.00"),
            awarded=Decimal("50000.00"),
            paid=Decimal("0.00"),
        ),
        money.CallMoney(
            call_id=contract.call_id,
            title="甲批次",
            budget=Decimal("1000000.00"),
            awarded=Decimal("90000.00"),
            paid=Decimal("20000.00"),
        ),
    ]


def test_money_by_call_keeps_the_most_recent_calls(make):
    contract, later = _money_world(make)
    assert [row.title for row in money.money_by_call(limit=1)] == ["乙批次"]


def test_call_money_chart_is_svg_with_a_name_and_the_figures_in_words(app, make):
    contract, later = _money_world(make)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        svg = str(money.call_money_chart(money.money_by_call()))
    assert svg.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-call-money" '
    )
    assert 'aria-label="各批次预算、已授予与已支付金额"' in svg
    desc = svg.split("<desc>")[1].split("</desc>")[0]
    assert desc == (
        "乙批次：预算¥1,000,000.00，已授予¥50,000.00，已支付¥0.00。 "
        "甲批次：预算¥1,000,000.00，已授予¥90,000.00，已支付¥20,000.00。"
    )
    # three bars per call, one per series, drawn to scale (350 units for the largest)
    widths = re.findall(r'<rect x="170" y="\d+" width="([\d.]+)" height="13"', svg)
    assert widths == ["350.0", "17.5", "0.5", "350.0", "31.5", "7.0"]
    assert [svg.count(f">{name}</text>") for name in ("预算", "已授予金额", "已支付")] == [1, 1, 1]


def test_dashboard_shows_the_money_table_and_chart(client, login, make):
    contract, later = _money_world(make)
    login(make.user(Role.STAFF))
    page = client.get("/staff/reports", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    table = page.split('id="call-money"')[1].split("</table>")[0]
    cells = [
        cell.split(">", 1)[1].split("<", 1)[0]
        for cell in table.split("<tbody>")[1].replace("<th", "<td").split("<td")[1:]
    ]
    assert cells == [
        "乙批次", "¥1,000,000.00", "¥50,000.00", "¥0.00",
        "甲批次", "¥1,000,000.00", "¥90,000.00", "¥20,000.00",
    ]  # fmt: skip
    assert page.count('id="chart-call-money"') == 1
