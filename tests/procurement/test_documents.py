"""Procurement PDFs: opening record, award notice, designation notice, with CJK fonts."""

from datetime import date
from decimal import Decimal

from tests.pdf_checks import cjk_problems, pdf_text
from tests.procurement import helpers
from tests.procurement.test_designation import JUSTIFICATION, values
from venture.auth.enums import Role
from venture.core.pdf import GlyphWatch
from venture.extensions import db
from venture.procurement import operations
from venture.procurement.models import Award


def test_opening_record_pdf_lists_bidders_and_prices(tmp_path, make):
    staff = make.user(Role.STAFF, name="李主管")
    tender = helpers.published_tender(staff=staff)
    bid = helpers.bid(tender, "96500.50", organization=make.org(name="香坊区晨曦社会工作服务中心"))
    helpers.opened(tender, staff)
    with GlyphWatch() as watch:
        pdf = operations.render_opening_record(tender, operations.opened_bids(tender))
    text = pdf_text(pdf, tmp_path / "opening.pdf")
    assert cjk_problems(pdf, watch, tmp_path / "o.pdf") == []
    assert "开标记录" in text
    assert "香坊区晨曦社会工作服务中心" in text and "¥96,500.50" in text
    assert bid.seal_digest[:16] in text
    assert "开标人：李主管" in text


def test_award_notice_pdf_names_winner_and_price_in_words(tmp_path, make, monkeypatch):
    from tests.procurement.test_designation import _on
    from venture.announcements.operations import finalise_announcement

    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff, ceiling="150000.00")
    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00")]
    helpers.evaluated(tender, {b: [30, 20] for b in bids}, staff=staff)
    _on(monkeypatch, date(2026, 4, 2))
    announcement = operations.publish_tender_result(
        tender, title="中标候选人公示", introduction="", period_days=3, actor=staff
    )
    _on(monkeypatch, date(2026, 4, 9))
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    award = db.session.query(Award).one()
    with GlyphWatch() as watch:
        pdf = operations.render_award_notice(tender, award)
    text = pdf_text(pdf, tmp_path / "notice.pdf")
    assert cjk_problems(pdf, watch, tmp_path / "n.pdf") == []
    assert "中标通知书" in text and bids[0].organization.name in text
    assert "¥90,000.00（人民币玖万元整）" in text
    assert tender.award_notice.sha256 is not None


def test_designation_notice_pdf_carries_the_justification(tmp_path, make):
    staff = make.user(Role.STAFF)
    call = make.call(route="targeted", staff=staff, cap_per_project="200000.00")
    designation = operations.create_designation(call, values(make.org()), actor=staff)
    with GlyphWatch() as watch:
        pdf = operations.render_designation_notice(designation)
    text = pdf_text(pdf, tmp_path / "designation.pdf")
    assert cjk_problems(pdf, watch, tmp_path / "d.pdf") == []
    assert "定向委托公示" in text and JUSTIFICATION[:20] in text
    assert "¥150,000.00" in text
    assert designation.amount == Decimal("150000.00")
